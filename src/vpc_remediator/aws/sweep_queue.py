"""The organization sweep's queue: one message per account and region, read by the sweep workers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

# SendMessageBatch takes up to 10 entries; a pair's message is a few hundred bytes, far below its size limit.
_ENTRIES = 10


class SweepQueue:
    """Sends sweep messages to the queue, ten at a time."""

    def __init__(self, sqs: SQSClient, queue_url: str) -> None:
        self._sqs = sqs
        self._url = queue_url

    def send(self, messages: Sequence[dict[str, Any]]) -> list[str]:
        """Queue every message; return why each one SQS did not take failed (empty when all were queued)."""
        failures: list[str] = []
        for start in range(0, len(messages), _ENTRIES):
            chunk = messages[start : start + _ENTRIES]
            entries: list[Any] = [
                {"Id": str(index), "MessageBody": json.dumps(message, sort_keys=True)}
                for index, message in enumerate(chunk)
            ]
            with translated("sqs:SendMessageBatch"):
                answer = self._sqs.send_message_batch(QueueUrl=self._url, Entries=entries)
            for failed in answer.get("Failed", []):
                pair = chunk[int(failed["Id"])]
                failures.append(f"{pair.get('account')}/{pair.get('region')}: {failed.get('Code')}")
        return failures
