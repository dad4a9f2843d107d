"""PlacementFunction against a simulated account: every rule, read back the way a user would check it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from tests.integration.conftest import regions
from vpc_remediator import bootstrap
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.placement import (
    EXEMPT,
    Topology,
    awsvpc,
    build_topology,
    compute_environment,
    ecs_network,
    ecs_service,
    job_definition,
    lambda_function,
)
from vpc_remediator.domain.report import Outcome
from vpc_remediator.domain.workload import WorkloadRef
from vpc_remediator.events import parse_event, report_group
from vpc_remediator.handlers.placement import lambda_handler
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.entry import on_placement_event
from vpc_remediator.remediation.placement import remediate_workload
from vpc_remediator.settings import Settings

SETTINGS = Settings(stack_name="vpc-remediator")


@dataclass
class World:
    ec2: Any
    ecs: Any
    lam: Any
    iam: Any
    batch: Any
    dynamodb: Any
    topo: Topology


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        clients = {name: boto3.client(name, region_name=REGION) for name in ("ec2", "ecs", "lambda", "iam", "batch")}
        yield World(
            clients["ec2"],
            clients["ecs"],
            clients["lambda"],
            clients["iam"],
            clients["batch"],
            boto3.client("dynamodb", region_name=REGION),
            build_topology(clients["ec2"]),
        )


def handle(event: dict[str, Any], settings: Settings = SETTINGS, **preset: Any) -> list[dict[str, Any]]:
    reports = on_placement_event(event, regions(settings, **preset), delays=(0, 0), sleep=lambda _: None)
    return [report.to_dict() for report in reports]


def one(event: dict[str, Any], settings: Settings = SETTINGS) -> dict[str, Any]:
    (report,) = handle(event, settings)
    return report


def service_event(world: World, name: str, subnets: tuple[str, ...], public_ip: bool, **kwargs: Any) -> dict[str, Any]:
    groups = kwargs.pop("groups", (world.topo.web_sg,))
    sample = kwargs.pop("sample", "ecs/CreateService")
    created = ecs_service(world.ecs, name, awsvpc(subnets, groups, public_ip), **kwargs)
    return load_sample(sample, **created)


def arn_of(event: dict[str, Any]) -> str:
    arn: str = event["detail"]["responseElements"]["service"]["serviceArn"]
    return arn


def zones(world: World, subnets: list[str]) -> list[str]:
    found = world.ec2.describe_subnets(SubnetIds=subnets)["Subnets"]
    return sorted(subnet["AvailabilityZone"] for subnet in found)


# ECS services ---------------------------------------------------------------------------------------------------------


def test_a_service_in_isolated_subnets_moves_to_public_subnets_with_a_public_ip(world: World) -> None:
    event = service_event(world, "checkout", world.topo.isolated, public_ip=False)
    report = one(event)
    after = ecs_network(world.ecs, arn_of(event))
    assert report["outcome"] == "remediated"
    assert report["kind"] == "ecs-service"
    assert report["resource"] == arn_of(event)
    assert set(after["subnets"]) == set(world.topo.public)
    assert zones(world, after["subnets"]) == zones(world, list(world.topo.isolated))
    assert after["securityGroups"] == [world.topo.web_sg]
    assert after["assignPublicIp"] == "ENABLED"
    (action,) = report["actions"]
    assert action["api"] == "ecs:UpdateService"
    assert action["params"]["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == after["subnets"]
    assert "aws ecs update-service" in action["undo"]
    assert all(subnet in action["undo"] for subnet in world.topo.isolated)
    details = report["details"]
    assert {s["egress"] for s in details["subnets_before"]} == {"isolated"}
    assert {s["egress"] for s in details["subnets_after"]} == {"public"}
    assert (details["assign_public_ip_before"], details["assign_public_ip_after"]) == ("DISABLED", "ENABLED")
    assert details["vpc_id"] == world.topo.vpc_id


def test_a_service_in_public_subnets_gets_its_public_ip_and_keeps_its_subnets(world: World) -> None:
    event = service_event(world, "web", world.topo.public, public_ip=False)
    report = one(event)
    after = ecs_network(world.ecs, arn_of(event))
    assert report["outcome"] == "remediated"
    assert after["subnets"] == list(world.topo.public)
    assert after["securityGroups"] == [world.topo.web_sg]
    assert after["assignPublicIp"] == "ENABLED"


@pytest.mark.parametrize("where", ["public", "private"])
def test_a_service_with_egress_is_compliant_and_untouched(world: World, where: str) -> None:
    subnets = world.topo.public if where == "public" else world.topo.private
    event = service_event(world, "ok", subnets, public_ip=where == "public")
    before = ecs_network(world.ecs, arn_of(event))
    report = one(event)
    assert report["outcome"] == "compliant"
    assert report["actions"] == []
    assert ecs_network(world.ecs, arn_of(event)) == before


def test_a_network_change_by_update_service_is_checked_too(world: World) -> None:
    event = service_event(world, "api", world.topo.public, public_ip=True)
    network = awsvpc(world.topo.isolated, (world.topo.web_sg,), public_ip=True)
    world.ecs.update_service(cluster="shop", service="api", networkConfiguration=network)
    update = load_sample(
        "ecs/UpdateService",
        request={"cluster": "shop", "service": "api", "networkConfiguration": network},
        responseElements=event["detail"]["responseElements"],
    )
    assert one(update)["outcome"] == "remediated"
    assert set(ecs_network(world.ecs, arn_of(event))["subnets"]) == set(world.topo.public)


def test_a_service_of_a_vpc_without_public_subnets_needs_nat_with_the_facts_for_advice(world: World) -> None:
    vpc_id = world.ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    world.ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    subnet = world.ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.40.0.0/24", AvailabilityZone="us-east-1a")
    subnet_id = subnet["Subnet"]["SubnetId"]
    group = world.ec2.create_security_group(GroupName="internal", Description="internal", VpcId=vpc_id)["GroupId"]
    event = service_event(world, "internal", (subnet_id,), public_ip=False, groups=(group,))
    before = ecs_network(world.ecs, arn_of(event))
    report = one(event)
    assert report["outcome"] == "needs-nat"
    assert ecs_network(world.ecs, arn_of(event)) == before
    nat = report["details"]["nat"]
    assert nat["vpc_id"] == vpc_id
    assert nat["kind"] == "ecs-service"
    assert nat["subnets"] == [
        {"id": subnet_id, "zone": "us-east-1a", "egress": "isolated", "via": None, "ipv6_egress": None}
    ]


def test_a_service_in_bridge_mode_is_skipped_with_the_reason(world: World) -> None:
    world.ecs.create_cluster(clusterName="shop")
    definition = world.ecs.register_task_definition(
        family="legacy", networkMode="bridge", containerDefinitions=[{"name": "a", "image": "nginx", "memory": 256}]
    )["taskDefinition"]["taskDefinitionArn"]
    service = world.ecs.create_service(cluster="shop", serviceName="legacy", taskDefinition=definition, desiredCount=1)
    event = load_sample(
        "ecs/CreateService",
        request={"cluster": "shop", "serviceName": "legacy", "taskDefinition": definition},
        responseElements={"service": {"serviceArn": service["service"]["serviceArn"], "clusterArn": "shop"}},
    )
    report = one(event)
    assert report["outcome"] == "skipped"
    assert "network mode bridge" in report["reason"]


# Tasks and task sets: never changed, the corrected configuration reported --------------------------------------------


def test_a_running_task_is_never_stopped_and_gets_its_corrected_network_configuration(world: World) -> None:
    ecs_service(world.ecs, "api", awsvpc(world.topo.public, (world.topo.web_sg,), True))
    definition = world.ecs.describe_task_definition(taskDefinition="api")["taskDefinition"]["taskDefinitionArn"]
    network = awsvpc(world.topo.isolated, (world.topo.web_sg,), public_ip=False)
    run = world.ecs.run_task(
        cluster="shop", taskDefinition=definition, launchType="FARGATE", networkConfiguration=network
    )
    task_arn = run["tasks"][0]["taskArn"]
    request = {"cluster": "shop", "taskDefinition": definition, "networkConfiguration": network}
    tasks = [{"taskArn": task_arn, "clusterArn": run["tasks"][0]["clusterArn"]}]
    report = one(load_sample("ecs/RunTask", request=request, responseElements={"tasks": tasks}))
    assert report["kind"] == "ecs-task"
    assert report["outcome"] == "skipped"
    assert report["actions"] == []
    corrected = report["details"]["corrected"]["networkConfiguration"]["awsvpcConfiguration"]
    assert set(corrected["subnets"]) == set(world.topo.public)
    assert corrected["securityGroups"] == [world.topo.web_sg]
    assert corrected["assignPublicIp"] == "ENABLED"
    (task,) = world.ecs.describe_tasks(cluster="shop", tasks=[task_arn])["tasks"]
    assert task["lastStatus"] != "STOPPED"


def run_task_event(world: World, sample: str = "ecs/RunTask_scheduler") -> dict[str, Any]:
    """A task started in isolated subnets, as the sample's caller started it."""
    if not world.ecs.list_task_definitions(familyPrefix="api")["taskDefinitionArns"]:
        ecs_service(world.ecs, "api", awsvpc(world.topo.public, (world.topo.web_sg,), True))
    definition = world.ecs.describe_task_definition(taskDefinition="api")["taskDefinition"]["taskDefinitionArn"]
    network = awsvpc(world.topo.isolated, (world.topo.web_sg,), public_ip=False)
    run = world.ecs.run_task(
        cluster="shop", taskDefinition=definition, launchType="FARGATE", networkConfiguration=network
    )
    request = {"cluster": "shop", "taskDefinition": definition, "networkConfiguration": network}
    tasks = [{"taskArn": run["tasks"][0]["taskArn"], "clusterArn": run["tasks"][0]["clusterArn"]}]
    return load_sample(sample, request=request, responseElements={"tasks": tasks})


