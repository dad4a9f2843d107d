"""Every function's event entry point, in one place: parse, the shared ignore check, then one use case.

Each takes the event and `regions`, the composition root's way to the Region (settings, adapters, readers, ledger)
of the event's region: no entry point or use case creates a client.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from vpc_remediator.domain.approval import RemediationMode
from vpc_remediator.domain.errors import AccessDeniedError, InvalidEventError, ResourceNotFoundError
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.domain.workload import Workload, WorkloadRef
from vpc_remediator.events import (
    OMITTED,
    Trigger,
    default_vpc_relevance,
    parse_event,
    placement_refs,
    repeated_as,
    report_group,
)
from vpc_remediator.remediation.approvals import ChangeGate
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.default_vpc import KIND as DEFAULT_VPC
from vpc_remediator.remediation.default_vpc import default_vpc_arn, ensure_default_vpc
from vpc_remediator.remediation.nat_gateway import KIND as NAT_GATEWAY
from vpc_remediator.remediation.nat_gateway import created_gateway, describe_nat_gateway, gateway_arn
from vpc_remediator.remediation.organization_sweep import fan_out, on_sweep_messages
from vpc_remediator.remediation.placement import remediate_workload
from vpc_remediator.remediation.ports import PlacementServices, Region
from vpc_remediator.remediation.sweep import KIND, MAX_HAND_OVERS, Cursor, run_sweep, summary_report
from vpc_remediator.remediation.sweep_phases import build_phases
from vpc_remediator.settings import OrganizationSettings, Settings
from vpc_remediator.workloads.kind import WorkloadAdapter

# A region by name; None is the function's own (its session's), the only one it acts on.
Regions = Callable[[str | None], Region]

# A resource is not always visible right after the call that created it: wait this long between tries.
NOT_FOUND_DELAYS = (1.0, 2.0, 4.0)
NAT_GATEWAY_CALL = "CreateNatGateway"
CONTINUATION_SOURCE = "vpc-remediator.sweep"
CONTINUATION_DETAIL_TYPE = "Sweep Continuation"
MAX_CONTINUATIONS = MAX_HAND_OVERS
# Stop taking new pages when less than this is left: a page (50 functions, 10 services) fits easily.
SAFETY_MARGIN_MS = 120_000
# Only AWS services send events whose source starts with "aws." (PutEvents refuses it to anyone else).
AWS_SOURCE_PREFIX = "aws."


def arn_account_and_region(arn: str | None) -> tuple[str | None, str | None]:
    """(account, region) of an ARN such as a Lambda context's invoked_function_arn; (None, None) when it is not one."""
    parts = (arn or "").split(":")
    if len(parts) < 6 or parts[0] != "arn" or not parts[4]:
        return None, None
    return parts[4], parts[3] or None


@dataclass(frozen=True)
class Home:
    """The function's own account and region: from its ARN in Lambda (no call), else the credentials' and session's."""

    account: str | None = None
    region: str | None = None

    @classmethod
    def of(cls, function_arn: str | None) -> Home:
        """Home of the function with this ARN (a Lambda context's invoked_function_arn)."""
        account, region = arn_account_and_region(function_arn)
        return cls(account, region)

    def resolved(self, region: Region) -> Home:
        """Both known: what the ARN did not say comes from the Region object (STS, the session's region)."""
        return Home(self.account or region.account(), self.region or region.region_name())


def untrusted_reason(trigger: Trigger, home: Home) -> str | None:
    """Trust nothing an event says: only AWS's own sources, only this stack's account and region."""
    if not trigger.source.startswith(AWS_SOURCE_PREFIX):
        return (
            f"source {trigger.source!r} is not an AWS service: only events AWS itself sends are acted on "
            "(anyone allowed to call PutEvents can send any other), so this one was ignored"
        )
    if trigger.account != home.account:
        return (
            f"the event is from account {trigger.account}, not this stack's account {home.account}, so it was ignored"
        )
    if trigger.region != home.region:
        # A function acts on its own region only: another region has its own stack (and its own rules and rights).
        return f"the event is for region {trigger.region}, not this function's region {home.region}, so it was ignored"
    return None


