"""EC2 adapter for the default VPC: read its state, apply one repair."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.aws.network import route_target
from vpc_remediator.domain.default_vpc import PENDING, DefaultRoute, DefaultVpcState, Zone, usable_zones
from vpc_remediator.domain.network import IPV4_ANYWHERE
from vpc_remediator.domain.report import Action

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client


class DefaultVpcAdapter:
    """Reads and repairs the region's default VPC."""

    def __init__(self, ec2: EC2Client) -> None:
        self._ec2 = ec2

    def read_state(self) -> DefaultVpcState:
        """The default VPC, its default subnets, attached gateway and main route, as one value."""
        with translated("ec2:DescribeVpcs"):
            vpcs = self._ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        if not vpcs:
            return DefaultVpcState(vpc_id=None)
        vpc_id = vpcs[0]["VpcId"]
        with translated("ec2:DescribeAvailabilityZones"):
            raw_zones = self._ec2.describe_availability_zones()["AvailabilityZones"]
        zones = [Zone(z["ZoneName"], z.get("ZoneType"), z.get("OptInStatus"), z.get("State")) for z in raw_zones]
        return DefaultVpcState(
            vpc_id=vpc_id,
            usable_zones=usable_zones(zones),
            subnet_zones=self._default_subnet_zones(vpc_id),
            attached_igw_id=self._attached_igw(vpc_id),
            **self._main_route(vpc_id),
        )

    def _default_subnet_zones(self, vpc_id: str) -> tuple[str, ...]:
        # Default subnets are told apart by the default VPC's id, not only DefaultForAz (moto marks others too).
        filters: Any = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default-for-az", "Values": ["true"]}]
        with translated("ec2:DescribeSubnets"):
            pages = self._ec2.get_paginator("describe_subnets").paginate(Filters=filters)
            return tuple(sorted({s["AvailabilityZone"] for page in pages for s in page["Subnets"]}))

    def _attached_igw(self, vpc_id: str) -> str | None:
        with translated("ec2:DescribeInternetGateways"):
            igws = self._ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
        for igw in igws["InternetGateways"]:
            if any(a.get("State") in ("available", "attached") for a in igw.get("Attachments", [])):
                return igw["InternetGatewayId"]
        return None

    def _main_route(self, vpc_id: str) -> dict[str, Any]:
        filters: Any = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
        with translated("ec2:DescribeRouteTables"):
            tables = self._ec2.describe_route_tables(Filters=filters)["RouteTables"]
        if not tables:
            return {"main_route_table_id": None, "default_route": None}
        table = tables[0]
        route = next((r for r in table.get("Routes", []) if r.get("DestinationCidrBlock") == IPV4_ANYWHERE), None)
        default_route = None
        if route is not None:
            default_route = DefaultRoute(target_id=route_target(route), state=str(route.get("State", "active")))
        return {"main_route_table_id": table["RouteTableId"], "default_route": default_route}

    def apply(self, repair: Action, created: dict[str, str]) -> Action:
        """Make one planned call; `created` carries ids made by earlier steps. Returns the call as made."""
        params = {key: created.get(key, value) if value == PENDING else value for key, value in repair.params.items()}
        with translated(repair.api):
            if repair.api == "ec2:CreateDefaultVpc":
                vpc_id = self._ec2.create_default_vpc()["Vpc"]["VpcId"]
                return Action(repair.api, {}, undo=f"aws ec2 delete-vpc --vpc-id {vpc_id}  # after its subnets")
            if repair.api == "ec2:CreateDefaultSubnet":
                subnet = self._ec2.create_default_subnet(AvailabilityZone=params["AvailabilityZone"])["Subnet"]
                return Action(repair.api, params, undo=f"aws ec2 delete-subnet --subnet-id {subnet['SubnetId']}")
            if repair.api == "ec2:CreateInternetGateway":
                igw_id = self._ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
                created["InternetGatewayId"] = created["GatewayId"] = igw_id
                return Action(repair.api, {}, undo=f"aws ec2 delete-internet-gateway --internet-gateway-id {igw_id}")
            if repair.api == "ec2:AttachInternetGateway":
                self._ec2.attach_internet_gateway(InternetGatewayId=params["InternetGatewayId"], VpcId=params["VpcId"])
                undo = (
                    f"aws ec2 detach-internet-gateway --internet-gateway-id {params['InternetGatewayId']}"
                    f" --vpc-id {params['VpcId']}"
                )
                return Action(repair.api, params, undo=undo)
            if repair.api == "ec2:CreateRoute":
                self._ec2.create_route(**params)
                return Action(repair.api, params, undo=repair.undo)
            if repair.api == "ec2:ReplaceRoute":
                self._ec2.replace_route(**params)
                return Action(repair.api, params, undo=repair.undo)
        raise ValueError(f"unknown repair {repair.api}")
