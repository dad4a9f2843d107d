"""The NAT advice for VPCs read by NetworkReader from a simulated account."""

from __future__ import annotations

from typing import Any

from tests.unit.advice import advice_dict
from vpc_remediator.aws.network import NetworkReader
from vpc_remediator.workloads import lambda_function


def public_vpc(ec2: Any) -> tuple[str, list[str], str]:
    """A VPC with two public subnets (route to an internet gateway) and no NAT gateway; returns its main table too."""
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.7.{n}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for n, zone in enumerate(["us-east-1a", "us-east-1b"])
    ]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return vpc_id, subnets, table


def test_a_lambda_in_public_subnets_of_a_vpc_without_nat_is_advised_from_what_ec2_describes(ec2: Any) -> None:
    vpc_id, subnets, table = public_vpc(ec2)
    ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway", RouteTableIds=[table]
    )
    network = NetworkReader(ec2).vpc(vpc_id)
    zones = [network.egress(subnet).zone for subnet in subnets]  # type: ignore[union-attr]

    advice = advice_dict(network, zones, lambda_function.PROFILE, "us-east-1", subnet_ids=subnets)

    assert advice["vpc_id"] == vpc_id
    assert advice["reachable_services"] == ["s3"]
    assert advice["nat_gateway"]["zones"] == ["us-east-1a", "us-east-1b"]
    assert advice["nat_gateway"]["monthly"] == 65.7  # 2 x $0.045 x 730
    alternatives = {item["key"]: item for item in advice["alternatives"]}
    assert alternatives["gateway-endpoints"]["title"] == "Gateway endpoints for DynamoDB"
    assert {"leave-vpc", "interface-endpoints", "ipv6-egress"} <= set(alternatives)
    assert advice["existing_nat"] is None


def test_a_nat_gateway_in_the_vpc_turns_into_subnets_to_use(ec2: Any) -> None:
    vpc_id, subnets, _ = public_vpc(ec2)
    private = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.7.9.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ec2.associate_route_table(RouteTableId=table, SubnetId=private["SubnetId"])

    advice = advice_dict(
        NetworkReader(ec2).vpc(vpc_id), ["us-east-1a", "us-east-1b"], lambda_function.PROFILE, "us-east-1"
    )

    assert advice["existing_nat"]["gateways"] == [{"id": nat, "zone": "us-east-1a"}]
    assert advice["existing_nat"]["subnets"] == [{"id": private["SubnetId"], "zone": "us-east-1a"}]
    first = advice["alternatives"][0]
    assert first["key"] == "existing-nat" and private["SubnetId"] in first["how"]
    assert "us-east-1b" in first["caveat"]
