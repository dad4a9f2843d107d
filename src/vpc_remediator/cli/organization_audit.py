"""`vpc-remediator audit --organization`: every active account of the organization, through the exec role (or the
role named), in the chosen regions; one progress bar over all pairs and a table per account at the end."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from vpc_remediator.bootstrap import region_for
from vpc_remediator.cli.console import stderr_console, stdout_console
from vpc_remediator.cli.local import LocalRuntime, default_stack_name
from vpc_remediator.cli.render import ReportTable, json_lines
from vpc_remediator.domain.errors import ConfigurationError
from vpc_remediator.domain.report import OUTCOMES_BY_IMPORTANCE, Report
from vpc_remediator.remediation.organization_sweep import covered_pairs, sweep_pair
from vpc_remediator.settings import get_settings


def _organization_id() -> str:
    """The organization of the credentials in use (the management account's, or a delegated administrator's)."""
    from vpc_remediator.aws.errors import translated  # noqa: PLC0415

    with translated("organizations:DescribeOrganization"):
        found = region_for().clients.organizations().describe_organization()
    return str(found["Organization"]["Id"])


def run_organization_audit(
    apply: bool, as_json: bool, stack_name: str | None, role: str | None, regions: Sequence[str]
) -> list[dict[str, Any]]:
    """Sweep every active account of the organization in `regions` (the session's region when none)."""
    LocalRuntime(stack_name=stack_name or default_stack_name(), dry_run=not apply).configure()
    own_region = region_for().region_name()
    chosen = list(regions) or ([own_region] if own_region else [])
    if not chosen:
        raise ConfigurationError("no region: pass --regions, or set AWS_REGION or a profile's region")
    extra = {"MODE": "organization", "ORGANIZATION_ID": _organization_id(), "MEMBER_REGIONS": ",".join(chosen)}
    if role:
        extra["EXEC_ROLE_NAME"] = role
    LocalRuntime(stack_name=stack_name or default_stack_name(), dry_run=not apply, extra_env=extra).configure()
    hub = region_for()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    pairs = covered_pairs(hub.organization_members(), get_settings().org, f"audit-{uuid.uuid4()}", started)
    reports: list[Report] = []
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr_console(),
        disable=not stderr_console().is_terminal,
    ) as progress:
        task = progress.add_task("account-region pairs", total=len(pairs))
        for pair in pairs:
            progress.update(task, description=pair.label())
            reports += sweep_pair(pair, hub, out_of_time=lambda: False)
            progress.advance(task)
    found = [report.to_dict() for report in reports]
    if as_json:
        print(json_lines(found), flush=True)
    else:
        console = stdout_console()
        console.print(ReportTable(found))
        console.print(AccountTable(reports).table())
    return found


class AccountTable:
    """One row per account: its name, the regions swept, the resources checked and the outcomes found."""

    def __init__(self, reports: Sequence[Report]) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        for report in reports:
            if report.kind != "sweep" or report.account is None:
                continue
            row = self.rows.setdefault(
                report.account, {"name": report.account_name or "", "regions": [], "outcomes": Counter[str]()}
            )
            row["regions"].append(f"{report.region} {report.outcome.value}")
            counts = getattr(report.details, "counts", {})
            for by_outcome in counts.values():
                row["outcomes"].update(by_outcome)

    def table(self) -> Table:
        """A rich table (plain text into a pipe)."""
        table = Table(title="Per account", box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        for column in ("account", "name", "regions", "resources", "outcomes"):
            table.add_column(column)
        for account, row in sorted(self.rows.items()):
            outcomes: Counter[str] = row["outcomes"]
            text = ", ".join(f"{outcomes[o.value]} {o.value}" for o in OUTCOMES_BY_IMPORTANCE if outcomes[o.value])
            resources = str(sum(outcomes.values()))
            table.add_row(account, row["name"], "; ".join(row["regions"]), resources, text or "nothing swept")
        return table
