"""The template trusts no event it did not get from AWS in its own account, and no report it did not send."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, cast

import pytest
from moto.events.models import EventPattern

from vpc_remediator.cli.samples import load_sample
from vpc_remediator.cli.template import eventbridge_rules, load_template, resolve

TEMPLATE = load_template(Path(__file__).resolve().parents[2] / "template.yaml")
STACK_ACCOUNT = "123456789012"
PSEUDO = {
    "AWS::StackName": "vpc-remediator",
    "AWS::AccountId": STACK_ACCOUNT,
    "AWS::Region": "us-east-1",
    "AWS::Partition": "aws",
}
RULES = [rule for rule in eventbridge_rules(TEMPLATE) if rule.name != "Scheduled"]


def routed(event: dict[str, Any]) -> list[str]:
    """The functions the stack's rules (in account 123456789012) send this event to."""
    return [
        rule.function
        for rule in eventbridge_rules(TEMPLATE)
        if EventPattern.load(json.dumps(resolve(rule.pattern, PSEUDO))).matches_event(cast(Any, event))
    ]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.function}.{rule.name}")
def test_every_rule_requires_an_aws_source_and_the_stacks_account(rule: Any) -> None:
    assert rule.pattern.get("account") == [{"Ref": "AWS::AccountId"}]
    sources = rule.pattern.get("source")
    assert sources, "a rule without a source matches custom events"
    for source in sources:
        assert source == {"prefix": "aws."} or (isinstance(source, str) and source.startswith("aws."))


def test_a_custom_event_posing_as_a_missing_default_vpc_reaches_no_function() -> None:
    real = load_sample("ec2/RunInstances_no_default_vpc")
    assert routed(real) == ["DefaultVpcFunction"]
    forged = copy.deepcopy(real)
    forged["source"] = "my.app"
    forged["detail"]["eventName"] = "<!channel> please click"
    assert routed(forged) == []


@pytest.mark.parametrize("sample", ["ec2/DeleteVpc", "ecs/CreateService", "ec2/CreateNatGateway"])
def test_an_event_from_another_account_reaches_no_function(sample: str) -> None:
    event = load_sample(sample)
    assert routed(event)
    event["account"] = "999999999999"
    assert routed(event) == []


def test_only_the_stacks_functions_may_send_to_the_reports_queue() -> None:
    resource = TEMPLATE["Resources"]["ReportsQueuePolicy"]
    assert resource["Properties"]["Queues"] == [{"Ref": "ReportsQueue"}]
    (statement,) = resource["Properties"]["PolicyDocument"]["Statement"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == ("Deny", "*", "sqs:SendMessage")
    allowed = statement["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
    # The functions whose roles may send to it.
    senders = {
        name.removesuffix("Role")
        for name, item in TEMPLATE["Resources"].items()
        if item["Type"] == "AWS::IAM::Role" and "ReportsQueueSendPermissions" in json.dumps(item["Properties"])
    }
    assert senders == {
        "DefaultVpcFunction",
        "SweepFunction",
        "NatGatewayFunction",
        "PlacementFunction",
        "ApprovalWorkerFunction",
        # The organization sweep's workers exist (and send) only in organization mode.
        "SweepWorkerFunction",
    }
    # The approval worker exists only with approvals on.
    allowed = [item["Fn::If"][1] if "Fn::If" in item else item for item in allowed]
    assert sorted(json.dumps(item) for item in allowed) == sorted(
        json.dumps({"Fn::GetAtt": [f"{name}Role", "Arn"]}) for name in senders
    )
