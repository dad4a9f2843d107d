"""The safety rules around every change: exemption tags, resources owned by CloudFormation, flapping."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

CLOUDFORMATION_SERVICE = "cloudformation.amazonaws.com"
STACK_NAME_TAG = "aws:cloudformation:stack-name"
REMEDIATED = "remediated"


def exemption(tags: Mapping[str, str], key: str) -> str | None:
    """Why the resource is exempt (its tag `key` is 'true'), or None."""
    value = tags.get(key)
    if value is not None and value.strip().lower() == "true":
        return f"exempt: tagged {key}=true"
    return None


def iac_owner(tags: Mapping[str, str], invoked_by: str | None) -> str | None:
    """Why the resource belongs to CloudFormation (made by it, or tagged with its stack), or None.

    A change made behind CloudFormation's back is drift: the next deploy reverts it.
    """
    stack = tags.get(STACK_NAME_TAG)
    if stack:
        return f"managed by CloudFormation stack {stack}"
    if invoked_by == CLOUDFORMATION_SERVICE:
        return "created by CloudFormation"
    return None


@dataclass(frozen=True)
class LedgerEntry:
    """One decision about one resource, as the ledger (the audit trail) keeps it."""

    resource: str
    at: datetime
    decision: str
    reason: str = ""
    event_id: str | None = None
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlapCheck:
    """Whether a resource is being fought over, and the remediations that say so."""

    flapping: bool
    reason: str
    history: tuple[LedgerEntry, ...] = ()


def check_flapping(
    history: Iterable[LedgerEntry], now: datetime, max_remediations: int, window: timedelta
) -> FlapCheck:
    """A resource remediated `max_remediations` times within `window` is left alone: something reverts the fix."""
    since = now - window
    recent = tuple(sorted((e for e in history if e.decision == REMEDIATED and e.at >= since), key=lambda e: e.at))
    minutes = int(window.total_seconds() // 60)
    if len(recent) >= max_remediations:
        reason = (
            f"remediated {len(recent)} times in the last {minutes} minutes and changed back each time: something "
            "(IaC, a script, a person) reverts it, so it is left alone until that is settled"
        )
        return FlapCheck(True, reason, recent)
    return FlapCheck(False, f"remediated {len(recent)} times in the last {minutes} minutes", recent)


def already_handled(history: Iterable[LedgerEntry], event_id: str | None) -> LedgerEntry | None:
    """The ledger's entry for this very event when it was already acted on (events come at least once)."""
    if not event_id:
        return None
    return next((entry for entry in history if entry.event_id == event_id and entry.decision == REMEDIATED), None)