def test_tasks_started_again_and_again_by_one_caller_get_one_report_per_window(world: World) -> None:
    first = one(run_task_event(world))
    second = one(run_task_event(world))
    assert first["outcome"] == "skipped"
    assert second["outcome"] == "ignored"
    assert "one report per 24 h (RunTaskReportWindowHours)" in second["reason"]


def test_the_run_task_report_window_is_a_setting(world: World) -> None:
    event = run_task_event(world)
    group = report_group(parse_event(event))
    stamp = ReportStamp("earlier", None, "123456789012", REGION, "RunTask", None)
    earlier = stamp.report("arn:aws:ecs:task/earlier", "ecs-task", Outcome.SKIPPED, "reported")
    bootstrap.memory_ledger().record(earlier, datetime.now(UTC) - timedelta(hours=3), f"report-group/{group}")
    assert one(event, replace(SETTINGS, run_task_report_window_hours=4))["outcome"] == "ignored"
    assert one(run_task_event(world), replace(SETTINGS, run_task_report_window_hours=2))["outcome"] == "skipped"


def test_a_task_started_by_aws_batch_is_not_reported_on_its_own(world: World) -> None:
    (report,) = handle(run_task_event(world, "ecs/RunTask_batch"))
    assert report["outcome"] == "ignored"
    assert "compute environment" in report["reason"]


