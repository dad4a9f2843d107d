"""Organization mode in template.yaml: its parameters and Rules, the hub's bus and its policy, the right to assume the
members' exec role, the two member StackSets; and account mode left as it was (no organization resource)."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import pytest

from vpc_remediator.cli.template import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(ROOT / "template.yaml")
RESOURCES = TEMPLATE["Resources"]
HUB_RULES = load_template(ROOT / "templates" / "hub-rules.yaml")
ORGANIZATION_RESOURCES = {
    "OrganizationEventBus",
    "OrganizationRules",
    "AssumeMemberExecRole",
    "MemberRolesStackSet",
    "MemberRulesStackSet",
    # The organization sweep: its queue (and dead letters) and its workers.
    "SweepDeadLetterAlarm",
    "SweepDeadLetterQueue",
    "SweepFanOut",
    "SweepQueue",
    "SweepQueuePolicy",
    "SweepWorkerFunction",
    "SweepWorkerFunctionLogGroup",
    "SweepWorkerFunctionRole",
}
# The functions that act on events in members: every one but the notifier (it only posts to Slack) and the workers.
EVENT_FUNCTIONS = ("DefaultVpcFunction", "SweepFunction", "NatGatewayFunction", "PlacementFunction")
# Those and the organization sweep's workers, which assume the exec role with a policy of their own.
ACTING_FUNCTIONS = (*EVENT_FUNCTIONS, "SweepWorkerFunction")


# Rules: an organization deploy names its scope, or fails -------------------------------------------------------------


def evaluate(node: Any, values: dict[str, Any]) -> Any:
    """CloudFormation's rule functions (the ones the template's Rules use) on parameter values."""
    if isinstance(node, dict):
        ((function, argument),) = node.items()
        if function == "Ref":
            return values[argument]
        arguments = [evaluate(item, values) for item in argument]
        if function == "Fn::Equals":
            return arguments[0] == arguments[1]
        if function == "Fn::Not":
            return not arguments[0]
        if function == "Fn::Contains":
            return arguments[1] in arguments[0]
        raise AssertionError(f"a rule function this test does not know: {function}")
    return node


def refused(values: dict[str, Any]) -> list[str]:
    """The assertion descriptions a deploy with these parameter values fails on (as CloudFormation checks Rules)."""
    parameters = {name: spec.get("Default", "") for name, spec in TEMPLATE["Parameters"].items()}
    for name, spec in TEMPLATE["Parameters"].items():
        if spec["Type"] == "CommaDelimitedList":
            parameters[name] = str(parameters[name]).split(",")
    parameters.update(values)
    failures = []
    for rule in TEMPLATE["Rules"].values():
        if "RuleCondition" in rule and not evaluate(rule["RuleCondition"], parameters):
            continue
        failures += [
            item["AssertDescription"] for item in rule["Assertions"] if not evaluate(item["Assert"], parameters)
        ]
    return failures


ORGANIZATION = {
    "Mode": "organization",
    "OrganizationId": "o-a1b2c3d4e5",
    "TargetOrganizationalUnitIds": ["ou-ab12-cdef3456"],
    "MemberRegions": ["us-east-1", "eu-west-1"],
}


def test_an_account_deploy_needs_no_organization_parameter() -> None:
    assert refused({}) == []


def test_a_complete_organization_deploy_passes_the_rules() -> None:
    assert refused(ORGANIZATION) == []


@pytest.mark.parametrize(
    ("missing", "value", "named"),
    [
        ("OrganizationId", "", "OrganizationId"),
        ("TargetOrganizationalUnitIds", [""], "TargetOrganizationalUnitIds"),
        ("MemberRegions", [""], "MemberRegions"),
        # "us-east-1,,eu-west-1": an empty item is no region.
        ("MemberRegions", ["us-east-1", "", "eu-west-1"], "MemberRegions"),
    ],
)
def test_an_organization_deploy_without_its_scope_fails_naming_the_parameter(
    missing: str, value: Any, named: str
) -> None:
    failures = refused({**ORGANIZATION, missing: value})
    assert len(failures) == 1 and named in failures[0]


def test_the_scope_parameters_take_only_ids_of_their_kind() -> None:
    parameters = TEMPLATE["Parameters"]
    assert parameters["Mode"]["Default"] == "account"
    assert parameters["ExecRoleName"]["Default"] == "vpc-remediator-exec"
    assert parameters["SweepConcurrency"]["Default"] == 4
    checks = {
        "OrganizationId": ("o-a1b2c3d4e5", "123456789012"),
        "TargetOrganizationalUnitIds": ("ou-ab12-cdef3456", "o-a1b2c3d4e5"),
        "MemberRegions": ("ap-southeast-2", "us-east-1,eu-west-1"),
        "DryRunAccounts": ("123456789012", "12345678901"),
        "ExcludedAccounts": ("123456789012", "ou-ab12-cdef3456"),
    }
    for name, (good, bad) in checks.items():
        pattern = re.compile(parameters[name]["AllowedPattern"])
        assert pattern.fullmatch(good) and pattern.fullmatch(""), name
        assert not pattern.fullmatch(bad), name


# The functions' environment -------------------------------------------------------------------------------------------


def test_every_function_gets_the_organization_settings_from_globals() -> None:
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["MODE"] == {"Ref": "Mode"}
    assert variables["ORGANIZATION_ID"] == {"Ref": "OrganizationId"}
    assert variables["EXEC_ROLE_NAME"] == {"Ref": "ExecRoleName"}
    assert variables["SWEEP_CONCURRENCY"] == {"Ref": "SweepConcurrency"}
    # Lists reach the code as the comma-separated text they were given in.
    for variable, parameter in [
        ("MEMBER_REGIONS", "MemberRegions"),
        ("DRY_RUN_ACCOUNTS", "DryRunAccounts"),
        ("EXCLUDED_ACCOUNTS", "ExcludedAccounts"),
    ]:
        assert variables[variable] == {"Fn::Join": [",", {"Ref": parameter}]}


# Account mode: no organization resource, and the default bus's rules on as before -------------------------------------


def test_in_account_mode_no_organization_resource_exists() -> None:
    conditional = {name for name, item in RESOURCES.items() if item.get("Condition") == "IsOrganization"}
    assert conditional == ORGANIZATION_RESOURCES
    # Nothing else names an organization parameter but the functions' environment and these resources.
    names = ("OrganizationId", "ExecRoleName", "MemberRegions", "TargetOrganizationalUnitIds", "ExcludedAccounts")
    others = json.dumps({name: item for name, item in RESOURCES.items() if name not in ORGANIZATION_RESOURCES})
    assert [name for name in names if f'"Ref": "{name}"' in others] == []
    organization_outputs = {"OrganizationEventBusArn", "HubFunctionRoleArns", "HubFunctionArns"}
    others = json.dumps({name: item for name, item in TEMPLATE["Outputs"].items() if name not in organization_outputs})
    assert "Organization" not in others and "ExecRole" not in others
    assert {TEMPLATE["Outputs"][name].get("Condition") for name in organization_outputs} == {"IsOrganization"}


def cloudtrail_events() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (function, name, event["Properties"])
        for function, item in RESOURCES.items()
        if item["Type"] == "AWS::Serverless::Function"
        for name, event in item["Properties"].get("Events", {}).items()
        if "AWS API Call via CloudTrail" in event["Properties"].get("Pattern", {}).get("detail-type", [])
    ]


def state_in(state: Any, organization: bool, manage_default_vpc: bool = True) -> str:
    """A rule's State with the conditions of a deploy (IsOrganization, ManageDefaultVpcOn)."""
    if isinstance(state, str):
        return state
    condition, when_true, when_false = state["Fn::If"]
    value = {"IsOrganization": organization, "ManageDefaultVpcOn": manage_default_vpc}[condition]
    return state_in(when_true if value else when_false, organization, manage_default_vpc)


