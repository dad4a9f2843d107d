"""Report, Action and Outcome: the value every decision becomes (logged, returned, stored, shown in Slack)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from vpc_remediator.domain.details import Details, NoDetails, details_from_dict, details_to_dict


class Outcome(StrEnum):
    """What happened to one resource."""

    COMPLIANT = "compliant"
    REMEDIATED = "remediated"
    WOULD_REMEDIATE = "would-remediate"
    # Approve mode: the planned change waits for a person (the report's change_id names it).
    AWAITING_APPROVAL = "awaiting-approval"
    NEEDS_NAT = "needs-nat"
    # A person undid a remediation from Slack: the network is back as it was (the flapping rule does not count it).
    UNDONE = "undone"
    BLOCKED = "blocked"
    SKIPPED = "skipped"
    FAILED = "failed"
    IGNORED = "ignored"


# Most important first: how summaries, digests and their counts are ordered everywhere.
OUTCOMES_BY_IMPORTANCE = (
    Outcome.FAILED,
    Outcome.BLOCKED,
    Outcome.NEEDS_NAT,
    Outcome.AWAITING_APPROVAL,
    Outcome.REMEDIATED,
    Outcome.UNDONE,
    Outcome.WOULD_REMEDIATE,
    Outcome.SKIPPED,
    Outcome.IGNORED,
    Outcome.COMPLIANT,
)


@dataclass(frozen=True)
class Action:
    """One AWS API call, made or planned, with the AWS CLI command that reverts it."""

    api: str
    params: dict[str, Any]
    undo: str | None = None


# A report's fields that are text, or absent: anything else is not a report this project made.
_TEXT_FIELDS = (
    "resource",
    "kind",
    "reason",
    "event_id",
    "actor",
    "account",
    "region",
    "event_name",
    "event_time",
    "change_id",
    "account_name",
)


@dataclass(frozen=True)
class Report:
    """One decision about one resource."""

    resource: str
    kind: str
    outcome: Outcome
    reason: str
    actions: tuple[Action, ...] = ()
    event_id: str | None = None
    actor: str | None = None
    account: str | None = None
    region: str | None = None
    event_name: str | None = None
    event_time: str | None = None
    details: Details = field(default_factory=NoDetails)
    # The opaque id of the pending or applied change a person can act on from Slack (approve mode); never a plan.
    change_id: str | None = None
    # The account's Organizations name (organization mode), where it could be read.
    account_name: str | None = None

    @property
    def account_label(self) -> str:
        """The account as people know it: its name and id when both are known."""
        account = self.account or "unknown"
        return f"{self.account_name} ({account})" if self.account_name else account

    @property
    def report_id(self) -> str:
        """A stable id: the same decision about the same resource for the same event has the same id, whichever
        invocation made it and however often it was queued (the notifier posts each id once)."""
        key = json.dumps([self.event_id, self.resource, self.kind, self.outcome.value, self.reason])
        return hashlib.sha256(key.encode()).hexdigest()[:24]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the shape the CLI prints and the Lambda returns."""
        data = {item: getattr(self, item) for item in self.__dataclass_fields__}
        data["outcome"] = self.outcome.value
        data["actions"] = [asdict(action) for action in self.actions]
        data["details"] = details_to_dict(self.details)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Inverse of to_dict (reports travel through queues as JSON)."""
        if not isinstance(data, dict):
            raise ValueError("a report must be a JSON object")
        fields = dict(data)
        wrong = [name for name in _TEXT_FIELDS if fields.get(name) is not None and not isinstance(fields[name], str)]
        if wrong or not isinstance(fields.get("resource"), str) or not isinstance(fields.get("reason"), str):
            raise ValueError(f"a report's {', '.join(wrong) or 'resource and reason'} must be text")
        fields["outcome"] = Outcome(fields["outcome"])
        fields["actions"] = tuple(_action(action) for action in fields.get("actions") or ())
        fields["details"] = details_from_dict(str(fields.get("kind", "")), fields.get("details"))
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in fields.items() if key in known})


def _action(data: Any) -> Action:
    if not isinstance(data, dict) or not isinstance(data.get("api"), str) or not isinstance(data.get("params"), dict):
        raise ValueError("an action must be an object with an api and its params")
    undo = data.get("undo")
    if undo is not None and not isinstance(undo, str):
        raise ValueError("an action's undo must be text")
    return Action(data["api"], data["params"], undo)
