from vpc_remediator.domain.network import (
    EgressClass,
    Endpoint,
    NatGateway,
    Route,
    RouteTable,
    Subnet,
    VpcNetwork,
    choose_subnets,
)

LOCAL = Route("10.0.0.0/16", "local")


def network() -> VpcNetwork:
    subnets = tuple(
        Subnet(f"subnet-{name}", "vpc-1", zone)
        for name, zone in [
            ("pub-a", "a"),
            ("pub-b", "b"),
            ("pub-c", "c"),
            ("nat-a", "a"),
            ("tgw-b", "b"),
            ("iso-a", "a"),
            ("main-c", "c"),
            ("hole-b", "b"),
        ]
    )
    tables = (
        RouteTable("rtb-main", (LOCAL,), is_main=True),
        RouteTable("rtb-pub", (LOCAL, Route("0.0.0.0/0", "igw-1")), ("subnet-pub-a", "subnet-pub-b", "subnet-pub-c")),
        RouteTable("rtb-nat", (LOCAL, Route("0.0.0.0/0", "nat-1"), Route("::/0", "eigw-1")), ("subnet-nat-a",)),
        RouteTable("rtb-tgw", (LOCAL, Route("0.0.0.0/0", "tgw-1")), ("subnet-tgw-b",)),
        RouteTable("rtb-iso", (LOCAL, Route("0.0.0.0/0", "pcx-1")), ("subnet-iso-a",)),
        RouteTable("rtb-hole", (LOCAL, Route("0.0.0.0/0", "nat-gone", "blackhole")), ("subnet-hole-b",)),
    )
    endpoints = (Endpoint("vpce-1", "com.amazonaws.us-east-1.s3", "Gateway"),)
    return VpcNetwork("vpc-1", subnets, tables, endpoints=endpoints)


def test_a_route_to_an_internet_gateway_makes_a_subnet_public() -> None:
    egress = network().egress("subnet-pub-a")
    assert egress is not None
    assert egress.egress == EgressClass.PUBLIC
    assert egress.via == "igw-1"


def test_nat_gateways_are_private_nat_and_transit_gateways_routed_central_and_say_which() -> None:
    nat, tgw = network().egress("subnet-nat-a"), network().egress("subnet-tgw-b")
    assert nat is not None and tgw is not None
    assert (nat.egress, nat.via_kind, nat.ipv6_egress) == (
        EgressClass.PRIVATE_NAT,
        "NAT gateway",
        "egress-only internet gateway",
    )
    assert (tgw.egress, tgw.via_kind) == (EgressClass.ROUTED_CENTRAL, "transit gateway")
    assert nat.private_egress and tgw.private_egress


def test_peering_blackholes_and_no_route_are_isolated() -> None:
    for subnet in ("subnet-iso-a", "subnet-hole-b", "subnet-main-c"):
        egress = network().egress(subnet)
        assert egress is not None
        assert egress.egress == EgressClass.ISOLATED, subnet


def test_a_subnet_without_association_uses_the_main_route_table() -> None:
    egress = network().egress("subnet-main-c")
    assert egress is not None
    assert egress.route_table_id == "rtb-main"


def test_endpoints_are_known_by_service() -> None:
    assert network().endpoint_services() == ("s3",)


def test_choosing_keeps_the_current_zones_and_the_count() -> None:
    chosen = choose_subnets(network().of_class(EgressClass.PUBLIC), current_zones=["c", "b"], count=2)
    assert [item.zone for item in chosen] == ["c", "b"]


def test_choosing_spreads_over_two_zones_even_for_one_subnet() -> None:
    chosen = choose_subnets(network().of_class(EgressClass.PUBLIC), current_zones=["a"], count=1)
    assert [item.zone for item in chosen] == ["a", "b"]


def test_choosing_from_nothing_gives_nothing() -> None:
    assert choose_subnets([], current_zones=["a"], count=2) == []


def test_endpoint_services_keep_their_dotted_names() -> None:
    names = {
        "com.amazonaws.us-east-1.ecr.api": "ecr.api",
        "com.amazonaws.us-east-1.ecr.dkr": "ecr.dkr",
        "com.amazonaws.eu-west-1.logs": "logs",
    }
    for service_name, short in names.items():
        assert Endpoint("vpce-1", service_name, "Interface").service == short


CORE_NETWORK = "arn:aws:networkmanager::123456789012:core-network/core-network-0a1b2c3d4e5f67890"


def inspection_vpc() -> VpcNetwork:
    """Workload subnets route to a firewall endpoint; the firewall and NAT subnets route to the internet gateway."""
    subnets = tuple(
        Subnet(name, "vpc-1", zone)
        for name, zone in [
            ("fw-a", "a"),
            ("fw-b", "b"),
            ("natsub-a", "a"),
            ("pub-b", "b"),
            ("app-a", "a"),
            ("app-b", "b"),
            ("vgw-a", "a"),
            ("wan-b", "b"),
        ]
    )
    tables = (
        RouteTable("rtb-main", (LOCAL,), is_main=True),
        RouteTable("rtb-fw", (LOCAL, Route("0.0.0.0/0", "igw-1")), ("fw-a", "fw-b", "natsub-a", "pub-b")),
        RouteTable("rtb-app", (LOCAL, Route("0.0.0.0/0", "vpce-0fw1")), ("app-a", "app-b")),
        RouteTable("rtb-vgw", (LOCAL, Route("0.0.0.0/0", "vgw-1")), ("vgw-a",)),
        RouteTable("rtb-wan", (LOCAL, Route("0.0.0.0/0", CORE_NETWORK)), ("wan-b",)),
    )
    endpoints = (
        Endpoint("vpce-0fw1", "com.amazonaws.vpce.us-east-1.vpce-svc-0fw", "GatewayLoadBalancer", ("fw-a",)),
        Endpoint("vpce-0fw2", "com.amazonaws.vpce.us-east-1.vpce-svc-0fw", "GatewayLoadBalancer", ("fw-b",)),
        Endpoint("vpce-s3", "com.amazonaws.us-east-1.s3", "Gateway"),
    )
    nats = (NatGateway("nat-1", "natsub-a", "a"),)
    return VpcNetwork("vpc-1", subnets, tables, nats, endpoints)


def test_firewall_endpoints_cloud_wan_and_virtual_private_gateways_are_routed_egress() -> None:
    network = inspection_vpc()
    found = {name: network.egress(name) for name in ("app-a", "vgw-a", "wan-b")}
    assert {name: (item.egress, item.via_kind) for name, item in found.items() if item} == {
        "app-a": (EgressClass.ROUTED_INSPECTED, "Gateway Load Balancer or Network Firewall endpoint"),
        "vgw-a": (EgressClass.ROUTED_CENTRAL, "virtual private gateway (on-premises egress)"),
        "wan-b": (EgressClass.ROUTED_CENTRAL, "Cloud WAN core network"),
    }
    assert all(item is not None and item.private_egress for item in found.values())


def test_subnets_holding_a_nat_gateway_or_an_inspection_endpoint_are_never_move_targets() -> None:
    network = inspection_vpc()
    assert [item.id for item in network.of_class(EgressClass.PUBLIC)] == ["fw-a", "natsub-a", "fw-b", "pub-b"]
    assert network.hosts_egress() == {"fw-a", "fw-b", "natsub-a"}
    assert [item.id for item in network.targets([EgressClass.PUBLIC])] == ["pub-b"]
