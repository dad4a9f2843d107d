"""Every events/ sample through template.yaml's real rules (moto's EventBridge pattern implementation)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from vpc_remediator.cli.router import Router
from vpc_remediator.cli.template import eventbridge_rules, functions, load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
EVENTS = ROOT / "events"

# Which function (or functions) each sample must reach; None: no rule may match it.
EXPECTED_ROUTES: dict[str, str | tuple[str, ...] | None] = {
    "cloudformation/StackStatusChange_create_complete.json": ("DefaultVpcFunction", "SweepFunction"),
    "cloudformation/StackStatusChange_other_stack.json": None,
    "events/Scheduled_sweep.json": "SweepFunction",
    "ec2/DeleteVpc.json": "DefaultVpcFunction",
    "ec2/DeleteVpc_iam_user.json": "DefaultVpcFunction",
    "ec2/DeleteVpc_aws_cn.json": "DefaultVpcFunction",
    "ec2/DeleteSubnet.json": "DefaultVpcFunction",
    "ec2/DeleteSubnet_failed.json": None,
    "ec2/DeleteSubnet_own_role.json": None,
    "ec2/DetachInternetGateway.json": "DefaultVpcFunction",
    "ec2/DeleteInternetGateway.json": "DefaultVpcFunction",
    "ec2/DeleteRoute.json": "DefaultVpcFunction",
    "ec2/ReplaceRoute.json": "DefaultVpcFunction",
    "ec2/DisassociateRouteTable.json": "DefaultVpcFunction",
    "ec2/ReplaceRouteTableAssociation.json": "DefaultVpcFunction",
    "ec2/AssociateRouteTable.json": "DefaultVpcFunction",
    "autoscaling/CreateLaunchConfiguration_no_default_vpc.json": "DefaultVpcFunction",
    "autoscaling/CreateAutoScalingGroup_failed_other.json": None,
    "ec2/RunInstances_no_default_vpc.json": "DefaultVpcFunction",
    "ec2/RunInstances_no_default_subnets.json": "DefaultVpcFunction",
    "ec2/RunInstances_failed_other.json": None,
    "ec2/CreateNatGateway.json": "NatGatewayFunction",
    "ec2/CreateNatGateway_failed.json": None,
    "ec2/CreateNatGateway_own_role.json": None,
    "ecs/CreateService.json": "PlacementFunction",
    "ecs/CreateService_public_ip_disabled.json": "PlacementFunction",
    "ecs/CreateService_compliant.json": "PlacementFunction",
    "ecs/CreateService_exempt.json": "PlacementFunction",
    "ecs/CreateService_cloudformation.json": "PlacementFunction",
    "ecs/CreateService_own_role.json": None,
    "ecs/CreateService_failed.json": None,
    "ecs/UpdateService.json": "PlacementFunction",
    "ecs/UpdateService_scale_only.json": None,
    "ecs/UpdateService_omitted.json": "PlacementFunction",
    "lambda/CreateFunction20150331_request_null.json": "PlacementFunction",
    "lambda/UpdateFunctionConfiguration20150331v2_omitted.json": "PlacementFunction",
    "ecs/CreateTaskSet.json": "PlacementFunction",
    "ecs/RunTask.json": "PlacementFunction",
    "ecs/RunTask_bridge.json": "PlacementFunction",
    "ecs/RunTask_batch.json": "PlacementFunction",
    "ecs/RunTask_scheduler.json": "PlacementFunction",
    "batch/CreateComputeEnvironment.json": "PlacementFunction",
    "batch/CreateComputeEnvironment_compliant.json": "PlacementFunction",
    "batch/CreateComputeEnvironment_exempt.json": "PlacementFunction",
    "batch/CreateComputeEnvironment_own_role.json": None,
    "batch/CreateComputeEnvironment_failed.json": None,
    "batch/UpdateComputeEnvironment.json": "PlacementFunction",
    "batch/RegisterJobDefinition.json": "PlacementFunction",
    "batch/RegisterJobDefinition_compliant.json": "PlacementFunction",
    "batch/RegisterJobDefinition_cloudformation.json": "PlacementFunction",
    "lambda/CreateFunction20150331.json": "PlacementFunction",
    "lambda/CreateFunction20150331_compliant.json": "PlacementFunction",
    "lambda/CreateFunction20150331_isolated.json": "PlacementFunction",
    "lambda/CreateFunction20150331_exempt.json": "PlacementFunction",
    "lambda/CreateFunction20150331_cloudformation.json": "PlacementFunction",
    "lambda/CreateFunction20150331_own_role.json": None,
    "lambda/CreateFunction20150331_failed.json": None,
    "lambda/CreateFunction20150331_no_vpc.json": None,
    "lambda/UpdateFunctionConfiguration20150331v2.json": "PlacementFunction",
    "autoscaling/CreateAutoScalingGroup.json": "PlacementFunction",
    "autoscaling/CreateAutoScalingGroup_eks.json": "PlacementFunction",
    "autoscaling/CreateAutoScalingGroup_failed.json": None,
    "autoscaling/CreateAutoScalingGroup_own_role.json": None,
    "autoscaling/CreateAutoScalingGroup_no_subnets.json": None,
    "autoscaling/UpdateAutoScalingGroup.json": "PlacementFunction",
    "autoscaling/UpdateAutoScalingGroup_capacity_only.json": None,
    "ec2/RunInstances.json": "PlacementFunction",
    "ec2/RunInstances_default_vpc.json": "PlacementFunction",
    "ec2/RunInstances_own_role.json": None,
    "ec2/RunInstances_autoscaling.json": None,
    "eks/CreateNodegroup.json": "PlacementFunction",
    "eks/CreateNodegroup_own_role.json": None,
    "eks/CreateNodegroup_failed.json": None,
    "eks/CreateFargateProfile.json": "PlacementFunction",
    "eks/CreateFargateProfile_own_role.json": None,
    "eks/CreateFargateProfile_public_subnet.json": None,
    "codebuild/CreateProject.json": "PlacementFunction",
    "codebuild/CreateProject_own_role.json": None,
    "codebuild/CreateProject_failed.json": None,
    "codebuild/CreateProject_no_vpc.json": None,
    "codebuild/UpdateProject.json": "PlacementFunction",
    "codebuild/UpdateProject_timeout_only.json": None,
    "apprunner/CreateVpcConnector.json": "PlacementFunction",
    "apprunner/CreateVpcConnector_own_role.json": None,
    "apprunner/CreateVpcConnector_failed.json": None,
    # SageMaker notebooks and jobs in a VPC, Glue connections with a subnet.
    "sagemaker/CreateNotebookInstance.json": "PlacementFunction",
    "sagemaker/CreateNotebookInstance_no_vpc.json": None,
    "sagemaker/CreateNotebookInstance_failed.json": None,
    "sagemaker/CreateNotebookInstance_own_role.json": None,
    "sagemaker/CreateTrainingJob.json": "PlacementFunction",
    "sagemaker/CreateTrainingJob_no_vpc.json": None,
    "sagemaker/CreateProcessingJob.json": "PlacementFunction",
    "glue/CreateConnection.json": "PlacementFunction",
    "glue/CreateConnection_no_subnet.json": None,
    "glue/CreateConnection_failed.json": None,
    "glue/UpdateConnection.json": "PlacementFunction",
    "glue/UpdateConnection_own_role.json": None,
}


def all_samples() -> list[str]:
    return sorted(str(path.relative_to(EVENTS)) for path in EVENTS.rglob("*.json"))


def load(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


@pytest.fixture(scope="module")
def router() -> Router:
    return Router.from_template(TEMPLATE, "vpc-remediator")


def test_every_sample_has_an_expected_route() -> None:
    assert sorted(EXPECTED_ROUTES) == all_samples()


@pytest.mark.parametrize("name", all_samples())
def test_each_sample_reaches_exactly_its_function(router: Router, name: str) -> None:
    matched = {rule.function for rule in router.matching(load(name))}
    expected = EXPECTED_ROUTES[name]
    assert matched == (set(expected) if isinstance(expected, tuple) else {expected} if expected else set())


def test_the_own_role_exclusion_follows_the_stack_name() -> None:
    renamed = Router.from_template(TEMPLATE, "other-stack")
    event = load("ec2/DeleteSubnet_own_role.json")
    assert [rule.function for rule in renamed.matching(event)] == ["DefaultVpcFunction"]


# The loop guard every CloudTrail rule carries (template.yaml writes it once, as the YAML anchor not-this-stacks-roles):
# a call by one of this stack's roles, all under the path /vpc-remediator/<stack name>/ of this account, never reaches a
# function.
NOT_THIS_STACKS_ROLES = {
    "anything-but": {
        "prefix": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/vpc-remediator/${AWS::StackName}/"}
    }
}
LOOP_GUARD = {
    "$or": [
        {"sessionContext": {"sessionIssuer": {"arn": [NOT_THIS_STACKS_ROLES]}}},
        {"sessionContext": {"sessionIssuer": {"arn": [{"exists": False}]}}},
    ]
}
# CloudFormation's longest stack name (128 characters).
LONGEST_STACK_NAME = "r" + "-remediator" * 11 + "x" * 6


def by_role_of(stack_name: str, name: str = "ec2/DeleteSubnet_own_role.json") -> dict[str, Any]:
    """The sample, made by a role of that stack as CloudFormation names it: the stack name cut to 30 characters."""
    event = load(name)
    issuer = event["detail"]["userIdentity"]["sessionContext"]["sessionIssuer"]
    role_name = f"{stack_name[:30]}-DefaultVpcFunctionRole-1A2B3C4D5E6F"
    issuer["userName"] = role_name
    issuer["arn"] = f"arn:aws:iam::{event['account']}:role/vpc-remediator/{stack_name}/{role_name}"
    return event


def test_the_loop_guard_holds_for_the_longest_stack_name() -> None:
    assert len(LONGEST_STACK_NAME) == 128
    router = Router.from_template(TEMPLATE, LONGEST_STACK_NAME)
    assert router.matching(by_role_of(LONGEST_STACK_NAME)) == []
    assert [rule.function for rule in router.matching(load("ec2/DeleteSubnet.json"))] == ["DefaultVpcFunction"]


def test_the_loop_guard_lets_through_another_stack_whose_name_starts_with_this_ones() -> None:
    event = by_role_of("vpc-remediator-dev")
    assert [rule.function for rule in Router.from_template(TEMPLATE, "vpc-remediator").matching(event)] == [
        "DefaultVpcFunction"
    ]
    assert Router.from_template(TEMPLATE, "vpc-remediator-dev").matching(event) == []


# The one rule that takes failed calls, on purpose: those that failed because the default VPC is missing.
TAKES_FAILED_CALLS = "DefaultVpcFunction.DefaultVpcMissing"


def cloudtrail_rules() -> dict[str, dict[str, Any]]:
    """ "Function.Rule" → pattern, for every rule of the template on CloudTrail's "AWS API Call via CloudTrail"."""
    return {
        f"{rule.function}.{rule.name}": rule.pattern
        for rule in eventbridge_rules(load_template(TEMPLATE))
        if "AWS API Call via CloudTrail" in rule.pattern.get("detail-type", [])
    }