def test_a_task_set_gets_its_corrected_network_configuration(world: World) -> None:
    ecs_service(world.ecs, "canary", {}, deployment_controller="EXTERNAL")
    definition = world.ecs.describe_task_definition(taskDefinition="api")["taskDefinition"]["taskDefinitionArn"]
    network = awsvpc(world.topo.public, (world.topo.web_sg,), public_ip=False)
    task_set = world.ecs.create_task_set(
        cluster="shop", service="canary", taskDefinition=definition, launchType="FARGATE", networkConfiguration=network
    )["taskSet"]
    event = load_sample("ecs/CreateTaskSet", responseElements={"taskSet": {k: str(v) for k, v in task_set.items()}})
    report = one(event)
    assert report["kind"] == "ecs-task-set"
    assert report["outcome"] == "skipped"
    corrected = report["details"]["corrected"]["networkConfiguration"]["awsvpcConfiguration"]
    assert corrected["subnets"] == list(world.topo.public)
    assert corrected["assignPublicIp"] == "ENABLED"


# Safety ---------------------------------------------------------------------------------------------------------------


def test_a_public_ip_behind_a_group_open_on_ssh_is_blocked_and_nothing_changes(world: World) -> None:
    event = service_event(world, "admin", world.topo.isolated, public_ip=False, groups=(world.topo.ssh_sg,))
    before = ecs_network(world.ecs, arn_of(event))
    report = one(event)
    assert report["outcome"] == "blocked"
    assert report["actions"] == []
    assert "port 22 from 0.0.0.0/0" in report["reason"]
    assert report["details"]["exposed_rules"] == [f"{world.topo.ssh_sg} allows tcp port 22 from 0.0.0.0/0"]
    assert ecs_network(world.ecs, arn_of(event)) == before


