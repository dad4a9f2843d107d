"""The approval worker: performs a claimed click (approve, reject, undo) with the stack's own role, and settles it.

Approve re-reads the resource and re-plans through the same pipeline as any event: only the approved plan (by its
hash) is applied. Undo puts the network back only while the resource is as the change left it, through the same
verified write path, and never deletes anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from vpc_remediator.domain.approval import ChangeState, Click, NetworkState, PendingChange, RemediationMode, Step
from vpc_remediator.domain.details import PlacementDetails
from vpc_remediator.domain.errors import AccessDeniedError, ResourceNotFoundError
from vpc_remediator.domain.guards import intent_entry
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.domain.workload import Workload, WorkloadRef
from vpc_remediator.notify.change_message import change_blocks
from vpc_remediator.observability import logger
from vpc_remediator.remediation.approvals import ChangeGate
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.default_vpc import KIND as DEFAULT_VPC
from vpc_remediator.remediation.default_vpc import ensure_default_vpc
from vpc_remediator.remediation.interactivity import ClickRequest
from vpc_remediator.remediation.placement import landing_problems, remediate_workload
from vpc_remediator.remediation.ports import ApprovalStore, MessagePoster, PlacementServices, Region, utc_now

# What became of an approved change, by the report's outcome.
APPROVED_STATE = {Outcome.REMEDIATED: ChangeState.APPLIED, Outcome.AWAITING_APPROVAL: ChangeState.STALE}


@dataclass(frozen=True)
class Performed:
    """A click's work: the change as settled, and the report of what happened (None: nothing to do, already done)."""

    change: PendingChange | None
    report: Report | None


def network_of(workload: Workload) -> NetworkState:
    """A workload's network as an undo compares it."""
    return NetworkState(workload.subnet_ids, workload.security_group_ids, workload.assign_public_ip)


def stamp_for(click: ClickRequest, region: Region, now: datetime, account: str | None = None) -> ReportStamp:
    """The click as a report's trigger: its own event id (one per change and button), the Slack user as the actor."""
    return ReportStamp(
        event_id=f"{click.change_id}-{click.click.value}",
        actor=f"slack:{click.user_id}",
        # The function's own account, from its ARN in Lambda (no call); asked of STS otherwise.
        account=account or region.account(),
        region=region.region_name(),
        event_name=f"Slack {click.click.value}",
        event_time=now.isoformat(timespec="seconds"),
    )


def perform(
    click: ClickRequest,
    region: Region,
    store: ApprovalStore,
    clock: Callable[[], datetime] = utc_now,
    account: str | None = None,
) -> Performed:
    """Do what the click asks, once: a change that is not claimed (a redelivered work item) is left as it is."""
    change = store.get(click.change_id)
    if change is None or change.state is not ChangeState.CLAIMED:
        return Performed(change, None)
    now = clock()
    stamp = stamp_for(click, region, now, account)
    if click.click is Click.REJECT:
        report = stamp.report(change.resource, change.kind, Outcome.SKIPPED, f"rejected by {click.user_id}: unchanged")
        settled = change.with_step(Step(now, click.user_id, "reject", "rejected"), ChangeState.REJECTED)
    elif click.click is Click.APPROVE:
        settled, report = approve(change, click, region, store, stamp, now)
    else:
        settled, report = undo(change, click, region, stamp, now)
    store.settle(settled)
    store.audit(change.change_id, settled.steps[-1])
    report = replace(report, change_id=change.change_id if settled.state is not ChangeState.STALE else report.change_id)
    return Performed(settled, report)


