"""NotifierFunction: batches of reports from the reports queue → Slack (Block Kit, digests when many arrive)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from vpc_remediator.bootstrap import notifier_ports
from vpc_remediator.observability import logger, metrics
from vpc_remediator.remediation.notifier import notify_batch
from vpc_remediator.settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

get_settings()  # validate configuration at cold start: a bad parameter fails loudly here


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """SQS batch → Slack messages, each report once; undelivered records go back (partial batch response)."""
    return notify_batch(event, get_settings(), notifier_ports(), context)
