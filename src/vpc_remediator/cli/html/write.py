"""Write the HTML report of a list of reports: read the networks, build the page, replace the file in one step."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from vpc_remediator.cli.html.collect import read_networks
from vpc_remediator.cli.html.document import document, header_of
from vpc_remediator.cli.html.layout import unmapped, vpc_maps
from vpc_remediator.cli.html.money import money_of
from vpc_remediator.domain.errors import ConfigurationError
from vpc_remediator.domain.network import VpcNetwork
from vpc_remediator.domain.report import Report


def _version() -> str:
    try:
        return version("vpc-remediator")
    except PackageNotFoundError:
        return "unknown"


def render(
    reports: Sequence[Report],
    networks: Mapping[str, VpcNetwork],
    *,
    dry_run: bool,
    notes: Sequence[str] = (),
    generated_at: str | None = None,
) -> str:
    """The page of these reports over these networks."""
    header = header_of(
        reports,
        generated_at=generated_at or datetime.now(UTC).isoformat(timespec="seconds"),
        version=_version(),
        dry_run=dry_run,
    )
    maps = vpc_maps(reports, networks)
    lost = [
        f"{report.kind} {report.resource}: its subnets are in no VPC read" for report in unmapped(reports, networks)
    ]
    figures = money_of(header.region, reports, networks)
    return document(header, reports, maps, figures, [*notes, *lost])


def write_html_report(reports: Sequence[dict[str, Any]], path: Path, *, dry_run: bool) -> Path:
    """Read the networks the reports name and write their page to `path`; the file is whole or untouched."""
    typed = [Report.from_dict(report) for report in reports]
    networks, notes = read_networks(typed)
    page = render(typed, networks, dry_run=dry_run, notes=notes)
    target = path.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace(target, page)
    except OSError as exc:
        raise ConfigurationError(f"--html {path}: cannot write the report: {exc.strerror or exc}") from exc
    return target


def _replace(target: Path, text: str) -> None:
    # Written beside the target and renamed over it: a reader never sees half a report, and a failed write leaves
    # whatever was there before.
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        # mkstemp makes the file readable by its owner only; the report gets the mode any new file would.
        temporary.chmod(0o666 & ~_umask())
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def save_report(reports: Sequence[dict[str, Any]], path: Path, *, dry_run: bool) -> Path:
    """Write the page and say where (on stderr: stdout is the reports' own, --json's lines)."""
    target = write_html_report(reports, path, dry_run=dry_run)
    print(f"HTML report: {target}", file=sys.stderr, flush=True)
    return target
