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


def state(stubber: Stubber, state: str = "Active", update: str = "Successful", **extra: str) -> None:
    """One GetFunctionConfiguration answer (what Lambda's waiters poll), shaped as Lambda returns it."""
    configuration = {"FunctionArn": ARN, "FunctionName": "orders", "State": state, "LastUpdateStatus": update, **extra}
    stubber.add_response("get_function_configuration", configuration, {"FunctionName": ARN})


class Clock:
    """A clock that moves on by `step` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def adapter(client: object, clock: Clock | None = None) -> LambdaAdapter:
    return LambdaAdapter(client, lambda_function.PROFILE, wait_delay=0, clock=clock or Clock(0.0))  # type: ignore[arg-type]


def test_an_update_in_progress_is_waited_out_with_lambdas_waiter_then_the_change_is_made_and_waited_for() -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    with Stubber(client) as stubber:
        conflict(stubber)
        state(stubber, update="InProgress")  # what is it doing: an update
        state(stubber, update="InProgress")  # function_updated polls...
        state(stubber)  # ...until Successful
        stubber.add_response("update_function_configuration", {"FunctionArn": ARN}, EXPECTED)
        state(stubber, update="InProgress")  # our own change: the VPC change takes a while
        state(stubber)
        action, arn = adapter(client).apply(WORKLOAD, PLAN)
        stubber.assert_no_pending_responses()
    assert arn == ARN
    assert action.params == EXPECTED
    assert action.undo is not None and "subnet-pub" in action.undo


def test_a_function_still_being_created_is_waited_for_before_the_first_update() -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    pending = function_workload(lambda_function.PROFILE, {**WORKLOAD.raw, "State": "Pending"}, {})
    with Stubber(client) as stubber:
        state(stubber, state="Pending")  # function_active polls...
        state(stubber)  # ...until Active
        stubber.add_response("update_function_configuration", {"FunctionArn": ARN}, EXPECTED)
        state(stubber)
        adapter(client).apply(pending, PLAN)
        stubber.assert_no_pending_responses()


def test_an_update_lambda_could_not_apply_is_an_error_naming_its_reason() -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    with Stubber(client) as stubber:
        stubber.add_response("update_function_configuration", {"FunctionArn": ARN}, EXPECTED)
        state(
            stubber,
            update="Failed",
            LastUpdateStatusReasonCode="SubnetOutOfIPAddresses",
            LastUpdateStatusReason="All subnets have no free addresses",
        )
        with pytest.raises(AwsCallError, match="SubnetOutOfIPAddresses: All subnets have no free addresses"):
            adapter(client).apply(WORKLOAD, PLAN)


def test_a_conflict_that_outlasts_the_bounded_wait_is_an_error_not_a_silent_skip() -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    with Stubber(client) as stubber:
        # The clock moves 45 s per reading: the 90 s budget is spent after one wait; the waiter polls once.
        conflict(stubber)
        state(stubber, update="InProgress")
        state(stubber, update="InProgress")
        conflict(stubber)
        with pytest.raises(AwsCallError, match="ResourceConflictException"):
            adapter(client, Clock(45.0)).apply(WORKLOAD, PLAN)
        stubber.assert_no_pending_responses()
