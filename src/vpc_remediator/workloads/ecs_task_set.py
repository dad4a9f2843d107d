"""ECS task sets (external deployments): their network cannot change; the report gives the replacement task set."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.domain.nat import CONTAINER_SERVICES
from vpc_remediator.domain.workload import EgressRule, Profile, TemplateProperty, WorkloadRef
from vpc_remediator.workloads.ecs_service import (
    ECS,
    ECS_NO_PUBLIC_IP,
    ECS_PLATFORM_RULES,
    ECS_TEMPLATE_KEYS,
    ecs_console_url,
)
from vpc_remediator.workloads.kind import (
    CloudTrailCall,
    WorkloadAdapter,
    WorkloadKind,
    event_tags,
    mapping,
)

if TYPE_CHECKING:
    from vpc_remediator.aws.clients import ClientFactory

PROFILE = Profile(
    kind="ecs-task-set",
    rule=EgressRule.PUBLIC_IP,
    noun="task set",
    template=TemplateProperty("AWS::ECS::TaskSet", "NetworkConfiguration.AwsVpcConfiguration", **ECS_TEMPLATE_KEYS),
    always_reaches=CONTAINER_SERVICES,
    platform_rules=ECS_PLATFORM_RULES,
    no_public_ip=ECS_NO_PUBLIC_IP,
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    task_set = mapping(response.get("taskSet"))
    identifier = task_set.get("taskSetArn")
    if not identifier:
        return []
    cluster = task_set.get("clusterArn") or request.get("cluster")
    service = task_set.get("serviceArn") or request.get("service")
    tags = event_tags(request.get("tags"))
    return [WorkloadRef(PROFILE.kind, identifier, cluster=cluster, service=service, tags=tags)]


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.ecs import EcsTaskSetAdapter  # noqa: PLC0415  (each service's code only when used)

    return EcsTaskSetAdapter(clients.ecs(), PROFILE)


def console_url(arn: str, region: str) -> str | None:
    """The deployments page of the task set's service (task-set/<cluster>/<service>/<id>)."""
    return ecs_console_url(arn, region, "task-set", "services", "deployments")


KIND = WorkloadKind(
    profile=PROFILE,
    calls=(CloudTrailCall(ECS, "CreateTaskSet", _refs),),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=frozenset({"ecs:DescribeTaskSets", "ecs:DescribeTaskDefinition", "ecs:DescribeClusters"}),
)
