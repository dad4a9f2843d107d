"""The guards hold for every legal stack name: none relies on a generated name starting with "<stack name>-".

CloudFormation names a stack's roles and functions "<stack name>-<logical id>-<suffix>" within their limits (64
characters), cutting a long stack name short; and another stack's names may start with this one's. So the loop guard
knows the stack's roles by their path, and the self-deny and the sweep's self-invoke name the functions' exact ARNs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vpc_remediator.cli.template import load_template, resolve

TEMPLATE = load_template(Path(__file__).resolve().parents[2] / "template.yaml")
RESOURCES = TEMPLATE["Resources"]
# CloudFormation's longest stack name (128 characters).
LONGEST_STACK_NAME = "r" + "-remediator" * 11 + "x" * 6
# IAM's rule for a path: "/" alone, or "/" ... "/" of printable ASCII characters, at most 512 in all.
IAM_PATH = re.compile(r"^(/|/[\x21-\x7e]+/)$")
ROLE_PATH = {"Fn::Sub": "/vpc-remediator/${AWS::StackName}/"}
FUNCTIONS = {name for name, item in RESOURCES.items() if item["Type"] == "AWS::Serverless::Function"}


def subs(node: Any) -> Iterator[str]:
    """Every Fn::Sub text in a part of the template."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::Sub":
                yield value if isinstance(value, str) else value[0]
            else:
                yield from subs(value)
    elif isinstance(node, list):
        for item in node:
            yield from subs(item)


def statements(policy: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = RESOURCES[policy]["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_no_name_in_the_template_is_matched_by_a_stack_name_prefix() -> None:
    # "${AWS::StackName}/" (a path, a stack ARN) ends where the name ends; "${AWS::StackName}-" would not.
    assert [text for text in subs(TEMPLATE) if "${AWS::StackName}-" in text] == []


def test_every_function_has_a_role_of_the_stack_under_its_path_which_holds_the_longest_name() -> None:
    roles = {name for name, item in RESOURCES.items() if item["Type"] == "AWS::IAM::Role"}
    assert {RESOURCES[function]["Properties"]["Role"]["Fn::GetAtt"][0] for function in FUNCTIONS} == roles
    assert all(RESOURCES[role]["Properties"]["Path"] == ROLE_PATH for role in roles)
    path = resolve(ROLE_PATH, {"AWS::StackName": LONGEST_STACK_NAME})
    assert IAM_PATH.match(path) and len(path) <= 512


def test_the_stack_never_changes_its_own_functions_named_by_their_exact_arns() -> None:
    policy = RESOURCES["NeverChangeOwnFunctions"]["Properties"]
    # Attached to every role that may change a function's configuration.
    changers = {
        name
        for name, item in RESOURCES.items()
        if item["Type"] == "AWS::IAM::ManagedPolicy"
        and any("lambda:UpdateFunctionConfiguration" in json.dumps(s["Action"]) for s in statements(name))
    }
    assert changers == {"PlacementPermissions"}
    assert policy["Roles"] == [
        {"Ref": "PlacementFunctionRole"},
        {"Ref": "SweepFunctionRole"},
        # The approval worker has PlacementPermissions too, when approvals are on.
        {"Fn::If": ["ApprovalsOn", {"Ref": "ApprovalWorkerFunctionRole"}, {"Ref": "AWS::NoValue"}]},
    ]
    (deny,) = policy["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Action"]) == ("Deny", "lambda:UpdateFunctionConfiguration")
    named = [
        item["Fn::If"][1] if "Fn::If" in item else item  # the notifier exists only with Slack on
        for item in deny["Resource"]
    ]
    assert sorted(json.dumps(item) for item in named) == sorted(
        json.dumps({"Fn::GetAtt": [function, "Arn"]}) for function in FUNCTIONS
    )


def test_the_sweep_may_invoke_itself_and_nothing_else() -> None:
    policy = RESOURCES["SweepContinuation"]["Properties"]
    assert policy["Roles"] == [{"Ref": "SweepFunctionRole"}]
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Sid": "ContinueSweep",
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": {"Fn::GetAtt": ["SweepFunction", "Arn"]},
        }
    ]
    granted = json.dumps({name: RESOURCES[name] for name in RESOURCES if name != "SweepContinuation"})
    assert "lambda:InvokeFunction" not in granted