def test_the_template_has_the_cloudtrail_rules_the_checks_below_cover() -> None:
    assert len(cloudtrail_rules()) == 15
    assert TAKES_FAILED_CALLS in cloudtrail_rules()


@pytest.mark.parametrize("rule", sorted(cloudtrail_rules()))
def test_every_cloudtrail_rule_carries_exactly_the_loop_guard(rule: str) -> None:
    assert cloudtrail_rules()[rule]["detail"]["userIdentity"] == LOOP_GUARD


@pytest.mark.parametrize("rule", sorted(cloudtrail_rules()))
def test_every_cloudtrail_rule_takes_successful_calls_only_but_the_missing_default_vpc_rule(rule: str) -> None:
    detail = cloudtrail_rules()[rule]["detail"]
    if rule != TAKES_FAILED_CALLS:
        assert detail["errorCode"] == [{"exists": False}]
        return
    # Failed calls, but only with the errors of a missing default VPC (or of its missing subnets), each named by its
    # code or, where a service reports it under a generic code (Auto Scaling's ValidationError), by its message.
    assert "errorCode" not in detail
    for branch in detail["$or"]:
        if "errorCode" in branch:
            assert branch["errorCode"] and all(isinstance(code, str) for code in branch["errorCode"])
        else:
            assert [list(item) for item in branch["errorMessage"]] == [["prefix"]]
            assert all(item["prefix"].startswith("No default VPC") for item in branch["errorMessage"])


