"""EC2 Auto Scaling adapter: a group's subnets and its instances' launch network as a Workload value, moved by
UpdateAutoScalingGroup (VPCZoneIdentifier only: new instances use it; no instance is terminated or refreshed)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.aws.launch_templates import LaunchNetwork, configuration_network, template_network
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_autoscaling import AutoScalingClient
    from mypy_boto3_ec2 import EC2Client

# Groups another service made and keeps: a change here would be drift that service reverts (EKS tags the groups of
# its managed node groups). A tag anyone may set: at worst it keeps a group from being changed, never the reverse.
MANAGED_BY = {
    "eks:nodegroup-name": "the Auto Scaling group of an EKS managed node group: EKS owns its subnets",
}
# An instance on its way out or gone does not pin a zone.
LEAVING = ("Terminating", "Terminated", "Detaching", "Detached")
DESCRIBE_PAGE = 100


def group_name(identifier: str) -> str:
    """The group's name from its ARN (…:autoScalingGroupName/<name>), or the name itself."""
    marker = ":autoScalingGroupName/"
    return identifier.split(marker, 1)[1] if marker in identifier else identifier


def subnet_list(vpc_zone_identifier: str | None) -> tuple[str, ...]:
    """VPCZoneIdentifier is one comma-separated string of subnet ids."""
    return tuple(item.strip() for item in (vpc_zone_identifier or "").split(",") if item.strip())


class AutoScalingGroupAdapter:
    """Describes Auto Scaling groups (with their launch template or configuration) and updates their subnets."""

    def __init__(self, autoscaling: AutoScalingClient, ec2: EC2Client, profile: Profile) -> None:
        self._autoscaling = autoscaling
        self._ec2 = ec2
        self._profile = profile

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the group the ref names (by name or ARN)."""
        name = group_name(ref.identifier)
        with translated("autoscaling:DescribeAutoScalingGroups"):
            found = self._autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
        if not found:
            raise ResourceNotFoundError(f"Auto Scaling group {name} not found")
        return self.group_workload(found[0], ref.tags)

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again (verification after a write)."""
        return self.load(WorkloadRef(workload.kind, arn))

    def launch_network(self, group: Mapping[str, Any]) -> LaunchNetwork:
        """Where its instances' public IP and security groups come from: its launch template, the launch template of
        its mixed instances policy, or its launch configuration."""
        if group.get("LaunchTemplate"):
            return template_network(self._ec2, group["LaunchTemplate"])
        mixed = (group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {}
        if mixed:
            network = template_network(self._ec2, mixed.get("LaunchTemplateSpecification") or {})
            if any(item.get("LaunchTemplateSpecification") for item in mixed.get("Overrides") or []):
                # Some instance types launch from other templates: their groups and public IP are not read here.
                unknown = "some of its mixed instances policy's overrides launch from other launch templates"
                return LaunchNetwork(None, (), unknown, network.source)
            return network
        if group.get("LaunchConfigurationName"):
            return configuration_network(self._autoscaling, group["LaunchConfigurationName"])
        return LaunchNetwork(groups_unknown="it names no launch template or configuration")

    def group_workload(self, group: Mapping[str, Any], extra_tags: Mapping[str, str] | None = None) -> Workload:
        """A group as DescribeAutoScalingGroups returns it, as a Workload."""
        raw: dict[str, Any] = dict(group)
        tags = {str(tag.get("Key")): str(tag.get("Value", "")) for tag in raw.get("Tags", [])}
        owner = next((why for key, why in MANAGED_BY.items() if key in tags), None)
        network = self.launch_network(raw)
        instances = [item for item in raw.get("Instances", []) if item.get("LifecycleState") not in LEAVING]
        return Workload(
            profile=self._profile,
            arn=raw["AutoScalingGroupARN"],
            name=raw.get("AutoScalingGroupName", ""),
            subnet_ids=subnet_list(raw.get("VPCZoneIdentifier")),
            security_group_ids=network.security_groups,
            tags={**tags, **(extra_tags or {})},
            raw=raw,
            launch_template_public_ip=network.public_ip,
            groups_elsewhere=network.groups_unknown,
            can_change_in_place=owner is None,
            not_in_place_reason=owner,
            keep_zones=tuple(sorted({str(item.get("AvailabilityZone")) for item in instances})),
        )

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """UpdateAutoScalingGroup with the new VPCZoneIdentifier only, and its undo."""
        name = workload.name or group_name(workload.arn)
        params = {"AutoScalingGroupName": name, "VPCZoneIdentifier": ",".join(plan.subnet_ids)}
        undo = (
            f"aws autoscaling update-auto-scaling-group --auto-scaling-group-name {shlex.quote(name)}"
            f" --vpc-zone-identifier {shlex.quote(','.join(workload.subnet_ids))}"
        )
        return Action("autoscaling:UpdateAutoScalingGroup", params, undo=undo)

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Make the planned call (the same call twice gives the same group: no token needed)."""
        action = self.plan(workload, plan)
        with translated(action.api):
            self._autoscaling.update_auto_scaling_group(**action.params)
        return action, workload.arn


class AutoScalingGroupLister:
    """Every Auto Scaling group of the region, 100 a page."""

    def __init__(self, autoscaling: AutoScalingClient, adapter: AutoScalingGroupAdapter) -> None:
        self._autoscaling = autoscaling
        self._adapter = adapter

    def page(self, token: str | None) -> tuple[list[Workload], str | None]:
        """One page of DescribeAutoScalingGroups; groups with no subnets (EC2-Classic zones only) are left out."""
        kwargs: dict[str, Any] = {"MaxRecords": DESCRIBE_PAGE}
        if token:
            kwargs["NextToken"] = token
        with translated("autoscaling:DescribeAutoScalingGroups"):
            described = self._autoscaling.describe_auto_scaling_groups(**kwargs)
        workloads = [
            self._adapter.group_workload(group)
            for group in described.get("AutoScalingGroups", [])
            if subnet_list(group.get("VPCZoneIdentifier"))
        ]
        return workloads, described.get("NextToken") or None
