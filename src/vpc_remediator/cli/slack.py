"""Post a local run's reports to a Slack webhook, planned exactly as the notifier plans a batch."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from vpc_remediator.cli.local import as_report
from vpc_remediator.notify.blocks import DEFAULT_QUIET, SlackMessage, plan_messages
from vpc_remediator.notify.slack import DeliveryResult, deliver, webhook_client

BLOCK_KIT_BUILDER = "https://app.slack.com/block-kit-builder/#"


def post_reports(reports: Iterable[dict[str, Any]], url: str) -> tuple[list[SlackMessage], DeliveryResult]:
    """The reports of one call are one batch: a message each when few, digests when many."""
    messages = plan_messages([as_report(report) for report in reports], quiet=DEFAULT_QUIET)
    # A local run may post to a receiver on this machine (the demo's, a test's); anything else must be Slack's.
    return messages, deliver(messages, webhook_client(url, loopback_allowed=True))


def builder_link(message: SlackMessage) -> str:
    """A Block Kit Builder link that previews the message."""
    return BLOCK_KIT_BUILDER + quote(json.dumps({"blocks": list(message.blocks)}, separators=(",", ":")), safe="")
