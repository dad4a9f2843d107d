"""Which reports reached Slack, by report id: a report delivered twice (SQS delivers at least once, a retried send
queues it again) is posted once. The protocol the notifier uses, and the memory log of local runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from vpc_remediator.domain.delivery import CLAIM_SECONDS, Claim


class DeliveryLog(Protocol):
    """aws.delivery_log.DynamoDbDeliveryLog, or MemoryDeliveryLog."""

    def claim(self, report_id: str) -> Claim:
        """Take the report for posting unless it was posted or another invocation holds it."""
        ...

    def posted(self, report_id: str) -> None:
        """The report's message reached Slack."""
        ...

    def release(self, report_id: str) -> None:
        """The report's message did not reach Slack: the next delivery may take it at once."""
        ...


@dataclass
class MemoryDeliveryLog:
    """The delivery log of one process (local runs, tests): report id → (state, claim held until)."""

    states: dict[str, tuple[Claim, float]] = field(default_factory=dict)
    clock: Callable[[], float] = time.time

    def claim(self, report_id: str) -> Claim:
        """Take the report unless it was posted or is held."""
        state, until = self.states.get(report_id, (None, 0.0))
        if state is Claim.POSTED:
            return Claim.POSTED
        if state is Claim.TAKEN and until > self.clock():
            return Claim.BUSY
        self.states[report_id] = (Claim.TAKEN, self.clock() + CLAIM_SECONDS)
        return Claim.TAKEN

    def posted(self, report_id: str) -> None:
        """Remember it was posted."""
        self.states[report_id] = (Claim.POSTED, 0.0)

    def release(self, report_id: str) -> None:
        """Forget the claim."""
        self.states.pop(report_id, None)
