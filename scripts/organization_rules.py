"""Write the organization mode's rule templates from template.yaml's own CloudTrail rules, never by hand.

    .venv/bin/python scripts/organization_rules.py           # write templates/{hub,member}-rules.yaml
    .venv/bin/python scripts/organization_rules.py --check   # exit 1 when a committed file is not what it would write

Each rule of a function of template.yaml on "AWS API Call via CloudTrail" gives:
- in every member and region (templates/member-rules.yaml, the rules StackSet): the same pattern, forwarding to the
  hub's bus through the member's forwarding role;
- on the hub's bus (templates/hub-rules.yaml, a nested stack of the hub): the same pattern without its account (events
  keep their member's), invoking the same function.
In both the loop guard also leaves out the exec role (by its name: the hub's calls in a member are made as that role),
and the hub stack's own roles. On the default bus these rules are off in organization mode (their State), since the
hub's own account forwards to the hub's bus like any member: one path for every account.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vpc_remediator.cli.template import load_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"
HUB_RULES = ROOT / "templates" / "hub-rules.yaml"
MEMBER_RULES = ROOT / "templates" / "member-rules.yaml"
CLOUDTRAIL = "AWS API Call via CloudTrail"

# The loop guard of every CloudTrail rule in template.yaml (its YAML anchor not-this-stacks-roles).
ACCOUNT_GUARD: dict[str, Any] = {
    "$or": [
        {
            "sessionContext": {
                "sessionIssuer": {
                    "arn": [
                        {
                            "anything-but": {
                                "prefix": {
                                    "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/vpc-remediator/"
                                    "${AWS::StackName}/"
                                }
                            }
                        }
                    ]
                }
            }
        },
        {"sessionContext": {"sessionIssuer": {"arn": [{"exists": False}]}}},
    ]
}
# The same guard in the organization: the hub stack's roles by their path, and the exec role by its name (a session's
# issuer names the role without its path in userName; the arn field can take only one anything-but).
ORGANIZATION_GUARD: dict[str, Any] = {
    "$or": [
        {
            "sessionContext": {
                "sessionIssuer": {
                    "arn": [
                        {
                            "anything-but": {
                                "prefix": {
                                    "Fn::Sub": "arn:${AWS::Partition}:iam::${HubAccountId}:role/vpc-remediator/"
                                    "${HubStackName}/"
                                }
                            }
                        }
                    ],
                    "userName": [{"anything-but": {"Ref": "ExecRoleName"}}],
                }
            }
        },
        {"sessionContext": {"sessionIssuer": {"arn": [{"exists": False}]}}},
    ]
}
# What wraps each such rule's State in template.yaml: off in organization mode, else as it was.
MODE_CONDITION = "IsOrganization"

HUB_PARAMETERS: dict[str, Any] = {
    "EventBusName": {"Type": "String", "Description": "The hub's bus (vpc-remediator-<hub stack name>)."},
    "HubStackName": {"Type": "String", "Description": "The hub's stack name: its roles are under its path."},
    "HubAccountId": {"Type": "String", "AllowedPattern": "^[0-9]{12}$", "Description": "The hub's account."},
}
MEMBER_PARAMETERS: dict[str, Any] = {
    "HubEventBusArn": {"Type": "String", "Description": "The hub's bus, where this member's events go."},
    "HubStackName": HUB_PARAMETERS["HubStackName"],
    "HubAccountId": HUB_PARAMETERS["HubAccountId"],
}
# The member's forwarding role (templates/member-roles.yaml), named after the exec role.
FORWARDER_ROLE_ARN = {
    "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/vpc-remediator/${ExecRoleName}-forwarder"
}


@dataclass(frozen=True)
class SourceRule:
    """One CloudTrail rule of a function of template.yaml: its pattern and its State outside organization mode."""

    function: str
    name: str
    pattern: dict[str, Any]
    state: Any

    @property
    def logical_id(self) -> str:
        return f"{self.function}{self.name}"


def _account_mode_state(function: str, name: str, state: Any) -> Any:
    """The State a rule has outside organization mode: template.yaml writes it as If(IsOrganization, DISABLED, it)."""
    if not (
        isinstance(state, dict) and list(state) == ["Fn::If"] and state["Fn::If"][:2] == [MODE_CONDITION, "DISABLED"]
    ):
        raise ValueError(f"{function}.{name}: a CloudTrail rule's State must be !If [{MODE_CONDITION}, DISABLED, ...]")
    return state["Fn::If"][2]


def cloudtrail_rules(template: dict[str, Any]) -> list[SourceRule]:
    """Every EventBridge rule of a serverless function on CloudTrail's API calls, in template order."""
    rules = []
    for function, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for name, event in resource["Properties"].get("Events", {}).items():
            properties = event.get("Properties", {})
            pattern = properties.get("Pattern", {})
            if event.get("Type") != "EventBridgeRule" or CLOUDTRAIL not in pattern.get("detail-type", []):
                continue
            if pattern.get("detail", {}).get("userIdentity") != ACCOUNT_GUARD:
                raise ValueError(
                    f"{function}.{name}: its loop guard is not the one this script knows how to carry over"
                )
            state = _account_mode_state(function, name, properties.get("State"))
            rules.append(SourceRule(function, name, pattern, state))
    return rules