def refused_report(trigger: Trigger, home: Home, kind: str, reason: str) -> Report:
    """A refused event's report: about the event, stamped with the function's own account and region."""
    stamp = replace(ReportStamp.from_trigger(trigger), account=home.account, region=home.region)
    return stamp.report(f"event/{trigger.event_id}", kind, Outcome.IGNORED, reason)


def untrusted_report(trigger: Trigger, home: Home, kind: str) -> Report | None:
    """The report of an event not from AWS, this account or this region; None when it may be acted on."""
    reason = untrusted_reason(trigger, home)
    return None if reason is None else refused_report(trigger, home, kind, reason)


def organization_refusal(
    trigger: Trigger, org: OrganizationSettings, member: Callable[[str], str | None]
) -> str | None:
    """Organization mode's trust: only AWS's own sources, from an active, not excluded account of the organization,
    in one of its regions; the costly look-up (the organization's accounts) comes last."""
    if not trigger.source.startswith(AWS_SOURCE_PREFIX):
        return (
            f"source {trigger.source!r} is not an AWS service: only events AWS itself sends are acted on "
            "(anyone allowed to call PutEvents can send any other), so this one was ignored"
        )
    if trigger.account in org.excluded_accounts:
        return f"account {trigger.account} is excluded (ExcludedAccounts), so the event was ignored"
    if trigger.region not in org.member_regions:
        regions = ", ".join(org.member_regions)
        return f"the event is for region {trigger.region}, not one of MemberRegions ({regions}), so it was ignored"
    if member(trigger.account) is None:
        return (
            f"the event is from account {trigger.account}, which is not an active account of organization "
            f"{org.organization_id}, so it was ignored"
        )
    return None


def not_ours_report(
    trigger: Trigger,
    stamp: ReportStamp,
    home: Home,
    hub: Region,
    resource: str,
    kind: str,
    why: str = "never remediate our own calls",
) -> Report | None:
    """The check every event function makes first: an event not from AWS or from where this stack acts (its account
    and region; in organization mode, the organization's accounts and regions), or a call by the stack's own roles or
    the exec role (the loop guard), is ignored whatever it is."""
    settings = hub.settings
    org = settings.org
    if org.enabled:
        refusal = organization_refusal(trigger, org, hub.organization_member)
        untrusted = None if refusal is None else refused_report(trigger, home, kind, refusal)
    else:
        untrusted = untrusted_report(trigger, home, kind)
    exec_role = org.exec_role_name if org.enabled else None
    if untrusted is not None or not trigger.is_own_call(settings.stack_name, exec_role, home.account):
        return untrusted
    reason = f"made by this stack's own role {trigger.role_name or trigger.actor}: {why}"
    return stamp.report(resource, kind, Outcome.IGNORED, reason)


def acting_region(
    trigger: Trigger, hub: Region, stamp: ReportStamp, resource: str, kind: str
) -> tuple[Region, ReportStamp] | Report:
    """Where to act, and the stamp of its reports: the function's own region (account mode, as always), or the event's
    account and region through the exec role there, its reports naming the account (organization mode). A member
    whose role cannot be assumed gets one `blocked` report; the other accounts are not affected."""
    if not hub.settings.org.enabled:
        return hub, stamp
    stamp = replace(stamp, account_name=hub.organization_member(trigger.account))
    try:
        return hub.member(trigger.account, trigger.region), stamp
    except AccessDeniedError as exc:
        role = hub.settings.org.exec_role_name
        reason = (
            f"the exec role {role} of account {trigger.account} could not be assumed ({exc}): nothing was checked or "
            "changed in this account (is the member's roles stack instance deployed, and does its trust name this hub?)"
        )
        return stamp.report(resource, kind, Outcome.BLOCKED, reason)


def invalid_event_report(event: Any, problem: InvalidEventError, home: Home) -> Report:
    """One `ignored` report for an event that can never be handled (malformed): retrying it could not help."""
    raw_id = event.get("id") if isinstance(event, dict) else None
    event_id = raw_id if isinstance(raw_id, str) and raw_id else "unknown"
    stamp = ReportStamp(event_id, None, home.account, home.region, None, None)
    return stamp.report(f"event/{event_id}", "event", Outcome.IGNORED, f"malformed event, not retried: {problem}")


