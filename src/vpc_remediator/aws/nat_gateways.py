"""Which VPCs of a region hold NAT gateways: one paginated DescribeNatGateways for the whole region (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

# Deleted and failed gateways cost nothing; pending ones are being paid for already.
_BILLED_STATES = ["pending", "available"]


def vpcs_with_nat_gateways(ec2: EC2Client) -> set[str]:
    """The ids of the VPCs that hold a NAT gateway that is available or on its way."""
    filters: Any = [{"Name": "state", "Values": _BILLED_STATES}]
    with translated("ec2:DescribeNatGateways"):
        return {
            raw["VpcId"]
            for page in ec2.get_paginator("describe_nat_gateways").paginate(Filters=filters)
            for raw in page["NatGateways"]
            if raw.get("VpcId")
        }