def test_the_allow_list_is_a_setting(world: World) -> None:
    event = service_event(world, "admin", world.topo.public, public_ip=False, groups=(world.topo.ssh_sg,))
    report = one(event, replace(SETTINGS, allowed_public_ports=frozenset({("tcp", 22), ("tcp", 80), ("tcp", 443)})))
    assert report["outcome"] == "remediated"


@pytest.mark.parametrize("where", ["resource", "event"])
def test_an_exempt_service_is_skipped_and_left_as_it_is(world: World, where: str) -> None:
    event = service_event(world, "legacy", world.topo.isolated, public_ip=False, tags=EXEMPT)
    if where == "event":
        # The event's own tags count even when the API does not show them yet.
        world.ecs.untag_resource(resourceArn=arn_of(event), tagKeys=list(EXEMPT))
    before = ecs_network(world.ecs, arn_of(event))
    report = one(event)
    assert report["outcome"] == "skipped"
    assert "exempt" in report["reason"]
    assert ecs_network(world.ecs, arn_of(event)) == before


def test_the_exemption_tag_key_is_a_setting(world: World) -> None:
    event = service_event(world, "legacy", world.topo.isolated, public_ip=False, tags={"hands-off": "true"})
    assert one(event)["outcome"] == "remediated"
    event = service_event(world, "other", world.topo.isolated, public_ip=False, tags={"hands-off": "true"})
    assert one(event, replace(SETTINGS, exempt_tag_key="hands-off"))["outcome"] == "skipped"


def test_a_service_made_by_cloudformation_is_reported_with_the_template_change_and_left_alone(world: World) -> None:
    event = service_event(
        world, "stacked", world.topo.isolated, public_ip=False, sample="ecs/CreateService_cloudformation"
    )
    before = ecs_network(world.ecs, arn_of(event))
    report = one(event)
    assert report["outcome"] == "skipped"
    assert "drift" in report["reason"]
    change = report["details"]["template_change"]
    assert change["resource_type"] == "AWS::ECS::Service"
    assert set(change["value"]["Subnets"]) == set(world.topo.public)
    assert change["value"]["AssignPublicIp"] == "ENABLED"
    assert ecs_network(world.ecs, arn_of(event)) == before


def test_a_service_tagged_by_a_stack_is_left_alone_unless_iac_remediation_is_on(world: World) -> None:
    tags = {"aws:cloudformation:stack-name": "shop"}
    event = service_event(world, "stacked", world.topo.isolated, public_ip=False, tags=tags)
    assert one(event)["outcome"] == "skipped"
    report = one(event, replace(SETTINGS, remediate_iac_managed=True))
    assert report["outcome"] == "remediated"
    assert ecs_network(world.ecs, arn_of(event))["assignPublicIp"] == "ENABLED"


def test_dry_run_reports_the_exact_call_and_changes_nothing(world: World) -> None:
    event = service_event(world, "checkout", world.topo.isolated, public_ip=False)
    before = ecs_network(world.ecs, arn_of(event))
    report = one(event, replace(SETTINGS, dry_run=True))
    assert report["outcome"] == "would-remediate"
    (action,) = report["actions"]
    assert set(action["params"]["networkConfiguration"]["awsvpcConfiguration"]["subnets"]) == set(world.topo.public)
    assert action["undo"]
    assert ecs_network(world.ecs, arn_of(event)) == before


@pytest.mark.parametrize(
    ("sample", "words"), [("ecs/CreateService_own_role", "own role"), ("ecs/CreateService_failed", "failed")]
)
def test_own_calls_and_failed_calls_are_ignored(world: World, sample: str, words: str) -> None:
    (report,) = handle(load_sample(sample))
    assert report["outcome"] == "ignored"
    assert words in report["reason"]


def test_access_denied_is_blocked_not_retried(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    event = service_event(world, "checkout", world.topo.isolated, public_ip=False)
    client = boto3.client("ecs", region_name=REGION)

    def denied(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "explicit deny in an SCP"}}, "UpdateService"
        )

    monkeypatch.setattr(client, "update_service", denied)
    (report,) = handle(event, ecs=client)
    assert report["outcome"] == "blocked"
    assert "explicit deny" in report["reason"]


def test_a_resource_not_found_is_retried_then_skipped_with_the_reason(world: World) -> None:
    event = load_sample("ecs/CreateService")
    waits: list[float] = []
    reports = on_placement_event(event, regions(SETTINGS), delays=(0.5, 1.0), sleep=waits.append)
    (report,) = [r.to_dict() for r in reports]
    assert report["outcome"] == "skipped"
    assert "not found after 3 tries" in report["reason"]
    assert waits == [0.5, 1.0]


