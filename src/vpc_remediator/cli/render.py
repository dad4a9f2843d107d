"""Reports for people: a block per report (handle, demo), a table (audit), and JSON lines (--json).

Everything is read from the report dicts the handlers return. Styles only show on a terminal: the same renderables
print as plain text into a pipe, and the table and headings take their plain shape there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

# outcome → the mark a summary starts with, and its colour on a terminal.
_MARKS: dict[str, tuple[str, str]] = {
    "compliant": ("ok", "green"),
    "remediated": ("FIXED", "bold green"),
    "would-remediate": ("WOULD FIX", "bold cyan"),
    "awaiting-approval": ("AWAITING", "bold yellow"),
    "undone": ("UNDONE", "bold blue"),
    "needs-nat": ("NEEDS NAT", "bold magenta"),
    "blocked": ("BLOCKED", "bold red"),
    "skipped": ("skipped", "yellow"),
    "failed": ("FAILED", "bold red reverse"),
    "ignored": ("ignored", "dim"),
}


def outcome_style(outcome: str) -> str:
    """The colour of an outcome on a terminal."""
    return _MARKS.get(outcome, (outcome, ""))[1]


def summary(report: dict[str, Any]) -> Text:
    """A multi-line summary of one report: what, why, who, the actions with their undo, the NAT advice."""
    label, style = _MARKS.get(report["outcome"], (report["outcome"], ""))
    text = Text.assemble((f"[{label}]", style), " ", (report["kind"], "bold"), f" {report['resource']}")
    text.append("\n    why: ", "dim").append(report["reason"])
    if report.get("actor"):
        event = f"{report.get('event_name') or 'event'} {report.get('event_id')}"
        text.append(f"\n    by:  {report['actor']} ({event})", "dim")
    for action in report.get("actions", []):
        params = json.dumps(action["params"], sort_keys=True) if action["params"] else ""
        text.append("\n    - ").append(action["api"], "bold").append(f" {params}".rstrip())
        if action.get("undo"):
            text.append(f"\n      undo: {action['undo']}", "dim")
    for line, line_style in _nat_advice_lines(report):
        text.append("\n").append(line, line_style)
    return text


def _nat_advice_lines(report: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The NAT gateway's cost and the cheaper ways out: the one part of `details` a summary reads."""
    advice = (report.get("details") or {}).get("nat_advice")
    if not advice:
        return
    yield f"    NAT: {advice['nat_gateway']['text']}", "magenta"
    for item in advice.get("alternatives", []):
        yield f"      or: {item['title']} ({item['cost']})", ""


def source_line(label: str) -> Text:
    """What a block of summaries came from: an event file, a demo event."""
    return Text(label, "bold blue")


class Heading:
    """A section heading: a rule across a terminal, a `=== text ===` line in a pipe."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if console.is_terminal:
            yield Text()
            yield Rule(Text(self.text, "bold"), align="left", style="cyan")
        else:
            yield Text(f"\n=== {self.text} " + "=" * max(0, 70 - len(self.text)))


_COLUMNS = ("OUTCOME", "KIND", "RESOURCE", "REASON")


class ReportTable:
    """Outcome, kind, resource and reason of each report: a coloured table on a terminal, aligned columns in a pipe."""

    def __init__(self, reports: Iterable[dict[str, Any]]) -> None:
        self.rows = [(r["outcome"], r["kind"], r["resource"], r["reason"]) for r in reports]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self._table() if console.is_terminal else Text(self.plain())

    def plain(self) -> str:
        """Aligned columns, the reason last and whole: one line per report for grep and awk."""
        rows = [_COLUMNS, *self.rows]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        return "\n".join(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}" for row in rows
        )

    def _table(self) -> Table:
        # rich narrows the widest columns first: the reason wraps, and an ARN folds only on a narrow terminal.
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, leading=1)
        table.add_column(_COLUMNS[0], no_wrap=True)
        table.add_column(_COLUMNS[1], no_wrap=True)
        table.add_column(_COLUMNS[2], overflow="fold")
        table.add_column(_COLUMNS[3])
        for outcome, kind, resource, reason in self.rows:
            table.add_row(Text(outcome, outcome_style(outcome)), kind, resource, reason)
        return table


def json_lines(reports: Iterable[dict[str, Any]]) -> str:
    """One JSON object per report, one per line, keys sorted: --json's output, the same on a terminal or in a pipe."""
    return "\n".join(json.dumps(report, sort_keys=True, default=str) for report in reports)
