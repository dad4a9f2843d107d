"""Input that can never succeed is reported once and not retried; events for another account or region are refused;
a duplicate delivered while the first is being handled ends quietly. Through the real handlers, as Lambda calls them."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.default_vpc import default_vpc_picture
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc
from vpc_remediator.handlers import default_vpc, nat_gateway, placement, sweep
from vpc_remediator.settings import get_settings

EVENTS = Path(__file__).resolve().parents[2] / "events"
ACCOUNT = "123456789012"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:vpc-remediator-Function-1"

HANDLERS: dict[str, tuple[Callable[..., Any], str]] = {
    "default-vpc": (default_vpc.lambda_handler, "ec2/DeleteVpc"),
    "nat-gateway": (nat_gateway.lambda_handler, "ec2/CreateNatGateway"),
    "placement": (placement.lambda_handler, "ecs/CreateService"),
    "sweep": (sweep.lambda_handler, "cloudformation/StackStatusChange_create_complete"),
}


def sample(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return event


def nested(depth: int) -> dict[str, Any]:
    top: dict[str, Any] = {}
    level = top
    for _ in range(depth - 1):
        level["a"] = {}
        level = level["a"]
    return top


def changed(name: str, path: tuple[str, ...], value: Any) -> dict[str, Any]:
    event = copy.deepcopy(sample(name))
    target = event
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return event


def invoke(handler: Callable[..., Any], event: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = handler(event, LocalContext("Function", invoked_function_arn=FUNCTION_ARN))
    return result


@pytest.fixture
def idempotency_on(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As in Lambda: Powertools' idempotency on, with its table (it copies and hashes every event it sees)."""
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName="idempotency",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("IDEMPOTENCY_TABLE", "idempotency")
    monkeypatch.setenv("POWERTOOLS_IDEMPOTENCY_DISABLED", "false")
    get_settings.cache_clear()
    yield


MALFORMED = {
    "event is a list": (lambda name: [sample(name)], "must be a JSON object"),
    "detail is text": (lambda name: changed(name, ("detail",), "DeleteVpc"), "detail: Input should be a valid dict"),
    "account is a number": (lambda name: changed(name, ("account",), 123456789012), "account: Input should be"),
    "region missing": (lambda name: {k: v for k, v in sample(name).items() if k != "region"}, "missing region"),
    "500 levels deep": (
        lambda name: changed(name, ("detail", "requestParameters"), nested(500)),
        "more than 64 levels deep",
    ),
    "eventName is an object": (
        lambda name: changed(name, ("detail", "eventName"), {"x": 1}),
        "detail.eventName: Input should be a valid string",
    ),
    "userIdentity.arn is a list": (
        lambda name: changed(name, ("detail", "userIdentity", "arn"), ["a"]),
        "detail.userIdentity.arn: Input should be a valid string",
    ),
    "requestParameters is text": (
        lambda name: changed(name, ("detail", "requestParameters"), "x"),
        "detail.requestParameters: Input should be a valid dict",
    ),
}


@pytest.mark.usefixtures("idempotency_on")
@pytest.mark.parametrize("function", HANDLERS)
@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_event_gets_one_ignored_report_naming_the_problem_and_no_retry(function: str, case: str) -> None:
    handler, name = HANDLERS[function]
    make, problem = MALFORMED[case]
    if function == "sweep" and case.startswith(("eventName", "userIdentity", "requestParameters")):
        name = "ec2/DeleteVpc"  # the sweep's own events carry no CloudTrail record: any CloudTrail-shaped one will do
    (report,) = invoke(handler, make(name))  # returns normally: Lambda does not retry
    assert report["outcome"] == "ignored"
    assert report["reason"].startswith("malformed event, not retried:")
    assert problem in report["reason"]
    assert report["account"] == ACCOUNT  # the function's own, never what the event claims
    assert report["region"] == REGION


def test_an_event_for_another_region_does_not_repair_that_regions_default_vpc(ec2: Any) -> None:
    elsewhere = boto3.client("ec2", region_name="eu-west-1")
    delete_default_vpc(elsewhere)
    before = default_vpc_picture(ec2)
    event = changed("ec2/DeleteVpc", ("region",), "eu-west-1")
    (report,) = invoke(default_vpc.lambda_handler, event)
    assert report["outcome"] == "ignored"
    assert "region eu-west-1, not this function's region us-east-1" in report["reason"]
    assert report["region"] == REGION
    assert default_vpc_picture(elsewhere) == {"vpc": None}
    assert default_vpc_picture(ec2) == before


@pytest.mark.parametrize("function", ["default-vpc", "nat-gateway", "placement"])
def test_an_event_for_another_account_is_refused_and_stamped_with_the_functions_own(ec2: Any, function: str) -> None:
    handler, name = HANDLERS[function]
    (report,) = invoke(handler, changed(name, ("account",), "999999999999"))
    assert report["outcome"] == "ignored"
    assert "from account 999999999999, not this stack's account 123456789012" in report["reason"]
    assert report["account"] == ACCOUNT
    assert "999999999999" not in report["resource"]


