"""Reports for people on a terminal: one block per report, the reason first, then the actions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

_MARKS = {
    "compliant": "ok",
    "remediated": "FIXED",
    "would-remediate": "WOULD FIX",
    "needs-nat": "NEEDS NAT",
    "blocked": "BLOCKED",
    "skipped": "skipped",
    "failed": "FAILED",
    "ignored": "ignored",
}


def summary(report: dict[str, Any]) -> str:
    """A readable multi-line summary of one report."""
    mark = _MARKS.get(report["outcome"], report["outcome"])
    lines = [f"[{mark}] {report['kind']} {report['resource']}", f"    why: {report['reason']}"]
    if report.get("actor"):
        lines.append(f"    by:  {report['actor']} ({report.get('event_name') or 'event'} {report.get('event_id')})")
    for action in report.get("actions", []):
        params = json.dumps(action["params"], sort_keys=True) if action["params"] else ""
        lines.append(f"    - {action['api']} {params}".rstrip())
        if action.get("undo"):
            lines.append(f"      undo: {action['undo']}")
    lines += _nat_advice(report.get("details", {}).get("nat_advice"))
    return "\n".join(lines)


def _nat_advice(advice: dict[str, Any] | None) -> list[str]:
    """The NAT gateway's cost and the cheaper ways out, one line each."""
    if not advice:
        return []
    lines = [f"    NAT: {advice['nat_gateway']['text']}"]
    lines += [f"      or: {item['title']} ({item['cost']})" for item in advice.get("alternatives", [])]
    return lines


def json_lines(reports: Iterable[dict[str, Any]]) -> str:
    """One JSON object per report, one per line."""
    return "\n".join(json.dumps(report, sort_keys=True, default=str) for report in reports)
