"""The safety rules around every change: exemption tags, resources owned by CloudFormation, flapping."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from vpc_remediator.domain.report import Action

CLOUDFORMATION_SERVICE = "cloudformation.amazonaws.com"
STACK_NAME_TAG = "aws:cloudformation:stack-name"
REMEDIATED = "remediated"
# A ledger entry written right before a change: the plan. The decision recorded after the write closes it.
INTENT = "intent"


# The path of the organization's exec role in every member (the templates create it there).
EXEC_ROLE_PATH = "vpc-remediator"


def is_own_role(
    role_arn: str | None, actor: str | None, account: str, stack_name: str, exec_role_name: str | None = None
) -> bool:
    """The loop guard's rule: a call made by one of the stack's roles, or by the organization's exec role.

    The stack's roles live in its account under /vpc-remediator/<stack name>/ (not a name prefix: CloudFormation cuts
    long stack names short in the names it generates). The exec role, when given, is recognised in any account by its
    role ARN (path /vpc-remediator/); only when the event has no role ARN, by the session's ARN, which carries the
    role's name but never its path: arn:aws:sts::<member>:assumed-role/<exec role name>/<session>. A role ARN decides
    alone: IAM names are unique per account whatever the path, so where the exec role is not deployed anyone may
    create a role of its name under another path, and its calls must not pass for ours.
    """
    parts = (role_arn or "").split(":", 5)
    if len(parts) == 6 and parts[2] == "iam":
        resource = parts[5]
        if parts[4] == account and resource.startswith(f"role/{EXEC_ROLE_PATH}/{stack_name}/"):
            return True
        return bool(exec_role_name) and resource == f"role/{EXEC_ROLE_PATH}/{exec_role_name}"
    if not exec_role_name:
        return False
    session = (actor or "").split(":", 5)
    return len(session) == 6 and session[2] == "sts" and session[5].startswith(f"assumed-role/{exec_role_name}/")


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
    undo: tuple[str, ...] = ()


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


def open_intent(history: Iterable[LedgerEntry], event_id: str | None) -> LedgerEntry | None:
    """This event's last intent when no decision was recorded after it: its change may have landed before the
    invocation stopped (a fault after the write), and a retry must finish or reconcile it, not call it compliant."""
    if not event_id:
        return None
    mine = [entry for entry in history if entry.event_id == event_id]
    intent = max((entry for entry in mine if entry.decision == INTENT), key=lambda entry: entry.at, default=None)
    if intent is None or any(entry.decision != INTENT and entry.at >= intent.at for entry in mine):
        return None
    return intent


def action_text(action: Action) -> str:
    """One call as the ledger keeps it: the API, then its parameters as JSON."""
    return f"{action.api} {json.dumps(action.params, sort_keys=True, default=str)}"


def intent_actions(entry: LedgerEntry) -> tuple[Action, ...]:
    """The calls an intent planned, with their undo, as a report lists them."""
    actions = []
    for index, text in enumerate(entry.actions):
        api, _, params = text.partition(" ")
        try:
            parsed = json.loads(params) if params else {}
        except ValueError:
            parsed = {"recorded": params}
        undo = entry.undo[index] if index < len(entry.undo) else None
        actions.append(Action(api, parsed if isinstance(parsed, dict) else {"recorded": parsed}, undo))
    return tuple(actions)


def intent_entry(key: str, event_id: str | None, actions: Sequence[Action], at: datetime) -> LedgerEntry:
    """The ledger entry of a plan about to be applied."""
    return LedgerEntry(
        resource=key,
        at=at,
        decision=INTENT,
        reason="planned, about to be applied",
        event_id=event_id,
        actions=tuple(action_text(action) for action in actions),
        undo=tuple(action.undo or "" for action in actions),
    )
