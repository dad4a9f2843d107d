"""What an EC2 launch template, or an Auto Scaling launch configuration, says about its instances' network: whether the
primary network interface gets a public IPv4 address, and the security groups it sits behind."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated

if TYPE_CHECKING:
    from mypy_boto3_autoscaling import AutoScalingClient
    from mypy_boto3_ec2 import EC2Client


@dataclass(frozen=True)
class LaunchNetwork:
    """The network the instances are launched with."""

    # AssociatePublicIpAddress of the primary interface; None when it does not say (the subnet's setting decides).
    public_ip: bool | None = None
    security_groups: tuple[str, ...] = ()
    # Why the groups that apply cannot be checked (named by name, or several templates), else None.
    groups_unknown: str | None = None
    # How the report names where the network comes from: "launch template lt-... version $Default".
    source: str = ""


def _groups(ids: Sequence[str], names: Sequence[str], source: str) -> tuple[tuple[str, ...], str | None]:
    # A group named by name (EC2-Classic and default-VPC style) is not read by the exposure check: fail closed.
    if names:
        return (
            (),
            f"{source} names security groups by name ({', '.join(names)}), which the exposure check does not read",
        )
    return tuple(ids), None


def template_network(ec2: EC2Client, spec: Mapping[str, Any]) -> LaunchNetwork:
    """The primary network interface of an Auto Scaling launch template specification (LaunchTemplateId or
    LaunchTemplateName, and Version: $Default when absent, as Auto Scaling takes it)."""
    version = str(spec.get("Version") or "$Default")
    kwargs: dict[str, Any] = {"Versions": [version]}
    if spec.get("LaunchTemplateId"):
        kwargs["LaunchTemplateId"] = spec["LaunchTemplateId"]
    elif spec.get("LaunchTemplateName"):
        kwargs["LaunchTemplateName"] = spec["LaunchTemplateName"]
    else:
        return LaunchNetwork(groups_unknown="its launch template is not named")
    source = f"launch template {kwargs.get('LaunchTemplateId') or kwargs.get('LaunchTemplateName')} version {version}"
    with translated("ec2:DescribeLaunchTemplateVersions"):
        versions = ec2.describe_launch_template_versions(**kwargs)["LaunchTemplateVersions"]
    data: Mapping[str, Any] = versions[0].get("LaunchTemplateData", {}) if versions else {}
    interfaces = data.get("NetworkInterfaces") or []
    primary: Mapping[str, Any] = next((item for item in interfaces if item.get("DeviceIndex", 0) == 0), {})
    value = primary.get("AssociatePublicIpAddress")
    # With network interfaces in the template, EC2 takes the groups from the interface, not from the template's top.
    ids = primary.get("Groups") or data.get("SecurityGroupIds") or []
    groups, unknown = _groups(ids, data.get("SecurityGroups") or [], source)
    return LaunchNetwork(None if value is None else bool(value), groups, unknown, source)


def configuration_network(autoscaling: AutoScalingClient, name: str) -> LaunchNetwork:
    """A launch configuration's AssociatePublicIpAddress and security groups."""
    source = f"launch configuration {name}"
    with translated("autoscaling:DescribeLaunchConfigurations"):
        found = autoscaling.describe_launch_configurations(LaunchConfigurationNames=[name])["LaunchConfigurations"]
    if not found:
        return LaunchNetwork(groups_unknown=f"{source} was not found", source=source)
    value = found[0].get("AssociatePublicIpAddress")
    groups = [group for group in found[0].get("SecurityGroups", []) if group.startswith("sg-")]
    names = [group for group in found[0].get("SecurityGroups", []) if not group.startswith("sg-")]
    ids, unknown = _groups(groups, names, source)
    return LaunchNetwork(None if value is None else bool(value), ids, unknown, source)
