"""`make demo`: a simulated account (moto, in-process) whose default VPC is broken, then repaired by the handlers."""

from __future__ import annotations

import ipaddress
import os
from typing import Any

from vpc_remediator.cli.local import LocalRuntime, default_stack_name, find_project_file, handle_event
from vpc_remediator.cli.render import summary
from vpc_remediator.cli.router import Router
from vpc_remediator.cli.samples import load_sample

REGION = "us-east-1"


def _title(text: str) -> None:
    print(f"\n=== {text} " + "=" * max(0, 70 - len(text)))


def _default_vpc_picture(ec2: Any) -> str:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    if not vpcs:
        return "  default VPC: none"
    vpc_id = vpcs[0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    zones = sorted(subnet["AvailabilityZone"] for subnet in subnets)
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    igw = igws["InternetGateways"][0]["InternetGatewayId"] if igws["InternetGateways"] else "none"
    main = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"][0]
    route = next((r for r in main["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)
    route_text = f"{route.get('GatewayId')} ({route.get('State')})" if route else "none"
    return "\n".join(
        [
            f"  default VPC: {vpc_id}",
            f"  default subnets ({len(zones)}): {', '.join(zones)}",
            f"  internet gateway: {igw}",
            f"  0.0.0.0/0 route: {route_text}",
        ]
    )


def _make_default_vpc_work(ec2: Any) -> None:
    """moto's default VPC has no internet gateway or route (AWS's has): give the simulated account both."""
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    main = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"][0]
    ec2.create_route(RouteTableId=main["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)


def _send(router: Router, events: list[tuple[str, dict[str, Any]]]) -> None:
    for label, event in events:
        print(f"\n> {label}")
        for report in handle_event(router, event):
            print(summary(report))


def run_demo() -> int:
    """Break the default VPC of a simulated account, send the CloudTrail events, show the repairs."""
    os.environ.update({"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "AWS_DEFAULT_REGION": REGION})
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import boto3  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415

    stack_name = default_stack_name()
    LocalRuntime(stack_name=stack_name).configure()
    router = Router.from_template(find_project_file("template.yaml"), stack_name)
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        _make_default_vpc_work(ec2)
        _title("A simulated account (moto, in-process), its default VPC healthy")
        print(_default_vpc_picture(ec2))

        vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
        # The last /20: moto re-creates any other one at a conflicting CIDR (AWS does not).
        subnet_id = max(subnets, key=lambda subnet: ipaddress.ip_network(subnet["CidrBlock"]))["SubnetId"]
        igw_id = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
        ec2.delete_subnet(SubnetId=subnet_id)
        ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
        ec2.delete_internet_gateway(InternetGatewayId=igw_id)
        _title("Someone deletes a default subnet and the internet gateway")
        print(_default_vpc_picture(ec2))
        _send(
            router,
            [
                ("CloudTrail: DeleteSubnet", load_sample("ec2/DeleteSubnet", {"subnetId": subnet_id})),
                (
                    "CloudTrail: DeleteInternetGateway (delivered later; already repaired)",
                    load_sample("ec2/DeleteInternetGateway", {"internetGatewayId": igw_id}),
                ),
            ],
        )
        _title("After")
        print(_default_vpc_picture(ec2))

        vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
            ec2.delete_subnet(SubnetId=subnet["SubnetId"])
        for igw in ec2.describe_internet_gateways()["InternetGateways"]:
            ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc_id)
            ec2.delete_internet_gateway(InternetGatewayId=igw["InternetGatewayId"])
        ec2.delete_vpc(VpcId=vpc_id)
        _title("Someone deletes the whole default VPC")
        print(_default_vpc_picture(ec2))
        _send(
            router,
            [
                ("CloudTrail: DeleteVpc", load_sample("ec2/DeleteVpc", {"vpcId": vpc_id})),
                ("The same call made by this stack's own role", load_sample("ec2/DeleteSubnet_own_role")),
                ("A call that failed for another reason", load_sample("ec2/RunInstances_failed_other")),
            ],
        )
        _title("After")
        print(_default_vpc_picture(ec2))
    print("\nNothing was deleted by the remediator; every change above lists the command that undoes it.")
    return 0
