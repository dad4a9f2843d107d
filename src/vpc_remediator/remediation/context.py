"""What every use case needs to know about the trigger and the run."""

from __future__ import annotations

from dataclasses import dataclass

from vpc_remediator.domain.details import Details, NoDetails
from vpc_remediator.domain.partition import partition_of
from vpc_remediator.domain.report import Action, Outcome, Report
from vpc_remediator.events import Trigger


@dataclass(frozen=True)
class ReportStamp:
    """The trigger's facts stamped on every report it produces."""

    event_id: str | None
    actor: str | None
    account: str | None
    region: str | None
    event_name: str | None
    event_time: str | None
    # The account's Organizations name (organization mode).
    account_name: str | None = None

    @property
    def partition(self) -> str:
        """aws, aws-cn or aws-us-gov: from the caller's ARN (the event's, or the caller identity's), else the region."""
        return partition_of(self.actor, self.region)

    @classmethod
    def from_trigger(cls, trigger: Trigger) -> ReportStamp:
        """Stamp from a parsed event."""
        return cls(
            event_id=trigger.event_id,
            actor=trigger.actor,
            account=trigger.account,
            region=trigger.region,
            event_name=trigger.event_name or trigger.detail_type,
            event_time=trigger.time,
        )

    def report(
        self,
        resource: str,
        kind: str,
        outcome: Outcome,
        reason: str,
        actions: tuple[Action, ...] = (),
        details: Details | None = None,
    ) -> Report:
        """A report carrying this stamp."""
        return Report(
            resource=resource,
            kind=kind,
            outcome=outcome,
            reason=reason,
            actions=actions,
            event_id=self.event_id,
            actor=self.actor,
            account=self.account,
            region=self.region,
            event_name=self.event_name,
            event_time=self.event_time,
            details=details or NoDetails(),
            account_name=self.account_name,
        )
