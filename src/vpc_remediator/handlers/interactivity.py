"""InteractivityFunction (a Lambda function URL): a Slack click checked, claimed and queued within three seconds."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from vpc_remediator.bootstrap import click_ports
from vpc_remediator.observability import logger
from vpc_remediator.remediation.interactivity import on_click_request
from vpc_remediator.settings import get_settings

get_settings()  # validate configuration at cold start: a bad parameter fails loudly here


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Function URL request → 200 when the click is queued, else the refusal's status and why."""
    return on_click_request(event, get_settings(), click_ports())
