"""The gate every planned change passes before its write: apply (auto), wait for a person (approve), or only report.

The event path, the sweep and the approval worker use the same gate; the worker's carries the approved plan's hash,
and only that exact plan goes through.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vpc_remediator.domain.approval import ChangeState, PendingChange, RemediationMode, plan_hash
from vpc_remediator.domain.report import Action, Outcome
from vpc_remediator.remediation.ports import ApprovalStore, utc_now
from vpc_remediator.settings import Settings


def new_change_id() -> str:
    """An opaque, unguessable id (128 random bits): all a Slack button carries."""
    return f"chg-{secrets.token_urlsafe(16)}"


@dataclass(frozen=True)
class Held:
    """A change the gate keeps back: the report's outcome and reason, and the pending change's id when one was made."""

    outcome: Outcome
    reason: str
    change_id: str | None = None


def plan_text(plan: Sequence[Action]) -> str:
    """A plan as a person reads it in a report: each call and its parameters."""
    return "; ".join(f"{action.api} {json.dumps(action.params, sort_keys=True, default=str)}" for action in plan)


@dataclass(frozen=True)
class ChangeGate:
    """What a planned change of one kind waits for, by the remediation mode."""

    mode: RemediationMode
    store: ApprovalStore | None = None
    expiry: timedelta = timedelta(hours=24)
    clock: Callable[[], datetime] = utc_now
    # The change a person approved (the approval worker): only its exact plan is applied.
    approved: PendingChange | None = None
    new_id: Callable[[], str] = field(default=new_change_id)

    @classmethod
    def for_kind(
        cls,
        settings: Settings,
        kind: str,
        store: ApprovalStore | None,
        clock: Callable[[], datetime] = utc_now,
        approved: PendingChange | None = None,
    ) -> ChangeGate:
        """The gate of one kind under these settings."""
        expiry = timedelta(hours=settings.approval_expiry_hours)
        return cls(settings.mode_for(kind), store, expiry, clock, approved)

    def hold(
        self, kind: str, resource: str, plan: Sequence[Action], reason: str, locator: Mapping[str, str]
    ) -> Held | None:
        """None: go ahead and apply. Otherwise why not, and the pending change made for a person to decide."""
        if self.approved is not None:
            if plan_hash(plan) == self.approved.plan_hash:
                return None
            why = (
                f"{reason}; the plan approved as {self.approved.change_id} is not the plan any more (approved: "
                f"{plan_text(self.approved.plan)}; now: {plan_text(plan)}), so nothing was changed"
            )
            return self._pending(kind, resource, plan, why, locator)
        if self.mode is RemediationMode.AUTO:
            return None
        if self.mode is RemediationMode.REPORT:
            return Held(Outcome.WOULD_REMEDIATE, f"{reason} (dry run: nothing changed)")
        return self._pending(kind, resource, plan, reason, locator)

    def _pending(
        self, kind: str, resource: str, plan: Sequence[Action], reason: str, locator: Mapping[str, str]
    ) -> Held:
        if self.store is None:
            # Fail closed: with nowhere to keep the change, nobody could approve it, and nothing is changed.
            return Held(Outcome.WOULD_REMEDIATE, f"{reason} (approve mode, but no ledger to keep it: nothing changed)")
        now = self.clock()
        digest = plan_hash(plan)
        earlier = self.store.pending_for(resource, digest)
        if earlier is not None and earlier.state is ChangeState.PENDING and not earlier.expired(now):
            # The same plan found again (the next sweep, a repeated event): one change to approve, not one per look.
            until = earlier.expires_at.isoformat(timespec="seconds")
            why = f"{reason}; still waiting for approval as {earlier.change_id} until {until} (nothing changed yet)"
            return Held(Outcome.AWAITING_APPROVAL, why, earlier.change_id)
        change = PendingChange(
            change_id=self.new_id(),
            kind=kind,
            resource=resource,
            plan=tuple(plan),
            plan_hash=digest,
            reason=reason,
            created_at=now,
            expires_at=now + self.expiry,
            locator=dict(locator),
        )
        self.store.put(change)
        until = change.expires_at.isoformat(timespec="seconds")
        why = f"{reason}; waiting for approval as {change.change_id} until {until} (nothing changed yet)"
        return Held(Outcome.AWAITING_APPROVAL, why, change.change_id)
