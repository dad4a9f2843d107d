"""Ensure the region's default VPC exists and works."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from vpc_remediator.domain.default_vpc import DefaultVpcState, describe_problems, kept_routes, plan_repairs
from vpc_remediator.domain.details import DefaultVpcDetails, DefaultVpcView
from vpc_remediator.domain.errors import AccessDeniedError, AwsCallError, ConcurrentChangeError, RemediatorError
from vpc_remediator.domain.guards import LedgerEntry, intent_actions, intent_entry, open_intent
from vpc_remediator.domain.report import Action, Outcome, Report
from vpc_remediator.remediation.approvals import ChangeGate
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.ports import DefaultVpcPort, Ledger, utc_now

KIND = "default-vpc"
# CreateDefaultVpc makes the rest itself; one more round repairs what it did not. Never loop beyond that.
MAX_ROUNDS = 3
CREATE_DEFAULT_SUBNET = "ec2:CreateDefaultSubnet"
# How far back a retry looks for the intent an earlier try of the same event left open.
INTENT_LOOKBACK = timedelta(days=1)


def default_vpc_arn(stamp: ReportStamp, vpc_id: str | None) -> str:
    """The report's resource: the default VPC's ARN, or where it should be when it is missing."""
    return f"arn:{stamp.partition}:ec2:{stamp.region}:{stamp.account}:vpc/{vpc_id or 'default'}"


def history_key(stamp: ReportStamp) -> str:
    """The ledger key of the region's default VPC: one history whether or not the VPC (and so its id) exists."""
    return f"default-vpc/{stamp.account}/{stamp.region}"


@dataclass
class Repair:
    """One check of the default VPC: what was read first, what was done, which zones refused, how to report it."""

    adapter: DefaultVpcPort
    stamp: ReportStamp
    why: str
    state: DefaultVpcState
    ledger: Ledger | None = None
    clock: Callable[[], datetime] = utc_now
    done: list[Action] = field(default_factory=list)
    # Zone → why it refused CreateDefaultSubnet: skipped, named in the report, the other zones still repaired.
    refused: dict[str, RemediatorError] = field(default_factory=dict)

    def report(self, outcome: Outcome, reason: str, actions: Sequence[Action], final: DefaultVpcState) -> Report:
        """The one report of this check."""
        resource = default_vpc_arn(self.stamp, final.vpc_id)
        skipped = {zone: str(error) for zone, error in sorted(self.refused.items())}
        details = DefaultVpcDetails(before=_view(self.state), after=_view(final), skipped_zones=skipped)
        reason += _left_as_it_is(final, self.refused)
        return self.stamp.report(resource, KIND, outcome, reason, tuple(actions), details=details)

    def open_intent(self) -> LedgerEntry | None:
        """The intent an earlier try of this event recorded and never closed (it stopped after a write)."""
        if self.ledger is None or not self.stamp.event_id:
            return None
        since = self.clock() - INTENT_LOOKBACK
        return open_intent(self.ledger.history(history_key(self.stamp), since), self.stamp.event_id)

    def record_intent(self, planned: Sequence[Action]) -> None:
        """The plan, in the ledger, before the first write."""
        if self.ledger is not None:
            intent = intent_entry(history_key(self.stamp), self.stamp.event_id, planned, self.clock())
            self.ledger.record_intent(intent, default_vpc_arn(self.stamp, self.state.vpc_id), KIND)

    def closed(self, report: Report) -> Report:
        """The result, in the ledger, after the writes and the read that verifies them."""
        if self.ledger is not None:
            self.ledger.record(report, self.clock(), history_key(self.stamp))
        return report


def ensure_default_vpc(
    adapter: DefaultVpcPort,
    stamp: ReportStamp,
    why: str,
    dry_run: bool,
    ledger: Ledger | None = None,
    clock: Callable[[], datetime] = utc_now,
    gate: ChangeGate | None = None,
) -> Report:
    """Read the default VPC, plan its repairs, record the plan, apply it unless dry run (or the gate holds it back for
    a person's approval), verify, and report.

    A transient fault (throttling, a 5xx, a timeout) is raised for Lambda to retry; the retry finds the plan this
    event recorded and reports what is really in place. A refusal by policy is reported once, never retried.
    """
    try:
        state = adapter.read_state()
    except AccessDeniedError as exc:
        reason = f"{why}; {exc}: this stack's role needs {exc.api} to check the default VPC, so nothing was changed"
        return stamp.report(default_vpc_arn(stamp, None), KIND, Outcome.BLOCKED, reason)
    repair = Repair(adapter, stamp, why, state, ledger, clock)
    planned = plan_repairs(state)
    if not planned:
        return _nothing_to_do(repair)
    problems = describe_problems(state)
    if dry_run:
        return repair.report(Outcome.WOULD_REMEDIATE, f"{why}; {problems} (dry run: nothing changed)", planned, state)
    held = gate.hold(KIND, default_vpc_arn(stamp, state.vpc_id), planned, f"{why}; {problems}", {}) if gate else None
    if held is not None:
        return replace(repair.report(held.outcome, held.reason, planned, state), change_id=held.change_id)
    earlier = repair.open_intent()
    if earlier is not None:
        problems += f" (continuing the repair this event started at {earlier.at.isoformat(timespec='seconds')})"
    repair.record_intent(planned)
    try:
        current = _repair(adapter, state, repair.done, repair.refused, stamp.event_id)
    except AccessDeniedError as exc:
        return repair.closed(_after_denial(repair, problems, exc))
    return repair.closed(_verdict(repair, problems, current))