def approve(
    change: PendingChange, click: ClickRequest, region: Region, store: ApprovalStore, stamp: ReportStamp, now: datetime
) -> tuple[PendingChange, Report]:
    """Re-read, re-plan, apply only the approved plan; say what changed otherwise."""
    settings = region.settings
    if settings.mode_for(change.kind) is RemediationMode.REPORT:
        # DryRun (or report mode) switched on since: an approval does not override it.
        reason = f"approved by {click.user_id}, but {change.kind} is in report mode now (DryRun): nothing changed"
        report = stamp.report(change.resource, change.kind, Outcome.SKIPPED, reason, change.plan)
        return change.with_step(Step(now, click.user_id, "approve", reason), ChangeState.NOT_APPLIED), report
    gate = ChangeGate.for_kind(settings, change.kind, store, approved=change)
    if change.kind == DEFAULT_VPC:
        why = f"approved by {click.user_id}"
        report = ensure_default_vpc(region.default_vpc(), stamp, why, False, region.ledger(), gate=gate)
        return _approved(change, click, report, now, None, None)
    services = region.placement_services()
    loaded = _load(change, services, stamp)
    if isinstance(loaded, Report):
        return change.with_step(Step(now, click.user_id, "approve", loaded.reason), ChangeState.NOT_APPLIED), loaded
    report = remediate_workload(loaded, services, settings, stamp, approved=change)
    after = None
    if report.outcome is Outcome.REMEDIATED:
        after = _reread(loaded, report, services)
    return _approved(change, click, report, now, network_of(loaded), after)


def _approved(
    change: PendingChange,
    click: ClickRequest,
    report: Report,
    now: datetime,
    before: NetworkState | None,
    after: NetworkState | None,
) -> tuple[PendingChange, Report]:
    state = APPROVED_STATE.get(report.outcome, ChangeState.NOT_APPLIED)
    result = {
        ChangeState.APPLIED: "applied and verified",
        ChangeState.STALE: f"not applied: the plan changed, the new plan is {report.change_id}",
    }.get(state, f"not applied: {report.outcome.value}")
    settled = replace(change, before=before, after=after).with_step(Step(now, click.user_id, "approve", result), state)
    return settled, report


def _load(change: PendingChange, services: PlacementServices, stamp: ReportStamp) -> Workload | Report:
    """The workload the change is about, read afresh; the report of why it cannot be read otherwise."""
    locator = dict(change.locator)
    ref = WorkloadRef(
        change.kind, locator.get("identifier") or change.resource, locator.get("cluster"), locator.get("service")
    )
    try:
        return services.adapter(change.kind).load(ref)
    except (ResourceNotFoundError, AccessDeniedError) as exc:
        return stamp.report(change.resource, change.kind, Outcome.SKIPPED, f"cannot be read any more: {exc}")


def _reread(workload: Workload, report: Report, services: PlacementServices) -> NetworkState | None:
    """The network as the change left it: what an undo must find."""
    arn = report.details.verified_arn if isinstance(report.details, PlacementDetails) else None
    try:
        return network_of(services.adapter(workload.kind).reload(workload, arn or workload.arn))
    except (ResourceNotFoundError, AccessDeniedError):
        return None


def undo(
    change: PendingChange, click: ClickRequest, region: Region, stamp: ReportStamp, now: datetime
) -> tuple[PendingChange, Report]:
    """Put the network back as it was, only if nobody changed it since; verified like any change."""
    kept = ChangeState.APPLIED  # a refused undo leaves the change applied (and undoable once it is as it was left)
    if region.settings.mode_for(change.kind) is RemediationMode.REPORT:
        # DryRun (or report mode) switched on since the approval means "change nothing": an undo is a change too.
        reason = f"undo refused: {change.kind} is in report mode now (DryRun): nothing changed"
        report = stamp.report(change.resource, change.kind, Outcome.SKIPPED, reason)
        return change.with_step(Step(now, click.user_id, "undo", reason), kept), report
    if change.before is None or change.after is None:
        reason = "undo refused: the network this change left was not recorded, so it cannot be checked"
        if change.kind == DEFAULT_VPC:
            reason = "undo refused: a default VPC repair creates what was missing, and undoing it would delete it"
        report = stamp.report(change.resource, change.kind, Outcome.SKIPPED, reason)
        return change.with_step(Step(now, click.user_id, "undo", reason), kept), report
    services = region.placement_services()
    loaded = _load(change, services, stamp)
    if isinstance(loaded, Report):
        return change.with_step(Step(now, click.user_id, "undo", loaded.reason), kept), loaded
    changed = change.after.differences(network_of(loaded))
    if changed:
        reason = f"undo refused: it was changed since the remediation: {'; '.join(changed)}; nothing was changed"
        report = stamp.report(change.resource, change.kind, Outcome.SKIPPED, reason)
        return change.with_step(Step(now, click.user_id, "undo", reason), kept), report
    report = _put_back(loaded, change.before, services, stamp, click)
    state = ChangeState.UNDONE if report.outcome is Outcome.UNDONE else kept
    return change.with_step(Step(now, click.user_id, "undo", report.reason), state), report


