"""Subnet egress classes, computed from route tables, and the network facts of one VPC.

A subnet is `public` when its route table sends 0.0.0.0/0 to an internet gateway, `private-nat` when it sends it
to a NAT gateway or a NAT instance, `routed-central` when it sends it to a transit gateway, a virtual private gateway
or a Cloud WAN core network (central egress elsewhere), `routed-inspected` when it sends it to a Gateway Load
Balancer or Network Firewall endpoint (inspected egress), and `isolated` otherwise. Every class but `public` and
`isolated` gives egress without a public IP. A subnet with no explicit association uses its VPC's main route table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

IPV4_ANYWHERE = "0.0.0.0/0"
IPV6_ANYWHERE = "::/0"


class EgressClass(StrEnum):
    """How a subnet reaches the internet."""

    PUBLIC = "public"
    PRIVATE_NAT = "private-nat"
    # 0.0.0.0/0 to a transit gateway, a virtual private gateway or a Cloud WAN core network: egress is central.
    ROUTED_CENTRAL = "routed-central"
    # 0.0.0.0/0 to a Gateway Load Balancer endpoint (Network Firewall's are ones): egress passes an inspection.
    ROUTED_INSPECTED = "routed-inspected"
    ISOLATED = "isolated"


# Classes that give a workload egress without a public IP of its own.
PRIVATE_EGRESS = frozenset({EgressClass.PRIVATE_NAT, EgressClass.ROUTED_CENTRAL, EgressClass.ROUTED_INSPECTED})
ROUTED = frozenset({EgressClass.ROUTED_CENTRAL, EgressClass.ROUTED_INSPECTED})


# Route target id prefix → (egress class, what it is). Peering and local routes never reach the internet.
_TARGETS: dict[str, tuple[EgressClass, str]] = {
    "igw-": (EgressClass.PUBLIC, "internet gateway"),
    "nat-": (EgressClass.PRIVATE_NAT, "NAT gateway"),
    "i-": (EgressClass.PRIVATE_NAT, "NAT instance"),
    "eni-": (EgressClass.PRIVATE_NAT, "NAT instance or appliance (network interface)"),
    "tgw-": (EgressClass.ROUTED_CENTRAL, "transit gateway"),
    "vgw-": (EgressClass.ROUTED_CENTRAL, "virtual private gateway (on-premises egress)"),
    # A route's target is a VPC endpoint only for Gateway Load Balancer endpoints (a Network Firewall endpoint is one),
    # and EC2 reports it as GatewayId vpce-...
    "vpce-": (EgressClass.ROUTED_INSPECTED, "Gateway Load Balancer or Network Firewall endpoint"),
    # CoreNetworkArn: arn:aws:networkmanager::<account>:core-network/core-network-...
    "arn:": (EgressClass.ROUTED_CENTRAL, "Cloud WAN core network"),
}
# Endpoint types that sit in a subnet of their own and inspect what is routed to them.
INSPECTION_ENDPOINT_TYPES = frozenset({"GatewayLoadBalancer"})


@dataclass(frozen=True)
class Route:
    """One route of a route table."""

    destination: str
    target_id: str
    state: str = "active"


@dataclass(frozen=True)
class RouteTable:
    """A route table, the subnets explicitly associated with it, and whether it is its VPC's main table."""

    id: str
    routes: tuple[Route, ...] = ()
    subnet_ids: tuple[str, ...] = ()
    is_main: bool = False


@dataclass(frozen=True)
class Subnet:
    """A subnet as EC2 describes it."""

    id: str
    vpc_id: str
    zone: str
    cidr: str = ""
    map_public_ip_on_launch: bool = False
    has_ipv6: bool = False


@dataclass(frozen=True)
class NatGateway:
    """A NAT gateway that is available or on its way."""

    id: str
    subnet_id: str
    zone: str
    connectivity: str = "public"


@dataclass(frozen=True)
class Endpoint:
    """A VPC endpoint: gateway endpoints (S3, DynamoDB) work through route tables, interface ones through subnets."""

    id: str
    service_name: str
    endpoint_type: str
    subnet_ids: tuple[str, ...] = ()
    route_table_ids: tuple[str, ...] = ()

    @property
    def service(self) -> str:
        """The short service name: com.amazonaws.us-east-1.s3 → s3, com.amazonaws.us-east-1.ecr.api → ecr.api."""
        parts = self.service_name.split(".")
        # AWS services are com.amazonaws.<region>.<service>, and the service part may itself hold dots.
        if len(parts) >= 4 and parts[:2] == ["com", "amazonaws"]:
            return ".".join(parts[3:])
        return parts[-1]


@dataclass(frozen=True)
class SubnetEgress:
    """A subnet with its egress class, the target that gives it (say which), and its IPv6 egress."""

    subnet: Subnet
    egress: EgressClass
    route_table_id: str | None
    via: str | None = None
    via_kind: str | None = None
    ipv6_egress: str | None = None

    @property
    def id(self) -> str:
        """The subnet id."""
        return self.subnet.id

    @property
    def private_egress(self) -> bool:
        """Egress without a public IP: through a NAT, a central egress route or an inspection endpoint."""
        return self.egress in PRIVATE_EGRESS

    @property
    def zone(self) -> str:
        """The subnet's availability zone."""
        return self.subnet.zone