def test_every_handler_in_the_template_exists() -> None:
    for properties in functions(load_template(TEMPLATE)).values():
        module, _, attribute = properties["Handler"].rpartition(".")
        assert callable(getattr(importlib.import_module(module), attribute))


@pytest.mark.parametrize(
    "name",
    [
        "ecs/CreateService_own_role.json",
        "batch/CreateComputeEnvironment_own_role.json",
        "lambda/CreateFunction20150331_own_role.json",
        "autoscaling/CreateAutoScalingGroup_own_role.json",
        "ec2/RunInstances_own_role.json",
        "eks/CreateNodegroup_own_role.json",
        "eks/CreateFargateProfile_own_role.json",
        "codebuild/CreateProject_own_role.json",
        "apprunner/CreateVpcConnector_own_role.json",
    ],
)
def test_placement_rules_exclude_only_this_stacks_roles(name: str) -> None:
    renamed = Router.from_template(TEMPLATE, "other-stack")
    assert [rule.function for rule in renamed.matching(load(name))] == ["PlacementFunction"]


def test_lambda_rule_matches_any_api_version_suffix(router: Router) -> None:
    event = load("lambda/UpdateFunctionConfiguration20150331v2.json")
    event["detail"]["eventName"] = "UpdateFunctionConfiguration20150331v3"
    assert [rule.function for rule in router.matching(event)] == ["PlacementFunction"]