def malformed_event_report(event: Any, home: Home) -> Report | None:
    """The report of an event that fails validation (shape, types, depth), or None when it is well formed."""
    try:
        parse_event(event)
    except InvalidEventError as exc:
        return invalid_event_report(event, exc, home)
    return None


def on_default_vpc_event(event: dict[str, Any], regions: Regions, home: Home = Home()) -> list[Report]:
    """DefaultVpcFunction: ignore what is not ours to fix, else make sure the default VPC works."""
    trigger = parse_event(event)
    # The function's own region, whatever the event names: it is the only one it may change.
    hub = regions(home.region)
    home = home.resolved(hub)
    settings = hub.settings
    stamp = ReportStamp.from_trigger(trigger)
    resource = default_vpc_arn(stamp, None)
    ignored = not_ours_report(trigger, stamp, home, hub, resource, DEFAULT_VPC)
    if ignored:
        return [ignored]
    why = default_vpc_relevance(trigger)
    if why is None:
        reason = f"{trigger.event_name or trigger.detail_type} does not affect the default VPC"
        if trigger.failed:
            reason = f"{trigger.event_name} failed with {trigger.error_code}, which is not a missing default VPC"
        return [stamp.report(resource, DEFAULT_VPC, Outcome.IGNORED, reason)]
    if not settings.manage_default_vpc:
        return [stamp.report(resource, DEFAULT_VPC, Outcome.SKIPPED, f"{why}; ManageDefaultVpc is false")]
    acting = acting_region(trigger, hub, stamp, resource, DEFAULT_VPC)
    if isinstance(acting, Report):
        return [acting]
    region, stamp = acting
    return [default_vpc_repair(region, stamp, why)]


def default_vpc_repair(region: Region, stamp: ReportStamp, why: str) -> Report:
    """Ensure the default VPC works, in the default VPC's remediation mode (report, approve or auto)."""
    settings = region.settings
    report_only = settings.mode_for(DEFAULT_VPC) is RemediationMode.REPORT
    gate = ChangeGate.for_kind(settings, DEFAULT_VPC, region.approvals())
    return ensure_default_vpc(region.default_vpc(), stamp, why, report_only, region.ledger(), gate=gate)


def on_nat_gateway_event(event: dict[str, Any], regions: Regions, home: Home = Home()) -> list[Report]:
    """NatGatewayFunction: a successful CreateNatGateway gets a cost report; the gateway is never changed."""
    trigger = parse_event(event)
    hub = regions(home.region)
    home = home.resolved(hub)
    stamp = ReportStamp.from_trigger(trigger)
    facts = created_gateway(trigger)
    resource = gateway_arn(stamp, facts["nat_gateway_id"])
    ignored = not_ours_report(trigger, stamp, home, hub, resource, NAT_GATEWAY, "not reported")
    if ignored:
        return [ignored]
    if trigger.event_name != NAT_GATEWAY_CALL or trigger.failed:
        what = trigger.event_name or trigger.detail_type
        reason = f"{what} is not {NAT_GATEWAY_CALL}"
        if trigger.failed:
            reason = f"{what} failed with {trigger.error_code}: no NAT gateway was created"
        return [stamp.report(resource, NAT_GATEWAY, Outcome.IGNORED, reason)]
    acting = acting_region(trigger, hub, stamp, resource, NAT_GATEWAY)
    if isinstance(acting, Report):
        return [acting]
    region, stamp = acting
    return [describe_nat_gateway(facts, stamp, region.network_reader(), region.price_source())]


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up at each call, not bound once: a test can make the waits instant


def find_workload(
    adapter: WorkloadAdapter,
    ref: WorkloadRef,
    delays: Sequence[float] = NOT_FOUND_DELAYS,
    sleep: Callable[[float], None] = _sleep,
) -> Workload:
    """Load a workload, trying again after each delay while it is not found (eventual consistency)."""
    for delay in delays:
        try:
            return adapter.load(ref)
        except ResourceNotFoundError:
            sleep(delay)
    return adapter.load(ref)


