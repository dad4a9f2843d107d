"""EventBridge event → typed Trigger, and the table of CloudTrail calls each function reacts to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vpc_remediator.domain.errors import InvalidEventError
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

    @property
    def failed(self) -> bool:
        """The recorded call failed."""
        return self.error_code is not None

    def is_own_call(self, stack_name: str) -> bool:
        """Made by one of the stack's roles: a role of this account under the path /vpc-remediator/<stack name>/
        (the template's RolePath), as the rules' loop guard says. Not a name prefix: CloudFormation cuts long stack
        names short in the names it generates, and another stack's roles may share a prefix."""
        parts = (self.role_arn or "").split(":", 5)
        return (
            len(parts) == 6
            and parts[2] == "iam"
            and parts[4] == self.account
            and parts[5].startswith(f"role/vpc-remediator/{stack_name}/")
        )


# The fields the rules compare as text: another type is a malformed (or forged) event, not a call to act on.
_TEXT_FIELDS = ("eventID", "eventSource", "eventName", "errorCode", "errorMessage")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _is_omitted(detail: Mapping[str, Any]) -> bool:
    # CloudTrail truncates a field larger than its maximum size and marks it "omitted": true.
    request = detail.get("requestParameters")
    marks = (_mapping(request).get("omitted"), detail.get("omitted"))
    return request is None or any(mark in (True, "true") for mark in marks)


def parse_event(event: Any) -> Trigger:
    """Validate an EventBridge event and extract its Trigger; raise InvalidEventError naming what is wrong."""
    if not isinstance(event, Mapping):
        raise InvalidEventError("an EventBridge event must be a JSON object")
    missing = [key for key in ("id", "source", "detail-type", "account", "region", "detail") if key not in event]
    if missing:
        raise InvalidEventError(f"not an EventBridge event: missing {', '.join(missing)}")
    detail = event["detail"]
    if not isinstance(detail, Mapping):
        raise InvalidEventError("not an EventBridge event: 'detail' must be an object")
    identity = _mapping(detail.get("userIdentity"))
    issuer = _mapping(_mapping(identity.get("sessionContext")).get("sessionIssuer"))
    is_cloudtrail = event["detail-type"] == CLOUDTRAIL_DETAIL_TYPE
    if is_cloudtrail and not detail.get("eventName"):
        raise InvalidEventError("CloudTrail event without detail.eventName")
    wrong = [key for key in _TEXT_FIELDS if detail.get(key) is not None and not isinstance(detail[key], str)]
    if wrong:
        raise InvalidEventError(f"not a CloudTrail record: detail.{', detail.'.join(wrong)} must be text")
    return Trigger(
        # CloudTrail's eventID survives re-delivery; EventBridge's id is the fallback for other events.
        event_id=str(detail.get("eventID") or event["id"]),
        source=str(event["source"]),
        detail_type=str(event["detail-type"]),
        account=str(event["account"]),
        region=str(event["region"]),
        time=str(event.get("time") or detail.get("eventTime") or ""),
        event_source=detail.get("eventSource"),
        event_name=detail.get("eventName"),
        error_code=detail.get("errorCode"),
        error_message=detail.get("errorMessage"),
        actor=identity.get("arn") or identity.get("invokedBy") or identity.get("principalId"),
        role_name=issuer.get("userName"),
        role_arn=issuer.get("arn") if isinstance(issuer.get("arn"), str) else None,
        invoked_by=identity.get("invokedBy") or detail.get("invokedBy"),
        request=_mapping(detail.get("requestParameters")),
        response=_mapping(detail.get("responseElements")),
        detail=detail,
        request_omitted=is_cloudtrail and _is_omitted(detail),
    )


def default_vpc_relevance(trigger: Trigger) -> str | None:
    """Why this trigger calls for a default-VPC check, or None when it does not."""
    if trigger.detail_type == STACK_STATUS_DETAIL_TYPE:
        status = _mapping(trigger.detail.get("status-details")).get("status")
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
    return refs, None


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
