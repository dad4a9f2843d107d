"""The default VPC of a simulated account: made to work as AWS's does, and broken the ways people break it."""

from __future__ import annotations

import ipaddress
from typing import Any

_DEFAULT = [{"Name": "is-default", "Values": ["true"]}]


def default_vpc_id(ec2: Any) -> str | None:
    """The default VPC's id, or None when the region has none."""
    vpcs = ec2.describe_vpcs(Filters=_DEFAULT)["Vpcs"]
    return str(vpcs[0]["VpcId"]) if vpcs else None


def _required_default_vpc_id(ec2: Any) -> str:
    vpc_id = default_vpc_id(ec2)
    if vpc_id is None:
        raise ValueError("the simulated account has no default VPC")
    return vpc_id


def main_route_table(ec2: Any, vpc_id: str) -> dict[str, Any]:
    """The VPC's main route table."""
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    table: dict[str, Any] = ec2.describe_route_tables(Filters=filters)["RouteTables"][0]
    return table


def vpc_subnets(ec2: Any, vpc_id: str) -> list[dict[str, Any]]:
    """Every subnet of the VPC."""
    subnets: list[dict[str, Any]] = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    return subnets


def attached_gateways(ec2: Any, vpc_id: str) -> list[str]:
    """The ids of the internet gateways attached to the VPC."""
    found = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    return [igw["InternetGatewayId"] for igw in found["InternetGateways"]]


def make_default_vpc_work(ec2: Any) -> None:
    """moto's default VPC has no internet gateway or route (AWS's has): give the simulated account both."""
    vpc_id = _required_default_vpc_id(ec2)
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    table = main_route_table(ec2, vpc_id)
    ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)


def _delete_gateways(ec2: Any, vpc_id: str) -> list[str]:
    deleted = attached_gateways(ec2, vpc_id)
    for igw_id in deleted:
        ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
        ec2.delete_internet_gateway(InternetGatewayId=igw_id)
    return deleted


def delete_gateway(ec2: Any) -> str:
    """Detach and delete the default VPC's internet gateway; its id."""
    (igw_id,) = _delete_gateways(ec2, _required_default_vpc_id(ec2))
    return igw_id


def delete_last_default_subnet(ec2: Any) -> dict[str, Any]:
    """Delete the default subnet with the highest CIDR; the subnet as it was."""
    subnets = vpc_subnets(ec2, _required_default_vpc_id(ec2))
    # The last /20: moto re-creates any other one at a conflicting CIDR (AWS does not).
    subnet = max(subnets, key=lambda found: ipaddress.ip_network(found["CidrBlock"]))
    ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    return subnet


def delete_default_vpc(ec2: Any) -> str:
    """Delete the default VPC as a person must, its subnets and gateways first; its id."""
    vpc_id = _required_default_vpc_id(ec2)
    for subnet in vpc_subnets(ec2, vpc_id):
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    _delete_gateways(ec2, vpc_id)
    ec2.delete_vpc(VpcId=vpc_id)
    return vpc_id
