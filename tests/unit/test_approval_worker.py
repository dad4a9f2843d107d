"""The approval worker, with in-memory fakes: approve applies only the approved plan, a stale plan is offered anew,
reject changes nothing, undo puts the network back only while it is as the change left it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from tests.unit.fakes import NOW, STAMP, World, network
from tests.unit.test_placement_pipeline import service
from vpc_remediator.domain.approval import ChangeState, Click, RemediationMode
from vpc_remediator.domain.guards import check_flapping
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.domain.workload import Workload
from vpc_remediator.remediation.approval_worker import ChangeMessages, perform
from vpc_remediator.remediation.interactivity import ClickRequest
from vpc_remediator.remediation.placement import remediate_workload
from vpc_remediator.remediation.ports import MemoryApprovalStore, PlacementServices
from vpc_remediator.settings import Settings

APPROVE = Settings(stack_name="vpc-remediator", remediation_mode=RemediationMode.APPROVE)
USER = "U0ALLOWED1"


@dataclass
class FakeRegion:
    """The composition root's face over the placement fakes."""

    world: World
    store: MemoryApprovalStore = field(default_factory=MemoryApprovalStore)
    settings: Settings = APPROVE

    def placement_services(self) -> PlacementServices:
        return replace(self.world.services(), approvals=self.store)

    def ledger(self) -> Any:
        return self.world.ledger

    def approvals(self) -> MemoryApprovalStore:
        return self.store

    def account(self) -> str:
        return "123456789012"

    def region_name(self) -> str:
        return "us-east-1"


def pending(region: FakeRegion, workload: Workload) -> Report:
    """A pending change, as the event path keeps it in approve mode."""
    region.world.adapter.current = workload
    report = remediate_workload(workload, region.placement_services(), region.settings, STAMP)
    assert report.outcome is Outcome.AWAITING_APPROVAL
    return report


def clicked(region: FakeRegion, change_id: str, button: Click) -> Any:
    """A click the endpoint accepted (claimed), then performed by the worker."""
    change = region.store.get(change_id)
    assert change is not None
    expected = ChangeState.APPLIED if button is Click.UNDO else ChangeState.PENDING
    assert region.store.claim(change_id, expected)
    return perform(ClickRequest(change_id, button, USER, "T0TEAM0001"), region, region.store, lambda: NOW)  # type: ignore[arg-type]


def test_an_approved_plan_is_applied_verified_and_kept_for_undo() -> None:
    region = FakeRegion(World())
    report = pending(region, service("iso-a", "iso-b"))
    assert region.world.adapter.applied == []
    done = clicked(region, str(report.change_id), Click.APPROVE)
    assert done.report.outcome is Outcome.REMEDIATED
    assert done.report.actor == f"slack:{USER}"
    assert done.change.state is ChangeState.APPLIED
    (plan,) = region.world.adapter.applied
    assert set(plan.subnet_ids) == {"pub-a", "pub-b"}
    assert done.change.before.subnet_ids == ("iso-a", "iso-b")
    assert set(done.change.after.subnet_ids) == {"pub-a", "pub-b"}
    assert [(step.user, step.click, step.result) for _, step in region.store.clicks] == [
        (USER, "approve", "applied and verified")
    ]


def test_an_approved_plan_that_went_stale_is_not_applied_and_a_new_plan_is_offered() -> None:
    region = FakeRegion(World())
    report = pending(region, service("iso-a", "iso-b"))
    # Someone moved the service into one zone and the VPC lost its second zone meanwhile: another plan now.
    region.world.adapter.current = service("iso-a")
    region.world.network.vpc_network = network(("a",))
    done = clicked(region, str(report.change_id), Click.APPROVE)
    assert region.world.adapter.applied == []
    assert done.change.state is ChangeState.STALE
    assert done.report.outcome is Outcome.AWAITING_APPROVAL
    assert done.report.change_id != report.change_id  # the new plan, to approve on its own
    assert "is not the plan any more" in done.report.reason
    new = region.store.get(str(done.report.change_id))
    assert new is not None and new.state is ChangeState.PENDING


def test_an_approval_finds_a_resource_fixed_meanwhile_compliant_and_changes_nothing() -> None:
    region = FakeRegion(World())
    report = pending(region, service("iso-a", "iso-b"))
    region.world.adapter.current = service("pub-a", "pub-b", public_ip=True)
    done = clicked(region, str(report.change_id), Click.APPROVE)
    assert done.report.outcome is Outcome.COMPLIANT
    assert done.change.state is ChangeState.NOT_APPLIED
    assert region.world.adapter.applied == []


