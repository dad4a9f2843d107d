"""The organization's rules are template.yaml's: the members forward, and the hub's bus routes, exactly the events the
single-account rules route, to the same functions; the loop guard also leaves out the exec role; the committed rule
templates are what scripts/organization_rules.py writes from template.yaml."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pytest
from moto.events.models import EventPattern

from vpc_remediator.cli.template import eventbridge_rules, load_template, resolve

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
TEMPLATE = load_template(ROOT / "template.yaml")
MEMBER_RULES = load_template(ROOT / "templates" / "member-rules.yaml")
HUB_RULES = load_template(ROOT / "templates" / "hub-rules.yaml")
FUNCTIONS = [name for name, item in TEMPLATE["Resources"].items() if item["Type"] == "AWS::Serverless::Function"]
EXEC_ROLE = "vpc-remediator-exec"
HUB_ACCOUNT = "999988887777"
MEMBER_ACCOUNT = "222233334444"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("organization_rules", ROOT / "scripts" / "organization_rules.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def samples() -> list[str]:
    return sorted(str(path.relative_to(EVENTS)) for path in EVENTS.rglob("*.json"))


def load(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


def matches(pattern: Any, values: dict[str, str], event: dict[str, Any]) -> bool:
    return bool(EventPattern.load(json.dumps(resolve(pattern, values))).matches_event(cast(Any, event)))


def function_of(logical_id: str) -> str:
    (function,) = [name for name in FUNCTIONS if logical_id.startswith(name)]
    return function


def account_mode(event: dict[str, Any], stack: str = "vpc-remediator") -> set[str]:
    """The functions the single-account stack's CloudTrail rules (in the event's account) send the event to."""
    values = {"AWS::StackName": stack, "AWS::AccountId": event["account"], "AWS::Partition": "aws"}
    return {
        rule.function
        for rule in eventbridge_rules(TEMPLATE)
        if "AWS API Call via CloudTrail" in rule.pattern.get("detail-type", []) and matches(rule.pattern, values, event)
    }


def rules_of(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: item for name, item in template["Resources"].items() if item["Type"] == "AWS::Events::Rule"}


def forwarded(
    event: dict[str, Any], member: str, hub_account: str = HUB_ACCOUNT, hub: str = "vpc-remediator"
) -> set[str]:
    """The functions whose events the member's rules (in account `member`) forward to the hub."""
    values = {
        "AWS::AccountId": member,
        "AWS::Partition": "aws",
        "HubAccountId": hub_account,
        "HubStackName": hub,
        "ExecRoleName": EXEC_ROLE,
    }
    return {
        function_of(name)
        for name, rule in rules_of(MEMBER_RULES).items()
        if matches(rule["Properties"]["EventPattern"], values, event)
    }


def routed_on_hub(event: dict[str, Any], hub_account: str = HUB_ACCOUNT, hub: str = "vpc-remediator") -> set[str]:
    """The functions the rules on the hub's bus invoke for the event (the target named by each rule)."""
    values = {"AWS::AccountId": hub_account, "AWS::Partition": "aws", "HubAccountId": hub_account, "HubStackName": hub}
    values["ExecRoleName"] = EXEC_ROLE
    invoked = set()
    for rule in rules_of(HUB_RULES).values():
        if matches(rule["Properties"]["EventPattern"], values, event):
            ((target),) = rule["Properties"]["Targets"]
            invoked.add(target["Arn"]["Ref"].removesuffix("Arn"))
    return invoked


# The committed templates are the generator's, and the generator carries template.yaml's rules over --------------------


def test_the_committed_rule_templates_are_what_the_script_writes_from_template_yaml() -> None:
    for path, text in generator().outputs().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run scripts/organization_rules.py"


def test_a_change_to_a_single_account_rule_changes_the_organizations_rules() -> None:
    module = generator()
    changed = copy.deepcopy(TEMPLATE)
    events = changed["Resources"]["NatGatewayFunction"]["Properties"]["Events"]
    events["NatGatewayCreated"]["Properties"]["Pattern"]["detail"]["eventName"].append("CreateNatGatewayNow")
    member = module.member_rules_template(changed)["Resources"]["NatGatewayFunctionNatGatewayCreated"]
    hub = module.hub_rules_template(changed)["Resources"]["NatGatewayFunctionNatGatewayCreated"]
    for rule in (member, hub):
        assert "CreateNatGatewayNow" in rule["Properties"]["EventPattern"]["detail"]["eventName"]


def test_a_rule_with_another_loop_guard_is_refused_not_carried_over_unguarded() -> None:
    module = generator()
    changed = copy.deepcopy(TEMPLATE)
    pattern = changed["Resources"]["NatGatewayFunction"]["Properties"]["Events"]["NatGatewayCreated"]["Properties"]
    del pattern["Pattern"]["detail"]["userIdentity"]
    with pytest.raises(ValueError, match="loop guard"):
        module.member_rules_template(changed)


def test_every_cloudtrail_rule_has_one_member_rule_and_one_hub_rule() -> None:
    single = {
        f"{rule.function}{rule.name}"
        for rule in eventbridge_rules(TEMPLATE)
        if "AWS API Call via CloudTrail" in rule.pattern.get("detail-type", [])
    }
    assert len(single) == 15
    assert set(rules_of(MEMBER_RULES)) == single
    assert set(rules_of(HUB_RULES)) == single


