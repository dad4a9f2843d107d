"""PlacementFunction: every registered workload kind lands in subnets that give it egress without a NAT gateway."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vpc_remediator.bootstrap import region_for
from vpc_remediator.handlers._runtime import emit_reports, event_function
from vpc_remediator.observability import logger, metrics
from vpc_remediator.remediation.entry import Home, on_placement_event
from vpc_remediator.settings import get_settings

get_settings()  # validate configuration at cold start: a bad parameter fails loudly here


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE)
@metrics.log_metrics
@event_function
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> list[dict[str, Any]]:
    """EventBridge (a CloudTrail call that placed a workload) → one report per workload."""
    return emit_reports(on_placement_event(event, region_for, home=Home.of(context.invoked_function_arn)))