@pytest.mark.usefixtures("idempotency_on")
def test_a_duplicate_delivered_while_the_first_is_handled_ends_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lambda may deliver one event twice at once: the second meets Powertools' "in progress" record."""
    inside, release = threading.Event(), threading.Event()
    real = default_vpc.on_default_vpc_event

    def slow(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(default_vpc, "on_default_vpc_event", slow)
    event = sample("ec2/DeleteVpc")
    first: list[Any] = []
    worker = threading.Thread(target=lambda: first.append(invoke(default_vpc.lambda_handler, event)))
    worker.start()
    try:
        assert inside.wait(10)
        duplicate = invoke(default_vpc.lambda_handler, copy.deepcopy(event))  # no exception: no Lambda retry
    finally:
        release.set()
        worker.join(20)
    assert duplicate == []
    (report,) = first[0]  # the first delivery reports
    assert report["outcome"] == "compliant"


def replaced(name: str, path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    event = copy.deepcopy(sample(name))
    target: Any = event
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return event


# Identifiers in the record go into AWS calls as they are: anything but text is malformed, never an AWS refusal
# (ParamValidationError, or a "Malformed" error code) that Lambda would retry in vain. Found by the property tests.
WRONG_IDENTIFIERS = {
    "service's clusterArn": (
        "placement",
        "ecs/CreateService",
        ("detail", "responseElements", "service", "clusterArn"),
        1,
    ),
    "task's taskArn": ("placement", "ecs/RunTask", ("detail", "responseElements", "tasks", 0, "taskArn"), {"a": 1}),
    "task's subnets": (
        "placement",
        "ecs/RunTask",
        ("detail", "requestParameters", "networkConfiguration", "awsvpcConfiguration", "subnets"),
        [1],
    ),
    "gateway's subnetId": (
        "nat-gateway",
        "ec2/CreateNatGateway",
        ("detail", "responseElements", "CreateNatGatewayResponse", "natGateway", "subnetId"),
        ["subnet-1"],
    ),
}


@pytest.mark.parametrize("case", WRONG_IDENTIFIERS)
def test_an_identifier_that_is_not_text_is_a_malformed_event(ec2: Any, case: str) -> None:
    function, name, path, value = WRONG_IDENTIFIERS[case]
    (report,) = invoke(HANDLERS[function][0], replaced(name, path, value))
    assert report["outcome"] == "ignored"
    assert report["reason"].startswith("malformed event, not retried:")
    assert "not text" in report["reason"] or "not a list of text" in report["reason"]


@pytest.mark.parametrize(
    ("name", "tags"),
    [
        ("sagemaker/CreateNotebookInstance", 7),
        ("sagemaker/CreateTrainingJob", True),
        ("sagemaker/CreateProcessingJob", 1.5),
    ],
)
def test_sagemaker_tags_that_are_not_a_list_are_no_tags_and_the_workload_is_still_checked(
    ec2: Any, name: str, tags: Any
) -> None:
    # The workload does not exist in this account: the report says so (for the sweep) instead of the handler failing.
    (report,) = invoke(placement.lambda_handler, replaced(name, ("detail", "requestParameters", "tags"), tags))
    assert report["outcome"] == "skipped", report["reason"]
    assert report["kind"].startswith("sagemaker-")


FOREIGN_ARNS = {
    "build project of another account": (
        "codebuild/CreateProject",
        ("detail", "responseElements", "project", "arn"),
        "arn:aws:codebuild:us-east-1:999999999999:project/build",
        "of account 999999999999, not 123456789012",
    ),
    "node group of another region": (
        "eks/CreateNodegroup",
        ("detail", "responseElements", "nodegroup", "nodegroupArn"),
        "arn:aws:eks:eu-west-1:123456789012:nodegroup/shop/workers/0ac9d2f1-1b2c-3d4e-5f60-718293a4b5c6",
        "of region eu-west-1, not us-east-1",
    ),
    "Fargate profile of another account": (
        "eks/CreateFargateProfile",
        ("detail", "responseElements", "fargateProfile", "fargateProfileArn"),
        "arn:aws:eks:us-east-1:999999999999:fargateprofile/shop/web/6ec6d7e2-3c55-4c5d-a4f3-1b2c3d4e5f60",
        "of account 999999999999",
    ),
}


@pytest.mark.parametrize("case", FOREIGN_ARNS)
def test_a_workload_of_another_account_or_region_in_the_record_is_never_read_or_changed_here(
    ec2: Any, case: str
) -> None:
    # A call is recorded where it was made: a record of this account naming another's workload is forged or broken.
    # Its name must not be looked up here, where a workload of this account may bear it.
    name, path, arn, problem = FOREIGN_ARNS[case]
    (report,) = invoke(placement.lambda_handler, replaced(name, path, arn))
    assert report["outcome"] == "ignored", report["reason"]
    assert arn in report["reason"] and problem in report["reason"]
    assert report["actions"] == []
