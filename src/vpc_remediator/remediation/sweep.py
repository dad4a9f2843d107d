"""The reconciliation sweep: every phase of the region, page by page, under a deadline; one summary report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from vpc_remediator.domain.details import SweepDetails
from vpc_remediator.domain.report import OUTCOMES_BY_IMPORTANCE, Outcome, Report
from vpc_remediator.remediation.context import ReportStamp

KIND = "sweep"
# A chain of hand-overs ends here whatever happens: a sweep can never re-invoke (or re-queue) itself forever.
MAX_HAND_OVERS = 20


class Phase(Protocol):
    """One kind of resource swept page by page; `token` None starts it, a returned None ends it."""

    name: str

    def run_page(self, token: str | None) -> tuple[list[Report], str | None]:
        """Decide (and apply, unless dry run) for one page of resources."""
        ...


@dataclass(frozen=True)
class Cursor:
    """Where a sweep stopped: the phase and the page token inside it (JSON-ready, carried to the next run)."""

    phase: str
    token: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"phase": self.phase, "token": self.token}

    @classmethod
    def from_dict(cls, data: Any) -> Cursor | None:
        """Parse a carried cursor; anything malformed starts over (a sweep is always safe to restart)."""
        if not isinstance(data, dict) or not isinstance(data.get("phase"), str):
            return None
        token = data.get("token")
        return cls(data["phase"], token if isinstance(token, str) else None)


@dataclass
class SweepResult:
    """The reports of the resources that are not compliant, the counts of all, and where to continue."""

    reports: list[Report] = field(default_factory=list)
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    next_cursor: Cursor | None = None
    # Phase name → the error that stopped it; the other phases still ran.
    failed_phases: dict[str, str] = field(default_factory=dict)


def run_sweep(
    phases: Iterable[Phase],
    out_of_time: Callable[[], bool],
    cursor: Cursor | None = None,
    on_page: Callable[[str, int], None] | None = None,
) -> SweepResult:
    """Run the phases in order from `cursor`; stop cleanly between pages when `out_of_time()` says so.

    A phase that fails is recorded and the next one runs: a broken default VPC must not hide the workloads.
    """
    result = SweepResult()
    phase_list = list(phases)
    names = [phase.name for phase in phase_list]
    start = names.index(cursor.phase) if cursor and cursor.phase in names else 0
    token = cursor.token if cursor and cursor.phase in names else None
    for phase in phase_list[start:]:
        while True:
            if out_of_time():
                result.next_cursor = Cursor(phase.name, token)
                return result
            try:
                reports, token = phase.run_page(token)
            except Exception as exc:  # noqa: BLE001  (any failure of one phase; the summary names it)
                result.failed_phases[phase.name] = f"{type(exc).__name__}: {exc}"
                token = None
                break
            for report in reports:
                result.counts[(report.kind, report.outcome.value)] += 1
                if report.outcome is not Outcome.COMPLIANT:
                    result.reports.append(report)
            if on_page is not None:
                on_page(phase.name, len(reports))
            if token is None:
                break
    return result


def sweep_arn(stamp: ReportStamp) -> str:
    """The resource a sweep's reports name: the region of the account, in the event's partition."""
    return f"arn:{stamp.partition}:ec2:{stamp.region}:{stamp.account}:sweep"


def summary_report(result: SweepResult, stamp: ReportStamp, dry_run: bool, continued: bool = True) -> Report:
    """One report for the whole sweep: counts per kind and outcome, the most important outcome first."""
    outcomes = Counter[str]()
    for (_, outcome), count in result.counts.items():
        outcomes[outcome] += count
    # The summary's outcome is the most important one found; a phase that failed is a failure.
    worst = next((o for o in OUTCOMES_BY_IMPORTANCE if outcomes.get(o.value)), Outcome.COMPLIANT)
    if result.failed_phases:
        worst = Outcome.FAILED
    total = sum(outcomes.values())
    parts = [f"{outcomes[o.value]} {o.value}" for o in OUTCOMES_BY_IMPORTANCE if outcomes.get(o.value)]
    reason = f"swept {total} resources: {', '.join(parts) or 'nothing to check'}"
    if result.failed_phases:
        failures = "; ".join(f"{name} ({error})" for name, error in result.failed_phases.items())
        reason += f"; these phases failed and the others still ran: {failures}"
    if dry_run:
        reason += " (dry run: nothing changed)"
    if result.next_cursor is not None and continued:
        reason += f"; stopped before the time limit, continuing from {result.next_cursor.phase}"
    elif result.next_cursor is not None:
        reason += (
            f"; stopped before the time limit with {result.next_cursor.phase} unfinished, and not continued: "
            "the hand-over limit was reached, so the next scheduled sweep starts over"
        )
    by_kind: dict[str, dict[str, int]] = {}
    for (kind, outcome), count in sorted(result.counts.items()):
        by_kind.setdefault(kind, {})[outcome] = count
    resource = sweep_arn(stamp)
    details = SweepDetails(
        counts=by_kind,
        complete=result.next_cursor is None,
        continues_from=result.next_cursor.to_dict() if result.next_cursor and continued else None,
        failed_phases=dict(result.failed_phases),
    )
    return stamp.report(resource, KIND, worst, reason, details=details)
