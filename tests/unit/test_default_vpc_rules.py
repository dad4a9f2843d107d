from vpc_remediator.domain.default_vpc import (
    PENDING,
    DefaultRoute,
    DefaultVpcState,
    ExplicitTable,
    Zone,
    describe_problems,
    kept_routes,
    plan_repairs,
    usable_zones,
)

ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")


def healthy(**changes: object) -> DefaultVpcState:
    fields: dict[str, object] = {
        "vpc_id": "vpc-1",
        "usable_zones": ZONES,
        "subnet_zones": ZONES,
        "attached_igw_id": "igw-1",
        "main_route_table_id": "rtb-1",
        "default_route": DefaultRoute("igw-1", "active"),
    }
    fields.update(changes)
    return DefaultVpcState(**fields)  # type: ignore[arg-type]


def apis(state: DefaultVpcState) -> list[str]:
    return [action.api for action in plan_repairs(state)]


def test_a_working_default_vpc_needs_nothing() -> None:
    assert plan_repairs(healthy()) == ()
    assert describe_problems(healthy()) == "the default VPC works"


def test_a_missing_default_vpc_is_created_first_and_alone() -> None:
    assert apis(DefaultVpcState(vpc_id=None)) == ["ec2:CreateDefaultVpc"]


def test_each_missing_zone_gets_a_default_subnet() -> None:
    actions = plan_repairs(healthy(subnet_zones=("us-east-1b",)))
    assert [a.params["AvailabilityZone"] for a in actions] == ["us-east-1a", "us-east-1c"]
    assert all(a.api == "ec2:CreateDefaultSubnet" for a in actions)


def test_a_missing_gateway_is_created_attached_and_routed() -> None:
    actions = plan_repairs(healthy(attached_igw_id=None, default_route=DefaultRoute("igw-1", "blackhole")))
    assert [a.api for a in actions] == ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:ReplaceRoute"]
    assert actions[1].params == {"InternetGatewayId": PENDING, "VpcId": "vpc-1"}
    assert actions[2].params["GatewayId"] == PENDING


def test_a_missing_route_is_created_with_an_undo() -> None:
    (action,) = plan_repairs(healthy(default_route=None))
    assert action.api == "ec2:CreateRoute"
    assert action.params == {"RouteTableId": "rtb-1", "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}
    assert action.undo is not None
    assert "delete-route" in action.undo


def test_a_live_route_to_another_target_is_a_deliberate_choice_and_kept() -> None:
    assert plan_repairs(healthy(default_route=DefaultRoute("nat-1", "active"))) == ()


def test_a_blackholed_route_is_replaced() -> None:
    assert apis(healthy(default_route=DefaultRoute("nat-1", "blackhole"))) == ["ec2:ReplaceRoute"]


def test_nothing_planned_ever_deletes() -> None:
    states = [DefaultVpcState(vpc_id=None), healthy(attached_igw_id=None, subnet_zones=(), default_route=None)]
    for state in states:
        assert not [a for a in plan_repairs(state) if "Delete" in a.api or "Detach" in a.api]


def test_only_standard_opted_in_available_zones_are_usable() -> None:
    zones = [
        Zone("us-west-2a", "availability-zone", "opt-in-not-required", "available"),
        Zone("us-west-2-lax-1a", "local-zone", "opted-in", "available"),
        Zone("us-west-2-wl1-las-wlz-1", "wavelength-zone", "opted-in", "available"),
        Zone("us-west-2d", "availability-zone", "not-opted-in", "available"),
        Zone("us-west-2b", "availability-zone", "opted-in", "available"),
        Zone("us-west-2c", "availability-zone", "opt-in-not-required", "impaired"),
    ]
    assert usable_zones(zones) == ("us-west-2a", "us-west-2b")


def test_problems_are_named() -> None:
    state = healthy(subnet_zones=("us-east-1a",), attached_igw_id=None, default_route=None)
    text = describe_problems(state)
    assert "no default subnet in us-east-1b, us-east-1c" in text
    assert "no internet gateway attached" in text
    assert "no 0.0.0.0/0 route" in text


def test_an_explicitly_associated_table_without_a_route_out_gets_the_gateway_route() -> None:
    table = ExplicitTable("rtb-9", ("us-east-1b",), default_route=None)
    (action,) = plan_repairs(healthy(explicit_tables=(table,)))
    assert action.api == "ec2:CreateRoute"
    assert action.params == {"RouteTableId": "rtb-9", "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}
    assert "rtb-9" in describe_problems(healthy(explicit_tables=(table,)))


def test_an_explicitly_associated_table_keeps_any_route_it_has_even_a_blackhole() -> None:
    nat = ExplicitTable("rtb-9", ("us-east-1b",), DefaultRoute("nat-1", "active"))
    hole = ExplicitTable("rtb-8", ("us-east-1c",), DefaultRoute("igw-old", "blackhole"))
    state = healthy(explicit_tables=(nat, hole))
    assert plan_repairs(state) == ()
    kept = kept_routes(state)
    assert kept is not None
    assert "rtb-8" in kept
    assert "rtb-9" not in kept


def test_an_explicit_table_route_waits_for_a_new_gateway() -> None:
    table = ExplicitTable("rtb-9", ("us-east-1b",))
    actions = plan_repairs(healthy(attached_igw_id=None, explicit_tables=(table,)))
    assert actions[-1].params["GatewayId"] == PENDING


def test_a_zone_that_refused_a_default_subnet_is_not_asked_again() -> None:
    state = healthy(subnet_zones=("us-east-1a",))
    actions = plan_repairs(state, skipped_zones={"us-east-1b"})
    assert [a.params["AvailabilityZone"] for a in actions] == ["us-east-1c"]
