"""ApprovalWorkerFunction: the clicks the interactivity endpoint queued, performed with the stack's own role."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from vpc_remediator.bootstrap import change_messages, region_for
from vpc_remediator.handlers._runtime import emit_reports
from vpc_remediator.observability import logger, metrics
from vpc_remediator.remediation.approval_worker import on_click_batch
from vpc_remediator.remediation.entry import Home
from vpc_remediator.settings import get_settings

get_settings()  # validate configuration at cold start: a bad parameter fails loudly here


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> list[dict[str, Any]]:
    """SQS batch of clicks → one report per click performed (queued for Slack like every report)."""
    region = region_for()
    account = Home.of(context.invoked_function_arn).account
    reports = on_click_batch(event, region, region.approvals(), account=account, messages=change_messages())
    return emit_reports(reports)
