"""A NAT gateway someone created, and its CloudTrail event."""

from __future__ import annotations

from typing import Any

from vpc_remediator.cli.samples import load_sample


def created_nat(ec2: Any) -> dict[str, Any]:
    """A public NAT gateway in a new VPC's subnet in us-east-1b."""
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.0.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    gateway: dict[str, Any] = ec2.create_nat_gateway(SubnetId=subnet["SubnetId"], AllocationId=allocation)["NatGateway"]
    return gateway


def event_for(gateway: dict[str, Any]) -> dict[str, Any]:
    """The CreateNatGateway event of that gateway."""
    response = {
        "CreateNatGatewayResponse": {
            "natGateway": {
                "natGatewayId": gateway["NatGatewayId"],
                "subnetId": gateway["SubnetId"],
                "vpcId": gateway["VpcId"],
                "connectivityType": "public",
            }
        }
    }
    request = {"CreateNatGatewayRequest": {"SubnetId": gateway["SubnetId"]}}
    return load_sample("ec2/CreateNatGateway", request, responseElements=response)
