"""A pending change as one Slack message, updated in place after each click: its plan, every step (who, when, what
came of it) and the buttons its state allows. Pure: no Slack call here."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from vpc_remediator.domain.approval import ChangeState, PendingChange
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.notify.blocks import MAX_HEADER, MAX_TEXT, change_buttons, clip, escape
from vpc_remediator.notify.links import short_name

_STATE = {
    ChangeState.PENDING: ":raised_hand: Waiting for approval",
    ChangeState.CLAIMED: ":hourglass_flowing_sand: Being performed",
    ChangeState.APPLIED: ":white_check_mark: Applied",
    ChangeState.REJECTED: ":no_entry_sign: Rejected",
    ChangeState.STALE: ":warning: Not applied: the plan changed",
    ChangeState.NOT_APPLIED: ":information_source: Not applied",
    ChangeState.UNDONE: ":leftwards_arrow_with_hook: Undone",
}
# The state's buttons, as a report with this outcome would show them.
_BUTTONS_AS = {ChangeState.PENDING: Outcome.AWAITING_APPROVAL, ChangeState.APPLIED: Outcome.REMEDIATED}


def change_blocks(change: PendingChange, report: Report | None = None) -> tuple[str, list[dict[str, Any]]]:
    """(notification text, blocks) of the change's message as it stands now."""
    state = _STATE[change.state]
    head = clip(f"{state}: {change.kind} {short_name(change.resource)}", MAX_HEADER)
    plan = "\n".join(
        f"`{escape(action.api)}` {escape(json.dumps(action.params, sort_keys=True, default=str))}"
        for action in change.plan
    )
    blocks: list[Block] = [
        HeaderBlock(text=head),
        SectionBlock(
            text=MarkdownTextObject(text=clip(f"`{escape(change.resource)}`\n{escape(change.reason)}", MAX_TEXT))
        ),
        SectionBlock(text=MarkdownTextObject(text=clip(f"*Plan*\n{plan}", MAX_TEXT))),
    ]
    steps = [
        f"{step.at.isoformat(timespec='seconds')} · <@{step.user}> {step.click}: {escape(step.result)}"
        for step in change.steps
    ]
    if steps:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip("*Steps*\n" + "\n".join(steps), MAX_TEXT))))
    if report is not None and report.outcome is Outcome.AWAITING_APPROVAL and report.change_id != change.change_id:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(f"*New plan* ({report.change_id})\n{escape(report.reason)}", MAX_TEXT)
                )
            )
        )
        blocks += change_buttons(report)
    elif change.state in _BUTTONS_AS:
        as_report = Report(
            change.resource, change.kind, _BUTTONS_AS[change.state], change.reason, change_id=change.change_id
        )
        blocks += change_buttons(as_report)
    expiry = change.expires_at.isoformat(timespec="seconds")
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(text=f"vpc-remediator · change `{change.change_id}` · approvable until {expiry}")
            ]
        )
    )
    # The notification text is mrkdwn too: a resource's name (some kinds take any character) must not mention or link.
    text = clip(escape(f"{state}: {change.kind} {change.resource}"), MAX_TEXT)
    return text, [block.to_dict() for block in blocks]
