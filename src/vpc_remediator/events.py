"""EventBridge event → typed Trigger (checked by Powertools' parser), and the CloudTrail calls each function handles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.utilities.parser import BaseModel, Field, ValidationError, parse
from pydantic import ConfigDict

from vpc_remediator.domain.errors import InvalidEventError
from vpc_remediator.domain.guards import is_own_role
from vpc_remediator.domain.workload import WorkloadRef
from vpc_remediator.workloads import registry

CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail"
STACK_STATUS_DETAIL_TYPE = "CloudFormation Stack Status Change"

# Successful EC2 calls that can break the default VPC.
DEFAULT_VPC_BREAKING_CALLS = frozenset(
    {
        "DeleteVpc",
        "DeleteSubnet",
        "DetachInternetGateway",
        "DeleteInternetGateway",
        "DeleteRoute",
        "ReplaceRoute",
        "DisassociateRouteTable",
        "ReplaceRouteTableAssociation",
        # Associating a default subnet with a table that has no route out cuts that zone off.
        "AssociateRouteTable",
    }
)
# EC2 records its error codes with a "Client." prefix; other services do not.
NO_DEFAULT_VPC_ERROR_CODES = frozenset({"VPCIdNotSpecified", "Client.VPCIdNotSpecified"})
NO_DEFAULT_SUBNET_ERROR_CODES = frozenset({"MissingInput", "Client.MissingInput"})
NO_DEFAULT_SUBNET_MESSAGE = "No subnets found for the default VPC"
# Auto Scaling (and others) say it with their own code, e.g. ValidationError: the message is what they share.
NO_DEFAULT_VPC_MESSAGE = "No default VPC for this user"
OMITTED = "CloudTrail omitted the call's requestParameters"


@dataclass(frozen=True)
class Trigger:
    """What happened, who did it, where: the parts of an event the rules use."""

    event_id: str
    source: str
    detail_type: str
    account: str
    region: str
    time: str
    event_source: str | None = None
    event_name: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    actor: str | None = None
    role_name: str | None = None
    # The ARN of the role whose session made the call (CloudTrail's sessionIssuer.arn, with the role's path).
    role_arn: str | None = None
    invoked_by: str | None = None
    request: Mapping[str, Any] = field(default_factory=dict)
    response: Mapping[str, Any] = field(default_factory=dict)
    detail: Mapping[str, Any] = field(default_factory=dict)
    # CloudTrail left requestParameters out (too large: marked omitted) or recorded them as null.
    request_omitted: bool = False
    # A CloudFormation stack status change's new status.
    stack_status: str | None = None

    @property
    def failed(self) -> bool:
        """The recorded call failed."""
        return self.error_code is not None

    def is_own_call(self, stack_name: str, exec_role_name: str | None = None, stack_account: str | None = None) -> bool:
        """Made by one of the stack's roles (in `stack_account`, the stack's own, when given: in organization mode the
        event's account is a member's, where a role under the stack's path is anyone's), or by the organization's
        exec role when its name is given (guards.is_own_role: the rules' loop guard, checked again)."""
        return is_own_role(self.role_arn, self.actor, stack_account or self.account, stack_name, exec_role_name)


# Deeper than any CloudTrail record (an ECS task definition is about ten levels): deeper is malformed or hostile, and
# Python's own recursion (copying, hashing, logging the event) would fail on it before any rule could run.
MAX_DEPTH = 64


class _Model(BaseModel):
    # Strict: a number where text belongs is a malformed (or forged) event, never coerced. Unknown fields are ignored.
    model_config = ConfigDict(strict=True, populate_by_name=True, frozen=True)


class _SessionIssuer(_Model):
    user_name: str | None = Field(None, alias="userName")
    # The role's ARN, with its path: the loop guard knows the stack's roles by it.
    arn: str | None = None


class _SessionContext(_Model):
    session_issuer: _SessionIssuer | None = Field(None, alias="sessionIssuer")


class _UserIdentity(_Model):
    arn: str | None = None
    invoked_by: str | None = Field(None, alias="invokedBy")
    principal_id: str | None = Field(None, alias="principalId")
    session_context: _SessionContext | None = Field(None, alias="sessionContext")


class CloudTrailDetail(_Model):
    """The fields of a CloudTrail record ("AWS API Call via CloudTrail") that the rules read, and nothing else."""

    event_id: str | None = Field(None, alias="eventID")
    event_source: str | None = Field(None, alias="eventSource")
    event_name: str = Field(alias="eventName", min_length=1)
    event_time: str | None = Field(None, alias="eventTime")
    error_code: str | None = Field(None, alias="errorCode")
    error_message: str | None = Field(None, alias="errorMessage")
    invoked_by: str | None = Field(None, alias="invokedBy")
    user_identity: _UserIdentity | None = Field(None, alias="userIdentity")
    # Kept as they are: each workload kind reads its own call's fields (workloads/), defensively.
    request_parameters: dict[str, Any] | None = Field(None, alias="requestParameters")
    response_elements: dict[str, Any] | None = Field(None, alias="responseElements")
    omitted: bool | str | None = None


class _StatusDetails(_Model):
    status: str | None = None


class OtherDetail(_Model):
    """The fields read from other events' details: a stack's status; a sweep reads its continuation's own fields."""

    event_id: str | None = Field(None, alias="eventID")
    event_time: str | None = Field(None, alias="eventTime")
    status_details: _StatusDetails | None = Field(None, alias="status-details")


class EventBridgeEvent(_Model):
    """The envelope fields the functions read; `detail` is checked by the model of its detail-type."""

    id: str = Field(min_length=1)
    source: str
    detail_type: str = Field(alias="detail-type")
    account: str
    region: str
    time: str | None = None
    detail: dict[str, Any]


def nesting_depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply objects and arrays nest in `value`, counted without recursion and only up to `limit` + 1."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, Mapping) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _problem(exc: ValidationError, prefix: str = "") -> str:
    """Pydantic's complaints as `missing a, b; where: what` (never the values: the event may carry anything)."""
    errors = exc.errors(include_url=False, include_input=False)
    where = [prefix + ".".join(str(part) for part in error["loc"]) for error in errors]
    missing = [name for name, error in zip(where, errors, strict=True) if error["type"] == "missing"]
    wrong = [f"{name}: {error['msg']}" for name, error in zip(where, errors, strict=True) if error["type"] != "missing"]
    problems = ([f"missing {', '.join(missing)}"] if missing else []) + wrong[:3]
    more = len(wrong) - 3
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def _is_omitted(detail: CloudTrailDetail) -> bool:
    # CloudTrail truncates a field larger than its maximum size and marks it "omitted": true.
    request = detail.request_parameters
    marks = ((request or {}).get("omitted"), detail.omitted)
    return request is None or any(mark in (True, "true") for mark in marks)


def _envelope(event: Any) -> EventBridgeEvent:
    if not isinstance(event, Mapping):
        raise InvalidEventError("an EventBridge event must be a JSON object")
    if nesting_depth(event) > MAX_DEPTH:
        raise InvalidEventError(f"the event nests objects or arrays more than {MAX_DEPTH} levels deep")
    try:
        return parse(event=dict(event), model=EventBridgeEvent)
    except ValidationError as exc:
        raise InvalidEventError(f"not an EventBridge event: {_problem(exc)}") from exc


def parse_event(event: Any) -> Trigger:
    """Validate an EventBridge event and extract its Trigger; raise InvalidEventError naming what is wrong."""
    envelope = _envelope(event)
    if envelope.detail_type != CLOUDTRAIL_DETAIL_TYPE:
        try:
            other = parse(event=envelope.detail, model=OtherDetail)
        except ValidationError as exc:
            raise InvalidEventError(f"not a valid event: {_problem(exc, 'detail.')}") from exc
        return Trigger(
            # EventBridge's id for events other than CloudTrail's (stack status, schedules, continuations).
            event_id=other.event_id or envelope.id,
            source=envelope.source,
            detail_type=envelope.detail_type,
            account=envelope.account,
            region=envelope.region,
            time=envelope.time or other.event_time or "",
            detail=envelope.detail,
            stack_status=other.status_details.status if other.status_details else None,
        )
    try:
        detail = parse(event=envelope.detail, model=CloudTrailDetail)
    except ValidationError as exc:
        raise InvalidEventError(f"not a CloudTrail record: {_problem(exc, 'detail.')}") from exc
    identity = detail.user_identity
    context = identity.session_context if identity else None
    issuer = context.session_issuer if context else None
    return Trigger(
        # CloudTrail's eventID survives re-delivery; EventBridge's id is the fallback.
        event_id=detail.event_id or envelope.id,
        source=envelope.source,
        detail_type=envelope.detail_type,
        account=envelope.account,
        region=envelope.region,
        time=envelope.time or detail.event_time or "",
        event_source=detail.event_source,
        event_name=detail.event_name,
        error_code=detail.error_code,
        error_message=detail.error_message,
        actor=(identity.arn or identity.invoked_by or identity.principal_id) if identity else None,
        role_name=issuer.user_name if issuer else None,
        role_arn=issuer.arn if issuer else None,
        invoked_by=(identity.invoked_by if identity else None) or detail.invoked_by,
        request=detail.request_parameters or {},
        response=detail.response_elements or {},
        detail=envelope.detail,
        request_omitted=_is_omitted(detail),
    )


def default_vpc_relevance(trigger: Trigger) -> str | None:
    """Why this trigger calls for a default-VPC check, or None when it does not."""
    if trigger.detail_type == STACK_STATUS_DETAIL_TYPE:
        status = trigger.stack_status
        return f"the stack reached {status}" if status else None
    if trigger.detail_type != CLOUDTRAIL_DETAIL_TYPE:
        return None
    if trigger.failed:
        message = trigger.error_message or ""
        if trigger.error_code in NO_DEFAULT_VPC_ERROR_CODES or message.startswith(NO_DEFAULT_VPC_MESSAGE):
            return f"{trigger.event_name} failed with {trigger.error_code}: {message or 'No default VPC'}"
        if trigger.error_code in NO_DEFAULT_SUBNET_ERROR_CODES and message.startswith(NO_DEFAULT_SUBNET_MESSAGE):
            return f"{trigger.event_name} failed: {message}"
        return None
    if trigger.event_source == "ec2.amazonaws.com" and trigger.event_name in DEFAULT_VPC_BREAKING_CALLS:
        return f"{trigger.event_name} can break the default VPC"
    return None


def placement_refs(trigger: Trigger) -> tuple[list[WorkloadRef], str | None]:
    """The workloads a placement call created or changed, or none and the reason it is not one to check.

    Which calls place which kind, and where their identifiers are, is each kind's declaration (workloads/).
    """
    found = registry.call_for(trigger.event_source, trigger.event_name)
    if found is None:
        return [], f"{trigger.event_name or trigger.detail_type} is not a call that places a workload"
    kind, call = found
    delegated = call.delegated.get(trigger.invoked_by or "")
    if delegated:
        return [], f"{trigger.event_name} {delegated}, not each {kind.profile.noun} it starts"
    # Without the request nothing says the call left the network alone: read the workload and decide.
    if call.places_when is not None and not trigger.request_omitted and not call.places_when(trigger.request):
        return [], call.not_placing_reason
    refs = call.refs(trigger.request, trigger.response)
    if not refs and trigger.request_omitted:
        return [], f"{OMITTED}, and its responseElements name no {kind.name}: the sweep will check it"
    if not refs:
        return [], f"{trigger.event_name} names no {kind.name} in its response"
    elsewhere = next(filter(None, (_elsewhere(ref.identifier, trigger) for ref in refs)), None)
    if elsewhere:
        return [], elsewhere
    return refs, None


def _elsewhere(identifier: str, trigger: Trigger) -> str | None:
    """Why an ARN in the record is not the event's to check: a call is recorded in the account and region it was made
    in, so a workload of another one is a forged or broken record. Its name would be read (and changed) here, where
    another workload may bear it (a describe by ARN may even answer for a resource shared with this account)."""
    parts = identifier.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    account, region = parts[4], parts[3]
    if account and account != trigger.account:
        return f"{trigger.event_name} names {identifier}, of account {account}, not {trigger.account}: not checked here"
    if region and region != trigger.region:
        return f"{trigger.event_name} names {identifier}, of region {region}, not {trigger.region}: not checked here"
    return None


def repeated_as(trigger: Trigger) -> str:
    """What makes this call one of a caller's repeated calls, as its report says it."""
    found = registry.call_for(trigger.event_source, trigger.event_name)
    return found[1].repeated_as if found else f"made the same {trigger.event_name} call"


def report_group(trigger: Trigger) -> str | None:
    """For calls made again and again: the caller and what the call's kind says makes two calls the same."""
    found = registry.call_for(trigger.event_source, trigger.event_name)
    if found is None or found[1].report_group is None or trigger.request_omitted:
        return None
    group = found[1].report_group(trigger.request, trigger.response)
    if group is None:
        return None
    # The role, not the session: a scheduler's sessions differ on every call.
    caller = trigger.role_name or trigger.actor or "unknown caller"
    via = f" via {trigger.invoked_by}" if trigger.invoked_by else ""
    return f"{trigger.event_name}|{caller}{via}|{group}"
