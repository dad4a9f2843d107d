"""The organization sweep's resources in template.yaml: bounded workers that act in members through the exec role
only, and a queue only the sweep writes to. (moto implements neither ScalingConfig nor IAM: the template is read.)"""

from __future__ import annotations

import json
from pathlib import Path

from vpc_remediator.cli.template import load_template
from vpc_remediator.settings import SWEEP_CONCURRENCY_RANGE

TEMPLATE = load_template(Path(__file__).resolve().parents[2] / "template.yaml")
RESOURCES = TEMPLATE["Resources"]
ORGANIZATION_ONLY = ("SweepQueue", "SweepQueuePolicy", "SweepDeadLetterQueue", "SweepFanOut", "SweepWorkerFunction")


def worker_statements() -> list[dict[str, object]]:
    (policy,) = RESOURCES["SweepWorkerFunctionRole"]["Properties"]["Policies"]
    return list(policy["PolicyDocument"]["Statement"])


def test_the_fan_out_exists_only_in_organization_mode() -> None:
    assert TEMPLATE["Conditions"]["IsOrganization"] == {"Fn::Equals": [{"Ref": "Mode"}, "organization"]}
    assert TEMPLATE["Parameters"]["Mode"]["Default"] == "account"
    for name in ORGANIZATION_ONLY:
        assert RESOURCES[name]["Condition"] == "IsOrganization", name


def test_workers_take_one_pair_each_at_most_sweep_concurrency_at_once() -> None:
    source = RESOURCES["SweepWorkerFunction"]["Properties"]["Events"]["Pairs"]["Properties"]
    assert source["Queue"] == {"Fn::GetAtt": ["SweepQueue", "Arn"]}
    assert source["BatchSize"] == 1
    assert source["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "SweepConcurrency"}}
    parameter = TEMPLATE["Parameters"]["SweepConcurrency"]
    # The range Lambda takes for MaximumConcurrency, which the settings check at cold start too.
    assert (parameter["MinValue"], parameter["MaxValue"]) == SWEEP_CONCURRENCY_RANGE


def test_the_worker_assumes_only_the_exec_role_of_the_organizations_accounts() -> None:
    (assume,) = [s for s in worker_statements() if "sts:AssumeRole" in json.dumps(s["Action"])]
    assert assume["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/vpc-remediator/${ExecRoleName}"}
    assert assume["Condition"] == {"StringEquals": {"aws:ResourceOrgID": {"Ref": "OrganizationId"}}}


def test_the_worker_has_no_network_or_workload_right_of_its_own() -> None:
    actions = json.dumps([s["Action"] for s in worker_statements()])
    for service in ("ec2:", "ecs:", "batch:", "lambda:", "iam:"):
        assert service not in actions
    # Its only managed policy: sending reports to Slack's queue, when Slack is on.
    managed = RESOURCES["SweepWorkerFunctionRole"]["Properties"]["ManagedPolicyArns"]
    assert managed == [{"Fn::If": ["SlackOn", {"Ref": "ReportsQueueSendPermissions"}, {"Ref": "AWS::NoValue"}]}]


def test_only_the_sweep_and_its_workers_may_queue_a_pair() -> None:
    (statement,) = RESOURCES["SweepQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == ("Deny", "*", "sqs:SendMessage")
    allowed = statement["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]
    assert allowed == [
        {"Fn::GetAtt": ["SweepFunctionRole", "Arn"]},
        {"Fn::GetAtt": ["SweepWorkerFunctionRole", "Arn"]},
    ]