def test_a_resource_that_appears_during_the_retries_is_handled(world: World) -> None:
    ecs_service(world.ecs, "late", awsvpc(world.topo.public, (world.topo.web_sg,), True))
    event = load_sample("ecs/CreateService", responseElements={"service": {"serviceArn": "late", "clusterArn": "shop"}})
    world.ecs.delete_service(cluster="shop", service="late", force=True)

    def create_meanwhile(_: float) -> None:
        ecs_service(world.ecs, "late", awsvpc(world.topo.public, (world.topo.web_sg,), True))

    reports = on_placement_event(event, regions(SETTINGS), delays=(0,), sleep=create_meanwhile)
    assert [r.outcome.value for r in reports] == ["compliant"]


# The ledger: audit trail, flapping, duplicate events ------------------------------------------------------------------


def ledger_settings(world: World) -> Settings:
    world.dynamodb.create_table(
        TableName="ledger",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "resource", "AttributeType": "S"},
            {"AttributeName": "at", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "resource", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
    )
    return replace(SETTINGS, ledger_table="ledger")


def revert(world: World, arn: str) -> None:
    world.ecs.update_service(
        cluster="shop", service=arn, networkConfiguration=awsvpc(world.topo.isolated, (world.topo.web_sg,), False)
    )


def test_every_decision_is_kept_in_the_ledger_with_a_ttl(world: World) -> None:
    settings = ledger_settings(world)
    event = service_event(world, "checkout", world.topo.isolated, public_ip=False)
    one(event, settings)
    # The plan before the write, then the decision after it: two small items, the intent's sort key its own.
    intent, item = sorted(world.dynamodb.scan(TableName="ledger")["Items"], key=lambda i: i["decision"]["S"])
    assert intent["decision"]["S"] == "intent"
    assert intent["at"]["S"].endswith("#intent")
    assert intent["event_id"]["S"] == event["detail"]["eventID"]
    assert "ecs:UpdateService" in intent["actions"]["S"]
    assert item["resource"]["S"] == arn_of(event)
    assert item["decision"]["S"] == "remediated"
    assert item["event_id"]["S"] == event["detail"]["eventID"]
    assert "ecs:UpdateService" in item["actions"]["S"]
    assert "aws ecs update-service" in item["undo"]["S"]
    assert int(item["expires_at"]["N"]) > 0


def test_a_service_fought_over_is_left_alone_after_three_remediations(world: World) -> None:
    settings = ledger_settings(world)
    event = service_event(world, "checkout", world.topo.isolated, public_ip=False)
    outcomes = []
    for _ in range(4):
        report = one(load_sample("ecs/CreateService", responseElements=event["detail"]["responseElements"]), settings)
        outcomes.append(report["outcome"])
        revert(world, arn_of(event))
    assert outcomes == ["remediated", "remediated", "remediated", "blocked"]
    assert len(report["details"]["history"]) == 3
    assert set(ecs_network(world.ecs, arn_of(event))["subnets"]) == set(world.topo.isolated)


def test_the_same_event_delivered_again_is_not_acted_on_twice(world: World) -> None:
    settings = ledger_settings(world)
    event = service_event(world, "checkout", world.topo.isolated, public_ip=False)
    assert one(event, settings)["outcome"] == "remediated"
    revert(world, arn_of(event))
    again = one(event, settings)
    assert again["outcome"] == "skipped"
    assert "already handled" in again["reason"]


# Lambda ---------------------------------------------------------------------------------------------------------------


def function_vpc(world: World, name: str) -> dict[str, Any]:
    config: dict[str, Any] = world.lam.get_function_configuration(FunctionName=name)["VpcConfig"]
    return config


def test_a_function_in_public_subnets_moves_to_nat_subnets_keeping_its_groups(world: World) -> None:
    created = lambda_function(world.lam, world.iam, "orders", world.topo.public, (world.topo.web_sg, world.topo.ssh_sg))
    report = one(load_sample("lambda/CreateFunction20150331", **created))
    after = function_vpc(world, "orders")
    assert report["outcome"] == "remediated"
    assert report["kind"] == "lambda-function"
    assert set(after["SubnetIds"]) == set(world.topo.private)
    assert after["SecurityGroupIds"] == [world.topo.web_sg, world.topo.ssh_sg]
    assert report["actions"][0]["api"] == "lambda:UpdateFunctionConfiguration"
    assert "--vpc-config" in report["actions"][0]["undo"]


