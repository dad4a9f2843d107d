"""SweepFunction's use case: a schedule, a deploy or a continuation → a sweep of the region."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vpc_remediator.aws.clients import ClientFactory
from vpc_remediator.aws.functions import invoke_async
from vpc_remediator.domain.report import Report
from vpc_remediator.events import parse_event
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.sweep import Cursor, run_sweep, summary_report
from vpc_remediator.remediation.sweep_phases import build_phases
from vpc_remediator.settings import Settings

CONTINUATION_SOURCE = "vpc-remediator.sweep"
CONTINUATION_DETAIL_TYPE = "Sweep Continuation"
# A chain of continuations ends here whatever happens: a sweep can never re-invoke itself forever.
MAX_CONTINUATIONS = 20
# Stop taking new pages when less than this is left: a page (50 functions, 10 services) fits easily.
SAFETY_MARGIN_MS = 120_000


@dataclass(frozen=True)
class SweepOutcome:
    """The reports of one run, and the continuation event to send when the sweep stopped early."""

    reports: list[Report]
    continuation: dict[str, Any] | None


def on_sweep_event(
    event: dict[str, Any], settings: Settings, out_of_time: Callable[[], bool], clients: ClientFactory | None = None
) -> SweepOutcome:
    """Sweep the event's region from where the event says (start, or a carried cursor)."""
    trigger = parse_event(event)
    stamp = ReportStamp.from_trigger(trigger)
    hop = 0
    cursor = None
    if trigger.source == CONTINUATION_SOURCE:
        cursor = Cursor.from_dict(trigger.detail.get("cursor"))
        hop = int(trigger.detail.get("hop", 0))
    factory = clients or ClientFactory(region=trigger.region)
    result = run_sweep(build_phases(settings, factory, stamp), out_of_time, cursor)
    continued = hop < MAX_CONTINUATIONS
    reports = [summary_report(result, stamp, settings.dry_run, continued), *result.reports]
    continuation = None
    if result.next_cursor is not None and continued:
        started_by = str(trigger.detail.get("started_by") or trigger.event_id)
        continuation = {
            **{key: event[key] for key in ("account", "region")},
            "id": f"{started_by}-{hop + 1}",
            "source": CONTINUATION_SOURCE,
            "detail-type": CONTINUATION_DETAIL_TYPE,
            "time": trigger.time,
            "detail": {"cursor": result.next_cursor.to_dict(), "hop": hop + 1, "started_by": started_by},
        }
    return SweepOutcome(reports, continuation)


def sweep_invocation(
    event: dict[str, Any], settings: Settings, remaining_ms: Callable[[], int], function_arn: str
) -> list[Report]:
    """One Lambda invocation: sweep until close to the timeout, then hand the cursor to a new invocation."""
    factory = ClientFactory(region=str(event.get("region") or "") or None)
    outcome = on_sweep_event(event, settings, lambda: remaining_ms() < SAFETY_MARGIN_MS, factory)
    if outcome.continuation is not None:
        invoke_async(factory.lambda_(), function_arn, outcome.continuation)
    return outcome.reports