# Same events, same functions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", samples())
def test_members_forward_and_the_hub_routes_exactly_what_a_single_account_stack_handles(name: str) -> None:
    event = load(name)
    expected = account_mode(event)
    # The hub in the sample's account, so that the sample's "own role" is the hub's (the loop guard's case).
    assert forwarded(event, member=event["account"], hub_account=event["account"]) == expected
    assert routed_on_hub(event, hub_account=event["account"]) == expected


def in_member(name: str, role_arn: str | None = None) -> dict[str, Any]:
    """A sample as a member account records it, made by the given role (IAM ARN) or as it was."""
    event = load(name)
    event["account"] = MEMBER_ACCOUNT
    identity = event["detail"]["userIdentity"]
    identity["accountId"] = MEMBER_ACCOUNT
    if role_arn:
        role_name = role_arn.rsplit("/", 1)[1]
        identity["type"] = "AssumedRole"
        identity["arn"] = f"arn:aws:sts::{MEMBER_ACCOUNT}:assumed-role/{role_name}/vpc-remediator-PlacementFunction"
        identity["sessionContext"] = {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLE",
                "arn": role_arn,
                "accountId": MEMBER_ACCOUNT,
                "userName": role_name,
            },
            "sourceIdentity": "vpc-remediator",
        }
    return event


@pytest.mark.parametrize(
    "name", ["ec2/DeleteSubnet.json", "ecs/CreateService.json", "lambda/CreateFunction20150331.json"]
)
def test_a_members_event_reaches_the_hub_with_its_own_account(name: str) -> None:
    event = in_member(name)
    assert forwarded(event, member=MEMBER_ACCOUNT)
    assert routed_on_hub(event) == forwarded(event, member=MEMBER_ACCOUNT)


def test_a_member_forwards_its_own_events_only() -> None:
    assert forwarded(in_member("ec2/DeleteSubnet.json"), member="555566667777") == set()


@pytest.mark.parametrize(
    "name", ["ec2/DeleteSubnet.json", "ecs/CreateService.json", "lambda/CreateFunction20150331.json"]
)
def test_the_hubs_own_calls_in_a_member_as_the_exec_role_go_nowhere(name: str) -> None:
    event = in_member(name, f"arn:aws:iam::{MEMBER_ACCOUNT}:role/vpc-remediator/{EXEC_ROLE}")
    assert forwarded(event, member=MEMBER_ACCOUNT) == set()
    # And if a member forwarded it anyway (an old or edited member stack), the hub's rules leave it out too.
    assert routed_on_hub(event) == set()


def test_only_the_exec_roles_name_is_left_out_not_others_like_it() -> None:
    for role in (f"{EXEC_ROLE}-ci", f"platform-{EXEC_ROLE}"):
        event = in_member("ec2/DeleteSubnet.json", f"arn:aws:iam::{MEMBER_ACCOUNT}:role/{role}")
        assert forwarded(event, member=MEMBER_ACCOUNT) == {"DefaultVpcFunction"}, role
        assert routed_on_hub(event) == {"DefaultVpcFunction"}, role


def test_the_hub_stacks_own_roles_are_left_out_in_its_own_account() -> None:
    role = f"arn:aws:iam::{HUB_ACCOUNT}:role/vpc-remediator/vpc-remediator/vpc-remediator-PlacementFunctionRole-1A2B"
    event = in_member("ecs/CreateService.json", role)
    event["account"] = HUB_ACCOUNT
    assert forwarded(event, member=HUB_ACCOUNT) == set()
    assert routed_on_hub(event) == set()
    # Another stack's roles under /vpc-remediator/ are not this hub's.
    assert routed_on_hub(event, hub="vpc-remediator-dev") == {"PlacementFunction"}


# Their States, and where they send ------------------------------------------------------------------------------------


def test_the_default_vpc_rules_follow_manage_default_vpc_in_members_and_on_the_hub() -> None:
    for template in (MEMBER_RULES, HUB_RULES):
        assert template["Conditions"] == {"ManageDefaultVpcOn": {"Fn::Equals": [{"Ref": "ManageDefaultVpc"}, "true"]}}
        for name, rule in rules_of(template).items():
            state = rule["Properties"].get("State", "ENABLED")
            if name.startswith("DefaultVpcFunction"):
                assert state == {"Fn::If": ["ManageDefaultVpcOn", "ENABLED", "DISABLED"]}
            else:
                assert state == "ENABLED"


FORWARDER_ARN = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/vpc-remediator/${ExecRoleName}-forwarder"


def test_member_rules_send_to_the_hubs_bus_through_the_forwarding_role_only() -> None:
    for rule in rules_of(MEMBER_RULES).values():
        assert rule["Properties"]["Targets"] == [
            {
                "Id": "hub",
                "Arn": {"Ref": "HubEventBusArn"},
                "RoleArn": {"Fn::Sub": FORWARDER_ARN},
            }
        ]
        assert "EventBusName" not in rule["Properties"], "members' rules are on their default bus"


def test_hub_rules_are_on_the_hubs_bus_and_each_may_invoke_only_its_function() -> None:
    resources = HUB_RULES["Resources"]
    for name, rule in rules_of(HUB_RULES).items():
        assert rule["Properties"]["EventBusName"] == {"Ref": "EventBusName"}
        permission = resources[f"{name}Permission"]["Properties"]
        assert permission == {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Ref": f"{function_of(name)}Arn"},
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [name, "Arn"]},
        }
    assert len(resources) == 2 * len(rules_of(HUB_RULES))
