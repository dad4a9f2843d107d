"""ECS tasks started by RunTask: never re-networked or stopped; the report gives the corrected next run."""

from __future__ import annotations

import hashlib
import json
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
    kind="ecs-task",
    rule=EgressRule.PUBLIC_IP,
    noun="task",
    template=TemplateProperty(
        "the resource that runs the task", "NetworkConfiguration.AwsvpcConfiguration", **ECS_TEMPLATE_KEYS
    ),
    always_reaches=CONTAINER_SERVICES,
    platform_rules=ECS_PLATFORM_RULES,
    no_public_ip=ECS_NO_PUBLIC_IP,
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    tasks = response.get("tasks")
    tags = event_tags(request.get("tags"))
    # The request's awsvpcConfiguration is the task's network: DescribeTasks only names its subnet.
    network = mapping(mapping(request.get("networkConfiguration")).get("awsvpcConfiguration")) or None
    return [
        WorkloadRef(
            PROFILE.kind,
            task["taskArn"],
            cluster=task.get("clusterArn") or request.get("cluster"),
            tags=tags,
            network=network,
        )
        for task in (tasks if isinstance(tasks, list) else [])
        if isinstance(task, Mapping) and task.get("taskArn")
    ]


def _report_group(request: Mapping[str, Any], response: Mapping[str, Any]) -> str | None:
    """Tasks of one task definition family started with one network are the same decision: family + network."""
    definition = str(request.get("taskDefinition") or "")
    family = definition.rsplit("/", 1)[-1].split(":", 1)[0]
    if not family:
        return None
    network = json.dumps(request.get("networkConfiguration"), sort_keys=True)
    return f"{family}/{hashlib.sha256(network.encode()).hexdigest()[:16]}"


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.ecs import EcsTaskAdapter  # noqa: PLC0415  (each service's code only when used)

    return EcsTaskAdapter(clients.ecs(), PROFILE)


def console_url(arn: str, region: str) -> str | None:
    """The task's configuration page (task/<cluster>/<id>)."""
    return ecs_console_url(arn, region, "task", "tasks", "configuration")


KIND = WorkloadKind(
    profile=PROFILE,
    calls=(
        CloudTrailCall(
            ECS,
            "RunTask",
            _refs,
            report_group=_report_group,
            delegated={"batch.amazonaws.com": "started by AWS Batch: its compute environment's network is checked"},
        ),
    ),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=frozenset({"ecs:DescribeTasks", "ecs:DescribeTaskDefinition", "ecs:DescribeClusters"}),
)