def _nothing_to_do(repair: Repair) -> Report:
    """Compliant (or only deliberate routes left), unless an earlier try of this event made it so: remediated."""
    state, why = repair.state, repair.why
    earlier = repair.open_intent()
    if earlier is not None:
        when = earlier.at.isoformat(timespec="seconds")
        reason = f"{why}; the repairs this event started at {when} are in place (verified on a retry)"
        return repair.closed(repair.report(Outcome.REMEDIATED, reason, intent_actions(earlier), state))
    if kept_routes(state):
        return repair.report(Outcome.SKIPPED, f"{why}; nothing to repair", (), state)
    return repair.report(Outcome.COMPLIANT, f"{why}; the default VPC works", (), state)


def _verdict(repair: Repair, problems: str, current: DefaultVpcState) -> Report:
    """What the read after the repairs shows: remediated, failed with what is still wrong, or zones refused."""
    why, done, refused = repair.why, repair.done, repair.refused
    if plan_repairs(current, refused):
        reason = f"{why}; {problems}; after the repairs it still has: {describe_problems(current)}"
        return repair.report(Outcome.FAILED, reason + _detached(repair.adapter), done, current)
    if refused:
        # A refusal by policy is `blocked`; any other one needs a person to look at the zone.
        denied = all(isinstance(error, AccessDeniedError) for error in refused.values())
        outcome = Outcome.BLOCKED if denied and not done else Outcome.FAILED
        if denied and done:
            problems += "; the other repairs landed"
        return repair.report(outcome, f"{why}; {problems}", done, current)
    return repair.report(Outcome.REMEDIATED, f"{why}; repaired: {problems}", done, current)


def _after_denial(repair: Repair, problems: str, exc: AccessDeniedError) -> Report:
    """A policy refused a call: `blocked` only when nothing changed; after repairs that landed, the truth of the
    state read once more (remediated when it works, failed with what is still wrong and what was done otherwise)."""
    why, done = repair.why, repair.done
    try:
        final: DefaultVpcState | None = repair.adapter.read_state()
    except RemediatorError:
        final = None
    if not done:
        reason = f"{why}; {problems}; {exc} (an IAM policy or SCP forbids it), so nothing was changed"
        return repair.report(Outcome.BLOCKED, reason, done, final or repair.state)
    if final is None:
        reason = (
            f"{why}; {problems}; {len(done)} repairs were made (each with its undo), then {exc}, and the default "
            "VPC cannot be read back: what is still wrong is unknown"
        )
        return repair.report(Outcome.FAILED, reason, done, repair.state)
    if not plan_repairs(final, repair.refused):
        return repair.report(Outcome.REMEDIATED, f"{why}; repaired: {problems}", done, final)
    reason = (
        f"{why}; {problems}; {len(done)} repairs were made (each with its undo), then {exc} (an IAM policy or SCP "
        f"forbids it); still wrong: {describe_problems(final)}"
    )
    return repair.report(Outcome.FAILED, reason + _detached(repair.adapter), done, final)


def _detached(adapter: DefaultVpcPort) -> str:
    """Internet gateways this stack created and left detached (a failure between create and attach), named."""
    try:
        left = adapter.detached_own_gateways()
    except RemediatorError:
        return ""
    if not left:
        return ""
    return f"; internet gateways this stack created are left detached (the next repair reuses them): {', '.join(left)}"


def _repair(
    adapter: DefaultVpcPort,
    state: DefaultVpcState,
    done: list[Action],
    refused: dict[str, RemediatorError],
    token: str | None = None,
) -> DefaultVpcState:
    """Apply the plan, read again, re-plan, a bounded number of rounds; `done` and `refused` collect as it goes."""
    current = state
    for _ in range(MAX_ROUNDS):
        repairs = plan_repairs(current, refused)
        if not repairs:
            break
        created: dict[str, str] = {}
        try:
            for repair in repairs:
                try:
                    done.append(adapter.apply(repair, created, token))
                except (AccessDeniedError, AwsCallError) as exc:
                    if repair.api != CREATE_DEFAULT_SUBNET:
                        raise
                    # One zone can refuse (not offered to the account, no capacity, a zone-scoped SCP).
                    refused[str(repair.params["AvailabilityZone"])] = exc
        except ConcurrentChangeError:
            pass  # another repair (the sweep, a person) got there first: read again and re-plan
        current = adapter.read_state()
    return current


def _left_as_it_is(final: DefaultVpcState, refused: dict[str, RemediatorError]) -> str:
    """What the report adds about what was deliberately not repaired."""
    text = ""
    kept = kept_routes(final)
    if kept:
        text += f"; {kept}"
    if refused:
        skipped = "; ".join(f"{zone}: {error}" for zone, error in sorted(refused.items()))
        text += f"; skipped the zones that refused a default subnet ({skipped})"
    return text


def _view(state: DefaultVpcState) -> DefaultVpcView:
    route = state.default_route
    return DefaultVpcView(
        vpc_id=state.vpc_id,
        subnet_zones=state.subnet_zones,
        internet_gateway=state.attached_igw_id,
        default_route=f"{route.target_id} ({route.state})" if route else None,
        zone_route_tables={
            table.route_table_id: (
                f"{', '.join(table.zones)}: "
                + (f"{table.default_route.target_id} ({table.default_route.state})" if table.default_route else "none")
            )
            for table in state.explicit_tables
        },
    )
