"""EC2 Auto Scaling groups: their instances get egress in public subnets only with a public IP (the subnet maps one on
launch, or the launch template associates one), otherwise in private subnets with egress; UpdateAutoScalingGroup
moves the group's subnets for the instances it launches next (none is terminated or refreshed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

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
    from vpc_remediator.aws.autoscaling import AutoScalingGroupAdapter
    from vpc_remediator.aws.clients import ClientFactory

AUTOSCALING = "autoscaling.amazonaws.com"
# What an instance's agent reaches to be managed at all (Systems Manager), whatever runs on it.
INSTANCE_SERVICES = ("ssm", "ssmmessages", "ec2messages")

PROFILE = Profile(
    kind="autoscaling-group",
    rule=EgressRule.PUBLIC_ON_LAUNCH,
    noun="Auto Scaling group",
    # VPCZoneIdentifier is a property of its own (a list of subnet ids in templates); the groups are the template's.
    template=TemplateProperty("AWS::AutoScaling::AutoScalingGroup", "Properties", subnets_key="VPCZoneIdentifier"),
    # The public IP is the subnet's or the launch template's: the group itself has no such setting.
    public_ip_setting=False,
    always_reaches=INSTANCE_SERVICES,
    no_egress_effect="its instances get no public IP and no egress (no updates, no AWS APIs without endpoints)",
)

# Groups made and kept by other services: they are checked through what owns them.
DELEGATED = {
    "eks.amazonaws.com": "made by EKS for a managed node group: the node group is checked",
    "batch.amazonaws.com": "made by AWS Batch for a compute environment: the compute environment is checked",
}


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    # CloudTrail records Auto Scaling's query parameters with a lower-case first letter; the response is empty.
    return one_ref(PROFILE.kind, request.get("autoScalingGroupName"), request)


def _changes_subnets(request: Mapping[str, Any]) -> bool:
    return bool(request.get("vPCZoneIdentifier"))


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.autoscaling import AutoScalingGroupAdapter  # noqa: PLC0415  (only when used)

    return AutoScalingGroupAdapter(clients.autoscaling(), clients.ec2(), PROFILE)


def _lister(clients: ClientFactory, adapter: AutoScalingGroupAdapter) -> Lister:
    from vpc_remediator.aws.autoscaling import AutoScalingGroupLister  # noqa: PLC0415

    return AutoScalingGroupLister(clients.autoscaling(), adapter).page


def console_url(arn: str, region: str) -> str | None:
    """The group's page in the EC2 console (…:autoScalingGroupName/<name>)."""
    found = console_base(arn, region)
    if found is None:
        return None
    base, where, resource = found
    marker = "autoScalingGroupName/"
    if marker not in resource:
        return f"{base}/ec2/home?region={quoted(where)}#AutoScalingGroups:"
    name = resource.split(marker, 1)[1]
    return f"{base}/ec2/home?region={quoted(where)}#AutoScalingGroupDetails:id={quoted(name)};view=details"


# Reading a group reads its launch template's version (or its launch configuration) for the public IP and groups.
READS = frozenset(
    {
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeLaunchConfigurations",
        "ec2:DescribeLaunchTemplateVersions",
    }
)

KIND = WorkloadKind(
    profile=PROFILE,
    calls=(
        CloudTrailCall(
            AUTOSCALING,
            "CreateAutoScalingGroup",
            _refs,
            places_when=_changes_subnets,
            not_placing_reason="CreateAutoScalingGroup named no subnets (VPCZoneIdentifier): the group runs in the "
            "default VPC's default subnets, which map public IPs on launch",
            delegated=DELEGATED,
        ),
        CloudTrailCall(
            AUTOSCALING,
            "UpdateAutoScalingGroup",
            _refs,
            places_when=_changes_subnets,
            not_placing_reason="UpdateAutoScalingGroup did not change the group's subnets (VPCZoneIdentifier)",
            delegated=DELEGATED,
        ),
    ),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=READS | {"autoscaling:UpdateAutoScalingGroup"},
    sweep=SweepListing("autoscaling-groups", _lister, READS),
)
