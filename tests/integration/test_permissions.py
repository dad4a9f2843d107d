"""Each function's IAM permissions in template.yaml cover every AWS call its code makes (moto enforces no IAM)."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.integration.conftest import regions
from tests.support.nat_gateway import created_nat, event_for
from vpc_remediator.cli.samples import events_dir, load_sample
from vpc_remediator.cli.template import load_template
from vpc_remediator.devkit.api_calls import counting
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc, delete_gateway, make_default_vpc_work
from vpc_remediator.devkit.scenarios.placement import (
    awsvpc,
    build_topology,
    compute_environment,
    ecs_service,
    job_definition,
    lambda_function,
)
from vpc_remediator.remediation.entry import (
    Home,
    on_default_vpc_event,
    on_nat_gateway_event,
    on_placement_event,
    on_sweep_event,
)
from vpc_remediator.settings import Settings

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
# The actions SAM's policy templates grant, for the ones the template uses.
SAM_POLICY_TEMPLATES = {
    "DynamoDBCrudPolicy": [
        "dynamodb:GetItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:Scan",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:BatchGetItem",
        "dynamodb:DescribeTable",
        "dynamodb:ConditionCheckItem",
    ],
    "SQSSendMessagePolicy": ["sqs:SendMessage*"],
    "AWSSecretsManagerGetSecretValuePolicy": ["secretsmanager:GetSecretValue"],
}


def allowed_actions(function: str) -> list[str]:
    """Every action the function's Policies allow (statements, SAM policy templates, the managed policy)."""
    template = load_template(TEMPLATE)
    resources = template["Resources"]
    actions: list[str] = []

    def from_statements(statements: list[dict[str, Any]]) -> None:
        for statement in statements:
            if statement.get("Effect") == "Allow":
                action = statement["Action"]
                actions.extend(action if isinstance(action, list) else [action])

    for entry in resources[function]["Properties"].get("Policies", []):
        # A conditional policy (Slack on) counts as granted: the test checks what the code may need.
        policy = entry["Fn::If"][1] if "Fn::If" in entry else entry
        if "Statement" in policy:
            from_statements(policy["Statement"])
        elif "Ref" in policy:
            from_statements(resources[policy["Ref"]]["Properties"]["PolicyDocument"]["Statement"])
        else:
            for name in policy:
                actions.extend(SAM_POLICY_TEMPLATES[name])
    return actions


def assert_allowed(function: str, calls: set[str]) -> None:
    allowed = allowed_actions(function)
    missing = sorted(call for call in calls if not any(fnmatch.fnmatchcase(call, pattern) for pattern in allowed))
    assert not missing, f"{function} calls {missing} but template.yaml does not allow them"


@pytest.fixture
def account() -> Iterator[dict[str, Any]]:
    with mock_aws():
        client = {name: boto3.client(name, region_name=REGION) for name in ("ec2", "ecs", "lambda", "iam", "batch")}
        make_default_vpc_work(client["ec2"])
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName="ledger",
            AttributeDefinitions=[
                {"AttributeName": "resource", "AttributeType": "S"},
                {"AttributeName": "at", "AttributeType": "S"},
            ],
            KeySchema=[{"AttributeName": "resource", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield {**client, "topology": build_topology(client["ec2"])}


SETTINGS = Settings(stack_name="vpc-remediator", ledger_table="ledger")
# In Lambda the functions read their account from their own ARN (no call), as the handlers pass it here.
ACCOUNT = "123456789012"


def test_the_sweep_is_allowed_every_call_it_makes(account: dict[str, Any]) -> None:
    topo = account["topology"]
    ecs_service(account["ecs"], "checkout", awsvpc(topo.isolated, (topo.web_sg,), False))
    lambda_function(account["lambda"], account["iam"], "orders", topo.public, (topo.web_sg,))
    compute_environment(account["batch"], account["iam"], "jobs", topo.public, (topo.web_sg,))
    job_definition(account["batch"], account["iam"], "nightly-report", None)
    delete_gateway(account["ec2"])
    scheduled = json.loads((events_dir() / "events/Scheduled_sweep.json").read_text())
    with counting() as counter:
        reports = on_sweep_event(scheduled, regions(SETTINGS), out_of_time=lambda: False, home=Home(ACCOUNT)).reports
    calls = set(counter.calls)
    assert reports[0].details.counts["ecs-service"] == {"remediated": 1}
    assert {"ecs:ListClusters", "lambda:ListFunctions", "ecs:UpdateService", "ec2:AttachInternetGateway"} <= calls
    assert_allowed("SweepFunction", calls)


def test_placement_is_allowed_every_call_it_makes(account: dict[str, Any]) -> None:
    topo = account["topology"]
    # HTTPS through a prefix list (its entries are read) and a Fargate environment (the job definition's groups).
    ec2 = account["ec2"]
    prefix_list = ec2.create_managed_prefix_list(
        PrefixListName="partners", MaxEntries=2, AddressFamily="IPv4", Entries=[{"Cidr": "0.0.0.0/0"}]
    )["PrefixList"]["PrefixListId"]
    permission = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": prefix_list}]}
    ec2.authorize_security_group_ingress(GroupId=topo.web_sg, IpPermissions=[permission])
    compute_environment(account["batch"], account["iam"], "jobs", topo.public, (topo.web_sg,))
    events = [
        load_sample(
            "ecs/CreateService", **ecs_service(account["ecs"], "checkout", awsvpc(topo.isolated, (topo.web_sg,), False))
        ),
        load_sample(
            "lambda/CreateFunction20150331",
            **lambda_function(account["lambda"], account["iam"], "orders", topo.public, (topo.web_sg,)),
        ),
        load_sample(
            "batch/RegisterJobDefinition", **job_definition(account["batch"], account["iam"], "nightly-report", None)
        ),
    ]
    with counting() as counter:
        outcomes = [
            report.outcome.value
            for event in events
            for report in on_placement_event(event, regions(SETTINGS), home=Home(ACCOUNT))
        ]
    calls = set(counter.calls)
    assert outcomes == ["remediated", "remediated", "remediated"]
    assert "ec2:GetManagedPrefixListEntries" in calls
    assert_allowed("PlacementFunction", calls)


def test_the_default_vpc_guardian_is_allowed_every_call_it_makes(ec2: Any) -> None:
    delete_default_vpc(ec2)
    with counting() as counter:
        (report,) = on_default_vpc_event(load_sample("ec2/DeleteVpc"), regions(SETTINGS), home=Home(ACCOUNT))
    calls = set(counter.calls)
    assert report.outcome.value == "remediated"
    assert_allowed("DefaultVpcFunction", calls)


def test_the_nat_gateway_report_is_allowed_every_call_it_makes(ec2: Any) -> None:
    gateway = created_nat(ec2)
    with counting() as counter:
        (report,) = on_nat_gateway_event(event_for(gateway), regions(SETTINGS), home=Home(ACCOUNT))
    calls = set(counter.calls)
    assert report.kind == "nat-gateway"
    assert calls, "the report reads the gateway's VPC"
    assert_allowed("NatGatewayFunction", calls)
