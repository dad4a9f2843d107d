"""Lint every IAM policy template.yaml grants with parliament (an IAM policy linter); exit 1 on any finding.

Runs in the scanners' environment (.tools/scan, requirements/scan.lock), which has parliament and PyYAML but not the
project. Parliament reads plain JSON policies, so the template's intrinsics are written out for a stand-in stack
(account 123456789012, us-east-1): Sub and Ref of pseudo-parameters, Ref and GetAtt .Arn of the stack's own resources
as ARNs of their type, the Slack-on branch of every If.

    .tools/scan/bin/python scripts/lint_iam_policies.py template.yaml
    .tools/scan/bin/python scripts/lint_iam_policies.py templates/member-roles.yaml
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parliament import analyze_policy_string

# The scanners' own environment does not install the project: its template reader (PyYAML and the standard library
# only, PyYAML being checkov's too) is read from the source tree.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from vpc_remediator.cli.template import load_template

PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::StackName": "vpc-remediator",
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/vpc-remediator/0",
}
# How each type of the stack's resources is named in an ARN (GetAtt .Arn, and Ref where it gives an ARN).
ARN_BY_TYPE = {
    "AWS::DynamoDB::Table": "arn:aws:dynamodb:us-east-1:123456789012:table/{}",
    "AWS::SQS::Queue": "arn:aws:sqs:us-east-1:123456789012:{}",
    "AWS::Serverless::Function": "arn:aws:lambda:us-east-1:123456789012:function:{}",
    "AWS::Logs::LogGroup": "arn:aws:logs:us-east-1:123456789012:log-group:{}:*",
    "AWS::IAM::Role": "arn:aws:iam::123456789012:role/vpc-remediator/vpc-remediator/{}",
    "AWS::IAM::ManagedPolicy": "arn:aws:iam::123456789012:policy/{}",
}
# Parameters a policy names.
PARAMETERS = {
    "SlackWebhookSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-webhook-AbCdEf",
    "ExecRoleName": "vpc-remediator-exec",
    "OrganizationId": "o-a1b2c3d4e5",
    # The member roles' template (templates/member-roles.yaml), as the hub's roles StackSet fills it.
    "HubFunctionArns": ["arn:aws:lambda:us-east-1:123456789012:function:vpc-remediator-PlacementFunction-AbC"],
    "HubEventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/vpc-remediator-vpc-remediator",
    "MemberRegions": ["us-east-1", "eu-west-1"],
    "SlackSigningSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-signing-AbCdEf",
    "SlackBotTokenSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-bot-AbCdEf",
}
# Findings accepted after review, by (policy, finding issue, the actions it names), each with the reason.
PASS_JOB_ROLES = ("PlacementPermissions", "PERMISSIONS_MANAGEMENT_ACTIONS", "iam:passrole")
# The exec role in members grants the same (templates/member-roles.yaml).
PASS_JOB_ROLES_IN_MEMBERS = ("ExecRole.placement", "PERMISSIONS_MANAGEMENT_ACTIONS", "iam:passrole")
ASSUME_EXEC_ROLE = ("AssumeMemberExecRole", "CREDENTIALS_EXPOSURE", "sts:assumerole")
ASSUME_EXEC_ROLE_FROM_WORKERS = ("SweepWorkerFunctionRole.sweep-worker", "CREDENTIALS_EXPOSURE", "sts:assumerole")
ACCEPTED: dict[tuple[str, str, str], str] = {
    ASSUME_EXEC_ROLE_FROM_WORKERS: "organization mode acts in members through their exec role only: that role's "
    "name under /vpc-remediator/, in the organization's accounts only (aws:ResourceOrgID); the credentials stay in "
    "the process",
    PASS_JOB_ROLES: "a job definition's new revision passes on the roles it already names, to batch.amazonaws.com "
    "and ecs-tasks.amazonaws.com only (iam:PassedToService)",
    PASS_JOB_ROLES_IN_MEMBERS: "as PlacementPermissions in the hub: the same revision, in a member, as its exec role",
    ASSUME_EXEC_ROLE: "organization mode: the functions act in a member as its exec role, that role only (its name "
    "under /vpc-remediator/), in the organization only (aws:ResourceOrgID); its trust policy names the function roles",
}


class Resolver:
    """Writes a template's intrinsics out for the stand-in stack."""

    def __init__(self, resources: dict[str, Any]) -> None:
        self.resources = resources

    def arn(self, name: str) -> str:
        # SAM makes a role named <Function>Role for each function without one of its own.
        kind = "AWS::IAM::Role" if name not in self.resources else self.resources[name]["Type"]
        return ARN_BY_TYPE[kind].format(name)

    def ref(self, name: str) -> Any:
        if name in PSEUDO:
            return PSEUDO[name]
        if name in PARAMETERS:
            return PARAMETERS[name]
        return self.arn(name) if name in self.resources else name

    def __call__(self, node: Any) -> Any:
        if isinstance(node, list):
            return [item for item in (self(item) for item in node) if item is not None]
        if not isinstance(node, dict):
            return node
        if set(node) == {"Ref"}:
            return None if node["Ref"] == "AWS::NoValue" else self.ref(node["Ref"])
        if set(node) == {"Fn::Sub"}:
            return re.sub(r"\$\{([^}]+)\}", lambda match: str(self.ref(match.group(1))), node["Fn::Sub"])
        if set(node) == {"Fn::GetAtt"}:
            return self.arn(node["Fn::GetAtt"][0])
        if set(node) == {"Fn::If"}:
            return self(node["Fn::If"][1])
        return {key: self(value) for key, value in node.items()}


def policies(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, identity policy document) for every policy the template grants."""
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        kind = resource["Type"]
        if kind in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
            yield name, properties["PolicyDocument"]
        elif kind == "AWS::IAM::Role":
            for entry in properties.get("Policies", []):
                # A conditional policy (Fn::If, the other branch AWS::NoValue) is checked as if its condition held.
                policy = entry["Fn::If"][1] if "Fn::If" in entry else entry
                yield f"{name}.{policy['PolicyName']}", policy["PolicyDocument"]
        elif kind == "AWS::Serverless::Function":
            for index, entry in enumerate(properties.get("Policies", [])):
                if isinstance(entry, dict) and "Statement" in entry:
                    yield f"{name}.Policies[{index}]", {"Version": "2012-10-17", "Statement": entry["Statement"]}


def main(path: str) -> int:
    """Print every finding; 1 when one is not accepted."""
    template = load_template(Path(path))
    resolve = Resolver(template["Resources"])
    checked, unexplained = 0, 0
    for where, document in policies(template):
        checked += 1
        policy = analyze_policy_string(json.dumps(resolve(document)), filepath=where, include_community_auditors=True)
        for finding in policy.findings:
            actions = ",".join(sorted(finding.location.get("actions", [])))
            reason = ACCEPTED.get((where, finding.issue, actions))
            print(f"{where}: {finding.issue} {finding.detail}")
            if reason is None:
                unexplained += 1
            else:
                print(f"  accepted: {reason}")
    print(f"parliament: {checked} policies, {unexplained} unexplained findings")
    return 1 if unexplained or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "template.yaml"))
