"""Demo act: the default VPC loses a subnet and its gateway, then is deleted; the remediator puts it back."""

from __future__ import annotations

import ipaddress
from typing import Any

from vpc_remediator.cli.demo import DemoContext, title
from vpc_remediator.cli.samples import load_sample

_DEFAULT = [{"Name": "is-default", "Values": ["true"]}]


def _main_table(ec2: Any, vpc_id: str) -> dict[str, Any]:
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    table: dict[str, Any] = ec2.describe_route_tables(Filters=filters)["RouteTables"][0]
    return table


def picture(ec2: Any) -> str:
    """The default VPC as a person checks it."""
    vpcs = ec2.describe_vpcs(Filters=_DEFAULT)["Vpcs"]
    if not vpcs:
        return "  default VPC: none"
    vpc_id = vpcs[0]["VpcId"]
    zones = sorted(
        s["AvailabilityZone"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    )
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    igw = igws["InternetGateways"][0]["InternetGatewayId"] if igws["InternetGateways"] else "none"
    route = next((r for r in _main_table(ec2, vpc_id)["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)
    route_text = f"{route.get('GatewayId')} ({route.get('State')})" if route else "none"
    return "\n".join(
        [
            f"  default VPC: {vpc_id}",
            f"  default subnets ({len(zones)}): {', '.join(zones)}",
            f"  internet gateway: {igw}",
            f"  0.0.0.0/0 route: {route_text}",
        ]
    )


def make_default_vpc_work(ec2: Any) -> None:
    """moto's default VPC has no internet gateway or route (AWS's has): give the simulated account both."""
    vpc_id = ec2.describe_vpcs(Filters=_DEFAULT)["Vpcs"][0]["VpcId"]
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    table = _main_table(ec2, vpc_id)
    ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)


def _delete_gateways(ec2: Any, vpc_id: str) -> list[str]:
    deleted = []
    for igw in ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])[
        "InternetGateways"
    ]:
        ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc_id)
        ec2.delete_internet_gateway(InternetGatewayId=igw["InternetGatewayId"])
        deleted.append(igw["InternetGatewayId"])
    return deleted


def default_vpc_act(context: DemoContext) -> None:
    """Break the default VPC twice and let the remediator repair it."""
    ec2 = context.client("ec2")
    make_default_vpc_work(ec2)
    title("A simulated account (moto, in-process), its default VPC healthy")
    print(picture(ec2))

    vpc_id = ec2.describe_vpcs(Filters=_DEFAULT)["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    # The last /20: moto re-creates any other one at a conflicting CIDR (AWS does not).
    subnet_id = max(subnets, key=lambda subnet: ipaddress.ip_network(subnet["CidrBlock"]))["SubnetId"]
    ec2.delete_subnet(SubnetId=subnet_id)
    (igw_id,) = _delete_gateways(ec2, vpc_id)
    title("Someone deletes a default subnet and the internet gateway")
    print(picture(ec2))
    context.send("CloudTrail: DeleteSubnet", load_sample("ec2/DeleteSubnet", {"subnetId": subnet_id}))
    context.send(
        "CloudTrail: DeleteInternetGateway (delivered later; already repaired)",
        load_sample("ec2/DeleteInternetGateway", {"internetGatewayId": igw_id}),
    )
    title("After")
    print(picture(ec2))

    vpc_id = ec2.describe_vpcs(Filters=_DEFAULT)["Vpcs"][0]["VpcId"]
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    _delete_gateways(ec2, vpc_id)
    ec2.delete_vpc(VpcId=vpc_id)
    title("Someone deletes the whole default VPC")
    print(picture(ec2))
    context.send("CloudTrail: DeleteVpc", load_sample("ec2/DeleteVpc", {"vpcId": vpc_id}))
    context.send("The same kind of call made by this stack's own role", load_sample("ec2/DeleteSubnet_own_role"))
    context.send("A call that failed for another reason", load_sample("ec2/RunInstances_failed_other"))
    title("After")
    print(picture(ec2))