def test_a_function_whose_request_cloudtrail_left_out_is_read_by_the_arn_in_the_response(world: World) -> None:
    created = lambda_function(world.lam, world.iam, "orders", world.topo.public, (world.topo.web_sg,))
    event = load_sample("lambda/CreateFunction20150331_request_null", responseElements=created["responseElements"])
    report = one(event)
    assert report["outcome"] == "remediated"
    assert (
        "CloudTrail omitted the call's requestParameters: read by the identifier in responseElements"
        in report["reason"]
    )
    assert set(function_vpc(world, "orders")["SubnetIds"]) == set(world.topo.private)


def test_a_call_whose_request_and_response_cloudtrail_left_out_is_skipped_for_the_sweep(world: World) -> None:
    (report,) = handle(load_sample("lambda/UpdateFunctionConfiguration20150331v2_omitted"))
    assert report["outcome"] == "skipped"
    assert "CloudTrail omitted the call's requestParameters" in report["reason"]
    assert "the sweep will check it" in report["reason"]


def test_an_update_service_whose_request_was_omitted_is_checked_not_ignored(world: World) -> None:
    event = service_event(world, "api", world.topo.isolated, public_ip=True)
    update = load_sample("ecs/UpdateService_omitted", responseElements=event["detail"]["responseElements"])
    report = one(update)
    assert report["outcome"] == "remediated"
    assert "requestParameters" in report["reason"]
    assert set(ecs_network(world.ecs, arn_of(event))["subnets"]) == set(world.topo.public)


def test_a_function_in_a_vpc_without_nat_needs_nat_and_is_unchanged(world: World) -> None:
    created = lambda_function(world.lam, world.iam, "edge", world.topo.edge_public, (world.topo.edge_sg,))
    report = one(load_sample("lambda/CreateFunction20150331", **created))
    assert report["outcome"] == "needs-nat"
    assert report["details"]["nat"]["vpc_id"] == world.topo.edge_vpc_id
    assert report["details"]["nat"]["kind"] == "lambda-function"
    assert function_vpc(world, "edge")["SubnetIds"] == list(world.topo.edge_public)
    # The NAT advice: a gateway in each of the function's zones at the region's price, and the cheaper ways out.
    advice = report["details"]["nat_advice"]
    zones = report["details"]["nat"]["zones"]
    assert advice["nat_gateway"]["zones"] == zones
    assert advice["nat_gateway"]["monthly"] == round(0.045 * 730 * len(zones), 2)
    keys = {alternative["key"] for alternative in advice["alternatives"]}
    assert {"gateway-endpoints", "leave-vpc"} <= keys, keys
    assert all(alternative["cost"] for alternative in advice["alternatives"])


def test_a_function_in_isolated_subnets_needs_nat_and_says_it_may_be_fine(world: World) -> None:
    created = lambda_function(world.lam, world.iam, "internal", world.topo.isolated, (world.topo.web_sg,))
    report = one(load_sample("lambda/CreateFunction20150331_isolated", **created))
    assert report["outcome"] == "needs-nat"
    assert "only talks to things inside the VPC" in report["reason"]


def test_a_function_in_nat_subnets_is_compliant(world: World) -> None:
    created = lambda_function(world.lam, world.iam, "fine", world.topo.private, (world.topo.web_sg,))
    assert one(load_sample("lambda/UpdateFunctionConfiguration20150331v2", **created))["outcome"] == "compliant"


def test_a_function_made_by_cloudformation_is_left_alone(world: World) -> None:
    created = lambda_function(world.lam, world.iam, "stacked", world.topo.public, (world.topo.web_sg,))
    report = one(load_sample("lambda/CreateFunction20150331_cloudformation", **created))
    assert report["outcome"] == "skipped"
    assert report["details"]["template_change"]["property"] == "VpcConfig"
    assert function_vpc(world, "stacked")["SubnetIds"] == list(world.topo.public)


# Batch ----------------------------------------------------------------------------------------------------------------


def revisions(world: World, name: str) -> list[dict[str, Any]]:
    found = world.batch.describe_job_definitions(jobDefinitionName=name)["jobDefinitions"]
    return sorted(found, key=lambda item: item["revision"])


def registered_event_id(report: dict[str, Any]) -> str:
    event_id: str = report["event_id"]
    return event_id


