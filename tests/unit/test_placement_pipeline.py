"""Each step of the placement pipeline, with in-memory fakes: the guards in order, apply and verify."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.unit.fakes import STAMP, FakeAdapter, World
from vpc_remediator.domain.details import PlacementDetails
from vpc_remediator.domain.exposure import IngressRule
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.domain.workload import Workload
from vpc_remediator.remediation.placement import remediate_workload
from vpc_remediator.settings import Settings
from vpc_remediator.workloads import batch_job_definition, ecs_service, lambda_function

SETTINGS = Settings(stack_name="vpc-remediator")


def service(*subnets: str, public_ip: bool = False, **changes: object) -> Workload:
    workload = Workload(
        ecs_service.PROFILE,
        "arn:aws:ecs:us-east-1:123456789012:service/shop/web",
        "web",
        subnets,
        ("sg-web",),
        assign_public_ip=public_ip,
        network_mode="awsvpc",
    )
    return replace(workload, **changes)  # type: ignore[arg-type]


def run(world: World, workload: Workload, settings: Settings = SETTINGS, invoked_by: str | None = None) -> Report:
    world.adapter.current = world.adapter.current or workload
    return remediate_workload(workload, world.services(), settings, STAMP, invoked_by)


def details(report: Report) -> PlacementDetails:
    assert isinstance(report.details, PlacementDetails)
    return report.details


def test_an_isolated_service_is_moved_applied_verified_and_kept_in_the_ledger() -> None:
    world = World()
    report = run(world, service("iso-a", "iso-b"))
    assert report.outcome is Outcome.REMEDIATED
    assert "done and verified" in report.reason
    (plan,) = world.adapter.applied
    assert set(plan.subnet_ids) == {"pub-a", "pub-b"}
    assert plan.security_group_ids == ("sg-web",)
    assert (details(report).assign_public_ip_before, details(report).assign_public_ip_after) == ("DISABLED", "ENABLED")
    assert [entry.decision for entry in world.ledger.entries] == ["intent", "remediated"]


def test_an_exempt_workload_is_skipped_before_anything_is_read() -> None:
    world = World()
    report = run(world, service("iso-a", tags={"vpc-remediator:exempt": "true"}))
    assert report.outcome is Outcome.SKIPPED
    assert "exempt" in report.reason
    assert world.network.reads == 0
    assert world.adapter.applied == []


def test_subnets_that_are_not_found_skip_the_workload() -> None:
    report = run(World(), service("subnet-gone"))
    assert report.outcome is Outcome.SKIPPED
    assert "subnet-gone were not found" in report.reason


def test_a_compliant_workload_is_reported_and_not_touched() -> None:
    world = World()
    report = run(world, service("pub-a", "pub-b", public_ip=True))
    assert report.outcome is Outcome.COMPLIANT
    assert world.adapter.applied == []


def test_a_function_without_nat_subnets_needs_nat_with_the_advice() -> None:
    world = World()
    world.network.vpc_network = replace(
        world.network.vpc_network, route_tables=world.network.vpc_network.route_tables[:2]
    )
    function = Workload(lambda_function.PROFILE, "arn:aws:lambda:us-east-1:1:function:f", "f", ("pub-a",), ("sg",))
    report = run(world, function)
    assert report.outcome is Outcome.NEEDS_NAT
    advice = details(report).nat_advice
    assert advice is not None and advice.nat_gateway.monthly > 0
    assert world.adapter.applied == []


def test_a_public_ip_that_would_expose_ssh_is_blocked() -> None:
    world = World()
    world.ingress.rules["sg-web"] = [IngressRule("sg-web", "tcp", 22, 22, "0.0.0.0/0")]
    report = run(world, service("iso-a"))
    assert report.outcome is Outcome.BLOCKED
    assert details(report).exposed_rules == ("sg-web allows tcp port 22 from 0.0.0.0/0",)
    assert world.adapter.applied == []


def test_a_cloudformation_resource_gets_the_template_change_not_a_change() -> None:
    world = World()
    report = run(world, service("iso-a", tags={"aws:cloudformation:stack-name": "shop"}))
    assert report.outcome is Outcome.SKIPPED
    change = details(report).template_change
    assert change is not None and change.resource_type == "AWS::ECS::Service"
    assert change.value["AssignPublicIp"] == "ENABLED"
    assert world.adapter.applied == []
    changed = run(
        World(),
        service("iso-a", tags={"aws:cloudformation:stack-name": "shop"}),
        replace(SETTINGS, remediate_iac_managed=True),
    )
    assert changed.outcome is Outcome.REMEDIATED


def test_what_cannot_change_in_place_is_reported_with_the_corrected_call() -> None:
    world = World()
    report = run(world, service("iso-a", can_change_in_place=False, not_in_place_reason="a running task"))
    assert report.outcome is Outcome.SKIPPED
    assert "a running task" in report.reason
    assert details(report).corrected is not None
    assert world.adapter.applied == []


def test_the_same_event_twice_changes_nothing_the_second_time() -> None:
    world = World()
    assert run(world, service("iso-a")).outcome is Outcome.REMEDIATED
    world.adapter.current = service("iso-a")  # reverted meanwhile
    again = run(world, service("iso-a"))
    assert again.outcome is Outcome.SKIPPED
    assert "already handled" in again.reason
    assert len(world.adapter.applied) == 1


def test_a_resource_fought_over_is_left_alone_after_the_flap_limit() -> None:
    world = World()
    for minute in range(3):
        world.now += timedelta(minutes=minute)
        report = remediate_workload(service("iso-a"), world.services(), SETTINGS, replace(STAMP, event_id=f"e{minute}"))
        assert report.outcome is Outcome.REMEDIATED
    blocked = remediate_workload(service("iso-a"), world.services(), SETTINGS, replace(STAMP, event_id="e9"))
    assert blocked.outcome is Outcome.BLOCKED
    assert details(blocked).history is not None and len(details(blocked).history or ()) == 3
    assert len(world.adapter.applied) == 3


def test_a_dry_run_says_what_it_would_do_and_changes_nothing() -> None:
    world = World()
    report = run(world, service("iso-a"), replace(SETTINGS, dry_run=True))
    assert report.outcome is Outcome.WOULD_REMEDIATE
    (action,) = report.actions
    assert action.undo
    assert world.adapter.applied == []


def test_a_denied_change_is_blocked_not_raised() -> None:
    world = World(adapter=FakeAdapter(denied=True))
    report = run(world, service("iso-a"))
    assert report.outcome is Outcome.BLOCKED
    assert "explicit deny" in report.reason


@pytest.mark.parametrize(
    ("adapter", "words"),
    [(FakeAdapter(lands=False), "did not land"), (FakeAdapter(vanishes=True), "cannot be read back")],
)
def test_a_change_that_did_not_land_or_vanished_is_failed(adapter: FakeAdapter, words: str) -> None:
    report = run(World(adapter=adapter), service("iso-a"))
    assert report.outcome is Outcome.FAILED
    assert words in report.reason
    assert report.actions  # the call that was made is in the report


def test_a_sweep_keeps_no_compliant_reports_in_the_ledger() -> None:
    world = World()
    world.adapter.current = service("pub-a", public_ip=True)
    services = world.services()
    remediate_workload(service("pub-a", public_ip=True), services, SETTINGS, STAMP, audit_compliant=False)
    assert world.ledger.entries == []


SSH_OPEN = IngressRule("sg-default", "tcp", 22, 22, "0.0.0.0/0")


def test_a_workload_without_security_groups_is_checked_against_its_vpcs_default_group() -> None:
    world = World()
    world.ingress.rules["sg-default"] = [SSH_OPEN]
    report = run(world, service("iso-a", security_group_ids=()))
    assert report.outcome is Outcome.BLOCKED
    assert details(report).exposed_rules == ("sg-default allows tcp port 22 from 0.0.0.0/0",)
    assert details(report).checked_security_groups == ("sg-default",)
    assert world.adapter.applied == []


def test_a_workload_without_groups_whose_default_group_cannot_be_found_is_blocked() -> None:
    world = World()
    world.ingress.defaults = {}
    report = run(world, service("iso-a", security_group_ids=()))
    assert report.outcome is Outcome.BLOCKED
    assert "default security group of vpc-1 was not found" in report.reason
    assert world.adapter.applied == []


def test_a_job_definition_with_no_fargate_groups_to_check_is_refused() -> None:
    world = World()
    definition = Workload(
        batch_job_definition.PROFILE,
        "arn:aws:batch:us-east-1:123456789012:job-definition/etl:1",
        "etl",
        assign_public_ip=False,
        platform="FARGATE",
    )
    report = run(world, definition)
    assert report.outcome is Outcome.BLOCKED
    assert "no Fargate compute environment's security groups can be checked" in report.reason
    assert world.adapter.applied == []


def test_a_workload_already_public_is_checked_and_an_exposure_reported_without_any_change() -> None:
    world = World()
    world.ingress.rules["sg-web"] = [IngressRule("sg-web", "tcp", 3389, 3389, "1.0.0.0/8")]
    report = run(world, service("pub-a", public_ip=True))
    assert report.outcome is Outcome.BLOCKED
    assert "reported only" in report.reason
    assert details(report).exposed_rules == ("sg-web allows tcp port 3389 from 1.0.0.0/8",)
    assert world.adapter.applied == []
    clean = run(World(), service("pub-a", public_ip=True))
    assert clean.outcome is Outcome.COMPLIANT
    assert details(clean).checked_security_groups == ("sg-web",)


def test_groups_are_read_again_right_before_the_write_and_a_rule_added_meanwhile_blocks_it() -> None:
    world = World()
    world.ingress.changed = {"sg-web": [IngressRule("sg-web", "tcp", 22, 22, "0.0.0.0/0")]}
    report = run(world, service("iso-a"))
    assert report.outcome is Outcome.BLOCKED
    assert "changed since they were read" in report.reason
    assert world.ingress.fresh_reads == 1
    assert world.adapter.applied == []


def test_a_workload_whose_groups_come_from_a_launch_template_is_not_given_a_public_subnet() -> None:
    world = World()
    why = "its security groups come from launch template lt-1, which the exposure check does not read"
    report = run(world, service("iso-a", security_group_ids=(), groups_elsewhere=why))
    assert report.outcome is Outcome.BLOCKED
    assert "launch template lt-1" in report.reason
    assert world.adapter.applied == []
