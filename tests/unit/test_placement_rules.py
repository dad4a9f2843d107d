"""The placement rule of each kind, the exposure check, exemption, CloudFormation ownership and flapping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vpc_remediator.domain.exposure import IngressRule, exposures
from vpc_remediator.domain.guards import LedgerEntry, already_handled, check_flapping, exemption, iac_owner
from vpc_remediator.domain.network import Endpoint, NatGateway, Route, RouteTable, Subnet, VpcNetwork
from vpc_remediator.domain.placement import Verdict, decide_placement, template_change
from vpc_remediator.domain.workload import Workload
from vpc_remediator.workloads import (
    autoscaling_group,
    batch_compute_environment,
    batch_job_definition,
    ecs_service,
    lambda_function,
)

LOCAL = Route("10.0.0.0/16", "local")


def vpc(public: bool = True, private: bool = True, zones: tuple[str, ...] = ("a", "b", "c")) -> VpcNetwork:
    subnets = [Subnet(f"iso-{zone}", "vpc-1", zone) for zone in zones]
    tables = [RouteTable("rtb-main", (LOCAL,), is_main=True)]
    if public:
        subnets += [Subnet(f"pub-{zone}", "vpc-1", zone) for zone in zones]
        ids = tuple(f"pub-{zone}" for zone in zones)
        tables.append(RouteTable("rtb-pub", (LOCAL, Route("0.0.0.0/0", "igw-1")), ids))
    if private:
        subnets += [Subnet(f"nat-{zone}", "vpc-1", zone) for zone in zones]
        ids = tuple(f"nat-{zone}" for zone in zones)
        tables.append(RouteTable("rtb-nat", (LOCAL, Route("0.0.0.0/0", "nat-1")), ids))
    return VpcNetwork("vpc-1", tuple(subnets), tuple(tables))


def service(*subnets: str, public_ip: bool | None = False, mode: str | None = "awsvpc") -> Workload:
    return Workload(
        ecs_service.PROFILE, "arn:svc", "svc", subnets, ("sg-1",), assign_public_ip=public_ip, network_mode=mode
    )


def function(*subnets: str) -> Workload:
    return Workload(lambda_function.PROFILE, "arn:fn", "fn", subnets, ("sg-1", "sg-2"))


def test_a_container_in_public_subnets_with_a_public_ip_is_compliant() -> None:
    decision = decide_placement(service("pub-a", "pub-b", public_ip=True), vpc())
    assert decision.verdict is Verdict.COMPLIANT
    assert decision.target is None


def test_a_container_in_private_subnets_with_nat_is_compliant_whatever_its_public_ip() -> None:
    decision = decide_placement(service("nat-a", "nat-b", public_ip=False), vpc())
    assert decision.verdict is Verdict.COMPLIANT
    assert "nat-1" in decision.reason


def test_a_container_in_public_subnets_without_public_ip_gets_one_and_keeps_its_subnets_and_groups() -> None:
    decision = decide_placement(service("pub-a", "pub-c", public_ip=False), vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert decision.target.subnet_ids == ("pub-a", "pub-c")
    assert decision.target.security_group_ids == ("sg-1",)
    assert decision.target.assign_public_ip is True
    assert decision.gives_public_ip


def test_a_container_with_an_isolated_subnet_moves_to_public_subnets_in_the_same_zones() -> None:
    decision = decide_placement(service("iso-b", "iso-c", public_ip=False), vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert decision.target.subnet_ids == ("pub-b", "pub-c")
    assert decision.target.assign_public_ip is True
    assert [item.egress.value for item in decision.before] == ["isolated", "isolated"]
    assert [item.egress.value for item in decision.after] == ["public", "public"]


def test_a_move_from_one_subnet_spreads_over_two_zones_when_the_vpc_has_them() -> None:
    decision = decide_placement(service("iso-c"), vpc())
    assert decision.target is not None
    assert decision.target.subnet_ids[0] == "pub-c"
    assert len({item.zone for item in decision.after}) == 2


def test_a_mix_of_public_and_isolated_subnets_still_moves_every_subnet_to_public() -> None:
    decision = decide_placement(service("pub-a", "iso-b", public_ip=True), vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert set(decision.target.subnet_ids) == {"pub-a", "pub-b"}


def test_an_isolated_container_in_a_vpc_without_public_subnets_moves_behind_the_existing_nat() -> None:
    decision = decide_placement(service("iso-a", "iso-b"), vpc(public=False))
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert decision.target.subnet_ids == ("nat-a", "nat-b")
    assert decision.target.assign_public_ip is False
    assert not decision.gives_public_ip


def test_an_isolated_container_in_a_vpc_with_no_egress_at_all_needs_nat() -> None:
    decision = decide_placement(service("iso-a", "iso-b"), vpc(public=False, private=False))
    assert decision.verdict is Verdict.NEEDS_NAT
    assert decision.target is None


def test_other_network_modes_are_not_placed() -> None:
    decision = decide_placement(service(mode="bridge"), vpc())
    assert decision.verdict is Verdict.NOT_APPLICABLE
    assert "bridge" in decision.reason


def test_a_compute_environment_moves_without_a_public_ip_setting_of_its_own() -> None:
    workload = Workload(batch_compute_environment.PROFILE, "arn:ce", "ce", ("iso-a", "iso-b"), ("sg-1",))
    decision = decide_placement(workload, vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert decision.target.assign_public_ip is None
    assert decision.target.subnet_ids == ("pub-a", "pub-b")
    assert decision.gives_public_ip
    assert decide_placement(Workload(batch_compute_environment.PROFILE, "a", "c", ("pub-a",)), vpc()).verdict == (
        Verdict.COMPLIANT
    )


@pytest.mark.parametrize(("public_ip", "verdict"), [(False, Verdict.CHANGE), (True, Verdict.COMPLIANT)])
def test_a_fargate_job_definition_needs_its_public_ip_enabled(public_ip: bool, verdict: Verdict) -> None:
    workload = Workload(batch_job_definition.PROFILE, "arn:jd:1", "jd", assign_public_ip=public_ip, platform="FARGATE")
    decision = decide_placement(workload, None)
    assert decision.verdict is verdict
    if verdict is Verdict.CHANGE:
        assert decision.target is not None and decision.target.assign_public_ip is True


def test_an_ec2_job_definition_is_not_placed() -> None:
    workload = Workload(batch_job_definition.PROFILE, "arn:jd:1", "jd", assign_public_ip=False, platform="EC2")
    assert decide_placement(workload, None).verdict is Verdict.NOT_APPLICABLE


def test_a_function_in_public_subnets_moves_to_private_nat_subnets_keeping_its_groups() -> None:
    decision = decide_placement(function("pub-a", "pub-b"), vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert decision.target.subnet_ids == ("nat-a", "nat-b")
    assert decision.target.security_group_ids == ("sg-1", "sg-2")
    assert not decision.gives_public_ip
    assert "never gets a public IP" in decision.reason


def test_a_function_in_public_subnets_of_a_vpc_without_nat_needs_nat() -> None:
    assert decide_placement(function("pub-a"), vpc(private=False)).verdict is Verdict.NEEDS_NAT


def test_a_function_in_isolated_subnets_needs_nat_but_may_be_fine_inside_the_vpc() -> None:
    decision = decide_placement(function("iso-a", "iso-b"), vpc())
    assert decision.verdict is Verdict.NEEDS_NAT
    assert "only talks to things inside the VPC" in decision.reason


@pytest.mark.parametrize("subnets", [("nat-a", "nat-b"), ()])
def test_a_function_in_nat_subnets_or_outside_any_vpc_is_compliant(subnets: tuple[str, ...]) -> None:
    assert decide_placement(function(*subnets), vpc()).verdict is Verdict.COMPLIANT


def test_template_change_names_the_property_and_its_value() -> None:
    decision = decide_placement(service("iso-a", "iso-b"), vpc())
    assert decision.target is not None
    change = template_change(service("iso-a", "iso-b"), decision.target)
    assert change["resource_type"] == "AWS::ECS::Service"
    assert change["value"] == {"Subnets": ["pub-a", "pub-b"], "SecurityGroups": ["sg-1"], "AssignPublicIp": "ENABLED"}


ALLOWED = frozenset({("tcp", 80), ("tcp", 443)})


def rule(protocol: str, low: int | None, high: int | None, source: str = "0.0.0.0/0") -> IngressRule:
    return IngressRule("sg-1", protocol, low, high, source)


@pytest.mark.parametrize(
    ("ingress", "exposed"),
    [
        (rule("tcp", 22, 22), True),
        (rule("tcp", 443, 443), False),
        (rule("tcp", 80, 80, "::/0"), False),
        (rule("tcp", 80, 443), True),
        (rule("-1", None, None), True),
        (rule("tcp", 22, 22, "10.0.0.0/8"), False),
        (rule("tcp", 5432, 5432, "::/0"), True),
        (rule("icmp", 8, 0), False),
        # The allow-list names protocols: UDP 443 is not HTTPS.
        (rule("udp", 443, 443), True),
    ],
)
def test_exposure_is_any_world_open_port_outside_the_allow_list(ingress: IngressRule, exposed: bool) -> None:
    found = exposures([ingress], ALLOWED)
    assert bool(found) is exposed
    if exposed:
        assert ingress.source in found[0].describe()


def test_an_empty_allow_list_blocks_even_https() -> None:
    assert exposures([rule("tcp", 443, 443)], frozenset())


def test_exemption_needs_the_configured_key_with_value_true() -> None:
    assert exemption({"vpc-remediator:exempt": "True"}, "vpc-remediator:exempt")
    assert exemption({"vpc-remediator:exempt": "false"}, "vpc-remediator:exempt") is None
    assert exemption({"other": "true"}, "vpc-remediator:exempt") is None


def test_cloudformation_ownership_comes_from_the_caller_or_the_stack_tag() -> None:
    assert iac_owner({}, "cloudformation.amazonaws.com")
    assert "shop" in (iac_owner({"aws:cloudformation:stack-name": "shop"}, None) or "")
    assert iac_owner({}, None) is None
    assert iac_owner({}, "ecs.amazonaws.com") is None


NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def entry(minutes_ago: int, decision: str = "remediated", event: str | None = None) -> LedgerEntry:
    return LedgerEntry("arn:svc", NOW - timedelta(minutes=minutes_ago), decision, event_id=event)


def test_three_remediations_within_the_window_stop_further_changes() -> None:
    check = check_flapping([entry(50), entry(30), entry(5)], NOW, 3, timedelta(minutes=60))
    assert check.flapping
    assert len(check.history) == 3


def test_remediations_outside_the_window_and_other_decisions_do_not_count() -> None:
    history = [entry(90), entry(30), entry(5), entry(3, "compliant"), entry(2, "would-remediate")]
    assert not check_flapping(history, NOW, 3, timedelta(minutes=60)).flapping


def test_an_event_already_acted_on_is_recognised() -> None:
    assert already_handled([entry(5, event="e-1")], "e-1") is not None
    assert already_handled([entry(5, event="e-1")], "e-2") is None
    assert already_handled([entry(5, "blocked", event="e-1")], "e-1") is None


# Egress by platform ---------------------------------------------------------------------------------------------------


def on_platform(platform: str, *subnets: str, public_ip: bool = False) -> Workload:
    return Workload(
        ecs_service.PROFILE,
        "arn:svc",
        "svc",
        subnets,
        ("sg-1",),
        assign_public_ip=public_ip,
        network_mode="awsvpc",
        platform=platform,
    )


def test_an_ec2_backed_awsvpc_service_in_public_subnets_moves_to_nat_subnets_and_never_gets_a_public_ip() -> None:
    decision = decide_placement(on_platform("EC2", "pub-a", "pub-b"), vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert decision.target.subnet_ids == ("nat-a", "nat-b")
    assert decision.target.assign_public_ip is False
    assert not decision.gives_public_ip
    assert "EC2 capacity never gets a public IP" in decision.reason


def test_an_ec2_backed_awsvpc_service_in_isolated_subnets_moves_to_nat_subnets_too() -> None:
    decision = decide_placement(on_platform("EC2", "iso-a"), vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None and decision.target.assign_public_ip is False
    assert {item.egress.value for item in decision.after} == {"private-nat"}


def test_an_ec2_backed_awsvpc_service_needs_nat_where_the_vpc_has_no_private_egress() -> None:
    decision = decide_placement(on_platform("EC2", "pub-a", "pub-b"), vpc(private=False))
    assert decision.verdict is Verdict.NEEDS_NAT
    assert decision.target is None


def test_an_ec2_backed_awsvpc_service_behind_a_nat_is_compliant() -> None:
    assert decide_placement(on_platform("EC2", "nat-a", "nat-b"), vpc()).verdict is Verdict.COMPLIANT


@pytest.mark.parametrize("platform", ["EXTERNAL", "mixed"])
def test_ecs_anywhere_and_mixed_strategies_are_not_placed(platform: str) -> None:
    decision = decide_placement(on_platform(platform, "iso-a"), vpc())
    assert decision.verdict is Verdict.NOT_APPLICABLE
    assert platform in decision.reason


# Routed egress ------------------------------------------------------------------------------------------------------


def inspection_vpc() -> VpcNetwork:
    """app-* route to a firewall endpoint in fw-*; fw-* and natsub-a route to the internet gateway; iso-* nowhere."""
    names = {"fw-a": "a", "fw-b": "b", "natsub-a": "a", "app-a": "a", "app-b": "b", "iso-a": "a", "iso-b": "b"}
    subnets = tuple(Subnet(name, "vpc-1", zone) for name, zone in names.items())
    tables = (
        RouteTable("rtb-main", (LOCAL,), is_main=True),
        RouteTable("rtb-fw", (LOCAL, Route("0.0.0.0/0", "igw-1")), ("fw-a", "fw-b", "natsub-a")),
        RouteTable("rtb-app", (LOCAL, Route("0.0.0.0/0", "vpce-0fw1")), ("app-a", "app-b")),
    )
    endpoints = tuple(
        Endpoint(f"vpce-0fw{zone}", "com.amazonaws.vpce.us-east-1.vpce-svc-0fw", "GatewayLoadBalancer", (f"fw-{zone}",))
        for zone in "ab"
    )
    nats = (NatGateway("nat-1", "natsub-a", "a"),)
    return VpcNetwork("vpc-1", subnets, tables, nats, endpoints)


def test_a_fargate_service_behind_a_firewall_stays_and_the_reason_says_why() -> None:
    decision = decide_placement(service("app-a", "app-b"), inspection_vpc())
    assert decision.verdict is Verdict.COMPLIANT
    assert "bypass" in decision.reason
    assert {item.egress.value for item in decision.before} == {"routed-inspected"}


def test_an_isolated_service_moves_behind_the_firewall_never_into_the_firewall_or_nat_subnets() -> None:
    decision = decide_placement(service("iso-a", "iso-b"), inspection_vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert decision.target.subnet_ids == ("app-a", "app-b")
    assert not decision.gives_public_ip
    assert "inspection" in decision.reason


def test_an_isolated_service_in_a_vpc_with_only_central_egress_moves_there() -> None:
    subnets = (Subnet("iso-a", "vpc-1", "a"), Subnet("tgw-a", "vpc-1", "a"), Subnet("tgw-b", "vpc-1", "b"))
    tables = (
        RouteTable("rtb-main", (LOCAL,), is_main=True),
        RouteTable("rtb-tgw", (LOCAL, Route("0.0.0.0/0", "tgw-1")), ("tgw-a", "tgw-b")),
    )
    decision = decide_placement(service("iso-a"), VpcNetwork("vpc-1", subnets, tables))
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert decision.target.subnet_ids == ("tgw-a", "tgw-b")
    assert [item.egress.value for item in decision.after] == ["routed-central", "routed-central"]


def test_a_function_behind_a_firewall_or_central_egress_is_compliant() -> None:
    assert decide_placement(function("app-a", "app-b"), inspection_vpc()).verdict is Verdict.COMPLIANT


def test_a_function_in_public_subnets_moves_to_inspected_subnets_not_to_the_nat_subnet() -> None:
    decision = decide_placement(function("fw-a", "fw-b"), inspection_vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert decision.target.subnet_ids == ("app-a", "app-b")


# Batch on EC2 and Spot ----------------------------------------------------------------------------------------------


def batch_vpc(maps: tuple[str, ...]) -> VpcNetwork:
    subnets = [Subnet(f"pub-{zone}", "vpc-1", zone, map_public_ip_on_launch=f"pub-{zone}" in maps) for zone in "ab"]
    subnets += [Subnet(f"map-{zone}", "vpc-1", zone, map_public_ip_on_launch=f"map-{zone}" in maps) for zone in "ab"]
    public = ("pub-a", "pub-b", "map-a", "map-b")
    tables = (
        RouteTable("rtb-main", (LOCAL,), is_main=True),
        RouteTable("rtb-pub", (LOCAL, Route("0.0.0.0/0", "igw-1")), public),
    )
    return VpcNetwork("vpc-1", tuple(subnets), tables)


def ec2_environment(*subnets: str, platform: str = "EC2", template_ip: bool | None = None) -> Workload:
    return Workload(
        batch_compute_environment.PROFILE,
        "arn:ce",
        "ce",
        subnets,
        ("sg-1",),
        platform=platform,
        launch_template_public_ip=template_ip,
    )


@pytest.mark.parametrize("platform", ["EC2", "SPOT"])
def test_a_batch_ec2_environment_in_public_subnets_that_map_no_public_ip_moves_to_ones_that_do(platform: str) -> None:
    decision = decide_placement(ec2_environment("pub-a", "pub-b", platform=platform), batch_vpc(("map-a", "map-b")))
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None and decision.target.subnet_ids == ("map-a", "map-b")
    assert "RUNNABLE" in decision.reason


def test_a_batch_ec2_environment_with_no_subnet_that_maps_public_ips_is_told_what_to_change() -> None:
    decision = decide_placement(ec2_environment("pub-a", "pub-b"), batch_vpc(()))
    assert decision.verdict is Verdict.NOT_APPLICABLE
    assert "MapPublicIpOnLaunch" in decision.reason and "launch template" in decision.reason


def test_a_batch_ec2_environment_whose_subnets_or_launch_template_give_public_ips_is_compliant() -> None:
    assert decide_placement(ec2_environment("map-a", "map-b"), batch_vpc(("map-a", "map-b"))).verdict is (
        Verdict.COMPLIANT
    )
    assert decide_placement(ec2_environment("pub-a", "pub-b", template_ip=True), batch_vpc(())).verdict is (
        Verdict.COMPLIANT
    )


def test_an_auto_scaling_group_takes_the_batch_ec2_rule_in_its_own_words() -> None:
    # The same rule as Batch EC2 (instances need a public IP on launch), whatever the kind: no platform needed.
    group = Workload(autoscaling_group.PROFILE, "arn:asg", "asg", ("pub-a", "pub-b"), ("sg-1",))
    moved = decide_placement(group, batch_vpc(("map-a", "map-b")))
    assert moved.verdict is Verdict.CHANGE
    assert moved.target is not None and moved.target.subnet_ids == ("map-a", "map-b")
    assert "RUNNABLE" not in moved.reason and "no egress" in moved.reason
    stuck = decide_placement(group, batch_vpc(()))
    assert stuck.verdict is Verdict.NOT_APPLICABLE
    assert "give the Auto Scaling group a launch template" in stuck.reason


def test_a_fargate_environment_still_counts_any_public_subnet() -> None:
    decision = decide_placement(ec2_environment("pub-a", "pub-b", platform="FARGATE"), batch_vpc(()))
    assert decision.verdict is Verdict.COMPLIANT


# A container partly in isolated subnets keeps the egress it already has ----------------------------------------------


def central_and_public_vpc() -> VpcNetwork:
    """tgw-* route to a transit gateway (the organisation's central egress), pub-* to the internet gateway."""
    names = ("tgw-a", "tgw-b", "pub-a", "pub-b", "iso-a", "iso-b", "nat-a", "nat-b")
    subnets = tuple(Subnet(name, "vpc-1", name[-1]) for name in names)
    tables = (
        RouteTable("rtb-main", (LOCAL,), is_main=True),
        RouteTable("rtb-tgw", (LOCAL, Route("0.0.0.0/0", "tgw-1")), ("tgw-a", "tgw-b")),
        RouteTable("rtb-pub", (LOCAL, Route("0.0.0.0/0", "igw-1")), ("pub-a", "pub-b")),
        RouteTable("rtb-nat", (LOCAL, Route("0.0.0.0/0", "nat-1")), ("nat-a", "nat-b")),
    )
    return VpcNetwork("vpc-1", subnets, tables)


def test_a_container_partly_behind_central_egress_is_not_moved_around_it() -> None:
    # Its tasks in tgw-a reach the internet through the central egress (often where the organisation inspects
    # traffic): the isolated subnet is fixed by moving to central egress, not by going public or through a NAT.
    decision = decide_placement(service("tgw-a", "iso-b", public_ip=False), central_and_public_vpc())
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None
    assert decision.target.subnet_ids == ("tgw-a", "tgw-b")
    assert not decision.gives_public_ip and decision.target.assign_public_ip is False


def test_a_container_partly_behind_a_nat_is_not_given_a_public_ip() -> None:
    decision = decide_placement(service("nat-a", "iso-b", public_ip=False), vpc())
    assert decision.target is not None
    assert decision.target.subnet_ids == ("nat-a", "nat-b")
    assert not decision.gives_public_ip
    # Swept again after the move, it stays: no flapping.
    moved = service(*decision.target.subnet_ids, public_ip=decision.target.assign_public_ip)
    assert decide_placement(moved, vpc()).verdict is Verdict.COMPLIANT


def test_a_public_ip_left_enabled_in_isolated_subnets_is_not_carried_behind_a_firewall() -> None:
    # Behind a firewall (the distributed model, with ingress routing at the internet gateway) a task with a public
    # IP is reachable from the internet; in private subnets the public IP gives no egress, only exposure.
    decision = decide_placement(service("iso-a", "iso-b", public_ip=True), inspection_vpc())
    assert decision.target is not None
    assert decision.target.subnet_ids == ("app-a", "app-b")
    assert decision.target.assign_public_ip is False
    assert "assignPublicIp DISABLED" in decision.reason
    moved = service(*decision.target.subnet_ids, public_ip=decision.target.assign_public_ip)
    assert decide_placement(moved, inspection_vpc()).verdict is Verdict.COMPLIANT


def dual_stack_vpc(ipv6_target: str, with_route: tuple[str, ...]) -> VpcNetwork:
    """Public dual-stack subnets: those in `with_route` also route ::/0 out; NAT subnets to move to."""
    subnets = [Subnet(f"pub-{zone}", "vpc-1", zone, has_ipv6=True) for zone in ("a", "b")]
    subnets += [Subnet(f"nat-{zone}", "vpc-1", zone) for zone in ("a", "b")]
    v6 = (LOCAL, Route("0.0.0.0/0", "igw-1"), Route("::/0", ipv6_target))
    v4 = (LOCAL, Route("0.0.0.0/0", "igw-1"))
    tables = (
        RouteTable("rtb-main", (LOCAL,), is_main=True),
        RouteTable("rtb-v6", v6, with_route),
        RouteTable("rtb-v4", v4, tuple(f"pub-{zone}" for zone in ("a", "b") if f"pub-{zone}" not in with_route)),
        RouteTable("rtb-nat", (LOCAL, Route("0.0.0.0/0", "nat-1")), ("nat-a", "nat-b")),
    )
    return VpcNetwork("vpc-1", tuple(subnets), tables)


@pytest.mark.parametrize("target", ["eigw-1", "igw-1"])
def test_a_function_allowed_outbound_ipv6_with_an_ipv6_route_out_stays_and_is_told_about_ipv4(target: str) -> None:
    workload = Workload(lambda_function.PROFILE, "arn:fn", "fn", ("pub-a", "pub-b"), ("sg-1",), ipv6_outbound=True)
    decision = decide_placement(workload, dual_stack_vpc(target, ("pub-a", "pub-b")))
    assert decision.verdict is Verdict.COMPLIANT and decision.target is None
    assert "IPv4-only destinations still need a NAT gateway or VPC endpoints" in decision.reason


def test_one_subnet_without_an_ipv6_route_out_is_no_ipv6_egress() -> None:
    workload = Workload(lambda_function.PROFILE, "arn:fn", "fn", ("pub-a", "pub-b"), ("sg-1",), ipv6_outbound=True)
    decision = decide_placement(workload, dual_stack_vpc("eigw-1", ("pub-a",)))
    assert decision.verdict is Verdict.CHANGE
    assert decision.target is not None and set(decision.target.subnet_ids) == {"nat-a", "nat-b"}
