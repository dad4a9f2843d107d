import json
from pathlib import Path
from typing import Any

import pytest

from vpc_remediator.domain.errors import InvalidEventError
from vpc_remediator.events import default_vpc_relevance, parse_event, placement_refs, report_group

EVENTS = Path(__file__).resolve().parents[2] / "events"


def sample(name: str) -> dict[str, object]:
    return json.loads((EVENTS / f"{name}.json").read_text())


def test_a_cloudtrail_event_becomes_a_trigger_keyed_on_the_cloudtrail_event_id() -> None:
    event = sample("ec2/DeleteSubnet")
    trigger = parse_event(event)
    assert trigger.event_id == event["detail"]["eventID"]  # type: ignore[index]
    assert trigger.event_name == "DeleteSubnet"
    assert trigger.role_name == "PlatformAdmin"
    assert trigger.account == "123456789012"
    assert trigger.region == "us-east-1"
    assert not trigger.failed


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ([], "JSON object"),
        ({"detail": {}}, "missing id, source, detail-type, account, region"),
        ({"id": "1", "source": "aws.ec2", "detail-type": "x", "account": "1", "region": "r", "detail": 3}, "detail"),
        (
            {
                "id": "1",
                "source": "aws.ec2",
                "detail-type": "AWS API Call via CloudTrail",
                "account": "1",
                "region": "r",
                "detail": {},
            },
            "eventName",
        ),
    ],
)
def test_malformed_events_are_refused_with_a_clear_message(event: object, message: str) -> None:
    with pytest.raises(InvalidEventError, match=message):
        parse_event(event)


def test_calls_by_the_stacks_own_roles_are_recognised() -> None:
    assert parse_event(sample("ec2/DeleteSubnet_own_role")).is_own_call("vpc-remediator")
    assert not parse_event(sample("ec2/DeleteSubnet")).is_own_call("vpc-remediator")
    assert not parse_event(sample("ec2/DeleteSubnet_own_role")).is_own_call("other-stack")
    assert not parse_event(sample("ec2/DeleteVpc_iam_user")).is_own_call("vpc-remediator")


# CloudFormation's longest stack name: the generated role names cut it short, the role path keeps it whole.
LONGEST_STACK_NAME = "r" + "-remediator" * 11 + "x" * 6


def called_by_role(arn: str, account: str = "123456789012") -> dict[str, Any]:
    event = sample("ec2/DeleteSubnet_own_role")
    event["account"] = account
    issuer = event["detail"]["userIdentity"]["sessionContext"]["sessionIssuer"]
    issuer["arn"] = arn
    issuer["userName"] = arn.rsplit("/", 1)[1]
    return event


def test_the_stacks_own_roles_are_known_by_their_path_whatever_the_stack_names_length() -> None:
    assert len(LONGEST_STACK_NAME) == 128
    # A generated name keeps only the start of the stack name: no prefix check could recognise it.
    role = f"arn:aws:iam::123456789012:role/vpc-remediator/{LONGEST_STACK_NAME}/{LONGEST_STACK_NAME[:30]}-Sweep-1A2B3C"
    assert parse_event(called_by_role(role)).is_own_call(LONGEST_STACK_NAME)
    assert not parse_event(called_by_role(role)).is_own_call(LONGEST_STACK_NAME[:-1])


def test_roles_that_only_share_the_stacks_name_prefix_are_not_its_own() -> None:
    # Another stack whose name starts with this one's, a role named like the stack's, the right path in another account.
    others = [
        "arn:aws:iam::123456789012:role/vpc-remediator/vpc-remediator-dev/vpc-remediator-dev-SweepFunctionRole-1A2B",
        "arn:aws:iam::123456789012:role/vpc-remediator-SweepFunctionRole-1A2B3C4D5E6F",
        "arn:aws:iam::999999999999:role/vpc-remediator/vpc-remediator/vpc-remediator-SweepFunctionRole-1A2B",
    ]
    for arn in others:
        assert not parse_event(called_by_role(arn)).is_own_call("vpc-remediator"), arn


@pytest.mark.parametrize(
    "name",
    [
        "ec2/DeleteVpc",
        "ec2/DeleteSubnet",
        "ec2/DetachInternetGateway",
        "ec2/DeleteInternetGateway",
        "ec2/DeleteRoute",
        "ec2/ReplaceRoute",
        "ec2/DisassociateRouteTable",
        "ec2/ReplaceRouteTableAssociation",
        "ec2/AssociateRouteTable",
        "ec2/RunInstances_no_default_vpc",
        "autoscaling/CreateLaunchConfiguration_no_default_vpc",
        "ec2/RunInstances_no_default_subnets",
        "cloudformation/StackStatusChange_create_complete",
    ],
)
def test_calls_that_can_break_or_reveal_a_broken_default_vpc_are_relevant(name: str) -> None:
    assert default_vpc_relevance(parse_event(sample(name)))


