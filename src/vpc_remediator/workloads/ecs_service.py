"""ECS services: containers in awsvpc mode belong in public subnets with a public IP; UpdateService fixes them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.domain.nat import CONTAINER_SERVICES
from vpc_remediator.domain.workload import EgressRule, Profile, TemplateProperty, WorkloadRef
from vpc_remediator.workloads.kind import (
    CloudTrailCall,
    Lister,
    SweepListing,
    WorkloadAdapter,
    WorkloadKind,
    console_base,
    mapping,
    one_ref,
    quoted,
)

if TYPE_CHECKING:
    from vpc_remediator.aws.clients import ClientFactory
    from vpc_remediator.aws.ecs import EcsServiceAdapter

ECS = "ecs.amazonaws.com"
# What every kind of ECS template property spells its network keys as.
ECS_TEMPLATE_KEYS = {
    "subnets_key": "Subnets",
    "security_groups_key": "SecurityGroups",
    "public_ip_key": "AssignPublicIp",
}

# Egress by platform: Fargate tasks can own a public IP; awsvpc tasks on EC2 capacity never get one (ECS refuses
# assignPublicIp ENABLED there: "Assign public IP is not supported for this launch type"), so they need private
# subnets with egress, like Lambda; ECS Anywhere (EXTERNAL) runs on its own servers' network.
ECS_PLATFORM_RULES = (
    ("EC2", EgressRule.PRIVATE_ONLY),
    ("EXTERNAL", EgressRule.NOT_OURS),
    ("mixed", EgressRule.NOT_OURS),
)
ECS_NO_PUBLIC_IP = "an awsvpc task on EC2 capacity never gets a public IP (ECS refuses assignPublicIp ENABLED there)"

PROFILE = Profile(
    kind="ecs-service",
    rule=EgressRule.PUBLIC_IP,
    noun="service",
    template=TemplateProperty("AWS::ECS::Service", "NetworkConfiguration.AwsvpcConfiguration", **ECS_TEMPLATE_KEYS),
    always_reaches=CONTAINER_SERVICES,
    platform_rules=ECS_PLATFORM_RULES,
    no_public_ip=ECS_NO_PUBLIC_IP,
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    described = mapping(response.get("service"))
    identifier = described.get("serviceArn") or request.get("service") or request.get("serviceName")
    return one_ref(PROFILE.kind, identifier, request, cluster=described.get("clusterArn") or request.get("cluster"))


def _changes_network(request: Mapping[str, Any]) -> bool:
    return bool(mapping(mapping(request.get("networkConfiguration")).get("awsvpcConfiguration")))


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.ecs import EcsServiceAdapter  # noqa: PLC0415  (each service's code only when used)

    return EcsServiceAdapter(clients.ecs(), PROFILE)


def _lister(clients: ClientFactory, adapter: EcsServiceAdapter) -> Lister:
    from vpc_remediator.aws.inventory import EcsServiceLister  # noqa: PLC0415

    return EcsServiceLister(clients.ecs(), adapter).page


def ecs_console_url(arn: str, region: str, resource_type: str, collection: str, page: str) -> str | None:
    """An ECS console page from a long-format ARN (<type>/<cluster>/<name>...), else the clusters list."""
    found = console_base(arn, region)
    if found is None:
        return None
    base, where, resource = found
    parts = resource.split("/")
    if parts[0] == resource_type and len(parts) >= 3:
        cluster, name = quoted(parts[1]), quoted(parts[2])
        return f"{base}/ecs/v2/clusters/{cluster}/{collection}/{name}/{page}?region={quoted(where)}"
    return f"{base}/ecs/v2/clusters?region={quoted(where)}"


def console_url(arn: str, region: str) -> str | None:
    """The service's health page (service/<cluster>/<name>)."""
    return ecs_console_url(arn, region, "service", "services", "health")


KIND = WorkloadKind(
    profile=PROFILE,
    calls=(
        CloudTrailCall(ECS, "CreateService", _refs),
        CloudTrailCall(
            ECS,
            "UpdateService",
            _refs,
            places_when=_changes_network,
            not_placing_reason="UpdateService did not change the service's network configuration",
        ),
    ),
    adapter=_adapter,
    console_url=console_url,
    # DescribeClusters: the cluster's default capacity provider strategy, when a service names no platform.
    iam_actions=frozenset(
        {"ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:DescribeClusters", "ecs:UpdateService"}
    ),
    sweep=SweepListing(
        "ecs-services",
        _lister,
        frozenset(
            {
                "ecs:ListClusters",
                "ecs:ListServices",
                "ecs:DescribeServices",
                "ecs:DescribeTaskDefinition",
                "ecs:DescribeClusters",
            }
        ),
    ),
)
