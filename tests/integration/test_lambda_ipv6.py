"""A Lambda function that allows outbound IPv6 (Ipv6AllowedForDualStack) in dual-stack subnets routing ::/0 to an
egress-only internet gateway reaches IPv6 destinations without a NAT gateway: it is left where it is, and the report
says what IPv4 still needs."""

from __future__ import annotations

import io
import ipaddress
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.integration.conftest import regions
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.remediation.entry import on_placement_event
from vpc_remediator.settings import Settings

SETTINGS = Settings(stack_name="vpc-remediator")
ZONES = ("us-east-1a", "us-east-1b")


@dataclass
class DualStack:
    ec2: Any
    lam: Any
    role: str
    group: str
    public: tuple[str, ...]  # IPv4 to an internet gateway, ::/0 to an egress-only internet gateway
    no_ipv6_route: tuple[str, ...]  # dual-stack, IPv4 to the internet gateway, no IPv6 route out
    private_nat: tuple[str, ...]  # IPv4 to a NAT gateway: where a function without IPv6 egress is moved


def _subnets(ec2: Any, vpc_id: str, first: int, ipv6_block: str | None) -> tuple[str, ...]:
    """A subnet in each zone; dual-stack (a /64 of the VPC's /56) when the VPC's IPv6 block is given."""
    made = []
    for n, zone in enumerate(ZONES):
        options: dict[str, Any] = {"VpcId": vpc_id, "CidrBlock": f"10.6.{first + n}.0/24", "AvailabilityZone": zone}
        if ipv6_block:
            network = ipaddress.IPv6Network(ipv6_block)
            options["Ipv6CidrBlock"] = str(list(network.subnets(new_prefix=64))[first + n])
        made.append(ec2.create_subnet(**options)["Subnet"]["SubnetId"])
    return tuple(made)


def _table(ec2: Any, vpc_id: str, subnets: tuple[str, ...], *routes: dict[str, str]) -> None:
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    for route in routes:
        ec2.create_route(RouteTableId=table, **route)
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)


@pytest.fixture
def dual_stack() -> Iterator[DualStack]:
    with mock_aws():
        ec2, lam, iam = (boto3.client(name, region_name=REGION) for name in ("ec2", "lambda", "iam"))
        vpc_id = ec2.create_vpc(CidrBlock="10.6.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
        block = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
        eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc_id)["EgressOnlyInternetGateway"]
        public, no_route = _subnets(ec2, vpc_id, 1, block), _subnets(ec2, vpc_id, 3, block)
        private = _subnets(ec2, vpc_id, 5, None)  # IPv4 only
        ipv4_out = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw}
        ipv6_out = {
            "DestinationIpv6CidrBlock": "::/0",
            "EgressOnlyInternetGatewayId": eigw["EgressOnlyInternetGatewayId"],
        }
        _table(ec2, vpc_id, public, ipv4_out, ipv6_out)
        _table(ec2, vpc_id, no_route, ipv4_out)
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=public[0], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
        _table(ec2, vpc_id, private, {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat})
        group = ec2.create_security_group(GroupName="fn", Description="fn", VpcId=vpc_id)["GroupId"]
        role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        yield DualStack(ec2, lam, role, group, public, no_route, private)


def create_function(world: DualStack, name: str, subnets: tuple[str, ...], ipv6: bool) -> dict[str, Any]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    vpc = {"SubnetIds": list(subnets), "SecurityGroupIds": [world.group], "Ipv6AllowedForDualStack": ipv6}
    created = world.lam.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=world.role,
        Handler="app.handler",
        Code={"ZipFile": buffer.getvalue()},
        VpcConfig=vpc,
    )
    request = {"functionName": name, "vpcConfig": {"subnetIds": list(subnets), "securityGroupIds": [world.group]}}
    event = load_sample(
        "lambda/CreateFunction20150331",
        request,
        responseElements={"functionName": name, "functionArn": created["FunctionArn"]},
    )
    (report,) = on_placement_event(event, regions(SETTINGS), delays=(0, 0), sleep=lambda _: None)
    return report.to_dict()


def subnets_of(world: DualStack, name: str) -> set[str]:
    return set(world.lam.get_function_configuration(FunctionName=name)["VpcConfig"]["SubnetIds"])


def test_a_function_with_ipv6_egress_is_left_in_its_dual_stack_subnets_and_told_what_ipv4_still_needs(
    dual_stack: DualStack,
) -> None:
    report = create_function(dual_stack, "v6", dual_stack.public, ipv6=True)
    assert report["outcome"] == "compliant"
    assert report["actions"] == []
    assert subnets_of(dual_stack, "v6") == set(dual_stack.public)
    reason = report["reason"]
    assert "reaches IPv6 destinations without a NAT gateway" in reason
    assert "egress-only internet gateway" in reason
    assert "IPv4-only destinations still need a NAT gateway or VPC endpoints" in reason
    assert "dual-stack endpoints" in reason


def test_the_same_subnets_without_ipv6_allowed_are_public_subnets_the_function_is_moved_out_of(
    dual_stack: DualStack,
) -> None:
    report = create_function(dual_stack, "v4", dual_stack.public, ipv6=False)
    assert report["outcome"] == "remediated"
    assert subnets_of(dual_stack, "v4") == set(dual_stack.private_nat)


def test_ipv6_allowed_without_an_ipv6_route_out_gives_no_ipv6_egress(
    dual_stack: DualStack,
) -> None:
    report = create_function(dual_stack, "noroute", dual_stack.no_ipv6_route, ipv6=True)
    # Public subnets with no IPv6 route out: the same rule as any function in public subnets.
    assert report["outcome"] != "compliant"
    assert "IPv6 destinations" not in report["reason"]
