"""NatGatewayFunction: a successful CreateNatGateway → an informational report with its monthly cost."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from vpc_remediator.bootstrap import region_for
from vpc_remediator.handlers._runtime import emit_reports, idempotent_on_event_id
from vpc_remediator.observability import logger, metrics
from vpc_remediator.remediation.entry import arn_account_and_region, on_nat_gateway_event
from vpc_remediator.settings import get_settings

get_settings()  # validate configuration at cold start: a bad parameter fails loudly here


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE)
@metrics.log_metrics
@idempotent_on_event_id
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> list[dict[str, Any]]:
    """EventBridge → one nat-gateway report."""
    own_account, _ = arn_account_and_region(context.invoked_function_arn)  # its own account, known without a call
    return emit_reports(on_nat_gateway_event(event, region_for, own_account=own_account))
