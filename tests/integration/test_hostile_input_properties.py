"""Properties over generated input: no exception leaves the event parser or any handler for any event, but the faults
that may pass (TransientAwsError), which Lambda should retry. Kept small (a few dozen examples each) to stay fast."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.hostile import EVENTS_STRATEGY, JSON, SAMPLES, mutated_events
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.domain.errors import InvalidEventError, TransientAwsError
from vpc_remediator.events import default_vpc_relevance, parse_event, placement_refs, report_group
from vpc_remediator.handlers import default_vpc, nat_gateway, notifier, placement, sweep
from vpc_remediator.settings import get_settings

FUNCTION_ARN = f"arn:aws:lambda:{REGION}:123456789012:function:vpc-remediator-Function-1"
FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Waits (for a workload to appear, for Lambda's update, botocore's backoff) take no time here."""
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    yield


@FAST
@given(EVENTS_STRATEGY)
def test_the_parser_gives_a_trigger_or_names_the_problem(event: Any) -> None:
    try:
        trigger = parse_event(event)
    except InvalidEventError as exc:
        assert str(exc)
        return
    # And what the functions then ask of a trigger never fails either, but to name the problem: a workload the record
    # names not as text (a subnet null) is a malformed event, reported as such by the handlers.
    default_vpc_relevance(trigger)
    try:
        placement_refs(trigger)
    except InvalidEventError as exc:
        assert str(exc)
    report_group(trigger)
    assert isinstance(trigger.event_id, str) and trigger.event_id


HANDLERS: dict[str, tuple[Callable[..., Any], list[str]]] = {
    "default-vpc": (
        default_vpc.lambda_handler,
        [name for name in SAMPLES if name.startswith(("ec2/", "cloudformation/"))],
    ),
    "nat-gateway": (nat_gateway.lambda_handler, ["ec2/CreateNatGateway", "ec2/CreateNatGateway_failed"]),
    # Every kind moto simulates (App Runner it does not: its adapter's faults are tested with botocore's Stubber).
    "placement": (
        placement.lambda_handler,
        [
            name
            for name in SAMPLES
            if name.startswith(
                ("ecs/", "batch/", "lambda/", "autoscaling/", "eks/", "codebuild/", "sagemaker/", "glue/")
            )
            or name.startswith("ec2/RunInstances")
        ],
    ),
    "sweep": (sweep.lambda_handler, ["cloudformation/StackStatusChange_create_complete"]),
}


@pytest.mark.parametrize("function", HANDLERS)
def test_a_handler_reports_every_event_and_raises_only_what_may_pass(function: str, ec2: Any) -> None:
    handler, names = HANDLERS[function]
    context = LocalContext("Function", invoked_function_arn=FUNCTION_ARN)

    @FAST
    @given(st.one_of(mutated_events(names), mutated_events(names), JSON))
    def check(event: Any) -> None:
        try:
            reports = handler(event, context)
        except TransientAwsError:
            return  # Lambda retries it: the one kind of failure a handler may let out
        assert isinstance(reports, list)
        assert all(report["outcome"] and report["reason"] for report in reports)

    check()


def sqs_record(n: int, body: str) -> dict[str, Any]:
    return {
        "messageId": f"message-{n}",
        "receiptHandle": f"handle-{n}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:reports",
        "awsRegion": REGION,
    }


def report_body(event_name: str) -> str:
    report = {
        "resource": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1",
        "kind": "default-vpc",
        "outcome": "remediated",
    }
    return json.dumps({**report, "reason": f"{event_name} repaired", "event_id": "e-1"})


BODIES = st.one_of(
    st.builds(json.dumps, JSON),
    st.text(max_size=40),
    st.builds(report_body, st.text(max_size=10)),
    mutated_events(["ec2/DeleteVpc"]).map(json.dumps),
)


def test_the_notifier_answers_every_batch_without_raising(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    monkeypatch.setenv("REPORTS_DEAD_LETTER_QUEUE_URL", sqs.create_queue(QueueName="dead-letters")["QueueUrl"])
    get_settings.cache_clear()
    context = LocalContext("NotifierFunction")

    @FAST
    @given(st.lists(BODIES, min_size=1, max_size=5))
    def check(bodies: list[str]) -> None:
        response = notifier.lambda_handler({"Records": [sqs_record(n, body) for n, body in enumerate(bodies)]}, context)
        assert response == {"batchItemFailures": []}  # read, posted (Slack is off here) or set aside: none redelivered

    check()
