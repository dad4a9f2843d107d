"""What the stack keeps, and for how long: every function's logs in a log group of the stack with a retention, the
audit trail and the dead letters kept when the stack goes, the idempotency records deliberately not."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpc_remediator.cli.template import functions, load_template

TEMPLATE = load_template(Path(__file__).resolve().parents[2] / "template.yaml")
RESOURCES = TEMPLATE["Resources"]


def test_log_retention_is_a_parameter_of_a_year_by_default() -> None:
    parameter = TEMPLATE["Parameters"]["LogRetentionDays"]
    assert parameter["Default"] == 365
    # CloudWatch Logs accepts only these retentions: any other value would fail the deploy, not the template check.
    assert 365 in parameter["AllowedValues"] and 3653 in parameter["AllowedValues"]


@pytest.mark.parametrize("function", sorted(functions(TEMPLATE)))
def test_every_function_logs_to_a_log_group_of_the_stack_that_expires(function: str) -> None:
    group = TEMPLATE["Resources"][function]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    log_group = RESOURCES[group]
    assert log_group["Type"] == "AWS::Logs::LogGroup"
    assert log_group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    # The logs hold every report: kept when the stack is deleted (they still expire).
    assert (log_group["DeletionPolicy"], log_group["UpdateReplacePolicy"]) == ("Retain", "Retain")
    # A function that exists only with Slack on has its log group on the same condition.
    assert log_group.get("Condition") == RESOURCES[function].get("Condition")


@pytest.mark.parametrize(
    ("resource", "policy"),
    [
        ("LedgerTable", "Retain"),
        ("FailedEventsQueue", "Retain"),
        ("ReportsDeadLetterQueue", "Retain"),
        ("IdempotencyTable", "Delete"),
        ("ReportsQueue", "Delete"),
    ],
)
def test_the_audit_trail_and_the_dead_letters_outlive_the_stack(resource: str, policy: str) -> None:
    assert (RESOURCES[resource]["DeletionPolicy"], RESOURCES[resource]["UpdateReplacePolicy"]) == (policy, policy)


def test_every_stateful_resource_says_what_happens_to_it_when_the_stack_goes() -> None:
    stateful = ("AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Logs::LogGroup")
    undecided = [name for name, item in RESOURCES.items() if item["Type"] in stateful and "DeletionPolicy" not in item]
    assert undecided == []


@pytest.mark.parametrize("function", sorted(functions(TEMPLATE)))
def test_every_function_may_write_its_own_log_group_and_no_other(function: str) -> None:
    role = RESOURCES[RESOURCES[function]["Properties"]["Role"]["Fn::GetAtt"][0]]["Properties"]
    # A conditional policy (the approval worker's bot token) counts as granted.
    policies = [policy["Fn::If"][1] if "Fn::If" in policy else policy for policy in role["Policies"]]
    statements = [s for policy in policies for s in policy["PolicyDocument"]["Statement"]]
    writes = [s for s in statements if any(str(action).startswith("logs:") for action in s["Action"])]
    assert [(sorted(s["Action"]), s["Resource"]) for s in writes] == [
        (["logs:CreateLogStream", "logs:PutLogEvents"], {"Fn::GetAtt": [f"{function}LogGroup", "Arn"]})
    ]
    # No managed policy of AWS's (SAM's AWSLambdaBasicExecutionRole writes any log group).
    assert all("arn:" not in str(arn) for arn in role.get("ManagedPolicyArns", []))