def test_a_fargate_job_definition_without_public_ip_gets_a_new_revision_with_one(world: World) -> None:
    compute_environment(world.batch, world.iam, "jobs", world.topo.public, (world.topo.web_sg,))
    registered = job_definition(world.batch, world.iam, "nightly", public_ip="DISABLED")
    report = one(load_sample("batch/RegisterJobDefinition", **registered))
    first, second = revisions(world, "nightly")
    assert report["outcome"] == "remediated"
    assert report["details"]["verified_arn"] == second["jobDefinitionArn"]
    assert second["containerProperties"]["networkConfiguration"]["assignPublicIp"] == "ENABLED"
    # The new revision names the event it was made for (a retry of that event reuses it); everything else identical.
    assert second["tags"].pop("vpc-remediator:made-for-event") == registered_event_id(report)
    for item in (first, second):
        item["containerProperties"].pop("networkConfiguration")
        for key in ("jobDefinitionArn", "revision"):
            item.pop(key)
    assert first == second
    assert "deregister-job-definition" in report["actions"][0]["undo"]


def test_a_job_definition_without_the_setting_counts_as_disabled(world: World) -> None:
    compute_environment(world.batch, world.iam, "jobs", world.topo.public, (world.topo.web_sg,))
    registered = job_definition(world.batch, world.iam, "nightly", public_ip=None)
    assert one(load_sample("batch/RegisterJobDefinition", **registered))["outcome"] == "remediated"


def test_a_job_definition_with_public_ip_is_compliant(world: World) -> None:
    registered = job_definition(world.batch, world.iam, "nightly", public_ip="ENABLED")
    assert one(load_sample("batch/RegisterJobDefinition_compliant", **registered))["outcome"] == "compliant"
    assert len(revisions(world, "nightly")) == 1


def test_a_job_definition_is_blocked_when_a_fargate_environment_opens_ssh(world: World) -> None:
    compute_environment(world.batch, world.iam, "jobs", world.topo.public, (world.topo.ssh_sg,))
    registered = job_definition(world.batch, world.iam, "nightly", public_ip="DISABLED")
    report = one(load_sample("batch/RegisterJobDefinition", **registered))
    assert report["outcome"] == "blocked"
    assert len(revisions(world, "nightly")) == 1


def test_a_compute_environment_in_public_subnets_is_compliant(world: World) -> None:
    created = compute_environment(world.batch, world.iam, "jobs", world.topo.public, (world.topo.web_sg,))
    assert one(load_sample("batch/CreateComputeEnvironment_compliant", **created))["outcome"] == "compliant"


def test_an_exempt_compute_environment_is_skipped(world: World) -> None:
    created = compute_environment(world.batch, world.iam, "jobs", world.topo.isolated, (world.topo.web_sg,))
    event = load_sample("batch/CreateComputeEnvironment_exempt", responseElements=created["responseElements"])
    assert one(event)["outcome"] == "skipped"


def test_a_compute_environment_in_isolated_subnets_plans_public_subnets_in_a_dry_run(world: World) -> None:
    created = compute_environment(world.batch, world.iam, "jobs", world.topo.isolated, (world.topo.web_sg,))
    report = one(load_sample("batch/CreateComputeEnvironment", **created), replace(SETTINGS, dry_run=True))
    assert report["outcome"] == "would-remediate"
    (action,) = report["actions"]
    assert action["api"] == "batch:UpdateComputeEnvironment"
    assert set(action["params"]["computeResources"]["subnets"]) == set(world.topo.public)
    assert action["params"]["computeResources"]["securityGroupIds"] == [world.topo.web_sg]


def batch_described(
    subnets: list[str], group: str, compute_type: str = "FARGATE", strategy: str | None = None
) -> dict[str, Any]:
    resources: dict[str, Any] = {"type": compute_type, "maxvCpus": 8, "subnets": subnets, "securityGroupIds": [group]}
    if strategy:
        resources["allocationStrategy"] = strategy
    return {
        "computeEnvironments": [
            {
                "computeEnvironmentName": "jobs",
                "computeEnvironmentArn": "arn:aws:batch:us-east-1:123456789012:compute-environment/jobs",
                "ecsClusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/jobs",
                "type": "MANAGED",
                "state": "ENABLED",
                "computeResources": resources,
            }
        ]
    }


