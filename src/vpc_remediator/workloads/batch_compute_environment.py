"""Batch compute environments: their jobs belong in public subnets; UpdateComputeEnvironment moves them where AWS
allows it (Fargate, or EC2 and Spot with an allocation strategy that supports infrastructure updates)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.domain.nat import CONTAINER_SERVICES, ECS_AGENT_SERVICES
from vpc_remediator.domain.workload import EgressRule, Profile, TemplateProperty, WorkloadRef
from vpc_remediator.workloads.kind import (
    CloudTrailCall,
    Lister,
    SweepListing,
    WorkloadAdapter,
    WorkloadKind,
    console_base,
    one_ref,
    quoted,
)

if TYPE_CHECKING:
    from vpc_remediator.aws.batch import BatchComputeEnvironmentAdapter
    from vpc_remediator.aws.clients import ClientFactory

BATCH = "batch.amazonaws.com"

PROFILE = Profile(
    kind="batch-compute-environment",
    rule=EgressRule.PUBLIC_IP,
    noun="compute environment",
    template=TemplateProperty(
        "AWS::Batch::ComputeEnvironment",
        "ComputeResources",
        subnets_key="Subnets",
        security_groups_key="SecurityGroupIds",
    ),
    # Its Fargate jobs take their public IP from their job definition: it has no setting of its own.
    public_ip_setting=False,
    always_reaches=CONTAINER_SERVICES + ECS_AGENT_SERVICES,
    # EC2 and Spot environments launch instances: a public subnet helps them only when it maps public IPs on launch.
    platform_rules=(("EC2", EgressRule.PUBLIC_ON_LAUNCH), ("SPOT", EgressRule.PUBLIC_ON_LAUNCH)),
    no_egress_effect="its instances get no public IP and its jobs stay RUNNABLE",
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    return one_ref(PROFILE.kind, response.get("computeEnvironmentArn") or request.get("computeEnvironment"), request)


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.batch import BatchComputeEnvironmentAdapter  # noqa: PLC0415  (only when used)

    # EC2: an EC2 or Spot environment's launch template may associate public IPs with its instances.
    return BatchComputeEnvironmentAdapter(clients.batch(), PROFILE, clients.ec2())


def _lister(clients: ClientFactory, adapter: BatchComputeEnvironmentAdapter) -> Lister:
    from vpc_remediator.aws.inventory import ComputeEnvironmentLister  # noqa: PLC0415

    return ComputeEnvironmentLister(clients.batch(), adapter).page


def batch_console_url(arn: str, region: str, resource_type: str, page: str) -> str | None:
    """A Batch console page from an ARN (<type>/<name>...), else the Batch console's home."""
    found = console_base(arn, region)
    if found is None:
        return None
    base, where, resource = found
    if resource.startswith(f"{resource_type}/"):
        return f"{base}/batch/home?region={quoted(where)}#{page}/detail/{quoted(arn)}"
    return f"{base}/batch/home?region={quoted(where)}"


def console_url(arn: str, region: str) -> str | None:
    """The compute environment's page in the Batch console."""
    return batch_console_url(arn, region, "compute-environment", "compute-environments")


KIND = WorkloadKind(
    profile=PROFILE,
    calls=(
        CloudTrailCall(BATCH, "CreateComputeEnvironment", _refs),
        CloudTrailCall(BATCH, "UpdateComputeEnvironment", _refs),
    ),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=frozenset(
        {"batch:DescribeComputeEnvironments", "batch:UpdateComputeEnvironment", "ec2:DescribeLaunchTemplateVersions"}
    ),
    sweep=SweepListing(
        "batch-compute-environments",
        _lister,
        frozenset({"batch:DescribeComputeEnvironments", "ec2:DescribeLaunchTemplateVersions"}),
    ),
)