def _put_back(
    workload: Workload, before: NetworkState, services: PlacementServices, stamp: ReportStamp, click: ClickRequest
) -> Report:
    """The verified write path: intent, write, read back, compare; the result kept in the ledger as `undone`."""
    plan = NetworkPlan(before.subnet_ids, before.security_group_ids, before.assign_public_ip)
    adapter = services.adapter(workload.kind)
    planned = adapter.plan(workload, plan)
    intent = intent_entry(workload.history_key, stamp.event_id, (planned,), services.clock())
    services.ledger.record_intent(intent, workload.arn, workload.kind)
    who = f"undone by {click.user_id}"
    try:
        action, arn = adapter.apply(workload, plan, token=stamp.event_id)
        after = adapter.reload(workload, arn)
    except (AccessDeniedError, ResourceNotFoundError) as exc:
        report = stamp.report(workload.arn, workload.kind, Outcome.FAILED, f"{who}, but {exc}", (planned,))
    else:
        problems = landing_problems(workload, plan, after)
        if problems:
            reason = f"{who}, but the change did not land: {', '.join(problems)}"
            report = stamp.report(workload.arn, workload.kind, Outcome.FAILED, reason, (action,))
        else:
            reason = f"{who}: the network is back as it was before the remediation, verified"
            report = stamp.report(workload.arn, workload.kind, Outcome.UNDONE, reason, (action,))
    services.ledger.record(report, services.clock(), workload.history_key)
    return report


@dataclass(frozen=True)
class ChangeMessages:
    """Where a change's message is shown: the Slack app's bot and the channel it posts to."""

    poster: MessagePoster
    channel: str | None = None

    def show(self, done: Performed, click: ClickRequest) -> None:
        """The message the click came from, updated in place with every step; when it cannot be updated (a webhook's
        message, a deleted one), the same in a reply under it. Never fails the click: the report is queued anyway."""
        if done.change is None:
            return
        text, blocks = change_blocks(done.change, done.report)
        channel = click.channel_id or self.channel
        try:
            if channel and click.message_ts:
                try:
                    self.poster.update(channel, click.message_ts, text, blocks)
                except Exception:  # noqa: BLE001  (not ours to update: say it beside it instead)
                    self.poster.post(channel, text, blocks, thread_ts=click.message_ts)
            elif channel:
                self.poster.post(channel, text, blocks)
        except Exception as exc:  # noqa: BLE001  (the change is made and audited; the report still reaches Slack)
            logger.warning("Slack message not updated", extra={"change_id": click.change_id, "error": str(exc)})


def on_click_batch(
    event: Any,
    region: Region,
    store: ApprovalStore,
    clock: Callable[[], datetime] = utc_now,
    account: str | None = None,
    messages: ChangeMessages | None = None,
) -> list[Report]:
    """ApprovalWorkerFunction: each queued click performed once; a work item of another shape is logged and dropped
    (retrying it could never help). A fault raises, for SQS to deliver the batch again (a claimed change waits)."""
    reports = []
    records = event.get("Records") if isinstance(event, dict) else None
    for item in records if isinstance(records, list) else []:
        try:
            click = ClickRequest.from_dict(json.loads(item["body"]))
        except (ValueError, KeyError, TypeError) as exc:
            logger.error("queued click is not a click: dropped", extra={"why": str(exc)})
            continue
        done = perform(click, region, store, clock, account)
        if done.report is None:
            logger.info("click already performed", extra={"change_id": click.change_id})
            continue
        if messages is not None:
            messages.show(done, click)
        reports.append(done.report)
    return reports
