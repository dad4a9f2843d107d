"""Lambda calls the remediator makes on its own behalf (continuing a sweep in a new invocation)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient


def invoke_async(client: LambdaClient, function_arn: str, payload: dict[str, Any]) -> None:
    """Invoke a function asynchronously (Lambda retries it and keeps failures in its dead-letter queue)."""
    with translated("lambda:Invoke"):
        client.invoke(FunctionName=function_arn, InvocationType="Event", Payload=json.dumps(payload).encode())
