"""The default VPC works: it exists, has a default subnet in every usable AZ, an attached IGW and a route out."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from vpc_remediator.domain.network import IPV4_ANYWHERE
from vpc_remediator.domain.report import Action

# Marks a parameter whose value only exists once an earlier repair has run (the id of a new gateway).
PENDING = "(created by the previous step)"


@dataclass(frozen=True)
class Zone:
    """An availability zone as EC2 describes it."""

    name: str
    zone_type: str | None
    opt_in_status: str | None
    state: str | None


@dataclass(frozen=True)
class DefaultRoute:
    """The 0.0.0.0/0 route of the default VPC's main route table."""

    target_id: str
    state: str


@dataclass(frozen=True)
class ExplicitTable:
    """A route table explicitly associated with default subnets: it, not the main table, routes their zones."""

    route_table_id: str
    zones: tuple[str, ...]
    default_route: DefaultRoute | None = None


@dataclass(frozen=True)
class DefaultVpcState:
    """What the region's default VPC looks like now."""

    vpc_id: str | None
    usable_zones: tuple[str, ...] = ()
    subnet_zones: tuple[str, ...] = ()
    attached_igw_id: str | None = None
    main_route_table_id: str | None = None
    default_route: DefaultRoute | None = None
    explicit_tables: tuple[ExplicitTable, ...] = ()


def usable_zones(zones: Iterable[Zone]) -> tuple[str, ...]:
    """Standard AZs the account can use: not Local or Wavelength zones, not zones it has not opted in to."""
    usable = (
        zone.name
        for zone in zones
        if (zone.zone_type in (None, "availability-zone"))
        and (zone.opt_in_status in (None, "opt-in-not-required", "opted-in"))
        and (zone.state in (None, "available"))
    )
    return tuple(sorted(usable))


def plan_repairs(state: DefaultVpcState, skipped_zones: Collection[str] = ()) -> tuple[Action, ...]:
    """The calls that make the default VPC work, in order; empty when it already does.

    Nothing is ever deleted. A 0.0.0.0/0 route to another live target (a firewall, a NAT) is a deliberate
    choice and is kept; only a missing or blackholed route in the main table is (re)pointed at the internet
    gateway. A table explicitly associated with a default subnet gets the route only when it has no 0.0.0.0/0
    route at all. Zones in `skipped_zones` (they refused CreateDefaultSubnet) are not asked again.
    """
    if state.vpc_id is None:
        # AWS builds the subnets, gateway and route itself; the next read plans whatever it did not.
        return (Action("ec2:CreateDefaultVpc", {}, undo="aws ec2 delete-vpc --vpc-id <new default VPC id>"),)
    repairs = [
        Action(
            "ec2:CreateDefaultSubnet",
            {"AvailabilityZone": zone},
            undo="aws ec2 delete-subnet --subnet-id <new subnet id>",
        )
        for zone in state.usable_zones
        if zone not in state.subnet_zones and zone not in skipped_zones
    ]
    igw_id = state.attached_igw_id
    if igw_id is None:
        repairs.append(
            Action(
                "ec2:CreateInternetGateway", {}, undo="aws ec2 delete-internet-gateway --internet-gateway-id <new id>"
            )
        )
        repairs.append(
            Action(
                "ec2:AttachInternetGateway",
                {"InternetGatewayId": PENDING, "VpcId": state.vpc_id},
                undo=f"aws ec2 detach-internet-gateway --vpc-id {state.vpc_id} --internet-gateway-id <new id>",
            )
        )
    route_repair = _route_repair(state, igw_id or PENDING)
    if route_repair is not None:
        repairs.append(route_repair)
    repairs += [_explicit_route(table, igw_id or PENDING) for table in state.explicit_tables if not table.default_route]
    return tuple(repairs)


def _explicit_route(table: ExplicitTable, igw_id: str) -> Action:
    params = {"RouteTableId": table.route_table_id, "DestinationCidrBlock": IPV4_ANYWHERE, "GatewayId": igw_id}
    undo = f"aws ec2 delete-route --route-table-id {table.route_table_id} --destination-cidr-block {IPV4_ANYWHERE}"
    return Action("ec2:CreateRoute", params, undo=undo)


def _route_repair(state: DefaultVpcState, igw_id: str) -> Action | None:
    table = state.main_route_table_id
    if table is None:
        return None
    route = state.default_route
    params = {"RouteTableId": table, "DestinationCidrBlock": IPV4_ANYWHERE, "GatewayId": igw_id}
    if route is None:
        undo = f"aws ec2 delete-route --route-table-id {table} --destination-cidr-block {IPV4_ANYWHERE}"
        return Action("ec2:CreateRoute", params, undo=undo)
    if route.state == "blackhole" or (route.target_id.startswith("igw-") and route.target_id != igw_id):
        undo = (
            f"aws ec2 replace-route --route-table-id {table} --destination-cidr-block {IPV4_ANYWHERE}"
            f" --gateway-id {route.target_id}"
        )
        return Action("ec2:ReplaceRoute", params, undo=undo)
    return None


def describe_problems(state: DefaultVpcState) -> str:
    """One sentence naming what is wrong, for the report's reason."""
    if state.vpc_id is None:
        return "the region has no default VPC"
    problems = []
    missing = [zone for zone in state.usable_zones if zone not in state.subnet_zones]
    if missing:
        problems.append(f"no default subnet in {', '.join(missing)}")
    if state.attached_igw_id is None:
        problems.append("no internet gateway attached")
    route = state.default_route
    if state.main_route_table_id is None:
        problems.append("no main route table")
    elif route is None:
        problems.append("no 0.0.0.0/0 route in the main route table")
    elif route.state == "blackhole":
        problems.append(f"the 0.0.0.0/0 route to {route.target_id} is a blackhole")
    problems += [
        f"no 0.0.0.0/0 route in {table.route_table_id}, the route table of {', '.join(table.zones)}"
        for table in state.explicit_tables
        if table.default_route is None
    ]
    return "; ".join(problems) if problems else "the default VPC works"


def kept_routes(state: DefaultVpcState) -> str | None:
    """The broken routes of explicitly associated tables, which are left as they are, in one sentence."""
    kept = [
        f"{table.route_table_id} (the route table of {', '.join(table.zones)}) routes 0.0.0.0/0 to a blackhole"
        f" ({table.default_route.target_id}): someone chose that table, so its route was left as it is"
        for table in state.explicit_tables
        if table.default_route is not None and table.default_route.state == "blackhole"
    ]
    return "; ".join(kept) or None