@pytest.mark.parametrize(("function", "name", "properties"), cloudtrail_events(), ids=lambda v: str(v)[:40])
def test_default_bus_cloudtrail_rules_are_on_in_account_mode_and_off_in_organization_mode(
    function: str, name: str, properties: dict[str, Any]
) -> None:
    assert state_in(properties["State"], organization=False) == "ENABLED"
    assert state_in(properties["State"], organization=True) == "DISABLED"
    # ManageDefaultVpc false still turns the default VPC's rules off.
    if function == "DefaultVpcFunction":
        assert state_in(properties["State"], organization=False, manage_default_vpc=False) == "DISABLED"


# The hub's bus: the organization's principals only, the CloudTrail records its rules route only -----------------------


def hub_rule_sources() -> set[str]:
    """The sources the hub's rules match, as IAM globs ({"prefix": "aws."} is "aws.*")."""
    sources = set()
    for item in HUB_RULES["Resources"].values():
        if item["Type"] == "AWS::Events::Rule":
            for source in item["Properties"]["EventPattern"]["source"]:
                sources.add(f"{source['prefix']}*" if isinstance(source, dict) else source)
    return sources


def test_the_bus_is_named_after_the_stack_and_takes_only_the_organizations_cloudtrail_records() -> None:
    bus = RESOURCES["OrganizationEventBus"]["Properties"]
    assert bus["Name"] == {"Fn::Sub": "vpc-remediator-${AWS::StackName}"}
    (statement,) = bus["Policy"]["Statement"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == ("Allow", "*", "events:PutEvents")
    bus_arn = "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/vpc-remediator-${AWS::StackName}"
    assert statement["Resource"] == {"Fn::Sub": bus_arn}
    condition = statement["Condition"]
    assert set(condition) == {"StringEquals", "ForAllValues:StringLike"}
    assert condition["StringEquals"] == {
        "aws:PrincipalOrgID": {"Ref": "OrganizationId"},
        "events:detail-type": "AWS API Call via CloudTrail",
    }
    allowed = condition["ForAllValues:StringLike"]["events:source"]
    allowed = allowed if isinstance(allowed, list) else [allowed]
    routed = hub_rule_sources()
    # Every source a hub rule matches is allowed, and every allowed source is one a hub rule needs as it is.
    assert all(any(fnmatch.fnmatchcase(source, glob) for glob in allowed) for source in routed)
    assert set(allowed) <= routed
    assert all(glob.startswith("aws.") for glob in allowed), "only AWS may put events with aws. sources"


def test_the_hub_rules_are_a_nested_stack_fed_with_the_functions_and_the_bus() -> None:
    stack = RESOURCES["OrganizationRules"]
    assert stack["Type"] == "AWS::CloudFormation::Stack"
    parameters = stack["Properties"]["Parameters"]
    assert parameters["EventBusName"] == {"Ref": "OrganizationEventBus"}
    assert parameters["HubStackName"] == {"Ref": "AWS::StackName"}
    assert parameters["HubAccountId"] == {"Ref": "AWS::AccountId"}
    required = {name for name, spec in HUB_RULES["Parameters"].items() if "Default" not in spec}
    assert required <= set(parameters) <= set(HUB_RULES["Parameters"])
    for name, value in parameters.items():
        if name.endswith("FunctionArn"):
            assert value == {"Fn::GetAtt": [name.removesuffix("Arn"), "Arn"]}


# Assuming the exec role -----------------------------------------------------------------------------------------------


def test_the_acting_functions_may_assume_the_exec_role_in_the_organization_only_in_organization_mode() -> None:
    policy = RESOURCES["AssumeMemberExecRole"]
    assert policy["Condition"] == "IsOrganization"
    assert policy["Properties"]["Roles"] == [{"Ref": f"{function}Role"} for function in EVENT_FUNCTIONS]
    statement, members = policy["Properties"]["PolicyDocument"]["Statement"]
    assert (members["Action"], members["Resource"]) == ("organizations:ListAccounts", "*")
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == ["sts:AssumeRole", "sts:SetSourceIdentity"]
    assert statement["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/vpc-remediator/${ExecRoleName}"}
    assert statement["Condition"] == {"StringEquals": {"aws:ResourceOrgID": {"Ref": "OrganizationId"}}}
    # No other policy of the stack grants anything of STS (trust policies are not grants).
    granting = {name for name, item in RESOURCES.items() if any(a.startswith("sts:") for a in granted(item))}
    assert granting == {"AssumeMemberExecRole", "SweepWorkerFunctionRole"}


def granted(node: Any) -> list[str]:
    """Every action the permission policies in a part of the template allow or deny (not its trust policies)."""
    if isinstance(node, list):
        return [action for item in node for action in granted(item)]
    if not isinstance(node, dict):
        return []
    actions = []
    for key, value in node.items():
        if key == "PolicyDocument":
            for statement in value["Statement"]:
                action = statement["Action"]
                actions += action if isinstance(action, list) else [action]
        elif key != "AssumeRolePolicyDocument":
            actions += granted(value)
    return actions


# The member StackSets -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["MemberRolesStackSet", "MemberRulesStackSet"])
def test_the_member_stacksets_are_service_managed_and_follow_the_organization(name: str) -> None:
    properties = RESOURCES[name]["Properties"]
    assert properties["PermissionModel"] == "SERVICE_MANAGED"
    assert properties["CallAs"] == {"Ref": "StackSetCallAs"}
    # New accounts of the units get the member stacks; an account that leaves loses them (no role trusting the hub
    # outlives its membership).
    assert properties["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    preferences = properties["OperationPreferences"]
    assert preferences["MaxConcurrentPercentage"] == {"Ref": "StackSetMaxConcurrentPercentage"}
    assert preferences["FailureTolerancePercentage"] == {"Ref": "StackSetFailureTolerancePercentage"}
    (group,) = properties["StackInstancesGroup"]
    targets = group["DeploymentTargets"]
    assert targets["OrganizationalUnitIds"] == {"Ref": "TargetOrganizationalUnitIds"}
    # Excluded accounts: the units' accounts but these (DIFFERENCE), and no filter at all when there are none.
    assert targets["Accounts"] == {"Fn::If": ["ExcludesAccounts", {"Ref": "ExcludedAccounts"}, {"Ref": "AWS::NoValue"}]}
    assert targets["AccountFilterType"] == {"Fn::If": ["ExcludesAccounts", "DIFFERENCE", {"Ref": "AWS::NoValue"}]}
    assert TEMPLATE["Conditions"]["ExcludesAccounts"] == {
        "Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "ExcludedAccounts"}]}, ""]}]
    }
    # At most 128 characters whatever the stack's name: the stack id's UUID, not the name.
    assert "AWS::StackName" not in json.dumps(properties["StackSetName"])


def test_the_roles_go_to_one_region_and_the_rules_to_every_member_region_after_them() -> None:
    roles = RESOURCES["MemberRolesStackSet"]["Properties"]
    rules = RESOURCES["MemberRulesStackSet"]
    assert roles["StackInstancesGroup"][0]["Regions"] == [{"Ref": "AWS::Region"}]
    assert roles["Capabilities"] == ["CAPABILITY_NAMED_IAM"]
    assert rules["Properties"]["StackInstancesGroup"][0]["Regions"] == {"Ref": "MemberRegions"}
    assert rules["DependsOn"] == "MemberRolesStackSet"
    preferences = rules["Properties"]["OperationPreferences"]
    assert preferences["RegionOrder"] == {
        "Fn::If": ["HasStackSetRegionOrder", {"Ref": "StackSetRegionOrder"}, {"Ref": "AWS::NoValue"}]
    }


@pytest.mark.parametrize(
    ("name", "path"),
    [("MemberRolesStackSet", "templates/member-roles.yaml"), ("MemberRulesStackSet", "templates/member-rules.yaml")],
)
def test_each_stackset_deploys_its_plain_template_with_every_parameter_it_needs(name: str, path: str) -> None:
    properties = RESOURCES[name]["Properties"]
    # A local file: sam package / sam deploy uploads a StackSet's TemplateURL and writes the S3 URL in its place.
    assert properties["TemplateURL"] == path
    member = load_template(ROOT / path)
    # Service-managed StackSets take no transform (SAM included), and members carry no code.
    assert "Transform" not in member
    assert not [item["Type"] for item in member["Resources"].values() if item["Type"].startswith("AWS::Lambda")]
    given = {item["ParameterKey"] for item in properties["Parameters"]}
    required = {key for key, spec in member["Parameters"].items() if "Default" not in spec}
    assert required <= given <= set(member["Parameters"])


def test_the_roles_stackset_names_the_acting_functions_roles_and_every_function_of_the_hub() -> None:
    parameters = {
        item["ParameterKey"]: item["ParameterValue"]
        for item in RESOURCES["MemberRolesStackSet"]["Properties"]["Parameters"]
    }
    assert parameters["HubFunctionRoleArns"] == {
        "Fn::Join": [",", [{"Fn::GetAtt": [f"{function}Role", "Arn"]} for function in ACTING_FUNCTIONS]]
    }
    functions = {name for name, item in RESOURCES.items() if item["Type"] == "AWS::Serverless::Function"}
    named = json.dumps(parameters["HubFunctionArns"])
    assert all(json.dumps({"Fn::GetAtt": [function, "Arn"]}) in named for function in functions)
    assert parameters["HubEventBusArn"] == {"Fn::GetAtt": ["OrganizationEventBus", "Arn"]}
    assert parameters["OrganizationId"] == {"Ref": "OrganizationId"}
    assert parameters["ExecRoleName"] == {"Ref": "ExecRoleName"}


def test_a_member_deployed_by_hand_gets_from_the_outputs_what_the_stackset_passes() -> None:
    parameters = {
        item["ParameterKey"]: item["ParameterValue"]
        for item in RESOURCES["MemberRolesStackSet"]["Properties"]["Parameters"]
    }
    outputs = TEMPLATE["Outputs"]
    assert outputs["HubFunctionRoleArns"]["Value"] == parameters["HubFunctionRoleArns"]
    assert outputs["HubFunctionArns"]["Value"] == parameters["HubFunctionArns"]
    assert outputs["OrganizationEventBusArn"]["Value"] == parameters["HubEventBusArn"]
