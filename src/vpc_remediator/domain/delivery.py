"""Posting each report to Slack once: what claiming a report id can find, and how long a claim holds."""

from __future__ import annotations

from enum import StrEnum

# How long a claim holds before another invocation may take the report over: longer than the notifier's timeout
# (180 s), so a claim is never taken from an invocation still running, and a crashed one's reports wait no longer.
CLAIM_SECONDS = 240


class Claim(StrEnum):
    """What claiming a report for posting found."""

    TAKEN = "taken"  # this invocation posts it
    POSTED = "posted"  # already in Slack: not posted again
    BUSY = "busy"  # another invocation is posting it now: hand the record back, it is looked at again later
