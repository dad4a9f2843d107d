"""The remediation mode: approve keeps every change for a person, report changes nothing, auto applies; DryRun wins."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.unit.fakes import NOW, STAMP, World
from tests.unit.test_placement_pipeline import service
from vpc_remediator.domain.approval import ChangeState, RemediationMode, plan_hash
from vpc_remediator.domain.errors import ConfigurationError
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.domain.workload import Workload
from vpc_remediator.remediation.placement import remediate_workload
from vpc_remediator.remediation.ports import MemoryApprovalStore
from vpc_remediator.settings import Settings, load_settings

APPROVE = Settings(stack_name="vpc-remediator", remediation_mode=RemediationMode.APPROVE)


def run(world: World, store: MemoryApprovalStore | None, workload: Workload, settings: Settings) -> Report:
    world.adapter.current = world.adapter.current or workload
    services = replace(world.services(), approvals=store)
    return remediate_workload(workload, services, settings, STAMP)


def test_approve_mode_changes_nothing_and_keeps_the_exact_plan_under_an_opaque_id() -> None:
    world, store = World(), MemoryApprovalStore()
    report = run(world, store, service("iso-a", "iso-b"), APPROVE)
    assert report.outcome is Outcome.AWAITING_APPROVAL
    assert world.adapter.applied == []
    change = store.get(report.change_id or "")
    assert change is not None and change.state is ChangeState.PENDING
    assert change.plan == report.actions  # the report shows exactly the plan that was kept
    assert change.plan_hash == plan_hash(report.actions)
    assert change.expires_at - change.created_at == timedelta(hours=24)
    assert change.resource == "arn:aws:ecs:us-east-1:123456789012:service/shop/web"
    assert change.change_id in report.reason and "waiting for approval" in report.reason
    assert change.change_id.startswith("chg-") and len(change.change_id) > 20
    assert [entry.decision for entry in world.ledger.entries] == ["awaiting-approval"]


def test_the_same_plan_seen_again_points_at_the_same_pending_change() -> None:
    world, store = World(), MemoryApprovalStore()
    first = run(world, store, service("iso-a", "iso-b"), APPROVE)
    second = run(world, store, service("iso-a", "iso-b"), APPROVE)
    assert second.change_id == first.change_id
    assert len(store.changes) == 1


def test_an_expired_pending_change_is_replaced_by_a_new_one() -> None:
    world, store = World(), MemoryApprovalStore()
    first = run(world, store, service("iso-a", "iso-b"), replace(APPROVE, approval_expiry_hours=1))
    world.now = NOW + timedelta(hours=2)
    second = run(world, store, service("iso-a", "iso-b"), APPROVE)
    assert second.change_id != first.change_id


def test_approve_mode_without_a_store_fails_closed() -> None:
    world = World()
    report = run(world, None, service("iso-a", "iso-b"), APPROVE)
    assert report.outcome is Outcome.WOULD_REMEDIATE
    assert "no ledger" in report.reason
    assert world.adapter.applied == []


def test_report_mode_is_the_dry_run() -> None:
    world, store = World(), MemoryApprovalStore()
    settings = Settings(stack_name="vpc-remediator", remediation_mode=RemediationMode.REPORT)
    report = run(world, store, service("iso-a", "iso-b"), settings)
    assert report.outcome is Outcome.WOULD_REMEDIATE
    assert world.adapter.applied == [] and store.changes == {}


def test_a_kind_override_applies_to_that_kind_only() -> None:
    settings = replace(APPROVE, mode_overrides=(("default-vpc", RemediationMode.AUTO),))
    assert settings.mode_for("default-vpc") is RemediationMode.AUTO
    assert settings.mode_for("ecs-service") is RemediationMode.APPROVE
    world, store = World(), MemoryApprovalStore()
    auto_services = replace(settings, mode_overrides=(("ecs-service", RemediationMode.AUTO),))
    assert run(world, store, service("iso-a", "iso-b"), auto_services).outcome is Outcome.REMEDIATED


def test_dry_run_wins_over_any_mode() -> None:
    settings = replace(APPROVE, dry_run=True, mode_overrides=(("ecs-service", RemediationMode.AUTO),))
    assert settings.mode_for("ecs-service") is RemediationMode.REPORT


def test_the_mode_parameters_are_read_and_checked() -> None:
    env = {
        "STACK_NAME": "s",
        "REMEDIATION_MODE": "approve",
        "REMEDIATION_MODE_OVERRIDES": "default-vpc=auto, ecs-task=report",
        "APPROVAL_EXPIRY_HOURS": "6",
        "SLACK_ALLOWED_USER_IDS": "U012ABCDEF,W0123",
    }
    settings = load_settings(env)
    assert settings.remediation_mode is RemediationMode.APPROVE
    assert settings.mode_overrides == (("default-vpc", RemediationMode.AUTO), ("ecs-task", RemediationMode.REPORT))
    assert settings.approval_expiry_hours == 6
    assert settings.slack_allowed_user_ids == {"U012ABCDEF", "W0123"}
    assert load_settings({"STACK_NAME": "s"}).slack_allowed_user_ids == frozenset()  # nobody by default


@pytest.mark.parametrize(
    ("name", "value", "parameter"),
    [
        ("REMEDIATION_MODE", "sometimes", "RemediationMode"),
        ("REMEDIATION_MODE_OVERRIDES", "ecs-service", "RemediationModeOverrides"),
        ("REMEDIATION_MODE_OVERRIDES", "ecs-service=maybe", "RemediationModeOverrides"),
        ("SLACK_ALLOWED_USER_IDS", "alice", "SlackAllowedUserIds"),
        ("APPROVAL_EXPIRY_HOURS", "0", "ApprovalExpiryHours"),
    ],
)
def test_a_bad_mode_parameter_fails_loudly_and_names_it(name: str, value: str, parameter: str) -> None:
    with pytest.raises(ConfigurationError, match=parameter):
        load_settings({"STACK_NAME": "s", name: value})
