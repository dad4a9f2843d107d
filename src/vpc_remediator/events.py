"""EventBridge event → typed Trigger, and the table of CloudTrail calls each function reacts to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vpc_remediator.domain.errors import InvalidEventError
from vpc_remediator.domain.workload import WorkloadKind, WorkloadRef

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
    }
)
# EC2 records its error codes with a "Client." prefix; other services do not.
NO_DEFAULT_VPC_ERROR_CODES = frozenset({"VPCIdNotSpecified", "Client.VPCIdNotSpecified"})
NO_DEFAULT_SUBNET_ERROR_CODES = frozenset({"MissingInput", "Client.MissingInput"})
NO_DEFAULT_SUBNET_MESSAGE = "No subnets found for the default VPC"


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
    invoked_by: str | None = None
    request: Mapping[str, Any] = field(default_factory=dict)
    response: Mapping[str, Any] = field(default_factory=dict)
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """The recorded call failed."""
        return self.error_code is not None

    def is_own_call(self, stack_name: str) -> bool:
        """Made by one of the stack's roles, whose names all start with '<stack name>-' (loop guard)."""
        prefix = f"{stack_name}-"
        if self.role_name is not None and self.role_name.startswith(prefix):
            return True
        return self.actor is not None and f":assumed-role/{prefix}" in self.actor


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


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
        invoked_by=identity.get("invokedBy") or detail.get("invokedBy"),
        request=_mapping(detail.get("requestParameters")),
        response=_mapping(detail.get("responseElements")),
        detail=detail,
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
        if trigger.error_code in NO_DEFAULT_VPC_ERROR_CODES:
            return f"{trigger.event_name} failed with {trigger.error_code}: {message or 'No default VPC'}"
        if trigger.error_code in NO_DEFAULT_SUBNET_ERROR_CODES and message.startswith(NO_DEFAULT_SUBNET_MESSAGE):
            return f"{trigger.event_name} failed: {message}"
        return None
    if trigger.event_source == "ec2.amazonaws.com" and trigger.event_name in DEFAULT_VPC_BREAKING_CALLS:
        return f"{trigger.event_name} can break the default VPC"
    return None


# Workload placement: (eventSource, eventName or its prefix) → the kind of workload the call creates or changes.
# Lambda's CloudTrail names carry API version suffixes (CreateFunction20150331): match them by prefix.
PLACEMENT_CALLS: dict[tuple[str, str], WorkloadKind] = {
    ("ecs.amazonaws.com", "CreateService"): WorkloadKind.ECS_SERVICE,
    ("ecs.amazonaws.com", "UpdateService"): WorkloadKind.ECS_SERVICE,
    ("ecs.amazonaws.com", "CreateTaskSet"): WorkloadKind.ECS_TASK_SET,
    ("ecs.amazonaws.com", "RunTask"): WorkloadKind.ECS_TASK,
    ("batch.amazonaws.com", "CreateComputeEnvironment"): WorkloadKind.BATCH_COMPUTE_ENVIRONMENT,
    ("batch.amazonaws.com", "UpdateComputeEnvironment"): WorkloadKind.BATCH_COMPUTE_ENVIRONMENT,
    ("batch.amazonaws.com", "RegisterJobDefinition"): WorkloadKind.BATCH_JOB_DEFINITION,
    ("lambda.amazonaws.com", "CreateFunction"): WorkloadKind.LAMBDA_FUNCTION,
    ("lambda.amazonaws.com", "UpdateFunctionConfiguration"): WorkloadKind.LAMBDA_FUNCTION,
}
_LAMBDA_PREFIXES = ("CreateFunction", "UpdateFunctionConfiguration")


def placement_call(trigger: Trigger) -> str | None:
    """The PLACEMENT_CALLS name of the trigger's call (Lambda's without its version suffix), or None."""
    name = trigger.event_name or ""
    if trigger.event_source == "lambda.amazonaws.com":
        name = next((prefix for prefix in _LAMBDA_PREFIXES if name.startswith(prefix)), name)
    return name if (str(trigger.event_source), name) in PLACEMENT_CALLS else None


def _event_tags(raw: Any) -> dict[str, str]:
    # ECS spells tags [{"key": k, "value": v}]; Batch and Lambda {k: v}.
    if isinstance(raw, Mapping):
        return {str(key): str(value) for key, value in raw.items()}
    if isinstance(raw, list):
        return {str(item.get("key")): str(item.get("value", "")) for item in raw if isinstance(item, Mapping)}
    return {}


def _awsvpc(request: Mapping[str, Any]) -> Mapping[str, Any] | None:
    config = _mapping(_mapping(request.get("networkConfiguration")).get("awsvpcConfiguration"))
    return config or None


def placement_refs(trigger: Trigger) -> tuple[list[WorkloadRef], str | None]:
    """The workloads a placement call created or changed, or none and the reason it is not one to check."""
    call = placement_call(trigger)
    if call is None:
        return [], f"{trigger.event_name or trigger.detail_type} is not a call that places a workload"
    kind = PLACEMENT_CALLS[(str(trigger.event_source), call)]
    request, response = trigger.request, trigger.response
    tags = _event_tags(request.get("tags"))
    if call == "UpdateService" and _awsvpc(request) is None:
        return [], "UpdateService did not change the service's network configuration"
    if kind is WorkloadKind.ECS_SERVICE:
        described = _mapping(response.get("service"))
        identifier = described.get("serviceArn") or request.get("service") or request.get("serviceName")
        cluster = described.get("clusterArn") or request.get("cluster")
        refs = [WorkloadRef(kind, str(identifier), cluster=cluster, tags=tags)] if identifier else []
    elif kind is WorkloadKind.ECS_TASK_SET:
        task_set = _mapping(response.get("taskSet"))
        identifier = task_set.get("taskSetArn")
        cluster = task_set.get("clusterArn") or request.get("cluster")
        service = task_set.get("serviceArn") or request.get("service")
        refs = [WorkloadRef(kind, str(identifier), cluster=cluster, service=service, tags=tags)] if identifier else []
    elif kind is WorkloadKind.ECS_TASK:
        tasks = response.get("tasks")
        tasks = tasks if isinstance(tasks, list) else []
        refs = [
            WorkloadRef(
                kind,
                str(task["taskArn"]),
                cluster=task.get("clusterArn") or request.get("cluster"),
                tags=tags,
                network=_awsvpc(request),
            )
            for task in tasks
            if isinstance(task, Mapping) and task.get("taskArn")
        ]
    elif kind is WorkloadKind.BATCH_COMPUTE_ENVIRONMENT:
        identifier = response.get("computeEnvironmentArn") or request.get("computeEnvironment")
        refs = [WorkloadRef(kind, str(identifier), tags=tags)] if identifier else []
    elif kind is WorkloadKind.BATCH_JOB_DEFINITION:
        identifier = response.get("jobDefinitionArn")
        refs = [WorkloadRef(kind, str(identifier), tags=tags)] if identifier else []
    else:
        identifier = response.get("functionArn") or request.get("functionName")
        refs = [WorkloadRef(kind, str(identifier), tags=tags)] if identifier else []
    if not refs:
        return [], f"{trigger.event_name} names no {kind.value} in its response"
    return refs, None
