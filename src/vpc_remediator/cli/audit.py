"""`vpc-remediator audit`: the sweep from a laptop, dry run unless --apply."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from vpc_remediator.aws.identity import caller_identity
from vpc_remediator.bootstrap import region_for
from vpc_remediator.cli.console import stderr_console, stdout_console
from vpc_remediator.cli.local import LocalRuntime, default_stack_name
from vpc_remediator.cli.progress import SweepProgress
from vpc_remediator.cli.render import ReportTable, json_lines
from vpc_remediator.domain.errors import ConfigurationError
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.sweep import run_sweep, summary_report
from vpc_remediator.remediation.sweep_phases import build_phases
from vpc_remediator.settings import get_settings


def run_audit(apply: bool, as_json: bool, stack_name: str | None) -> list[dict[str, Any]]:
    """Sweep the region of the user's credentials; print and return the reports."""
    LocalRuntime(stack_name=stack_name or default_stack_name(), dry_run=not apply).configure()
    settings = get_settings()
    region = region_for()
    clients = region.clients
    if not clients.region:
        raise ConfigurationError(
            "no AWS region configured: set AWS_REGION or AWS_DEFAULT_REGION, or a profile's region"
        )
    account, caller = caller_identity(clients.sts())
    stamp = ReportStamp(
        event_id=f"audit-{uuid.uuid4()}",
        actor=caller,
        account=account,
        region=clients.region,
        event_name="audit",
        event_time=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    phases = build_phases(region, stamp)
    with SweepProgress([phase.name for phase in phases], stderr_console()) as progress:
        result = run_sweep(phases, out_of_time=lambda: False, on_page=progress.on_page)
    reports = [report.to_dict() for report in [summary_report(result, stamp, settings.dry_run), *result.reports]]
    if as_json:
        # Not through rich: --json stays the same bytes whatever the stream is.
        print(json_lines(reports), flush=True)
    else:
        stdout_console().print(ReportTable(reports))
    return reports
