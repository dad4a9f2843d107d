"""NotifierFunction's use case: a batch of queued reports → Slack messages, each report posted once, none lost.

- Every record is read and rendered on its own: one that can never become a message goes to the reports dead-letter
  queue at once, with a log line saying why (redelivering it could not help), or back to the queue if that fails.
- Each report has a stable id; the delivery log claims it before it is posted, so a report queued twice or
  redelivered after a partial failure is not posted again, and two invocations never post the same one.
- The invocation's deadline is respected: what cannot be posted in time goes back to the queue (batchItemFailures).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from vpc_remediator.domain.delivery import Claim
from vpc_remediator.domain.errors import RemediatorError
from vpc_remediator.domain.report import Report
from vpc_remediator.domain.webhook import checked_webhook_url
from vpc_remediator.notify.blocks import plan_messages, report_message
from vpc_remediator.notify.slack import DeliveryResult, TimeLeft, deliver, unbounded, webhook_client
from vpc_remediator.observability import logger, metrics
from vpc_remediator.remediation.delivery import DeliveryLog, MemoryDeliveryLog
from vpc_remediator.settings import Settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

# Keeps a record's body in the reports dead-letter queue with why; raises when it could not.
DeadLetter = Callable[[str, str], None]


class NotDeliveredError(Exception):
    """The record's report did not reach Slack: the batch processor hands the record back to the queue."""


@dataclass
class NotifierPorts:
    """What the notifier reaches outside itself, filled by the composition root."""

    webhook_url: Callable[[str], str]
    delivery_log: DeliveryLog = field(default_factory=MemoryDeliveryLog)
    dead_letter: DeadLetter | None = None


@dataclass
class Batch:
    """A batch's unique reports (by report id), the message ids carrying each, and the unreadable records."""

    reports: list[Report] = field(default_factory=list)
    owners: list[list[str]] = field(default_factory=list)
    # message id → (why, body)
    unreadable: dict[str, tuple[str, str]] = field(default_factory=dict)


def read_batch(records: list[Any]) -> Batch:
    """Read each record alone; SQS may deliver a message twice, and a report may have been queued twice."""
    batch = Batch()
    seen: dict[str, int] = {}
    for record in records:
        message_id = str(record.get("messageId")) if isinstance(record, dict) else "unknown"
        body = record.get("body") if isinstance(record, dict) else None
        try:
            report = Report.from_dict(json.loads(body))  # type: ignore[arg-type]
            # Render it alone once: a report that cannot become a message fails only its own record.
            report_message(report)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            why = f"not a report: {type(exc).__name__}: {exc}"[:500]
            batch.unreadable[message_id] = (why, body if isinstance(body, str) else json.dumps(body, default=str))
            continue
        if report.report_id in seen:
            batch.owners[seen[report.report_id]].append(message_id)
            continue
        seen[report.report_id] = len(batch.reports)
        batch.reports.append(report)
        batch.owners.append([message_id])
    return batch


def post_reports(
    reports: list[Report],
    url: str,
    quiet: frozenset[str],
    time_left: TimeLeft = unbounded,
    *,
    loopback_allowed: bool = False,
) -> DeliveryResult:
    """Render the reports that arrived together (singles or digests) and post them to the webhook.

    A URL that is not Slack's raises ConfigurationError before anything is posted.
    """
    client = webhook_client(url, time_left=time_left, loopback_allowed=loopback_allowed)
    return deliver(plan_messages(reports, quiet=quiet), client, time_left)


def _dead_letter(batch: Batch, dead_letter: DeadLetter | None) -> dict[str, str]:
    """Unreadable records into the dead-letter queue now; those it could not take go back (never dropped)."""
    failed: dict[str, str] = {}
    for message_id, (why, body) in batch.unreadable.items():
        logger.error("queued record is not a report", extra={"message_id": message_id, "why": why})
        if dead_letter is None:
            failed[message_id] = why
            continue
        try:
            dead_letter(body, why)
        except RemediatorError as exc:
            failed[message_id] = f"{why}; not dead-lettered: {exc}"
    return failed


