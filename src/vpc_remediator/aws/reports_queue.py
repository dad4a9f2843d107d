"""The reports queue: every function sends its reports here, the notifier reads them in batches.

The queue is a standard one: a SendMessageBatch that botocore retries after a read timeout may queue a report twice
(SQS had taken it, the answer was lost). That is harmless: every report has a stable id, and the notifier posts each id
once (its delivery log). A FIFO queue's deduplication would add nothing but its 5-minute window and its limits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.report import Report

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

# SendMessageBatch takes 10 entries and 256 KiB in all; keep a margin for the request's own envelope.
_ENTRIES = 10
_BATCH_BYTES = 240_000
_MESSAGE_BYTES = 200_000


def _body(report: Report) -> str:
    body = json.dumps(report.to_dict(), default=str)
    if len(body.encode()) <= _MESSAGE_BYTES:
        return body
    # A report too large for SQS still travels, without its details (the whole report is in the function's logs).
    data = report.to_dict()
    data["details"] = {"left_out": "details too large for the reports queue; see the function's logs"}
    return json.dumps(data, default=str)


class ReportQueue:
    """Sends reports to an SQS queue in batches."""

    def __init__(self, sqs: SQSClient, queue_url: str) -> None:
        self._sqs = sqs
        self._url = queue_url

    def publish(self, reports: Sequence[Report]) -> list[str]:
        """Send every report; return why each one that SQS did not take failed (empty when all were queued)."""
        failures: list[str] = []
        batch: list[Any] = []
        size = 0
        for index, report in enumerate(reports):
            body = _body(report)
            if batch and (len(batch) == _ENTRIES or size + len(body.encode()) > _BATCH_BYTES):
                failures += self._send(batch)
                batch, size = [], 0
            batch.append({"Id": str(index), "MessageBody": body})
            size += len(body.encode())
        if batch:
            failures += self._send(batch)
        return failures

    def _send(self, entries: list[Any]) -> list[str]:
        with translated("sqs:SendMessageBatch"):
            response = self._sqs.send_message_batch(QueueUrl=self._url, Entries=entries)
        return [f"{item.get('Code')}: {item.get('Message', '')}" for item in response.get("Failed", [])]


class DeadLetters:
    """The notifier's way to the reports dead-letter queue for a record that can never become a message."""

    def __init__(self, sqs: SQSClient, queue_url: str) -> None:
        self._sqs = sqs
        self._url = queue_url

    def keep(self, body: str, why: str) -> None:
        """Send the record's body as it came, with why it was set aside (raises a domain error when SQS refuses)."""
        with translated("sqs:SendMessage"):
            self._sqs.send_message(
                QueueUrl=self._url,
                MessageBody=body or "(empty)",
                MessageAttributes={"why": {"DataType": "String", "StringValue": why[:1000] or "unknown"}},
            )


def send_one(sqs: SQSClient, queue_url: str, item: dict[str, Any]) -> None:
    """Send one JSON message (a click for the approval worker)."""
    with translated("sqs:SendMessage"):
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(item))