def loaded(
    adapter: WorkloadAdapter,
    ref: WorkloadRef,
    stamp: ReportStamp,
    delays: Sequence[float],
    sleep: Callable[[float], None],
) -> Workload | Report:
    """The workload, or the report of why it cannot be read: not found (the sweep checks it later), or a read AWS
    refuses (blocked once, naming the permission, never a retry that cannot succeed)."""
    try:
        return find_workload(adapter, ref, delays, sleep)
    except ResourceNotFoundError as exc:
        reason = (
            f"not found after {len(delays) + 1} tries over {sum(delays):g} s ({exc}): it was deleted meanwhile, "
            "or is not visible yet; the sweep will check it"
        )
        return stamp.report(ref.identifier, ref.kind, Outcome.SKIPPED, reason)
    except AccessDeniedError as exc:
        reason = f"{exc}: this stack's role needs {exc.api} to read it, so nothing was checked or changed"
        return stamp.report(ref.identifier, ref.kind, Outcome.BLOCKED, reason)


def reported_in_window(
    trigger: Trigger,
    group: str,
    services: PlacementServices,
    settings: Settings,
    stamp: ReportStamp,
    first: WorkloadRef,
) -> Report | None:
    """The `ignored` report of a call like one already reported within RunTaskReportWindowHours, else None."""
    window = timedelta(hours=settings.run_task_report_window_hours)
    earlier = services.ledger.history(f"report-group/{group}", services.clock() - window)
    if not earlier:
        return None
    at = min(entry.at for entry in earlier).isoformat(timespec="seconds")
    reason = (
        f"the same caller {repeated_as(trigger)} at {at}, and that was reported: one report per"
        f" {settings.run_task_report_window_hours} h (RunTaskReportWindowHours)"
    )
    return stamp.report(first.identifier, first.kind, Outcome.IGNORED, reason)


def place(
    trigger: Trigger,
    ref: WorkloadRef,
    services: PlacementServices,
    settings: Settings,
    stamp: ReportStamp,
    delays: Sequence[float],
    sleep: Callable[[float], None],
) -> Report:
    """One workload the call placed: read it (retrying briefly), then PlacementFunction's rules."""
    workload = loaded(services.adapter(ref.kind), ref, stamp, delays, sleep)
    if isinstance(workload, Report):
        return workload
    report = remediate_workload(workload, services, settings, stamp, trigger.invoked_by)
    if trigger.request_omitted:
        report = replace(report, reason=f"{report.reason} ({OMITTED}: read by the identifier in responseElements)")
    return report


def on_placement_event(
    event: dict[str, Any],
    regions: Regions,
    delays: Sequence[float] = NOT_FOUND_DELAYS,
    sleep: Callable[[float], None] = _sleep,
    home: Home = Home(),
) -> list[Report]:
    """PlacementFunction: one report per workload the call placed."""
    trigger = parse_event(event)
    hub = regions(home.region)
    home = home.resolved(hub)
    stamp = ReportStamp.from_trigger(trigger)
    resource = f"event/{trigger.event_id}"
    ignored = not_ours_report(trigger, stamp, home, hub, resource, "workload")
    if ignored:
        return [ignored]
    if trigger.failed:
        reason = f"{trigger.event_name} failed with {trigger.error_code}: nothing was placed"
        return [stamp.report(resource, "workload", Outcome.IGNORED, reason)]
    refs, why_not = placement_refs(trigger)
    if why_not:
        # A call whose request CloudTrail left out is not known to be harmless: skipped, for the sweep.
        outcome = Outcome.SKIPPED if why_not.startswith(OMITTED) else Outcome.IGNORED
        return [stamp.report(resource, "workload", outcome, why_not)]
    acting = acting_region(trigger, hub, stamp, resource, "workload")
    if isinstance(acting, Report):
        return [acting]
    region, stamp = acting
    settings = region.settings
    services = region.placement_services()
    group = report_group(trigger)
    if group is not None:
        reported = reported_in_window(trigger, group, services, settings, stamp, refs[0])
        if reported is not None:
            return [reported]
    reports = [place(trigger, ref, services, settings, stamp, delays, sleep) for ref in refs]
    if group is not None and reports:
        services.ledger.record(reports[0], services.clock(), f"report-group/{group}")
    return reports


@dataclass(frozen=True)
class SweepOutcome:
    """The reports of one run, and the continuation event to send when the sweep stopped early."""

    reports: list[Report]
    continuation: dict[str, Any] | None