def classify(table: RouteTable | None) -> tuple[EgressClass, str | None, str | None, str | None]:
    """(class, target id, target kind, IPv6 egress kind) of a route table; blackholed routes count for nothing."""
    egress, via, via_kind, ipv6 = EgressClass.ISOLATED, None, None, None
    if table is None:
        return egress, via, via_kind, ipv6
    for route in table.routes:
        if route.state != "active":
            continue
        if route.destination == IPV4_ANYWHERE:
            for prefix, (target_class, kind) in _TARGETS.items():
                if route.target_id.startswith(prefix):
                    egress, via, via_kind = target_class, route.target_id, kind
        elif route.destination == IPV6_ANYWHERE:
            if route.target_id.startswith("eigw-"):
                ipv6 = "egress-only internet gateway"
            elif route.target_id.startswith("igw-"):
                ipv6 = "internet gateway"
    return egress, via, via_kind, ipv6


@dataclass(frozen=True)
class VpcNetwork:
    """Everything the placement rules and the NAT advisor need to know about one VPC, read once."""

    vpc_id: str
    subnets: tuple[Subnet, ...] = ()
    route_tables: tuple[RouteTable, ...] = ()
    nat_gateways: tuple[NatGateway, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    _by_subnet: dict[str, SubnetEgress] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        main = next((table for table in self.route_tables if table.is_main), None)
        explicit = {subnet_id: table for table in self.route_tables for subnet_id in table.subnet_ids}
        for subnet in self.subnets:
            # No explicit association: the subnet uses the VPC's main route table.
            table = explicit.get(subnet.id, main)
            egress, via, via_kind, ipv6 = classify(table)
            self._by_subnet[subnet.id] = SubnetEgress(subnet, egress, table.id if table else None, via, via_kind, ipv6)

    def egress(self, subnet_id: str) -> SubnetEgress | None:
        """The egress of one subnet of this VPC, or None when the subnet is not in it."""
        return self._by_subnet.get(subnet_id)

    def of_class(self, egress: EgressClass) -> list[SubnetEgress]:
        """The VPC's subnets of one egress class, sorted by zone then id."""
        found = [item for item in self._by_subnet.values() if item.egress == egress]
        return sorted(found, key=lambda item: (item.zone, item.id))

    def hosts_egress(self) -> frozenset[str]:
        """Subnets holding a NAT gateway or an inspection endpoint: never a workload's home (it would bypass them)."""
        nat = {gateway.subnet_id for gateway in self.nat_gateways}
        inspection = {
            subnet_id
            for endpoint in self.endpoints
            if endpoint.endpoint_type in INSPECTION_ENDPOINT_TYPES
            for subnet_id in endpoint.subnet_ids
        }
        return frozenset(nat | inspection)

    def targets(self, classes: Iterable[EgressClass]) -> list[SubnetEgress]:
        """Subnets of these classes a workload may move to: none that holds a NAT gateway or inspection endpoint."""
        wanted = set(classes)
        hosts = self.hosts_egress()
        found = [item for item in self._by_subnet.values() if item.egress in wanted and item.id not in hosts]
        return sorted(found, key=lambda item: (item.zone, item.id))

    @property
    def zones(self) -> tuple[str, ...]:
        """The availability zones the VPC has subnets in."""
        return tuple(sorted({subnet.zone for subnet in self.subnets}))

    def endpoint_services(self) -> tuple[str, ...]:
        """Short names of the AWS services reachable through this VPC's endpoints."""
        return tuple(sorted({endpoint.service for endpoint in self.endpoints}))


def choose_subnets(
    candidates: Iterable[SubnetEgress], current_zones: Iterable[str], count: int, min_zones: int = 2
) -> list[SubnetEgress]:
    """Pick `count` subnets from candidates: the current zones first, at least `min_zones` zones when they exist.

    The rule for moving a workload: keep it in the availability zones it was in where possible, as many subnets
    as before, and spread over at least two zones when the VPC has them.
    """
    pool = sorted(candidates, key=lambda item: (item.zone, item.id))
    if not pool:
        return []
    wanted_zones = list(dict.fromkeys(current_zones))
    by_zone: dict[str, list[SubnetEgress]] = {}
    for item in pool:
        by_zone.setdefault(item.zone, []).append(item)
    ordered_zones = [zone for zone in wanted_zones if zone in by_zone]
    ordered_zones += [zone for zone in sorted(by_zone) if zone not in ordered_zones]
    target = max(count, min(min_zones, len(by_zone)))
    chosen: list[SubnetEgress] = []
    # Round-robin over zones so that the first picks cover distinct zones.
    while len(chosen) < target:
        progressed = False
        for zone in ordered_zones:
            remaining = [item for item in by_zone[zone] if item not in chosen]
            if remaining and len(chosen) < target:
                chosen.append(remaining[0])
                progressed = True
        if not progressed:
            break
    return chosen
