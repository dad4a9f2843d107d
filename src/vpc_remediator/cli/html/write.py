"""Write the HTML report of a list of reports: read the networks, build the page, replace the file in one step."""

from __future__ import annotations

import os
import stat
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


def _typed(reports: Sequence[Any]) -> tuple[list[Report], list[str]]:
    """The reports that can be read, and a note naming those that cannot (never a traceback, never a silent loss)."""
    typed: list[Report] = []
    broken: list[str] = []
    for report in reports:
        try:
            typed.append(Report.from_dict(report))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            resource = report.get("resource") if isinstance(report, dict) else None
            broken.append(f"{resource if isinstance(resource, str) else 'a report with no resource'} ({exc})")
    if not broken:
        return typed, []
    count = f"{len(broken)} report{'' if len(broken) == 1 else 's'}"
    return typed, [f"{count} could not be read and are not shown: {'; '.join(broken)}"]


def write_html_report(reports: Sequence[dict[str, Any]], path: Path, *, dry_run: bool) -> Path:
    """Read the networks the reports name and write their page to `path`; the file is whole or untouched."""
    # Not resolved: a link at the path is refused, never followed (it may point to any file of the user's).
    target = path.absolute()
    mode = _mode_for(target, path)
    typed, unreadable = _typed(reports)
    networks, notes = read_networks(typed)
    page = render(typed, networks, dry_run=dry_run, notes=[*unreadable, *notes])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace(target, page, mode)
    except OSError as exc:
        raise ConfigurationError(f"--html {path}: cannot write the report: {exc.strerror or exc}") from exc
    return target


def check_html_path(path: Path) -> None:
    """Refuse a path the report would not be written to, before any work (a link, a folder, another user's file)."""
    _mode_for(path.absolute(), path)


def _mode_for(target: Path, path: Path) -> int:
    """The new file's mode: the one the report had (a report made private stays so), else any new file's."""
    try:
        found = target.lstat()
    except FileNotFoundError:
        return 0o666 & ~_umask()
    except OSError as exc:
        raise ConfigurationError(f"--html {path}: cannot write the report: {exc.strerror or exc}") from exc
    if stat.S_ISLNK(found.st_mode):
        raise ConfigurationError(f"--html {path}: a symbolic link: give the file itself, a link is never followed")
    if not stat.S_ISREG(found.st_mode):
        raise ConfigurationError(f"--html {path}: not a regular file: give a file's path")
    if found.st_uid != os.getuid():
        raise ConfigurationError(f"--html {path}: the file belongs to another user: it is not replaced")
    return stat.S_IMODE(found.st_mode)


def _replace(target: Path, text: str, mode: int) -> None:
    # Written beside the target and renamed over it: a reader never sees half a report, and a failed write leaves
    # whatever was there before.
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            # mkstemp makes the file readable by its owner only; the report gets the mode chosen for it.
            os.fchmod(file.fileno(), mode)
            file.write(text)
            file.flush()
            # On disk before the rename: after a crash the path holds the old report or the new one, never an empty one.
            os.fsync(file.fileno())
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
