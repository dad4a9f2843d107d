"""Lambda refuses an update while the function is still being created or updated: the adapter waits and retries."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from vpc_remediator.aws.lambda_ import LambdaAdapter, function_workload
from vpc_remediator.domain.errors import AwsCallError
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.workloads import lambda_function

ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
WORKLOAD = function_workload(
    lambda_function.PROFILE,
    {
        "FunctionArn": ARN,
        "FunctionName": "orders",
        "VpcConfig": {"SubnetIds": ["subnet-pub"], "SecurityGroupIds": ["sg-1"]},
    },
    {},
)
PLAN = NetworkPlan(("subnet-nat-a", "subnet-nat-b"), ("sg-1",), None)
EXPECTED = {
    "FunctionName": ARN,
    "VpcConfig": {"SubnetIds": ["subnet-nat-a", "subnet-nat-b"], "SecurityGroupIds": ["sg-1"]},
}


def conflict(stubber: Stubber) -> None:
    stubber.add_client_error(
        "update_function_configuration",
        "ResourceConflictException",
        "The operation cannot be performed at this time. An update is in progress for resource",
        409,
        expected_params=EXPECTED,
    )


def test_an_update_in_progress_is_waited_out_then_the_change_is_made() -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    waits: list[float] = []
    with Stubber(client) as stubber:
        conflict(stubber)
        conflict(stubber)
        stubber.add_response("update_function_configuration", {"FunctionArn": ARN}, EXPECTED)
        action, arn = LambdaAdapter(
            client, lambda_function.PROFILE, conflict_delays=(1.0, 2.0, 4.0), sleep=waits.append
        ).apply(WORKLOAD, PLAN)
        stubber.assert_no_pending_responses()
    assert waits == [1.0, 2.0]
    assert arn == ARN
    assert action.params == EXPECTED
    assert action.undo is not None and "subnet-pub" in action.undo


def test_a_conflict_that_outlasts_the_retries_is_an_error_not_a_silent_skip() -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    waits: list[float] = []
    with Stubber(client) as stubber:
        for _ in range(3):
            conflict(stubber)
        with pytest.raises(AwsCallError, match="ResourceConflictException"):
            LambdaAdapter(client, lambda_function.PROFILE, conflict_delays=(1.0, 2.0), sleep=waits.append).apply(
                WORKLOAD, PLAN
            )
    assert waits == [1.0, 2.0]
