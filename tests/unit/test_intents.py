"""Intent before action: the plan is in the ledger before the write, closed by the decision after it; a retry after a
crash between the two reports what is in place, and the flapping rule counts the change once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from tests.unit.fakes import NOW, STAMP, FakeAdapter, World
from vpc_remediator.domain.errors import AccessDeniedError, AwsCallError
from vpc_remediator.domain.guards import INTENT, LedgerEntry, check_flapping, intent_actions, intent_entry, open_intent
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action, Outcome
from vpc_remediator.domain.workload import Workload
from vpc_remediator.remediation.placement import remediate_workload
from vpc_remediator.settings import Settings
from vpc_remediator.workloads import ecs_service

SETTINGS = Settings(stack_name="vpc-remediator")
KEY = "arn:aws:ecs:us-east-1:123456789012:service/shop/web"


def isolated() -> Workload:
    return Workload(ecs_service.PROFILE, KEY, "web", ("iso-a", "iso-b"), ("sg-web",), network_mode="awsvpc")


def test_an_intent_is_open_until_a_decision_for_its_event_follows_it() -> None:
    intent = intent_entry(KEY, "evt-1", (Action("ecs:UpdateService", {"a": 1}, "undo it"),), NOW)
    other = LedgerEntry(KEY, NOW + timedelta(seconds=1), "remediated", event_id="evt-2")
    assert open_intent([intent, other], "evt-1") == intent
    closed = LedgerEntry(KEY, NOW + timedelta(seconds=1), "remediated", event_id="evt-1")
    assert open_intent([intent, closed], "evt-1") is None
    assert open_intent([intent], None) is None
    # A later try that planned again leaves the later intent open.
    again = intent_entry(KEY, "evt-1", (), NOW + timedelta(seconds=2))
    assert open_intent([intent, closed, again], "evt-1") == again


def test_an_intent_gives_back_its_calls_with_their_undo() -> None:
    action = Action("ecs:UpdateService", {"service": "web", "networkConfiguration": {"subnets": ["a"]}}, "aws ecs x")
    intent = intent_entry(KEY, "evt-1", (action,), NOW)
    assert intent.decision == INTENT
    assert intent_actions(intent) == (action,)


@dataclass
class CrashingAdapter(FakeAdapter):
    """The write lands; the read that verifies it fails `crashes` times (throttled past botocore's retries)."""

    crashes: int = 1
    tokens: list[str | None] = field(default_factory=list)

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        self.tokens.append(token)
        return super().apply(workload, plan, token)

    def reload(self, workload: Workload, arn: str) -> Workload:
        if self.crashes:
            self.crashes -= 1
            raise AwsCallError("ecs:DescribeServices failed with ThrottlingException: Rate exceeded")
        return super().reload(workload, arn)


def test_a_retry_after_a_crash_past_the_write_reports_remediated_and_counts_it_once() -> None:
    world = World(adapter=CrashingAdapter())
    world.adapter.current = isolated()
    with pytest.raises(AwsCallError):
        remediate_workload(isolated(), world.services(), SETTINGS, STAMP)
    assert [entry.decision for entry in world.ledger.entries] == [INTENT]
    # Lambda's retry, a little later: the service now reads as compliant.
    world.now = NOW + timedelta(seconds=30)
    report = remediate_workload(world.adapter.load(None), world.services(), SETTINGS, STAMP)  # type: ignore[arg-type]
    assert report.outcome is Outcome.REMEDIATED
    assert "is in place (verified on a retry)" in report.reason
    (action,) = report.actions
    assert action.api == "test:Update"
    assert action.undo == f"undo {KEY}"
    assert [entry.decision for entry in world.ledger.entries] == [INTENT, "remediated"]
    assert world.adapter.tokens == [STAMP.event_id]
    flap = check_flapping(world.ledger.entries, world.now, 3, timedelta(hours=1))
    assert len(flap.history) == 1


def test_a_read_refused_by_policy_is_blocked_naming_the_permission() -> None:
    world = World()

    class Refusing:
        def subnets(self, subnet_ids: object) -> object:
            raise AccessDeniedError("ec2:DescribeSubnets", "not authorized")

    world.network = Refusing()  # type: ignore[assignment]
    report = remediate_workload(isolated(), world.services(), SETTINGS, STAMP)
    assert report.outcome is Outcome.BLOCKED
    assert "this stack's role needs ec2:DescribeSubnets" in report.reason
    assert world.adapter.applied == []


def test_a_change_that_cannot_be_read_back_for_want_of_permission_is_failed_with_its_undo() -> None:
    @dataclass
    class Unverifiable(FakeAdapter):
        def reload(self, workload: Workload, arn: str) -> Workload:
            raise AccessDeniedError("ecs:DescribeServices", "not authorized")

    world = World(adapter=Unverifiable())
    report = remediate_workload(isolated(), world.services(), SETTINGS, STAMP)
    assert report.outcome is Outcome.FAILED
    assert "the change was made, but it cannot be verified" in report.reason
    assert f"undo {KEY}" in report.reason
