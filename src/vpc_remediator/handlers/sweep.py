"""SweepFunction: on a schedule and when the stack is deployed, the whole region with the same rules."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vpc_remediator.bootstrap import region_for
from vpc_remediator.handlers._runtime import emit_reports, event_function
from vpc_remediator.observability import logger, metrics
from vpc_remediator.remediation.entry import sweep_invocation
from vpc_remediator.settings import get_settings

get_settings()  # validate configuration at cold start: a bad parameter fails loudly here


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE)
@metrics.log_metrics
@event_function
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> list[dict[str, Any]]:
    """Scheduled or deploy event (or a continuation) → a summary report plus one per non-compliant resource."""
    reports = sweep_invocation(event, region_for, context.get_remaining_time_in_millis, context.invoked_function_arn)
    return emit_reports(reports)