def continuation_hop(trigger: Trigger, home: Home) -> tuple[int, str | None]:
    """The hop count of a sweep's own continuation, or why it is refused: only its own account and region, 0 to the
    limit."""
    if trigger.region != home.region:
        return 0, f"a sweep continuation for region {trigger.region}, not this function's region {home.region}"
    if trigger.account != home.account:
        return 0, f"a sweep continuation from account {trigger.account}, not this stack's account {home.account}"
    hop = trigger.detail.get("hop", 0)
    if isinstance(hop, bool) or not isinstance(hop, int) or not 0 <= hop <= MAX_CONTINUATIONS:
        return 0, f"a sweep continuation with hop {hop!r}: only 0 to {MAX_CONTINUATIONS} are accepted"
    return hop, None


def organization_sweep_start(trigger: Trigger, home: Home, hub: Region, stamp: ReportStamp) -> Report:
    """Organization mode: the hub's own schedule (or deployment) fans the sweep out; the hub never sweeps with its own
    credentials, so a continuation here is refused (workers hand over through the queue)."""
    if trigger.source == CONTINUATION_SOURCE:
        reason = "a sweep continuation in organization mode, where each account and region is swept by the workers"
        return refused_report(trigger, home, KIND, f"{reason}: ignored")
    ignored = untrusted_report(trigger, home, KIND)
    return ignored if ignored is not None else fan_out(hub, stamp)


def on_sweep_event(
    event: dict[str, Any],
    regions: Regions,
    out_of_time: Callable[[], bool],
    home: Home = Home(),
) -> SweepOutcome:
    """SweepFunction: sweep the event's region from where the event says (start, or a carried cursor).

    A schedule (aws.events) or the stack's deployment (aws.cloudformation) starts a sweep; the function's own
    continuation (invoked directly, not through a rule) carries on, for its own account and region only.
    """
    trigger = parse_event(event)
    region = regions(home.region)
    home = home.resolved(region)
    stamp = ReportStamp.from_trigger(trigger)
    hop = 0
    cursor = None
    continuing = trigger.source == CONTINUATION_SOURCE
    if region.settings.org.enabled:
        return SweepOutcome([organization_sweep_start(trigger, home, region, stamp)], None)
    if continuing:
        hop, refused = continuation_hop(trigger, home)
        if refused is not None:
            return SweepOutcome([refused_report(trigger, home, KIND, f"{refused}: ignored")], None)
        cursor = Cursor.from_dict(trigger.detail.get("cursor"))
    else:
        ignored = untrusted_report(trigger, home, KIND)
        if ignored is not None:
            return SweepOutcome([ignored], None)
    result = run_sweep(build_phases(region, stamp), out_of_time, cursor)
    continued = hop < MAX_CONTINUATIONS
    reports = [summary_report(result, stamp, region.settings.dry_run, continued), *result.reports]
    continuation = None
    if result.next_cursor is not None and continued:
        started_by = str(trigger.detail.get("started_by") or trigger.event_id)
        continuation = {
            "account": trigger.account,
            "region": trigger.region,
            "id": f"{started_by}-{hop + 1}",
            "source": CONTINUATION_SOURCE,
            "detail-type": CONTINUATION_DETAIL_TYPE,
            "time": trigger.time,
            "detail": {"cursor": result.next_cursor.to_dict(), "hop": hop + 1, "started_by": started_by},
        }
    return SweepOutcome(reports, continuation)


def sweep_invocation(
    event: dict[str, Any], regions: Regions, remaining_ms: Callable[[], int], function_arn: str
) -> list[Report]:
    """One Lambda invocation: sweep until close to the timeout, then hand the cursor to a new invocation."""
    outcome = on_sweep_event(event, regions, lambda: remaining_ms() < SAFETY_MARGIN_MS, Home.of(function_arn))
    if outcome.continuation is not None:
        regions(str(outcome.continuation["region"])).continue_sweep(function_arn, outcome.continuation)
    return outcome.reports


def sweep_worker_invocation(
    event: dict[str, Any], regions: Regions, remaining_ms: Callable[[], int], home: Home = Home()
) -> list[Report]:
    """One worker invocation: each queued pair swept until close to the timeout, the rest queued again."""
    records = event.get("Records") if isinstance(event, dict) else None
    hub = regions(home.region)
    return on_sweep_messages(
        records if isinstance(records, list) else [], hub, lambda: remaining_ms() < SAFETY_MARGIN_MS
    )
