"""Demo act: someone creates a NAT gateway; the remediator leaves it and says what it costs a month."""

from __future__ import annotations

from vpc_remediator.cli.demo.context import DemoContext, title
from vpc_remediator.cli.samples import load_sample


def nat_gateway_act(context: DemoContext) -> None:
    """Create a NAT gateway in a new VPC and send its CloudTrail event."""
    ec2 = context.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.42.0.0/24", AvailabilityZone="us-east-1a")["Subnet"][
        "SubnetId"
    ]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    gateway = ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=allocation)["NatGateway"]
    title("Someone creates a NAT gateway")
    print(f"  NAT gateway {gateway['NatGatewayId']} in {subnet_id} (VPC {vpc_id})")
    response = {
        "CreateNatGatewayResponse": {
            "natGateway": {
                "natGatewayId": gateway["NatGatewayId"],
                "subnetId": subnet_id,
                "vpcId": vpc_id,
                "connectivityType": "public",
            }
        }
    }
    context.send(
        "CloudTrail: CreateNatGateway",
        load_sample(
            "ec2/CreateNatGateway", {"CreateNatGatewayRequest": {"SubnetId": subnet_id}}, responseElements=response
        ),
    )
