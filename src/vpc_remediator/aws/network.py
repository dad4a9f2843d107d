"""Read a VPC's network (subnets, route tables, NAT gateways, endpoints) in a handful of paginated calls."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.network import Endpoint, NatGateway, Route, RouteTable, Subnet, VpcNetwork

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

# Where a route can send traffic, in the order EC2 reports them.
ROUTE_TARGET_KEYS = (
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
    "VpcPeeringConnectionId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
)
# describe_subnets accepts many ids, but keep requests small enough for any account.
_SUBNET_BATCH = 200


def route_target(route: Any) -> str:
    """The target id of a route as EC2 describes it."""
    fields: dict[str, Any] = dict(route)
    return next((str(fields[key]) for key in ROUTE_TARGET_KEYS if fields.get(key)), "unknown")


def _subnet(raw: Any) -> Subnet:
    return Subnet(
        id=raw["SubnetId"],
        vpc_id=raw["VpcId"],
        zone=raw["AvailabilityZone"],
        cidr=raw.get("CidrBlock", ""),
        map_public_ip_on_launch=bool(raw.get("MapPublicIpOnLaunch")),
        has_ipv6=bool(raw.get("Ipv6CidrBlockAssociationSet")),
    )


class NetworkReader:
    """Reads VPC networks; one instance may cache several VPCs (a sweep reads each VPC once)."""

    def __init__(self, ec2: EC2Client) -> None:
        self._ec2 = ec2
        self._cache: dict[str, VpcNetwork] = {}
        # Every subnet described so far, by id: a sweep asks for the subnets of thousands of workloads that share a
        # few dozen subnets, so each is described once per reader (a VPC read fills in all of that VPC's).
        self._subnets: dict[str, Subnet] = {}

    def subnets(self, subnet_ids: Iterable[str]) -> dict[str, Subnet]:
        """Subnet id → Subnet for the ids that exist (the VPC of a workload comes from here, never elsewhere)."""
        wanted = sorted(set(subnet_ids))
        ids = [subnet_id for subnet_id in wanted if subnet_id not in self._subnets]
        for start in range(0, len(ids), _SUBNET_BATCH):
            batch = ids[start : start + _SUBNET_BATCH]
            filters: Any = [{"Name": "subnet-id", "Values": batch}]
            with translated("ec2:DescribeSubnets"):
                for page in self._ec2.get_paginator("describe_subnets").paginate(Filters=filters):
                    self._subnets.update({raw["SubnetId"]: _subnet(raw) for raw in page["Subnets"]})
        return {subnet_id: self._subnets[subnet_id] for subnet_id in wanted if subnet_id in self._subnets}

    def vpc(self, vpc_id: str) -> VpcNetwork:
        """The network of one VPC, read once per reader."""
        if vpc_id not in self._cache:
            self._cache[vpc_id] = self._read(vpc_id)
        return self._cache[vpc_id]

    def _read(self, vpc_id: str) -> VpcNetwork:
        by_vpc: Any = [{"Name": "vpc-id", "Values": [vpc_id]}]
        with translated("ec2:DescribeSubnets"):
            subnets = [
                _subnet(raw)
                for page in self._ec2.get_paginator("describe_subnets").paginate(Filters=by_vpc)
                for raw in page["Subnets"]
            ]
        self._subnets.update({subnet.id: subnet for subnet in subnets})
        with translated("ec2:DescribeRouteTables"):
            tables = [
                RouteTable(
                    id=raw["RouteTableId"],
                    routes=tuple(
                        Route(
                            destination=str(
                                route.get("DestinationCidrBlock")
                                or route.get("DestinationIpv6CidrBlock")
                                or route.get("DestinationPrefixListId")
                                or ""
                            ),
                            target_id=route_target(route),
                            state=str(route.get("State", "active")),
                        )
                        for route in raw.get("Routes", [])
                    ),
                    subnet_ids=tuple(a["SubnetId"] for a in raw.get("Associations", []) if a.get("SubnetId")),
                    is_main=any(a.get("Main") for a in raw.get("Associations", [])),
                )
                for page in self._ec2.get_paginator("describe_route_tables").paginate(Filters=by_vpc)
                for raw in page["RouteTables"]
            ]
        zone_of = {subnet.id: subnet.zone for subnet in subnets}
        nat_filters: Any = [*by_vpc, {"Name": "state", "Values": ["pending", "available"]}]
        with translated("ec2:DescribeNatGateways"):
            nats = [
                NatGateway(
                    id=raw["NatGatewayId"],
                    subnet_id=raw.get("SubnetId", ""),
                    zone=zone_of.get(raw.get("SubnetId", ""), ""),
                    connectivity=raw.get("ConnectivityType", "public"),
                )
                for page in self._ec2.get_paginator("describe_nat_gateways").paginate(Filters=nat_filters)
                for raw in page["NatGateways"]
            ]
        with translated("ec2:DescribeVpcEndpoints"):
            endpoints = [
                Endpoint(
                    id=raw["VpcEndpointId"],
                    service_name=raw.get("ServiceName", ""),
                    endpoint_type=raw.get("VpcEndpointType", ""),
                    subnet_ids=tuple(raw.get("SubnetIds", [])),
                    route_table_ids=tuple(raw.get("RouteTableIds", [])),
                )
                for page in self._ec2.get_paginator("describe_vpc_endpoints").paginate(Filters=by_vpc)
                for raw in page["VpcEndpoints"]
                if raw.get("State", "available").lower() in ("available", "pending", "pendingacceptance")
            ]
        return VpcNetwork(vpc_id, tuple(subnets), tuple(tables), tuple(nats), tuple(endpoints))