def _claims(batch: Batch, indexes: list[int], log: DeliveryLog) -> tuple[list[int], dict[str, str]]:
    """The reports this invocation posts, and the records of those another invocation is posting right now."""
    taken: list[int] = []
    busy: dict[str, str] = {}
    for index in indexes:
        report_id = batch.reports[index].report_id
        try:
            claim = log.claim(report_id)
        except RemediatorError as exc:
            # Better posted twice than never: without the log, post it.
            logger.warning("delivery log unavailable: posting without a claim", extra={"error": str(exc)})
            claim = Claim.TAKEN
        if claim is Claim.TAKEN:
            taken.append(index)
        elif claim is Claim.BUSY:
            busy.update({message_id: "another invocation is posting this report" for message_id in batch.owners[index]})
        else:
            logger.info("report already posted: not posted again", extra={"report_id": report_id})
    return taken, busy


def _remember(log: DeliveryLog, report_id: str, posted: bool) -> None:
    try:
        log.posted(report_id) if posted else log.release(report_id)
    except RemediatorError as exc:  # the message went (or did not) either way: only a redelivery could repeat it
        logger.warning("delivery log not updated", extra={"report_id": report_id, "error": str(exc)})


def _post(batch: Batch, settings: Settings, ports: NotifierPorts, time_left: TimeLeft) -> dict[str, str]:
    """Post the batch's loud reports not posted before; the records whose reports did not reach Slack, with why."""
    loud = [
        index for index, report in enumerate(batch.reports) if report.outcome.value not in settings.slack_quiet_outcomes
    ]
    if not loud:
        return {}
    url = ports.webhook_url(settings.slack_webhook_secret_arn or "")
    # Checked before any report is claimed: a URL that is not Slack's fails the batch as a whole, its records stay in
    # the queue (then the dead-letter queue and its alarm), and no claim is left behind.
    loopback_allowed = not settings.in_lambda
    checked_webhook_url(url, loopback_allowed=loopback_allowed)
    taken, failed = _claims(batch, loud, ports.delivery_log)
    if not taken:
        return failed
    chosen = [batch.reports[index] for index in taken]
    result = post_reports(chosen, url, frozenset(), time_left, loopback_allowed=loopback_allowed)
    metrics.add_metric(name="slack.messages_sent", unit=MetricUnit.Count, value=len(result.sent))
    metrics.add_metric(name="slack.messages_failed", unit=MetricUnit.Count, value=len(result.failed))
    for message in result.sent:
        for position in message.covers:
            _remember(ports.delivery_log, chosen[position].report_id, posted=True)
    for message, why in result.failed:
        logger.error("Slack message not delivered", extra={"why": why, "reports": len(message.covers)})
        for position in message.covers:
            _remember(ports.delivery_log, chosen[position].report_id, posted=False)
            failed.update({message_id: why for message_id in batch.owners[taken[position]]})
    return failed


def notify_batch(
    event: dict[str, Any],
    settings: Settings,
    ports: NotifierPorts,
    context: LambdaContext | None = None,
) -> PartialItemFailureResponse:
    """Post one SQS batch of reports; the records whose reports did not reach Slack are reported as failures."""
    records = event.get("Records") if isinstance(event, dict) else None
    batch = read_batch(records if isinstance(records, list) else [])
    failed = _dead_letter(batch, ports.dead_letter)
    if settings.slack_webhook_secret_arn is None:
        logger.warning("Slack is off (SlackWebhookSecretArn is empty)", extra={"reports_dropped": len(batch.reports)})
    elif batch.reports:
        time_left = unbounded if context is None else lambda: context.get_remaining_time_in_millis() / 1000
        failed.update(_post(batch, settings, ports, time_left))

    def record_handler(record: SQSRecord) -> None:
        if record.message_id in failed:
            raise NotDeliveredError(failed[record.message_id])

    # The processor answers {"batchItemFailures": [...]}: SQS keeps those records for another try, then the DLQ.
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