def test_an_approval_under_dry_run_changes_nothing() -> None:
    region = FakeRegion(World())
    report = pending(region, service("iso-a", "iso-b"))
    region.settings = replace(APPROVE, dry_run=True)
    done = clicked(region, str(report.change_id), Click.APPROVE)
    assert done.change.state is ChangeState.NOT_APPLIED
    assert region.world.adapter.applied == []


def test_a_rejected_change_changes_nothing() -> None:
    region = FakeRegion(World())
    report = pending(region, service("iso-a", "iso-b"))
    done = clicked(region, str(report.change_id), Click.REJECT)
    assert done.change.state is ChangeState.REJECTED
    assert "rejected by U0ALLOWED1" in done.report.reason
    assert region.world.adapter.applied == []


def test_a_work_item_delivered_twice_is_performed_once() -> None:
    region = FakeRegion(World())
    report = pending(region, service("iso-a", "iso-b"))
    clicked(region, str(report.change_id), Click.APPROVE)
    again = perform(ClickRequest(str(report.change_id), Click.APPROVE, USER, "T"), region, region.store, lambda: NOW)  # type: ignore[arg-type]
    assert again.report is None
    assert len(region.world.adapter.applied) == 1


def test_undo_puts_the_network_back_verified_and_is_no_fight_for_the_flapping_rule() -> None:
    region = FakeRegion(World())
    report = pending(region, service("iso-a", "iso-b"))
    clicked(region, str(report.change_id), Click.APPROVE)
    done = clicked(region, str(report.change_id), Click.UNDO)
    assert done.report.outcome is Outcome.UNDONE
    assert done.change.state is ChangeState.UNDONE
    assert region.world.adapter.current is not None
    assert region.world.adapter.current.subnet_ids == ("iso-a", "iso-b")
    decisions = [entry.decision for entry in region.world.ledger.entries]
    assert decisions[-2:] == ["intent", "undone"]
    flap = check_flapping(region.world.ledger.entries, NOW, 2, timedelta(hours=1))
    assert len(flap.history) == 1  # the approved remediation counts; the undo does not


def test_undo_of_a_resource_changed_since_is_refused_and_says_what_changed() -> None:
    region = FakeRegion(World())
    report = pending(region, service("iso-a", "iso-b"))
    clicked(region, str(report.change_id), Click.APPROVE)
    assert region.world.adapter.current is not None
    region.world.adapter.current = replace(region.world.adapter.current, subnet_ids=("nat-a",))
    applied_before = len(region.world.adapter.applied)
    done = clicked(region, str(report.change_id), Click.UNDO)
    assert done.report.outcome is Outcome.SKIPPED
    assert "changed since the remediation" in done.report.reason and "nat-a" in done.report.reason
    assert done.change.state is ChangeState.APPLIED
    assert len(region.world.adapter.applied) == applied_before


def test_undo_under_dry_run_set_since_the_approval_changes_nothing_and_stays_undoable() -> None:
    region = FakeRegion(World())
    report = pending(region, service("iso-a", "iso-b"))
    clicked(region, str(report.change_id), Click.APPROVE)
    applied_before = len(region.world.adapter.applied)
    intents_before = len(region.world.ledger.entries)
    region.settings = replace(APPROVE, dry_run=True)
    done = clicked(region, str(report.change_id), Click.UNDO)
    assert done.report.outcome is Outcome.SKIPPED
    assert "DryRun" in done.report.reason and "nothing changed" in done.report.reason
    assert len(region.world.adapter.applied) == applied_before
    assert len(region.world.ledger.entries) == intents_before  # not even an intent
    assert done.change.state is ChangeState.APPLIED  # undoable again once DryRun is off


@dataclass
class RecordingPoster:
    """The Slack app's bot as the worker sees it: every chat.update it was asked for."""

    updates: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]], thread_ts: str | None = None) -> str:
        raise AssertionError("the message the click came from is updated in place")

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        self.updates.append((text, blocks))


def test_the_updated_message_never_lets_a_resources_name_ping_the_channel_or_link() -> None:
    # Some names take any printable character (a Glue connection's, for one): the name reaches the message's
    # notification text, which Slack reads as mrkdwn just like the blocks.
    hostile = "arn:aws:ecs:us-east-1:123456789012:service/shop/<!channel> <https://evil.example|approve here>"
    region = FakeRegion(World())
    report = pending(region, service("iso-a", "iso-b", arn=hostile))
    done = clicked(region, str(report.change_id), Click.APPROVE)
    poster = RecordingPoster()
    click = ClickRequest(str(report.change_id), Click.APPROVE, USER, "T0TEAM0001", "C0CHANNEL1", "1700000000.000100")
    ChangeMessages(poster).show(done, click)
    ((text, blocks),) = poster.updates
    for shown in (text, json.dumps(blocks)):
        assert "<!channel>" not in shown
        assert "<https://evil.example" not in shown
    assert "&lt;!channel&gt;" in text
