"""Organization mode: the hub acts on a member's event in that member's account and region, through the exec role,
and nowhere else; refusals fail closed with one report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from tests.support.default_vpc import default_vpc_picture
from tests.support.organization import (
    HOME,
    HUB_REGION,
    DenyingSts,
    Organization,
    organization,
)
from vpc_remediator.aws.organization import ExecRoleCredentials
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.api_calls import counting
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc
from vpc_remediator.devkit.scenarios.organization import Member, by_exec_role, delivered_from
from vpc_remediator.domain.errors import AccessDeniedError
from vpc_remediator.remediation.entry import on_default_vpc_event

__all__ = ["organization"]  # the fixture


def deleted_vpc_event(organization: Organization, member: Member, region: str = HUB_REGION) -> dict[str, Any]:
    vpc_id = delete_default_vpc(organization.ec2(member, region))
    return delivered_from(load_sample("ec2/DeleteVpc", {"vpcId": vpc_id}), member.account, region)


def test_a_members_event_is_repaired_in_that_members_account_and_region_only(organization: Organization) -> None:
    payments, analytics = organization.members
    hub_before = default_vpc_picture(organization.session.client("ec2", region_name=HUB_REGION))
    event = deleted_vpc_event(organization, payments, "eu-west-1")

    (report,) = on_default_vpc_event(event, organization.regions(organization.settings()), home=HOME)

    assert report.outcome.value == "remediated", report.reason
    assert (report.account, report.account_name, report.region) == (payments.account, "payments", "eu-west-1")
    assert default_vpc_picture(organization.ec2(payments, "eu-west-1"))["vpc"] is not None
    # Nothing happened anywhere else: the member's other region, the other member, the hub.
    assert default_vpc_picture(organization.ec2(analytics, "eu-west-1"))["vpc"] is not None
    assert default_vpc_picture(organization.session.client("ec2", region_name=HUB_REGION)) == hub_before


def test_a_forged_account_from_outside_the_organization_is_refused(organization: Organization) -> None:
    payments, _ = organization.members
    event = deleted_vpc_event(organization, payments)
    event["account"] = "999999999999"

    with counting() as calls:
        (report,) = on_default_vpc_event(event, organization.regions(organization.settings()), home=HOME)

    assert report.outcome.value == "ignored"
    assert "999999999999, which is not an active account of organization" in report.reason
    assert calls.calls["sts:AssumeRole"] == 0
    assert default_vpc_picture(organization.ec2(payments))["vpc"] is None


@pytest.mark.parametrize(
    ("change", "region", "words"),
    [
        ({"excluded_accounts": frozenset({"MEMBER"})}, HUB_REGION, "is excluded (ExcludedAccounts)"),
        ({}, "ap-south-1", "not one of MemberRegions (us-east-1, eu-west-1)"),
    ],
    ids=["excluded-account", "region-not-covered"],
)
def test_an_excluded_account_or_a_region_not_covered_is_refused(
    organization: Organization, change: dict[str, Any], region: str, words: str
) -> None:
    payments, _ = organization.members
    if region == HUB_REGION:
        event = deleted_vpc_event(organization, payments)
    else:
        event = delivered_from(load_sample("ec2/DeleteVpc", {"vpcId": "vpc-0abc"}), payments.account, region)
    change = {key: frozenset({payments.account}) for key in change}

    (report,) = on_default_vpc_event(event, organization.regions(organization.settings(**change)), home=HOME)

    assert report.outcome.value == "ignored"
    assert words in report.reason


def test_a_call_by_the_exec_role_in_a_member_is_never_remediated(organization: Organization) -> None:
    payments, _ = organization.members
    event = by_exec_role(deleted_vpc_event(organization, payments), "vpc-remediator-exec")

    with counting() as calls:
        (report,) = on_default_vpc_event(event, organization.regions(organization.settings()), home=HOME)

    assert report.outcome.value == "ignored"
    assert "made by this stack's own role vpc-remediator-exec" in report.reason
    assert calls.calls["sts:AssumeRole"] == 0
    assert default_vpc_picture(organization.ec2(payments))["vpc"] is None


@pytest.mark.parametrize(
    "role_path",
    [
        "vpc-remediator/vpc-remediator/",  # the hub stack's path, but in a member: the hub's roles live in the hub only
        "imposter/",  # the exec role's name under another path (names are unique per account, paths are not)
    ],
)
def test_a_members_role_that_only_looks_like_ours_is_remediated(organization: Organization, role_path: str) -> None:
    payments, _ = organization.members
    event = by_exec_role(deleted_vpc_event(organization, payments), "vpc-remediator-exec")
    issuer = event["detail"]["userIdentity"]["sessionContext"]["sessionIssuer"]
    issuer["arn"] = f"arn:aws:iam::{payments.account}:role/{role_path}vpc-remediator-exec"

    (report,) = on_default_vpc_event(event, organization.regions(organization.settings()), home=HOME)

    assert report.outcome.value == "remediated", report.reason
    assert default_vpc_picture(organization.ec2(payments))["vpc"] is not None


def test_a_canary_account_only_reports(organization: Organization) -> None:
    payments, analytics = organization.members
    settings = organization.settings(dry_run_accounts=frozenset({payments.account}))
    regions = organization.regions(settings)

    (canary,) = on_default_vpc_event(deleted_vpc_event(organization, payments), regions, home=HOME)
    (fixed,) = on_default_vpc_event(deleted_vpc_event(organization, analytics), regions, home=HOME)

    assert canary.outcome.value == "would-remediate"
    assert default_vpc_picture(organization.ec2(payments))["vpc"] is None
    assert fixed.outcome.value == "remediated"
    assert default_vpc_picture(organization.ec2(analytics))["vpc"] is not None


def test_sts_access_denied_in_one_member_blocks_that_account_only(organization: Organization) -> None:
    payments, analytics = organization.members
    sts = DenyingSts(organization.session.client("sts", region_name=HUB_REGION), payments.account)
    regions = organization.regions(organization.settings(), sts=sts)

    (blocked,) = on_default_vpc_event(deleted_vpc_event(organization, payments), regions, home=HOME)
    (fixed,) = on_default_vpc_event(deleted_vpc_event(organization, analytics), regions, home=HOME)

    assert blocked.outcome.value == "blocked"
    assert blocked.account == payments.account
    assert f"the exec role vpc-remediator-exec of account {payments.account} could not be assumed" in blocked.reason
    assert "sts:AssumeRole was denied" in blocked.reason
    assert default_vpc_picture(organization.ec2(payments))["vpc"] is None
    assert fixed.outcome.value == "remediated"


def test_one_assume_role_per_account_for_many_events(organization: Organization) -> None:
    payments, analytics = organization.members
    regions = organization.regions(organization.settings())

    with counting() as calls:
        for member, region in ((payments, "us-east-1"), (payments, "eu-west-1"), (analytics, "us-east-1")):
            on_default_vpc_event(deleted_vpc_event(organization, member, region), regions, home=HOME)

    assert calls.calls["sts:AssumeRole"] == 2


def test_credentials_are_assumed_again_shortly_before_they_expire(organization: Organization) -> None:
    payments, _ = organization.members
    now = [datetime.now(UTC)]
    sts = organization.session.client("sts", region_name=HUB_REGION)
    credentials = ExecRoleCredentials(lambda: sts, "vpc-remediator-exec", "vpc-remediator-test", clock=lambda: now[0])

    first = credentials.for_account(payments.account)
    now[0] += timedelta(minutes=30)
    assert credentials.for_account(payments.account) is first
    now[0] += timedelta(minutes=20)  # 10 minutes left: less than the longest invocation
    refreshed = credentials.for_account(payments.account)

    assert refreshed is not first
    assert credentials.assumed == 2
    identity = boto3.client("sts", region_name=HUB_REGION, **refreshed.client_arguments()).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{payments.account}:assumed-role/vpc-remediator-exec/vpc-remediator-test"


def test_a_denied_assume_role_is_an_access_denied_error_naming_the_call(organization: Organization) -> None:
    payments, _ = organization.members
    sts = DenyingSts(organization.session.client("sts", region_name=HUB_REGION), payments.account)
    credentials = ExecRoleCredentials(lambda: sts, "vpc-remediator-exec", "vpc-remediator-test")

    with pytest.raises(AccessDeniedError, match="sts:AssumeRole"):
        credentials.for_account(payments.account)
