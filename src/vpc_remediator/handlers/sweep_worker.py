"""SweepWorkerFunction (organization mode): one account and region of the organization sweep per queue message."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from vpc_remediator.bootstrap import region_for
from vpc_remediator.handlers._runtime import emit_reports
from vpc_remediator.observability import logger, metrics
from vpc_remediator.remediation.entry import Home, sweep_worker_invocation
from vpc_remediator.settings import get_settings

get_settings()  # validate configuration at cold start: a bad parameter fails loudly here


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> list[dict[str, Any]]:
    """SQS batch of sweep messages → a summary per account and region plus one report per non-compliant resource."""
    home = Home.of(context.invoked_function_arn)
    return emit_reports(sweep_worker_invocation(event, region_for, context.get_remaining_time_in_millis, home))
