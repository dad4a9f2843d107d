"""Changes that wait for a person: the remediation mode, a pending change and the rules of a click on it.

Pure: the record, its plan hash, and who may do what to it when. Storage, Slack's signature and the queue live in the
layers above.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from vpc_remediator.domain.report import Action


class RemediationMode(StrEnum):
    """What the remediator does with a planned change."""

    # Apply it (within every safety rule), verify it and report it.
    AUTO = "auto"
    # Keep it as a pending change: nothing changes until an allowed person approves it from Slack.
    APPROVE = "approve"
    # Report what would be done and change nothing (the DryRun of earlier versions).
    REPORT = "report"


class ChangeState(StrEnum):
    """Where a pending change is in its life."""

    PENDING = "pending"
    # A click was accepted and its work queued: no other click acts on it.
    CLAIMED = "claimed"
    APPLIED = "applied"
    REJECTED = "rejected"
    # The approved plan was not the plan any more: nothing was applied (a new pending change replaces it).
    STALE = "stale"
    # Approved, but the change did not happen (blocked, failed, compliant meanwhile): the result says why.
    NOT_APPLIED = "not-applied"
    UNDONE = "undone"


class Click(StrEnum):
    """The buttons a Slack message offers; each carries only the change's id."""

    APPROVE = "approve"
    REJECT = "reject"
    UNDO = "undo"


# Which state a click is accepted in: approve and reject a pending change, undo an applied one.
CLICKABLE_IN = {Click.APPROVE: ChangeState.PENDING, Click.REJECT: ChangeState.PENDING, Click.UNDO: ChangeState.APPLIED}


def plan_hash(actions: Iterable[Action]) -> str:
    """The fingerprint of a plan: its calls and their parameters, whatever order keys come in (not the undo text)."""
    canonical = json.dumps([[action.api, action.params] for action in actions], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class NetworkState:
    """A workload's network as a write leaves it: what an undo compares with and puts back."""

    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    assign_public_ip: bool | None

    def differences(self, other: NetworkState) -> list[str]:
        """What `other` has that this state does not, in words."""
        found = []
        if set(self.subnet_ids) != set(other.subnet_ids):
            found.append(f"subnets are {', '.join(other.subnet_ids) or 'none'} (left as {', '.join(self.subnet_ids)})")
        if set(self.security_group_ids) != set(other.security_group_ids):
            left = ", ".join(self.security_group_ids)
            found.append(f"security groups are {', '.join(other.security_group_ids) or 'none'} (left as {left})")
        if self.assign_public_ip != other.assign_public_ip:
            found.append(f"public IP setting is {other.assign_public_ip} (left as {self.assign_public_ip})")
        return found

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "subnet_ids": list(self.subnet_ids),
            "security_group_ids": list(self.security_group_ids),
            "assign_public_ip": self.assign_public_ip,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NetworkState:
        """Inverse of to_dict."""
        public_ip = data.get("assign_public_ip")
        return cls(
            tuple(str(item) for item in data.get("subnet_ids") or ()),
            tuple(str(item) for item in data.get("security_group_ids") or ()),
            public_ip if isinstance(public_ip, bool) else None,
        )


@dataclass(frozen=True)
class Step:
    """One click and what came of it: the audit trail the message shows."""

    at: datetime
    user: str
    click: str
    result: str


@dataclass(frozen=True)
class PendingChange:
    """A planned change kept until a person decides: only its opaque id ever leaves the ledger."""

    change_id: str
    kind: str
    resource: str
    plan: tuple[Action, ...]
    plan_hash: str
    reason: str
    created_at: datetime
    expires_at: datetime
    state: ChangeState = ChangeState.PENDING
    # Where to find the resource again (identifier, cluster, service); empty for the default VPC.
    locator: Mapping[str, str] = field(default_factory=dict)
    # The network before and after an applied change (workloads only): what an undo needs.
    before: NetworkState | None = None
    after: NetworkState | None = None
    steps: tuple[Step, ...] = ()
    # The Slack message that shows it (channel, ts), once posted with the bot token.
    message: Mapping[str, str] = field(default_factory=dict)

    def expired(self, now: datetime) -> bool:
        """A pending change is acted on only before its expiry."""
        return now >= self.expires_at

    def with_step(self, step: Step, state: ChangeState) -> PendingChange:
        """The change after a click's work: its new state and the step added to its trail."""
        return replace(self, state=state, steps=(*self.steps, step))


@dataclass(frozen=True)
class ClickRefusal:
    """Why a click is refused: logged, answered to Slack, and nothing changes."""

    code: str
    message: str


def click_refusal(change: PendingChange | None, click: Click, now: datetime) -> ClickRefusal | None:
    """Whether this click may act on this change now: a known id, the right state, not expired (approve)."""
    if change is None:
        return ClickRefusal("unknown-change", "this change is not known (its id is wrong, or it was removed)")
    wanted = CLICKABLE_IN[click]
    if change.state is not wanted:
        return ClickRefusal(
            "wrong-state", f"this change is {change.state.value}: {click.value} needs it {wanted.value}"
        )
    if click is Click.APPROVE and change.expired(now):
        when = change.expires_at.isoformat(timespec="seconds")
        return ClickRefusal("expired", f"this change expired at {when}: nothing was changed")
    return None


def user_refusal(user_id: str | None, allowed: frozenset[str]) -> ClickRefusal | None:
    """Only the Slack users the stack names may click; nobody is allowed when none is named."""
    if not allowed:
        return ClickRefusal("nobody-allowed", "no Slack user is allowed to act on changes (SlackAllowedUserIds)")
    if not user_id or user_id not in allowed:
        return ClickRefusal("user-not-allowed", f"Slack user {user_id or '(none)'} is not allowed to act on changes")
    return None
