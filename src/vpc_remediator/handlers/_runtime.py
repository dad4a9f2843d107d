"""What every handler shares: idempotency on the CloudTrail eventID (Powertools), report output."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit

from vpc_remediator.domain.errors import ConfigurationError, InvalidEventError
from vpc_remediator.domain.report import Report
from vpc_remediator.observability import logger, metrics, record
from vpc_remediator.settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from vpc_remediator.remediation.ports import ReportSender

Handler = Callable[[dict[str, Any], "LambdaContext"], Any]

# CloudTrail's eventID survives EventBridge re-delivery; other events (stack status, schedules) use their id.
EVENT_KEY = "detail.eventID || id"
# CloudTrail may deliver the same call again hours later; a day covers it.
IDEMPOTENCY_SECONDS = 24 * 3600


@functools.cache
def _guarded(handler: Handler, table: str | None) -> Handler:
    from aws_lambda_powertools.utilities.idempotency import (  # noqa: PLC0415  (made once per handler)
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent,
    )

    from vpc_remediator.bootstrap import boto3_session  # noqa: PLC0415

    # The process's one boto3 session: a session of its own would load botocore's models again (about 200 ms of a
    # cold start's first event, bench/results.md).
    store = DynamoDBPersistenceLayer(table_name=table, boto3_session=boto3_session()) if table else _no_table()
    config = IdempotencyConfig(event_key_jmespath=EVENT_KEY, expires_after_seconds=IDEMPOTENCY_SECONDS)
    guarded: Handler = idempotent(persistence_store=store, config=config)(handler)
    return guarded


def _no_table() -> BasePersistenceLayer:
    """The store where IDEMPOTENCY_TABLE is not set: unused while idempotency is off, a loud failure while it is on."""
    from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer  # noqa: PLC0415

    class NoTable(BasePersistenceLayer):
        # Powertools configures its store before anything else, and only when its idempotency is on.
        def configure(self, *args: Any, **kwargs: Any) -> None:
            raise ConfigurationError(
                "IdempotencyTable (IDEMPOTENCY_TABLE) is required unless POWERTOOLS_IDEMPOTENCY_DISABLED is true"
            )

        _get_record = _put_record = _update_record = _delete_record = configure  # type: ignore[assignment]

    return NoTable()  # type: ignore[no-untyped-call]


def _is_in_progress(exc: Exception) -> bool:
    from aws_lambda_powertools.utilities.idempotency.exceptions import (  # noqa: PLC0415  (only on a failure)
        IdempotencyAlreadyInProgressError,
    )

    return isinstance(exc, IdempotencyAlreadyInProgressError)


def event_function(handler: Handler) -> Handler:
    """What every EventBridge function does around its use case, outermost first:

    - a malformed event (shape, types, depth) gets one `ignored` report and the handler returns normally: retrying
      could never help. It is checked before idempotency, which copies and hashes the whole event (a deeply nested
      one raised RecursionError there).
    - a duplicate delivery of an event another invocation is handling right now ends quietly, with one log line and no
      report: the invocation that holds the event reports it, and if it fails, Lambda retries that one (Powertools
      deletes its record) and the failed-events queue keeps it after the last retry. Raising here would only make
      Lambda retry the duplicate too, a retry storm that ends as "already done" anyway.
    """
    from vpc_remediator.remediation.entry import Home, invalid_event_report, malformed_event_report  # noqa: PLC0415

    guarded = idempotent_on_event_id(handler)

    @functools.wraps(handler)
    def wrapper(event: dict[str, Any], context: LambdaContext) -> Any:
        home = Home.of(getattr(context, "invoked_function_arn", None))
        malformed = malformed_event_report(event, home)
        if malformed is not None:
            logger.warning("malformed event ignored", extra={"reason": malformed.reason})
            return emit_reports([malformed])
        try:
            return guarded(event, context)
        except InvalidEventError as exc:
            return emit_reports([invalid_event_report(event, exc, home)])
        except Exception as exc:
            if not _is_in_progress(exc):
                raise
            logger.info(
                "duplicate delivery ignored: another invocation is handling this event", extra={"why": str(exc)}
            )
            return []

    return wrapper


def idempotent_on_event_id(handler: Handler) -> Handler:
    """Run the handler at most once per event (by eventID), with Powertools' idempotency on the IdempotencyTable.

    Local runs (the CLI, tests) have no table: they set Powertools' own POWERTOOLS_IDEMPOTENCY_DISABLED, and Powertools
    calls the handler straight through.
    """

    @functools.wraps(handler)
    def wrapper(event: dict[str, Any], context: LambdaContext) -> Any:
        return _guarded(handler, get_settings().idempotency_table)(event, context)

    return wrapper


@functools.cache
def report_queue(url: str) -> ReportSender:
    """The reports queue's sender, made once per process (tests call report_queue.cache_clear())."""
    from vpc_remediator.bootstrap import reports_queue  # noqa: PLC0415  (boto3 only when reports are queued)

    return reports_queue(url)


def publish_reports(reports: list[Report]) -> None:
    """Queue the reports for Slack when the reports queue is configured; never fails (the logs keep every report)."""
    url = get_settings().reports_queue_url
    if url is None or not reports:
        return
    try:
        failures = report_queue(url).publish(reports)
    except Exception as exc:  # noqa: BLE001  (a remediation already made must not fail because a report was not queued)
        failures = [f"{type(exc).__name__}: {exc}"] * len(reports)
    if failures:
        logger.error("reports not queued for Slack", extra={"failures": failures[:10], "count": len(failures)})
        metrics.add_metric(name="reports.not_queued", unit=MetricUnit.Count, value=len(failures))


def emit_reports(reports: list[Report]) -> list[dict[str, Any]]:
    """Every report leaves the function here: logged, counted, queued for Slack, returned as JSON-ready dicts."""
    for report in reports:
        record(report)
    publish_reports(reports)
    return [report.to_dict() for report in reports]
