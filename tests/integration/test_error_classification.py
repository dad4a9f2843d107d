"""No raw botocore error leaves an adapter: faults that may pass are told apart from those that will not."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError

from tests.integration.test_lambda_adapter import PLAN, WORKLOAD, adapter
from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.errors import AccessDeniedError, AwsCallError, TransientAwsError

ENDPOINT = "https://lambda.us-east-1.amazonaws.com"


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (client_error("ThrottlingException", 400), TransientAwsError),
        (client_error("RequestLimitExceeded", 503), TransientAwsError),
        (client_error("InternalFailure", 500), TransientAwsError),
        (client_error("SomethingNew", 502), TransientAwsError),
        (ConnectTimeoutError(endpoint_url=ENDPOINT), TransientAwsError),
        (ReadTimeoutError(endpoint_url=ENDPOINT), TransientAwsError),
        (client_error("AccessDeniedException", 403), AccessDeniedError),
        (client_error("InvalidParameterValue", 400), AwsCallError),
    ],
    ids=["throttled", "ec2 limit", "500", "unknown 5xx", "connect timeout", "read timeout", "denied", "invalid"],
)
def test_each_failure_is_classified(raised: Exception, expected: type[Exception]) -> None:
    with pytest.raises(expected) as caught, translated("svc:Op"):
        raise raised
    assert type(caught.value) is expected
    assert "svc:Op" in str(caught.value)


@pytest.mark.parametrize("timeout", [ConnectTimeoutError, ReadTimeoutError], ids=["connect", "read"])
def test_a_timeout_on_lambdas_update_is_a_transient_error_not_a_raw_botocore_one(timeout: Any) -> None:
    client = boto3.client(
        "lambda",
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )

    def cut_off(**_: Any) -> None:
        raise timeout(endpoint_url=ENDPOINT)

    client.meta.events.register("before-send.lambda.UpdateFunctionConfiguration", cut_off)
    # The workload's configuration says the function is free: the update is sent at once, and times out.
    with pytest.raises(TransientAwsError, match="lambda:UpdateFunctionConfiguration failed, and may succeed"):
        adapter(client).apply(WORKLOAD, PLAN)
