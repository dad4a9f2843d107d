"""A simulated organization (moto Organizations) and events shaped as a member's rules deliver them to the hub."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

# The session the hub's functions open in a member (aws/organization.py names it so).
SESSION_NAME = "vpc-remediator-PlacementFunction"


@dataclass(frozen=True)
class Member:
    """A member account: its id and its Organizations name."""

    account: str
    name: str


def create_organization(organizations: Any, names: tuple[str, ...]) -> tuple[str, list[Member]]:
    """An organization (the caller's account is its management account) with one new account per name."""
    organization_id = str(organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"])
    members = []
    for name in names:
        created = organizations.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]
        members.append(Member(str(created["AccountId"]), name))
    return organization_id, members


def delivered_from(event: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    """The event as the hub's bus receives it from a member: EventBridge keeps the source's `account` and `region`
    across accounts, and the CloudTrail record inside names the member (recipient, caller's account)."""
    moved = copy.deepcopy(event)
    moved["account"] = account
    moved["region"] = region
    detail = moved["detail"]
    detail["recipientAccountId"] = account
    detail["awsRegion"] = region
    identity = detail.get("userIdentity")
    if isinstance(identity, dict):
        identity["accountId"] = account
        if isinstance(identity.get("arn"), str):
            identity["arn"] = _in_account(identity["arn"], account)
        issuer = identity.get("sessionContext", {}).get("sessionIssuer", {})
        if isinstance(issuer.get("arn"), str):
            issuer["arn"] = _in_account(issuer["arn"], account)
            issuer["accountId"] = account
    return moved


def by_exec_role(event: dict[str, Any], role_name: str) -> dict[str, Any]:
    """The event of a call made in its account by the hub through the exec role (path /vpc-remediator/)."""
    made = copy.deepcopy(event)
    account = str(made["account"])
    made["detail"]["userIdentity"] = {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLEEXEC:{SESSION_NAME}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{SESSION_NAME}",
        "accountId": account,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEEXEC",
                "arn": f"arn:aws:iam::{account}:role/vpc-remediator/{role_name}",
                "accountId": account,
                "userName": role_name,
            },
            "sourceIdentity": "vpc-remediator",
        },
    }
    return made


def _in_account(arn: str, account: str) -> str:
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return arn
    parts[4] = account
    return ":".join(parts)


def member_client(session: Any, account: str, service: str, region: str) -> Any:
    """A client acting in a member account of the simulated organization (as its administrator would)."""
    sts = session.client("sts", region_name=region)
    role = f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
    found = sts.assume_role(RoleArn=role, RoleSessionName="administrator")["Credentials"]
    return session.client(
        service,
        region_name=region,
        aws_access_key_id=found["AccessKeyId"],
        aws_secret_access_key=found["SecretAccessKey"],
        aws_session_token=found["SessionToken"],
    )
