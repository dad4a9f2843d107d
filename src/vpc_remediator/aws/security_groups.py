"""Read the inbound rules of security groups (the exposure check before a public IP), prefix lists expanded."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.exposure import IngressRule

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client


def _ports(permission: Any) -> tuple[str, int | None, int | None]:
    protocol = str(permission.get("IpProtocol", "-1"))
    low, high = permission.get("FromPort"), permission.get("ToPort")
    # EC2 reports -1 ports for "all" (all protocols, or all ICMP types).
    from_port = None if low in (None, -1) else int(low)
    to_port = None if high in (None, -1) else int(high)
    return protocol, from_port, to_port


class SecurityGroupReader:
    """Reads security groups' inbound rules, each group and prefix list once per reader unless asked to read afresh."""

    def __init__(self, ec2: EC2Client) -> None:
        self._ec2 = ec2
        self._groups: dict[str, list[Any]] = {}
        self._prefix_lists: dict[str, list[str]] = {}

    def ingress(self, group_ids: Iterable[str], fresh: bool = False) -> list[IngressRule]:
        """The inbound rules of these groups, one per source range; a prefix list's rule becomes one per entry.

        Rules naming other groups expose nothing to the internet and are left out. `fresh` reads again whatever an
        earlier call read (right before a write: a sweep must not act on rules that changed meanwhile).
        """
        wanted = sorted(set(group_ids)) if fresh else sorted(set(group_ids) - set(self._groups))
        if wanted:
            with translated("ec2:DescribeSecurityGroups"):
                pages = self._ec2.get_paginator("describe_security_groups").paginate(GroupIds=wanted)
                for page in pages:
                    for group in page["SecurityGroups"]:
                        self._groups[group["GroupId"]] = list(group.get("IpPermissions", []))
        rules: list[IngressRule] = []
        for group_id in sorted(set(group_ids)):
            for permission in self._groups.get(group_id, []):
                rules += self._rules(group_id, permission, fresh)
        return rules

    def _rules(self, group_id: str, permission: Any, fresh: bool) -> list[IngressRule]:
        protocol, from_port, to_port = _ports(permission)
        sources = [item["CidrIp"] for item in permission.get("IpRanges", []) if item.get("CidrIp")]
        sources += [item["CidrIpv6"] for item in permission.get("Ipv6Ranges", []) if item.get("CidrIpv6")]
        rules = [IngressRule(group_id, protocol, from_port, to_port, source) for source in sources]
        for item in permission.get("PrefixListIds", []):
            prefix_list = item.get("PrefixListId")
            if prefix_list:
                rules += [
                    IngressRule(group_id, protocol, from_port, to_port, cidr, via=prefix_list)
                    for cidr in self.prefix_list_entries(prefix_list, fresh)
                ]
        return rules

    def prefix_list_entries(self, prefix_list_id: str, fresh: bool = False) -> list[str]:
        """The CIDR blocks of a managed prefix list (customer-managed or AWS-managed alike)."""
        if fresh or prefix_list_id not in self._prefix_lists:
            with translated("ec2:GetManagedPrefixListEntries"):
                pages = self._ec2.get_paginator("get_managed_prefix_list_entries").paginate(PrefixListId=prefix_list_id)
                self._prefix_lists[prefix_list_id] = [
                    entry["Cidr"] for page in pages for entry in page.get("Entries", []) if entry.get("Cidr")
                ]
        return self._prefix_lists[prefix_list_id]

    def default_group(self, vpc_id: str) -> str | None:
        """The VPC's default security group: what ECS and Batch use when a workload names none."""
        filters: Any = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        with translated("ec2:DescribeSecurityGroups"):
            groups = self._ec2.describe_security_groups(Filters=filters)["SecurityGroups"]
        return groups[0]["GroupId"] if groups else None