def stubbed_batch(world: World, responses: list[tuple[str, dict[str, Any], dict[str, Any] | None]]) -> Any:
    # moto stores no new subnets for UpdateComputeEnvironment: the Batch calls are stubbed, the network is moto's.
    client = boto3.client("batch", region_name=REGION)
    stubber = Stubber(client)
    for method, response, expected in responses:
        stubber.add_response(method, response, expected)
    stubber.activate()
    return client, stubber


def test_a_fargate_compute_environment_moves_to_public_subnets_and_is_verified(world: World) -> None:
    isolated, public = list(world.topo.isolated), list(world.topo.public)
    arn = "arn:aws:batch:us-east-1:123456789012:compute-environment/jobs"
    expected_update = {
        "computeEnvironment": arn,
        "computeResources": {"subnets": public, "securityGroupIds": [world.topo.web_sg]},
    }
    batch, stubber = stubbed_batch(
        world,
        [
            (
                "describe_compute_environments",
                batch_described(isolated, world.topo.web_sg),
                {"computeEnvironments": [arn]},
            ),
            (
                "update_compute_environment",
                {"computeEnvironmentName": "jobs", "computeEnvironmentArn": arn},
                expected_update,
            ),
            (
                "describe_compute_environments",
                batch_described(public, world.topo.web_sg),
                {"computeEnvironments": [arn]},
            ),
        ],
    )
    (report,) = handle(
        load_sample("batch/CreateComputeEnvironment", responseElements={"computeEnvironmentArn": arn}),
        batch=batch,
    )
    stubber.assert_no_pending_responses()
    assert report["outcome"] == "remediated"
    assert report["actions"][0]["params"] == expected_update
    assert "update-compute-environment" in report["actions"][0]["undo"]


def test_a_compute_environment_change_that_did_not_land_is_failed(world: World) -> None:
    isolated, public = list(world.topo.isolated), list(world.topo.public)
    arn = "arn:aws:batch:us-east-1:123456789012:compute-environment/jobs"
    batch, _ = stubbed_batch(
        world,
        [
            ("describe_compute_environments", batch_described(isolated, world.topo.web_sg), None),
            ("update_compute_environment", {"computeEnvironmentName": "jobs", "computeEnvironmentArn": arn}, None),
            ("describe_compute_environments", batch_described(isolated, world.topo.web_sg), None),
        ],
    )
    (report,) = handle(
        load_sample("batch/CreateComputeEnvironment", responseElements={"computeEnvironmentArn": arn}),
        batch=batch,
    )
    assert report["outcome"] == "failed"
    assert "did not land" in report["reason"]
    assert public[0] not in report["reason"].split("did not land")[1]


def test_an_ec2_best_fit_compute_environment_is_reported_not_updated(world: World) -> None:
    arn = "arn:aws:batch:us-east-1:123456789012:compute-environment/jobs"
    # EC2 instances need public subnets that map public IPs on launch.
    for subnet in world.topo.public:
        world.ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    batch, stubber = stubbed_batch(
        world,
        [
            (
                "describe_compute_environments",
                batch_described(list(world.topo.isolated), world.topo.web_sg, "EC2", "BEST_FIT"),
                None,
            )
        ],
    )
    (report,) = handle(
        load_sample("batch/CreateComputeEnvironment", responseElements={"computeEnvironmentArn": arn}),
        batch=batch,
    )
    stubber.assert_no_pending_responses()
    assert report["outcome"] == "skipped"
    assert "BEST_FIT" in report["reason"]
    assert set(report["details"]["corrected"]["computeResources"]["subnets"]) == set(world.topo.public)


# The sweep's entry point and the Lambda handler ----------------------------------------------------------------------


def test_remediate_workload_takes_an_already_loaded_workload(world: World) -> None:
    event = service_event(world, "checkout", world.topo.isolated, public_ip=False)
    services = regions(SETTINGS)(REGION).placement_services()
    workload = services.adapter("ecs-service").load(WorkloadRef("ecs-service", arn_of(event), cluster="shop"))
    stamp = ReportStamp("sweep-1", None, "123456789012", REGION, "sweep", None)
    report = remediate_workload(workload, services, SETTINGS, stamp)
    assert report.outcome.value == "remediated"
    assert ecs_network(world.ecs, arn_of(event))["assignPublicIp"] == "ENABLED"


def test_the_handler_returns_the_reports(world: World) -> None:
    event = service_event(world, "checkout", world.topo.public, public_ip=True)
    (report,) = lambda_handler(event, LocalContext("PlacementFunction"))
    assert report["outcome"] == "compliant"
