"""The placement rule of each kind, the exposure check, exemption, CloudFormation ownership and flapping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vpc_remediator.domain.exposure import IngressRule, exposures
from vpc_remediator.domain.guards import LedgerEntry, already_handled, check_flapping, exemption, iac_owner
from vpc_remediator.domain.network import Route, RouteTable, Subnet, VpcNetwork
from vpc_remediator.domain.placement import Verdict, decide_placement, template_change
from vpc_remediator.domain.workload import Workload
from vpc_remediator.workloads import batch_compute_environment, batch_job_definition, ecs_service, lambda_function

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


def test_an_isolated_container_in_a_vpc_without_public_subnets_needs_nat() -> None:
    decision = decide_placement(service("iso-a", "iso-b"), vpc(public=False))
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
