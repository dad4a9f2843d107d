"""The whole page: header, the picture at a glance, the egress maps, the money, the findings, in one HTML file.

Self-contained and safe to share: the style and the script are inline, and the page's Content-Security-Policy allows
those two by their hashes and nothing else (no request leaves the page, and no injected script could run even if a
text escaped its escaping). Texts come only from the reports and the networks, each escaped.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

from vpc_remediator.cli.html.egress_map import egress_maps
from vpc_remediator.cli.html.findings import findings_section
from vpc_remediator.cli.html.layout import VpcMap, latest_by_resource
from vpc_remediator.cli.html.markup import esc
from vpc_remediator.cli.html.money import Money, money_section
from vpc_remediator.domain.nat import money
from vpc_remediator.domain.report import Outcome, Report


@dataclass(frozen=True)
class Header:
    """What the report is of: account, region, when, which version, and whether anything was changed."""

    account: str
    region: str
    generated_at: str
    version: str
    dry_run: bool
    summary: str | None = None


def header_of(reports: Sequence[Report], *, generated_at: str, version: str, dry_run: bool) -> Header:
    """The header, its account and region read from the reports (the sweep's summary has both)."""
    account = next((report.account for report in reports if report.account), None) or "unknown"
    region = next((report.region for report in reports if report.region), None) or "unknown"
    summary = next((report.reason for report in reports if report.kind == "sweep"), None)
    if summary:
        # A sweep keeps the reports of what is not compliant only: the rest is in its counts, not on the map.
        summary += ". The map and the findings show what is not compliant; compliant workloads are only counted here."
    return Header(account, region, generated_at, version, dry_run, summary)


def _asset(name: str) -> str:
    return files("vpc_remediator.cli.html").joinpath(name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _header(header: Header) -> str:
    mode = "dry run: nothing was changed" if header.dry_run else "changes applied where the rules allow"
    facts = (
        ("account", header.account),
        ("region", header.region),
        ("generated", header.generated_at),
        ("vpc-remediator", header.version),
        ("mode", mode),
    )
    items = "".join(f"<div><dt>{esc(name)}</dt><dd>{esc(value)}</dd></div>" for name, value in facts)
    summary = f'<p class="summary">{esc(header.summary)}</p>' if header.summary else ""
    return f'<header><h1>VPC egress audit</h1><dl class="facts">{items}</dl>{summary}</header>'


def _count(reports: Sequence[Report], *outcomes: Outcome) -> int:
    return sum(1 for report in reports if report.outcome in outcomes)


def _glance(findings: Sequence[Report], maps: Sequence[VpcMap], figures: Money) -> str:
    moves = [move for vpc in maps for move in vpc.moves]
    cards = (
        ("need a NAT gateway", _count(findings, Outcome.NEEDS_NAT), "needs-nat"),
        ("subnet moves proposed", sum(m.count for m in moves if m.state == "proposed"), "would-remediate"),
        ("subnet moves made", sum(m.count for m in moves if m.state == "moved"), "remediated"),
        ("blocked or failed", _count(findings, Outcome.BLOCKED, Outcome.FAILED), "blocked"),
        ("NAT gateways now, a month", money(figures.existing_monthly), "nat"),
        ("NAT the needs-nat workloads would add, a month", money(figures.needed_monthly), "nat"),
    )
    items = "".join(
        f'<div class="card card-{esc(tone)}"><div class="figure">{esc(value)}</div><div>{esc(label)}</div></div>'
        for label, value, tone in cards
    )
    return f'<section class="glance" aria-label="at a glance">{items}</section>'


def _notes(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    return '<ul class="notes">' + "".join(f"<li>{esc(note)}</li>" for note in notes) + "</ul>"


def document(
    header: Header, reports: Sequence[Report], maps: Sequence[VpcMap], figures: Money, notes: Sequence[str] = ()
) -> str:
    """The complete HTML document."""
    findings = [report for report in latest_by_resource(reports) if report.kind != "sweep"]
    style, script = _asset("report.css"), _asset("report.js")
    policy = f"default-src 'none'; style-src {_sha256(style)}; script-src {_sha256(script)}; img-src data:"
    title = f"VPC egress audit: {header.account} {header.region}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><title>{esc(title)}</title><style>{style}</style></head><body>'
        f"{_header(header)}{_notes(notes)}{_glance(findings, maps, figures)}"
        f'<section id="map"><h2>Egress map</h2>{egress_maps(maps)}</section>'
        f'<section id="money"><h2>What NAT costs</h2>{money_section(figures)}</section>'
        f'<section id="findings-section"><h2>Findings</h2>{findings_section(findings)}</section>'
        f"<script>{script}</script></body></html>\n"
    )
