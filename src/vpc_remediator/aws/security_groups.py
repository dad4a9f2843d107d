"""Read the inbound rules of security groups (the exposure check before a public IP)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.exposure import IngressRule

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client


def _rules(group_id: str, permission: Any) -> list[IngressRule]:
    protocol = str(permission.get("IpProtocol", "-1"))
    low, high = permission.get("FromPort"), permission.get("ToPort")
    # EC2 reports -1 ports for "all" (all protocols, or all ICMP types).
    from_port = None if low in (None, -1) else int(low)
    to_port = None if high in (None, -1) else int(high)
    sources = [item["CidrIp"] for item in permission.get("IpRanges", []) if item.get("CidrIp")]
    sources += [item["CidrIpv6"] for item in permission.get("Ipv6Ranges", []) if item.get("CidrIpv6")]
    return [IngressRule(group_id, protocol, from_port, to_port, source) for source in sources]


class SecurityGroupReader:
    """Reads security groups' inbound rules, each group once per reader."""

    def __init__(self, ec2: EC2Client) -> None:
        self._ec2 = ec2
        self._cache: dict[str, list[IngressRule]] = {}

    def ingress(self, group_ids: Iterable[str]) -> list[IngressRule]:
        """The inbound rules of these groups (address ranges only: rules naming other groups expose nothing)."""
        wanted = sorted(set(group_ids) - set(self._cache))
        if wanted:
            with translated("ec2:DescribeSecurityGroups"):
                pages = self._ec2.get_paginator("describe_security_groups").paginate(GroupIds=wanted)
                for page in pages:
                    for group in page["SecurityGroups"]:
                        rules = [r for p in group.get("IpPermissions", []) for r in _rules(group["GroupId"], p)]
                        self._cache[group["GroupId"]] = rules
        return [rule for group_id in sorted(set(group_ids)) for rule in self._cache.get(group_id, [])]
