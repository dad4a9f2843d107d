"""NotifierFunction's use case: a batch of queued reports → Slack messages, undelivered reports back to the queue."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from vpc_remediator.domain.report import Report
from vpc_remediator.notify.blocks import plan_messages, report_message
from vpc_remediator.notify.slack import DeliveryResult, deliver, webhook_client
from vpc_remediator.observability import logger, metrics
from vpc_remediator.settings import Settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext


class NotDeliveredError(Exception):
    """The record's report did not reach Slack: the batch processor hands the record back to the queue."""


def _read(records: list[dict[str, Any]]) -> tuple[list[Report], list[list[str]], dict[str, str]]:
    """(unique reports, the message ids of each, unreadable message id → why); SQS may deliver a message twice."""
    reports: list[Report] = []
    owners: list[list[str]] = []
    seen: dict[tuple[Any, ...], int] = {}
    unreadable: dict[str, str] = {}
    for record in records:
        message_id = str(record.get("messageId"))
        try:
            report = Report.from_dict(json.loads(record["body"]))
            # Render it alone once: a report that cannot become a message fails only its own record.
            report_message(report)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            unreadable[message_id] = f"not a report: {type(exc).__name__}: {exc}"[:500]
            continue
        key = (report.event_id, report.resource, report.kind, report.outcome, report.reason)
        if key in seen:
            owners[seen[key]].append(message_id)
            continue
        seen[key] = len(reports)
        reports.append(report)
        owners.append([message_id])
    return reports, owners, unreadable


def post_reports(
    reports: list[Report], url: str, quiet: frozenset[str], *, loopback_allowed: bool = False
) -> DeliveryResult:
    """Render the reports that arrived together (singles or digests) and post them to the webhook.

    A URL that is not Slack's raises ConfigurationError before anything is posted: the batch fails as a whole and
    its records stay in the queue (then the dead-letter queue and its alarm), so no report is lost.
    """
    client = webhook_client(url, loopback_allowed=loopback_allowed)
    return deliver(plan_messages(reports, quiet=quiet), client)


def notify_batch(
    event: dict[str, Any],
    settings: Settings,
    webhook_url: Callable[[str], str],
    context: LambdaContext | None = None,
) -> PartialItemFailureResponse:
    """Post one SQS batch of reports; the records whose reports did not reach Slack are reported as failures."""
    records = list(event.get("Records") or [])
    reports, owners, failed = _read(records)
    if settings.slack_webhook_secret_arn is None:
        logger.warning("Slack is off (SlackWebhookSecretArn is empty)", extra={"reports_dropped": len(reports)})
    elif reports:
        url = webhook_url(settings.slack_webhook_secret_arn)
        result = post_reports(reports, url, settings.slack_quiet_outcomes, loopback_allowed=not settings.in_lambda)
        metrics.add_metric(name="slack.messages_sent", unit=MetricUnit.Count, value=len(result.sent))
        metrics.add_metric(name="slack.messages_failed", unit=MetricUnit.Count, value=len(result.failed))
        for message, why in result.failed:
            logger.error("Slack message not delivered", extra={"why": why, "reports": len(message.covers)})
        for index in result.undelivered_reports:
            failed.update({message_id: "its Slack message was not delivered" for message_id in owners[index]})

    def record_handler(record: SQSRecord) -> None:
        if record.message_id in failed:
            raise NotDeliveredError(failed[record.message_id])

    # The processor answers {"batchItemFailures": [...]}: SQS keeps those records for another try, then the DLQ.
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
