"""The default VPC as a test checks it."""

from __future__ import annotations

from typing import Any

from vpc_remediator.devkit.scenarios.default_vpc import attached_gateways, default_vpc_id, main_route_table, vpc_subnets


def default_vpc_picture(ec2: Any) -> dict[str, Any]:
    """What a user checks: the VPC, the AZs of its subnets, its attached gateway and default route."""
    vpc_id = default_vpc_id(ec2)
    if vpc_id is None:
        return {"vpc": None}
    routes = main_route_table(ec2, vpc_id)["Routes"]
    route = next((r for r in routes if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)
    return {
        "vpc": vpc_id,
        "zones": sorted(s["AvailabilityZone"] for s in vpc_subnets(ec2, vpc_id)),
        "igws": attached_gateways(ec2, vpc_id),
        "route_target": route.get("GatewayId") if route else None,
    }


def all_zones(ec2: Any) -> list[str]:
    """Every availability zone of the simulated region."""
    return sorted(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"])
