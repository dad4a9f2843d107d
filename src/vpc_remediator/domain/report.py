"""Report, Action and Outcome: the value every decision becomes (logged, returned, stored, shown in Slack)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from vpc_remediator.domain.details import Details, NoDetails, details_from_dict, details_to_dict


class Outcome(StrEnum):
    """What happened to one resource."""

    COMPLIANT = "compliant"
    REMEDIATED = "remediated"
    WOULD_REMEDIATE = "would-remediate"
    NEEDS_NAT = "needs-nat"
    BLOCKED = "blocked"
    SKIPPED = "skipped"
    FAILED = "failed"
    IGNORED = "ignored"


# Most important first: how summaries, digests and their counts are ordered everywhere.
OUTCOMES_BY_IMPORTANCE = (
    Outcome.FAILED,
    Outcome.BLOCKED,
    Outcome.NEEDS_NAT,
    Outcome.REMEDIATED,
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
        fields = dict(data)
        fields["outcome"] = Outcome(fields["outcome"])
        fields["actions"] = tuple(Action(**action) for action in fields.get("actions", ()))
        fields["details"] = details_from_dict(str(fields.get("kind", "")), fields.get("details"))
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in fields.items() if key in known})
