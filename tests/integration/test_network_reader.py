from typing import Any

from vpc_remediator.aws.network import NetworkReader
from vpc_remediator.domain.network import EgressClass


def test_a_vpc_network_is_read_and_classified(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.0.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    private = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    isolated = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.2.0/24", AvailabilityZone="us-east-1c")["Subnet"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    public_table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_table, SubnetId=public["SubnetId"])
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public["SubnetId"], AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    private_table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ec2.associate_route_table(RouteTableId=private_table, SubnetId=private["SubnetId"])
    ec2.create_vpc_endpoint(
        VpcId=vpc_id,
        ServiceName="com.amazonaws.us-east-1.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[private_table],
    )

    network = NetworkReader(ec2).vpc(vpc_id)

    classes = {
        sid: network.egress(sid).egress for sid in (public["SubnetId"], private["SubnetId"], isolated["SubnetId"])
    }  # type: ignore[union-attr]
    assert classes == {
        public["SubnetId"]: EgressClass.PUBLIC,
        private["SubnetId"]: EgressClass.PRIVATE_NAT,
        isolated["SubnetId"]: EgressClass.ISOLATED,
    }
    assert [gateway.zone for gateway in network.nat_gateways] == ["us-east-1a"]
    assert network.endpoint_services() == ("s3",)


def test_subnets_are_looked_up_by_id_and_unknown_ids_are_absent(ec2: Any) -> None:
    subnet = ec2.describe_subnets()["Subnets"][0]
    found = NetworkReader(ec2).subnets([subnet["SubnetId"], "subnet-0000000000000dead"])
    assert list(found) == [subnet["SubnetId"]]
    assert found[subnet["SubnetId"]].vpc_id == subnet["VpcId"]


def test_each_subnet_is_described_once_per_reader_and_a_vpc_read_knows_all_of_its_subnets(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    first, second, third = (
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.2.{index}.0/24", AvailabilityZone="us-east-1a")["Subnet"][
            "SubnetId"
        ]
        for index in range(3)
    )
    described: list[Any] = []
    ec2.meta.events.register("before-call.ec2.DescribeSubnets", lambda params, **_: described.append(params))
    reader = NetworkReader(ec2)

    assert set(reader.subnets([first])) == {first}
    reader.vpc(vpc_id)
    # A sweep asks again for every workload: the subnets already seen, alone or mixed, cost no further call.
    assert set(reader.subnets([first, second])) == {first, second}
    assert set(reader.subnets([third, first])) == {first, third}
    assert len(described) == 2