def member_pattern(pattern: dict[str, Any]) -> dict[str, Any]:
    """A rule's pattern in a member: the same, with the organization's loop guard (the member's own account stays)."""
    result = copy.deepcopy(pattern)
    result["detail"]["userIdentity"] = copy.deepcopy(ORGANIZATION_GUARD)
    return result


def hub_pattern(pattern: dict[str, Any]) -> dict[str, Any]:
    """A rule's pattern on the hub's bus: any account (the bus takes the organization's only), the organization's
    loop guard."""
    result = member_pattern(pattern)
    del result["account"]
    return result


def _conditions_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "Fn::If" in node:
            yield node["Fn::If"][0]
        if "Condition" in node and isinstance(node["Condition"], str):
            yield node["Condition"]
        for value in node.values():
            yield from _conditions_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from _conditions_in(item)


def _refs_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "Ref" in node:
            yield node["Ref"]
        for value in node.values():
            yield from _refs_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs_in(item)


def _carried_over(template: dict[str, Any], rules: list[SourceRule]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The conditions the rules' States use (ManageDefaultVpcOn), and the parameters those conditions read."""
    conditions = {name: template["Conditions"][name] for rule in rules for name in _conditions_in(rule.state)}
    names = sorted({ref for condition in conditions.values() for ref in _refs_in(condition)} | {"ExecRoleName"})
    parameters = {name: template["Parameters"][name] for name in names}
    return conditions, parameters


def _state(rule: SourceRule) -> dict[str, Any]:
    return {} if rule.state == "ENABLED" else {"State": rule.state}


def hub_rules_template(template: dict[str, Any]) -> dict[str, Any]:
    """The hub's nested stack: a rule on the hub's bus and its invoke permission for each CloudTrail rule."""
    rules = cloudtrail_rules(template)
    conditions, parameters = _carried_over(template, rules)
    functions = list(dict.fromkeys(rule.function for rule in rules))
    resources: dict[str, Any] = {}
    for rule in rules:
        resources[rule.logical_id] = {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "Description": f"vpc-remediator hub: members' events for {rule.function} ({rule.name})",
                "EventBusName": {"Ref": "EventBusName"},
                "EventPattern": hub_pattern(rule.pattern),
                **_state(rule),
                "Targets": [{"Id": rule.function, "Arn": {"Ref": f"{rule.function}Arn"}}],
            },
        }
        resources[f"{rule.logical_id}Permission"] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": f"{rule.function}Arn"},
                "Principal": "events.amazonaws.com",
                "SourceArn": {"Fn::GetAtt": [rule.logical_id, "Arn"]},
            },
        }
    function_parameters = {
        f"{function}Arn": {"Type": "String", "Description": f"The hub's {function}."} for function in functions
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "vpc-remediator hub: the rules on its bus that invoke its functions (written by "
        "scripts/organization_rules.py from template.yaml; do not edit).",
        "Parameters": {**HUB_PARAMETERS, **parameters, **function_parameters},
        "Conditions": conditions,
        "Resources": resources,
    }


def member_rules_template(template: dict[str, Any]) -> dict[str, Any]:
    """The members' template: each CloudTrail rule, forwarding to the hub's bus through the forwarding role."""
    rules = cloudtrail_rules(template)
    conditions, parameters = _carried_over(template, rules)
    resources = {
        rule.logical_id: {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "Description": f"vpc-remediator member: forwards to the hub what {rule.function} handles ({rule.name})",
                "EventPattern": member_pattern(rule.pattern),
                **_state(rule),
                "Targets": [{"Id": "hub", "Arn": {"Ref": "HubEventBusArn"}, "RoleArn": FORWARDER_ROLE_ARN}],
            },
        }
        for rule in rules
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "vpc-remediator member: forwards the CloudTrail events the hub handles to the hub's bus "
        "(written by scripts/organization_rules.py from template.yaml; do not edit).",
        "Parameters": {**MEMBER_PARAMETERS, **parameters},
        "Conditions": conditions,
        "Resources": resources,
    }


class _Dumper(yaml.SafeDumper):
    """Writes every value out in full: CloudFormation rejects YAML aliases in a template it reads itself."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(template: dict[str, Any]) -> str:
    """The template as the committed YAML file (CloudFormation's long forms, no tags, no aliases)."""
    header = "# Written by scripts/organization_rules.py from template.yaml: do not edit, run the script.\n"
    return header + yaml.dump(template, Dumper=_Dumper, sort_keys=False, width=120, default_flow_style=False)


def outputs(template_path: Path = TEMPLATE) -> dict[Path, str]:
    """Each generated file and the text it must hold."""
    template = load_template(template_path)
    return {HUB_RULES: render(hub_rules_template(template)), MEMBER_RULES: render(member_rules_template(template))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the committed files are up to date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in outputs().items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        if args.check:
            stale.append(path.relative_to(ROOT))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    for path in stale:
        print(f"{path} is not what scripts/organization_rules.py writes from template.yaml: run it", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
