"""What every handler shares: idempotency on the CloudTrail eventID (Powertools), report output."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit

from vpc_remediator.domain.errors import ConfigurationError
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


# What the idempotency record keeps of a run's reports beside their counts: a few resources, never the reports.
STORED_RESOURCES = 20


def stored_result(returned: Any) -> dict[str, Any]:
    """What the idempotency record keeps of a handler's result: counts per outcome and the first few resources.

    Never the reports themselves: a sweep of thousands of resources returns megabytes, far beyond DynamoDB's 400 KB
    item limit, and the record could not be saved after all the work was done. Every report is in the logs (and on
    its way to Slack) already; a duplicate event only needs to know that the run happened and what it found.
    """
    items = returned if isinstance(returned, list) else [returned]
    reports = [item for item in items if isinstance(item, dict)]
    outcomes: dict[str, int] = {}
    for report in reports:
        outcome = str(report.get("outcome"))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    resources = [str(report.get("resource")) for report in reports[:STORED_RESOURCES]]
    return {"reports": len(reports), "outcomes": outcomes, "resources": resources}


@functools.cache
def _guarded(handler: Handler, table: str | None) -> Handler:
    from aws_lambda_powertools.utilities.idempotency import (  # noqa: PLC0415  (made once per handler)
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )
    from aws_lambda_powertools.utilities.idempotency.serialization.base import (  # noqa: PLC0415
        BaseIdempotencySerializer,
    )

    from vpc_remediator.bootstrap import boto3_session  # noqa: PLC0415

    class SmallRecord(BaseIdempotencySerializer):
        """Stores stored_result(reports); a replay (a duplicate event) returns that summary."""

        def to_dict(self, data: Any) -> dict[str, Any]:
            return stored_result(data)

        def from_dict(self, data: dict[str, Any]) -> Any:
            return data

    # The process's one boto3 session: a session of its own would load botocore's models again (about 200 ms of a
    # cold start's first event, bench/results.md).
    store = DynamoDBPersistenceLayer(table_name=table, boto3_session=boto3_session()) if table else _no_table()
    config = IdempotencyConfig(event_key_jmespath=EVENT_KEY, expires_after_seconds=IDEMPOTENCY_SECONDS)

    def call(event: dict[str, Any], context: LambdaContext) -> Any:
        return handler(event, context)

    # Powertools' handler decorator keeps the whole return value; its function decorator takes a serializer.
    run: Callable[..., Any] = idempotent_function(
        call, data_keyword_argument="event", persistence_store=store, config=config, output_serializer=SmallRecord()
    )

    def guarded(event: dict[str, Any], context: LambdaContext) -> Any:
        # What the handler decorator does itself: an in-progress record expires with the invocation's time left.
        config.register_lambda_context(context)
        return run(event=event, context=context)

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
