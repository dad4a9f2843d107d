"""EC2 adapter for the default VPC: read its state, apply one repair."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.aws.network import route_target
from vpc_remediator.aws.provenance import MADE_FOR_EVENT, made_for
from vpc_remediator.domain.default_vpc import (
    PENDING,
    DefaultRoute,
    DefaultVpcState,
    ExplicitTable,
    Zone,
    usable_zones,
)
from vpc_remediator.domain.network import IPV4_ANYWHERE
from vpc_remediator.domain.report import Action

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client


class DefaultVpcAdapter:
    """Reads and repairs the region's default VPC."""

    def __init__(self, ec2: EC2Client, creator: EC2Client | None = None) -> None:
        self._ec2 = ec2
        # CreateInternetGateway has no client token: it goes through a client that sends it once, and a retry reuses
        # the gateway a failed try left detached (found by its tag) instead of making another.
        self._creator = creator or ec2

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
        subnets = self._default_subnets(vpc_id)
        tables = self._route_tables(vpc_id)
        return DefaultVpcState(
            vpc_id=vpc_id,
            usable_zones=usable_zones(zones),
            subnet_zones=tuple(sorted(set(subnets.values()))),
            attached_igw_id=self._attached_igw(vpc_id),
            explicit_tables=_explicit_tables(tables, subnets),
            **_main_route(tables),
        )

    def _default_subnets(self, vpc_id: str) -> dict[str, str]:
        # Default subnets are told apart by the default VPC's id, not only DefaultForAz (moto marks others too).
        filters: Any = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default-for-az", "Values": ["true"]}]
        with translated("ec2:DescribeSubnets"):
            pages = self._ec2.get_paginator("describe_subnets").paginate(Filters=filters)
            return {s["SubnetId"]: s["AvailabilityZone"] for page in pages for s in page["Subnets"]}

    def _route_tables(self, vpc_id: str) -> list[Any]:
        filters: Any = [{"Name": "vpc-id", "Values": [vpc_id]}]
        with translated("ec2:DescribeRouteTables"):
            pages = self._ec2.get_paginator("describe_route_tables").paginate(Filters=filters)
            return [table for page in pages for table in page["RouteTables"]]

    def _attached_igw(self, vpc_id: str) -> str | None:
        with translated("ec2:DescribeInternetGateways"):
            igws = self._ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
        for igw in igws["InternetGateways"]:
            if any(a.get("State") in ("available", "attached") for a in igw.get("Attachments", [])):
                return igw["InternetGatewayId"]
        return None

    def detached_own_gateways(self) -> tuple[str, ...]:
        """Internet gateways this stack created (its tag) that are attached to nothing."""
        filters: Any = [{"Name": "tag-key", "Values": [MADE_FOR_EVENT]}]
        with translated("ec2:DescribeInternetGateways"):
            found = self._ec2.describe_internet_gateways(Filters=filters)["InternetGateways"]
        return tuple(sorted(igw["InternetGatewayId"] for igw in found if not igw.get("Attachments")))

    def _internet_gateway(self, token: str | None) -> tuple[str, str]:
        """(gateway id, how it was got): a detached one this stack made earlier, else a new one tagged as ours."""
        reusable = self.detached_own_gateways()
        if reusable:
            return reusable[0], "reused, left detached by an earlier try"
        tags: Any = [{"ResourceType": "internet-gateway", "Tags": [{"Key": MADE_FOR_EVENT, "Value": made_for(token)}]}]
        igw = self._creator.create_internet_gateway(TagSpecifications=tags)["InternetGateway"]
        return igw["InternetGatewayId"], "created"

    def apply(self, repair: Action, created: dict[str, str], token: str | None = None) -> Action:
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
                igw_id, how = self._internet_gateway(token)
                created["InternetGatewayId"] = created["GatewayId"] = igw_id
                undo = f"aws ec2 delete-internet-gateway --internet-gateway-id {igw_id}"
                params = {} if how == "created" else {"InternetGatewayId": igw_id, "reused": how}
                return Action(repair.api, params, undo=undo)
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


def _default_route(table: Any) -> DefaultRoute | None:
    route = next((r for r in table.get("Routes", []) if r.get("DestinationCidrBlock") == IPV4_ANYWHERE), None)
    if route is None:
        return None
    return DefaultRoute(target_id=route_target(route), state=str(route.get("State", "active")))


def _main_route(tables: list[Any]) -> dict[str, Any]:
    main = next((t for t in tables if any(a.get("Main") for a in t.get("Associations", []))), None)
    if main is None:
        return {"main_route_table_id": None, "default_route": None}
    return {"main_route_table_id": main["RouteTableId"], "default_route": _default_route(main)}


def _explicit_tables(tables: list[Any], subnets: dict[str, str]) -> tuple[ExplicitTable, ...]:
    """Tables explicitly associated with default subnets: a subnet uses the main table only without one."""
    found = []
    for table in tables:
        zones = {
            subnets[a["SubnetId"]]
            for a in table.get("Associations", [])
            if not a.get("Main")
            and a.get("SubnetId") in subnets
            # A disassociated or failed association no longer routes the subnet.
            and a.get("AssociationState", {}).get("State", "associated") in ("associated", "associating")
        }
        if zones:
            found.append(ExplicitTable(table["RouteTableId"], tuple(sorted(zones)), _default_route(table)))
    return tuple(sorted(found, key=lambda t: t.route_table_id))
