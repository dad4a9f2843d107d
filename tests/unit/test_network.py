from vpc_remediator.domain.network import (
    EgressClass,
    Endpoint,
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


def test_nat_gateways_and_other_egress_targets_are_private_nat_and_say_which() -> None:
    nat, tgw = network().egress("subnet-nat-a"), network().egress("subnet-tgw-b")
    assert nat is not None and tgw is not None
    assert (nat.egress, nat.via_kind, nat.ipv6_egress) == (
        EgressClass.PRIVATE_NAT,
        "NAT gateway",
        "egress-only internet gateway",
    )
    assert (tgw.egress, tgw.via_kind) == (EgressClass.PRIVATE_NAT, "transit gateway")


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