@pytest.mark.parametrize(
    "name",
    ["ec2/DeleteSubnet_failed", "ec2/RunInstances_failed_other", "autoscaling/CreateAutoScalingGroup_failed_other"],
)
def test_other_failures_are_not_relevant(name: str) -> None:
    assert default_vpc_relevance(parse_event(sample(name))) is None


ECS = "arn:aws:ecs:us-east-1:123456789012"
BATCH = "arn:aws:batch:us-east-1:123456789012"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012"


@pytest.mark.parametrize(
    ("name", "kind", "identifier"),
    [
        ("ecs/CreateService", "ecs-service", f"{ECS}:service/web/api"),
        ("ecs/UpdateService", "ecs-service", f"{ECS}:service/web/api"),
        ("ecs/CreateTaskSet", "ecs-task-set", f"{ECS}:task-set/web/api-external/ecs-svc/1234567890123456789"),
        ("ecs/RunTask", "ecs-task", f"{ECS}:task/web/0123456789abcdef0123456789abcdef"),
        ("batch/CreateComputeEnvironment", "batch-compute-environment", f"{BATCH}:compute-environment/jobs-fargate"),
        ("batch/RegisterJobDefinition", "batch-job-definition", f"{BATCH}:job-definition/nightly-report:1"),
        ("lambda/CreateFunction20150331", "lambda-function", f"{LAMBDA}:function:orders-api"),
        ("lambda/UpdateFunctionConfiguration20150331v2", "lambda-function", f"{LAMBDA}:function:orders-api"),
    ],
)
def test_each_placement_call_names_its_workload(name: str, kind: str, identifier: str) -> None:
    refs, why_not = placement_refs(parse_event(sample(name)))
    assert why_not is None
    assert [(ref.kind, ref.identifier) for ref in refs] == [(kind, identifier)]


def test_event_tags_are_read_in_each_services_spelling() -> None:
    (ecs,), _ = placement_refs(parse_event(sample("ecs/CreateService_exempt")))
    (fn,), _ = placement_refs(parse_event(sample("lambda/CreateFunction20150331_exempt")))
    assert ecs.tags == fn.tags == {"vpc-remediator:exempt": "true"}


def test_a_task_keeps_the_network_it_was_started_with() -> None:
    (task,), _ = placement_refs(parse_event(sample("ecs/RunTask")))
    assert task.network is not None
    assert task.network["assignPublicIp"] == "DISABLED"
    assert task.cluster == "arn:aws:ecs:us-east-1:123456789012:cluster/web"


def test_an_update_that_leaves_the_network_alone_is_not_a_placement() -> None:
    refs, why_not = placement_refs(parse_event(sample("ecs/UpdateService_scale_only")))
    assert refs == []
    assert why_not is not None and "network" in why_not


@pytest.mark.parametrize(
    ("name", "omitted"),
    [
        ("ecs/UpdateService_omitted", True),
        ("lambda/CreateFunction20150331_request_null", True),
        ("lambda/UpdateFunctionConfiguration20150331v2_omitted", True),
        ("ecs/UpdateService", False),
    ],
)
def test_requests_cloudtrail_left_out_are_recognised(name: str, omitted: bool) -> None:
    assert parse_event(sample(name)).request_omitted is omitted


def test_an_omitted_request_is_read_by_the_identifier_in_the_response_whatever_the_call_filters_on() -> None:
    refs, why_not = placement_refs(parse_event(sample("ecs/UpdateService_omitted")))
    assert why_not is None
    assert [ref.identifier for ref in refs] == ["arn:aws:ecs:us-east-1:123456789012:service/web/api"]


def test_an_omitted_request_and_response_leave_it_to_the_sweep() -> None:
    refs, why_not = placement_refs(parse_event(sample("lambda/UpdateFunctionConfiguration20150331v2_omitted")))
    assert refs == []
    assert why_not is not None and why_not.startswith("CloudTrail omitted") and "sweep" in why_not


def test_tasks_started_by_aws_batch_are_left_to_their_compute_environment() -> None:
    refs, why_not = placement_refs(parse_event(sample("ecs/RunTask_batch")))
    assert refs == []
    assert why_not is not None and "AWS Batch" in why_not and "compute environment" in why_not


def test_run_tasks_of_one_caller_family_and_network_share_a_report_group_whatever_the_session() -> None:
    first = sample("ecs/RunTask_scheduler")
    again = json.loads(json.dumps(first))
    again["detail"]["userIdentity"]["arn"] = "arn:aws:sts::123456789012:assumed-role/ReportScheduler/other-session"
    again["detail"]["requestParameters"]["taskDefinition"] = (
        "arn:aws:ecs:us-east-1:123456789012:task-definition/report:4"
    )
    other_network = json.loads(json.dumps(first))
    other_network["detail"]["requestParameters"]["networkConfiguration"]["awsvpcConfiguration"]["subnets"] = [
        "subnet-x"
    ]
    group = report_group(parse_event(first))
    assert group is not None and "ReportScheduler" in group and "report/" in group
    assert report_group(parse_event(again)) == group
    assert report_group(parse_event(other_network)) != group
    assert report_group(parse_event(sample("ecs/CreateService"))) is None
