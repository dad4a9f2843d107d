"""Reports → Slack Block Kit messages, purely: one message per report when few arrive, digests when many do.

Every message stays within Slack's limits (50 blocks, 3,000 characters per section text, 150 per header) by
splitting long parts over several sections and summarising what still does not fit: rendering never fails.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from vpc_remediator.domain.details import (
    DefaultVpcDetails,
    Details,
    NatAdviceView,
    NatCostView,
    NatGatewayDetails,
    PlacementDetails,
    SubnetView,
)
from vpc_remediator.domain.report import OUTCOMES_BY_IMPORTANCE, Outcome, Report
from vpc_remediator.notify.links import cloudtrail_url, console_url, short_name

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_FIELD = 2000
MAX_HEADER = 150
MAX_FALLBACK_TEXT = 3000
# Up to this many reports arriving together get a message each; more become digests (a deploy of 200 services
# must not become 200 messages).
DIGEST_THRESHOLD = 5
# Reports per digest message: each digest lists its most important reports one per line.
DIGEST_SIZE = 100
# Lines listed per outcome in a digest; the rest of that outcome is summarised in one line.
DIGEST_LINES = 8
DEFAULT_QUIET = frozenset({Outcome.COMPLIANT.value, Outcome.IGNORED.value})

# Most important first: the order of digests, of their sections and of their counts.
IMPORTANCE = OUTCOMES_BY_IMPORTANCE
# Outcomes a digest lists report by report; the others it only counts.
_LISTED = frozenset(IMPORTANCE[:7])
_LOOK = {
    Outcome.FAILED: (":x:", "Failed"),
    Outcome.BLOCKED: (":no_entry:", "Blocked"),
    Outcome.NEEDS_NAT: (":money_with_wings:", "Needs a NAT gateway"),
    Outcome.AWAITING_APPROVAL: (":raised_hand:", "Awaiting approval"),
    Outcome.REMEDIATED: (":white_check_mark:", "Remediated"),
    Outcome.UNDONE: (":leftwards_arrow_with_hook:", "Undone"),
    Outcome.WOULD_REMEDIATE: (":mag:", "Would remediate (dry run)"),
    Outcome.SKIPPED: (":information_source:", "Skipped"),
    Outcome.IGNORED: (":zzz:", "Ignored"),
    Outcome.COMPLIANT: (":ok:", "Compliant"),
}


@dataclass(frozen=True)
class SlackMessage:
    """One Slack message: Block Kit blocks, the notification text, and which of the input reports it carries."""

    text: str
    blocks: tuple[dict[str, Any], ...]
    covers: tuple[int, ...]

    def payload(self) -> dict[str, Any]:
        """The JSON body an incoming webhook takes."""
        return {"text": self.text, "blocks": list(self.blocks)}


def clip(text: str, limit: int) -> str:
    """Text cut to `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Slack mrkdwn escaping: &, < and > are control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """<url|label> when there is a url, else the label (escaped either way)."""
    safe = escape(label).replace("|", "/")
    if not url:
        return safe
    # A URL built from an event's words (its region, its id) must not close the link or open a mention.
    target = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"<{target}|{safe}>"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, MAX_TEXT)))


def _sections(title: str, lines: Iterable[str]) -> list[Block]:
    """A titled list over as many sections as it needs, each within Slack's text limit (a long line is clipped)."""
    blocks: list[Block] = []
    current = f"*{title}*"
    for raw in lines:
        line = clip(raw, MAX_TEXT - len(title) - 20)
        if len(current) + 1 + len(line) > MAX_TEXT:
            blocks.append(_section(current))
            current = f"*{title} (continued)*"
        current += "\n" + line
    blocks.append(_section(current))
    return blocks


def _fit(blocks: list[Block], note: str) -> list[Block]:
    """At most MAX_BLOCKS blocks: what does not fit is replaced by a note saying where to find it."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    left_out = len(blocks) - (MAX_BLOCKS - 1)
    return [*blocks[: MAX_BLOCKS - 1], ContextBlock(elements=[MarkdownTextObject(text=f"{left_out} {note}")])]


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, MAX_HEADER), emoji=True))


def _field(label: str, value: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(f"*{label}*\n{value}", MAX_FIELD))


def _subnet_line(item: SubnetView) -> str:
    parts = [part for part in (item.zone, item.egress) if part]
    label = f"`{escape(item.id)}`"
    return f"{label} ({escape(', '.join(parts))})" if parts else label


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "none"
    return "none" if value is None else str(value)


def _placement_changes(details: PlacementDetails) -> list[str]:
    lines: list[str] = []
    if details.platform_source:
        # Egress depends on what runs the workload: say which platform it is and where that was read.
        lines.append(f"Platform: {escape(details.platform or 'unknown')} (from {escape(details.platform_source)})")
    for label, subnets in (("Subnets before", details.subnets_before), ("Subnets after", details.subnets_after)):
        if subnets:
            lines.append(f"{label}: " + ", ".join(_subnet_line(item) for item in subnets))
    before_ip, after_ip = details.assign_public_ip_before, details.assign_public_ip_after
    if before_ip is not None or after_ip is not None:
        lines.append(escape(f"Public IP: {_value(before_ip)} → {_value(after_ip)}"))
    return lines


def _default_vpc_changes(details: DefaultVpcDetails) -> list[str]:
    before, after = asdict(details.before), asdict(details.after)
    lines = []
    for key in before:
        old, new = _value(before[key]), _value(after[key])
        label = key.replace("_", " ")
        lines.append(escape(f"{label}: {old} → {new}" if old != new else f"{label}: {new} (unchanged)"))
    return lines


def _changes(details: Details) -> list[str]:
    """What changed, from the report's typed details: subnets and public IP, or the default VPC before and after."""
    if isinstance(details, PlacementDetails):
        return _placement_changes(details)
    if isinstance(details, DefaultVpcDetails):
        return _default_vpc_changes(details)
    return []


def _nat_blocks(advice: NatAdviceView) -> list[Block]:
    nat = advice.nat_gateway
    reachable = ", ".join(advice.reachable_services) or "no AWS service (no endpoints in the VPC)"
    blocks: list[Block] = [
        _section(
            f"*Why only a NAT gateway would do*\n{escape(advice.why)}\n"
            f"*Cannot reach:* {escape(advice.cannot_reach)}\n"
            f"*Can still reach:* resources inside the VPC; AWS services through its endpoints: {escape(reachable)}\n"
            f"*A NAT gateway would cost:* {escape(nat.text)}"
        )
    ]
    if advice.existing_nat and advice.existing_nat.subnets:
        subnets = ", ".join(f"`{escape(item.id)}` ({escape(item.zone)})" for item in advice.existing_nat.subnets)
        blocks.append(_section(f"*The VPC already has NAT gateways: use these subnets instead*\n{subnets}"))
    lines = []
    for item in advice.alternatives:
        line = f"• *{escape(item.title)}*: {escape(item.cost)}\n    {escape(item.how)}"
        if item.caveat:
            line += f" _({escape(item.caveat)})_"
        lines.append(line)
    if lines:
        blocks += _sections("Cheaper alternatives", lines)
    note = f"{advice.assumption}. {_prices_note(nat)}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(escape(note), MAX_TEXT))]))
    return blocks


def _prices_note(nat: NatCostView) -> str:
    return f"NAT gateway prices: {nat.price_source}, as of {nat.price_date} ({nat.price_region})"


def _nat_gateway_blocks(details: NatGatewayDetails) -> list[Block]:
    lines = [f"*What it costs*\n{escape(details.nat_cost.text)}"]
    if details.vpc_nat_gateways:
        gateways = ", ".join(f"`{escape(item.id)}` ({escape(item.zone)})" for item in details.vpc_nat_gateways)
        lines.append(f"*NAT gateways in the VPC:* {gateways}")
    if details.vpc_nat_monthly is not None:
        lines.append(f"*The VPC's NAT gateways cost:* ${details.vpc_nat_monthly:,.2f} a month before data processing")
    blocks: list[Block] = [_section("\n".join(lines))]
    blocks.append(
        _section(f"*To remove it* (nothing is ever deleted by the remediator)\n```{escape(details.remove)}```")
    )
    note = _prices_note(details.nat_cost)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(escape(note), MAX_TEXT))]))
    return blocks


def title(report: Report) -> str:
    """The header of a report's message: outcome, kind and the resource's short name."""
    emoji, label = _LOOK[report.outcome]
    return clip(f"{emoji} {label}: {report.kind} {short_name(report.resource)}", MAX_HEADER)


# Buttons by outcome: a pending change is approved or rejected, an applied one undone. (action_id, label, style, the
# confirmation's question.)
_BUTTONS = {
    Outcome.AWAITING_APPROVAL: (
        ("approve", "Approve", "primary", "Apply exactly this plan now, with the stack's role?"),
        ("reject", "Reject", "danger", "Reject this change? Nothing will be changed."),
    ),
    Outcome.REMEDIATED: (
        ("undo", "Undo", "danger", "Put the network back as it was? Only if nobody changed it since."),
    ),
}


def change_buttons(report: Report) -> list[Block]:
    """The buttons of a report on a change a person can act on; each carries only the change's opaque id and asks
    for confirmation first."""
    buttons = _BUTTONS.get(report.outcome, ()) if report.change_id else ()
    if not buttons:
        return []
    elements = [
        ButtonElement(
            text=label,
            action_id=action_id,
            value=report.change_id,
            style=style,
            confirm=ConfirmObject(title=f"{label}?", text=question, confirm=label, deny="Cancel"),
        )
        for action_id, label, style, question in buttons
    ]
    return [ActionsBlock(block_id=f"change-{report.change_id}", elements=elements)]


def report_blocks(report: Report) -> list[dict[str, Any]]:
    """One report as Block Kit: what, where, who and when, what was wrong, what changed, NAT advice, undo."""
    resource_link = link(console_url(report.resource, report.region, report.kind), short_name(report.resource))
    event = report.event_name or "event"
    fields = [
        _field("Account", escape(report.account_label)),
        _field("Region", escape(report.region or "unknown")),
        _field("Who", escape(report.actor or "unknown")),
        _field("When", escape(report.event_time or "unknown")),
        _field("Event", link(cloudtrail_url(report.event_id, report.region), event)),
    ]
    blocks: list[Block] = [
        _header(title(report)),
        SectionBlock(
            text=MarkdownTextObject(text=clip(f"*Resource:* {resource_link}\n`{escape(report.resource)}`", MAX_TEXT)),
            fields=fields,
        ),
        _section(f"*What was wrong*\n{escape(report.reason)}"),
        # Near the top: never among the blocks a long message leaves out.
        *change_buttons(report),
    ]
    changes = _changes(report.details)
    for action in report.actions:
        params = json.dumps(action.params, sort_keys=True, default=str) if action.params else ""
        changes.append(f"`{escape(action.api)}` {escape(params)}".rstrip())
    if changes:
        blocks += _sections("What changed" if report.actions else "Details", changes)
    details = report.details
    if isinstance(details, PlacementDetails) and details.nat_advice is not None:
        blocks += _nat_blocks(details.nat_advice)
    if isinstance(details, NatGatewayDetails):
        blocks += _nat_gateway_blocks(details)
    # Undone last change first (detach a gateway before deleting it).
    undo = [action.undo for action in reversed(report.actions) if action.undo]
    if undo:
        # A code block keeps the commands copyable; a very long list is clipped.
        commands = clip(escape("\n".join(undo)), MAX_TEXT - 40)
        blocks.append(_section(f"*Undo* (in this order)\n```{commands}```"))
    context = (
        f"vpc-remediator · {report.kind} · event `{escape(report.event_id or 'none')}` · report `{report.report_id}`"
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=context)]))
    fitted = _fit(blocks, "more blocks left out: the whole report is in the function's logs")
    return [block.to_dict() for block in fitted]


def _fallback(text: str) -> str:
    # The notification text is mrkdwn too: an event's own words (its name, "who", a reason) must not become a
    # mention (<!channel>) or a link there either.
    return clip(escape(text), MAX_FALLBACK_TEXT)


def report_message(report: Report, index: int = 0) -> SlackMessage:
    """The message for one report."""
    text = _fallback(f"{_LOOK[report.outcome][1]}: {report.kind} {report.resource}: {report.reason}")
    return SlackMessage(text=text, blocks=tuple(report_blocks(report)), covers=(index,))


def _counts_text(counts: Counter[Outcome]) -> str:
    return ", ".join(f"{counts[outcome]} {outcome.value}" for outcome in IMPORTANCE if counts[outcome])


def digest_blocks(reports: Sequence[Report], part: int = 1, parts: int = 1) -> list[dict[str, Any]]:
    """Many reports as one message: counts per outcome, most important first, listed reports, the rest summarised."""
    counts = Counter(report.outcome for report in reports)
    suffix = f" (part {part} of {parts})" if parts > 1 else ""
    blocks: list[Block] = [
        _header(f":bar_chart: {len(reports)} reports: {_counts_text(counts)}{suffix}"),
        SectionBlock(
            fields=[
                _field(f"{_LOOK[outcome][0]} {_LOOK[outcome][1]}", str(counts[outcome]))
                for outcome in IMPORTANCE
                if counts[outcome]
            ]
        ),
    ]
    places = sorted({f"{report.account or '?'} / {report.region or '?'}" for report in reports})
    times = sorted(report.event_time for report in reports if report.event_time)
    context = f"account / region: {', '.join(places[:5])}" + (f" and {len(places) - 5} more" if len(places) > 5 else "")
    if times:
        context += f" · from {times[0]} to {times[-1]}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(escape(context), MAX_TEXT))]))
    by_account = _by_account(reports)
    if by_account:
        blocks += _sections("By account", by_account)
    listed, nat_total = _outcome_sections(reports, named=bool(by_account))
    blocks += listed
    quiet = [outcome for outcome in IMPORTANCE if counts[outcome] and outcome not in _LISTED]
    summary = []
    if quiet:
        summary.append("Counted only: " + ", ".join(f"{counts[o]} {o.value}" for o in quiet))
    if nat_total:
        summary.append(f"NAT gateways for every needs-nat workload would cost ${nat_total:,.2f} a month")
    if summary:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(" · ".join(summary), MAX_TEXT))]))
    fitted = _fit(blocks, "more sections left out: every report is in the functions' logs")
    return [block.to_dict() for block in fitted]


def _nat_monthly(report: Report) -> float:
    details = report.details
    if not isinstance(details, PlacementDetails) or details.nat_advice is None:
        return 0.0
    return details.nat_advice.nat_gateway.monthly


def _outcome_sections(reports: Sequence[Report], named: bool) -> tuple[list[Block], float]:
    """A section per listed outcome, most important first, and what NAT gateways for the needs-nat ones would cost."""
    blocks: list[Block] = []
    nat_total = 0.0
    for outcome in IMPORTANCE:
        chosen = [report for report in reports if report.outcome is outcome]
        if not chosen or outcome not in _LISTED:
            continue
        blocks.append(DividerBlock())
        if named:
            # Several accounts (an organization): each account's reports together, each line saying whose it is.
            chosen.sort(key=lambda report: report.account_label)
        lines = [_digest_line(report, named) for report in chosen[:DIGEST_LINES]]
        if len(chosen) > DIGEST_LINES:
            kinds = Counter(report.kind for report in chosen[DIGEST_LINES:])
            rest = ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())
            lines.append(f"…and {len(chosen) - DIGEST_LINES} more ({escape(rest)})")
        blocks += _sections(f"{_LOOK[outcome][0]} {_LOOK[outcome][1]} ({len(chosen)})", lines)
        if outcome is Outcome.NEEDS_NAT:
            nat_total = sum(_nat_monthly(report) for report in chosen)
    return blocks, nat_total


def _by_account(reports: Sequence[Report]) -> list[str]:
    """One line per account with its counts, most important outcome first; none when all are of one account."""
    accounts: dict[str, Counter[Outcome]] = {}
    for report in reports:
        accounts.setdefault(report.account_label, Counter())[report.outcome] += 1
    if len(accounts) < 2:
        return []
    return [f"• {escape(label)}: {_counts_text(counts)}" for label, counts in sorted(accounts.items())]


def _digest_line(report: Report, named: bool = False) -> str:
    target = link(console_url(report.resource, report.region, report.kind), short_name(report.resource))
    # The console opens the resource's region; which account to sign in to, the line says.
    where = f"{escape(report.account_label)} · {escape(report.region or '?')} · " if named else ""
    return f"• {where}{target} ({escape(report.kind)}): {escape(clip(report.reason, 200))}"


def digest_message(reports: Sequence[Report], covers: Sequence[int], part: int = 1, parts: int = 1) -> SlackMessage:
    """One digest message for these reports."""
    counts = Counter(report.outcome for report in reports)
    text = _fallback(f"vpc-remediator: {len(reports)} reports: {_counts_text(counts)}")
    return SlackMessage(text=text, blocks=tuple(digest_blocks(reports, part, parts)), covers=tuple(covers))


def plan_messages(
    reports: Sequence[Report],
    quiet: Collection[str] = DEFAULT_QUIET,
    threshold: int = DIGEST_THRESHOLD,
    digest_size: int = DIGEST_SIZE,
) -> list[SlackMessage]:
    """The messages for reports that arrived together; quiet outcomes are not posted (no message covers them)."""
    loud = [index for index, report in enumerate(reports) if report.outcome.value not in quiet]
    if len(loud) <= threshold:
        return [report_message(reports[index], index) for index in loud]
    rank = {outcome: position for position, outcome in enumerate(IMPORTANCE)}
    ordered = sorted(loud, key=lambda index: rank[reports[index].outcome])
    chunks = [ordered[start : start + digest_size] for start in range(0, len(ordered), digest_size)]
    return [
        digest_message([reports[index] for index in chunk], chunk, part, len(chunks))
        for part, chunk in enumerate(chunks, start=1)
    ]
