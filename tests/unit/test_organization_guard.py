"""The loop guard in organization mode: the exec role's calls in any member are the remediator's own."""

import json
from pathlib import Path

import pytest

from vpc_remediator.devkit.scenarios.organization import by_exec_role, delivered_from
from vpc_remediator.events import parse_event

EVENTS = Path(__file__).resolve().parents[2] / "events"
MEMBER = "210987654321"
EXEC_ROLE = "vpc-remediator-exec"


def sample(name: str) -> dict[str, object]:
    return json.loads((EVENTS / f"{name}.json").read_text())


def test_a_call_by_the_exec_role_in_a_member_is_our_own() -> None:
    event = by_exec_role(delivered_from(sample("ec2/DeleteSubnet"), MEMBER, "eu-west-1"), EXEC_ROLE)
    assert parse_event(event).is_own_call("vpc-remediator", EXEC_ROLE)


def test_the_session_arn_alone_is_enough_it_never_carries_the_path() -> None:
    event = by_exec_role(delivered_from(sample("ec2/DeleteSubnet"), MEMBER, "eu-west-1"), EXEC_ROLE)
    del event["detail"]["userIdentity"]["sessionContext"]  # type: ignore[index]
    assert parse_event(event).is_own_call("vpc-remediator", EXEC_ROLE)


@pytest.mark.parametrize("role", ["vpc-remediator-exec-2", "vpc-remediator-ex", "PlatformAdmin"])
def test_another_role_in_a_member_is_not_ours(role: str) -> None:
    event = by_exec_role(delivered_from(sample("ec2/DeleteSubnet"), MEMBER, "eu-west-1"), role)
    assert not parse_event(event).is_own_call("vpc-remediator", EXEC_ROLE)


def test_in_account_mode_the_exec_role_is_not_special() -> None:
    event = by_exec_role(delivered_from(sample("ec2/DeleteSubnet"), MEMBER, "eu-west-1"), EXEC_ROLE)
    assert not parse_event(event).is_own_call("vpc-remediator")


def test_the_stack_roles_stay_recognised_in_organization_mode() -> None:
    assert parse_event(sample("ec2/DeleteSubnet_own_role")).is_own_call("vpc-remediator", EXEC_ROLE)
    assert not parse_event(sample("ec2/DeleteSubnet")).is_own_call("vpc-remediator", EXEC_ROLE)


@pytest.mark.parametrize("path", ["", "imposter/", "vpc-remediator/extra/"])
def test_a_role_named_like_the_exec_role_under_another_path_is_not_ours(path: str) -> None:
    # IAM role names are unique per account, not per path: in a member without the roles stack, anyone allowed to
    # create roles can name one like the exec role. Its session ARN looks the same; its role ARN (with path) does not.
    event = by_exec_role(delivered_from(sample("ec2/DeleteSubnet"), MEMBER, "eu-west-1"), EXEC_ROLE)
    issuer = event["detail"]["userIdentity"]["sessionContext"]["sessionIssuer"]  # type: ignore[index]
    issuer["arn"] = f"arn:aws:iam::{MEMBER}:role/{path}{EXEC_ROLE}"
    assert not parse_event(event).is_own_call("vpc-remediator", EXEC_ROLE)
