"""The findings: every report as a row (outcome, kind, resource, reason, what was done and its undo), most important
first; the page's script sorts the table by any column and filters it by text and outcome."""

from __future__ import annotations

import json
from collections.abc import Iterable

from vpc_remediator.cli.html.layout import RANK
from vpc_remediator.cli.html.markup import css_token, esc, safe_href
from vpc_remediator.domain.report import Report
from vpc_remediator.notify.links import console_url, short_name


def ordered(reports: Iterable[Report]) -> list[Report]:
    """Most important outcome first, then by kind and resource."""
    return sorted(reports, key=lambda report: (RANK.get(report.outcome.value, len(RANK)), report.kind, report.resource))


def _resource(report: Report) -> str:
    name = esc(short_name(report.resource))
    href = safe_href(console_url(report.resource, report.region, report.kind))
    link = f'<a href="{esc(href)}" rel="noreferrer noopener" target="_blank">{name}</a>' if href else name
    return f'{link}<div class="arn"><code>{esc(report.resource)}</code></div>'


def _actions(report: Report) -> str:
    if not report.actions:
        return ""
    items = []
    for action in report.actions:
        params = json.dumps(action.params, sort_keys=True, default=str)
        undo = f'<div class="undo">undo: <code>{esc(action.undo)}</code></div>' if action.undo else ""
        items.append(f'<li><code>{esc(action.api)}</code> <code class="params">{esc(params)}</code>{undo}</li>')
    count = f"{len(report.actions)} action{'' if len(report.actions) == 1 else 's'}"
    return f"<details><summary>{esc(count)}</summary><ul>{''.join(items)}</ul></details>"


def _row(report: Report) -> str:
    outcome = report.outcome.value
    return (
        f'<tr data-outcome="{esc(outcome)}" data-resource="{esc(report.resource)}">'
        f'<td data-key="{RANK.get(outcome, len(RANK))}"><span class="badge outcome-{esc(css_token(outcome))}">'
        f"{esc(outcome)}</span></td><td>{esc(report.kind)}</td><td>{_resource(report)}</td>"
        f"<td>{esc(report.reason)}</td><td>{_actions(report)}</td></tr>"
    )


def findings_section(reports: Iterable[Report]) -> str:
    """The filter controls and the table."""
    rows = ordered(reports)
    present = sorted({report.outcome.value for report in rows}, key=lambda outcome: RANK.get(outcome, len(RANK)))
    options = "".join(f'<option value="{esc(outcome)}">{esc(outcome)}</option>' for outcome in present)
    headers = "".join(
        f'<th scope="col"><button type="button" data-column="{index}">{esc(title)}</button></th>'
        for index, title in enumerate(("outcome", "kind", "resource", "reason", "actions and undo"))
    )
    return (
        '<div class="filters"><label>Filter <input type="search" id="findings-filter"'
        ' placeholder="resource, kind, reason…"></label> <label>Outcome <select id="findings-outcome">'
        f'<option value="">every outcome</option>{options}</select></label> <span id="findings-count"'
        f' aria-live="polite">{len(rows)} of {len(rows)}</span></div>'
        f'<table id="findings"><thead><tr>{headers}</tr></thead><tbody>{"".join(_row(r) for r in rows)}</tbody></table>'
    )
