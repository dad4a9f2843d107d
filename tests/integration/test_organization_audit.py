"""`vpc-remediator audit --organization`: every active account of the organization in the chosen regions, through
the exec role, dry run unless --apply, with a table per account."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.default_vpc import default_vpc_picture
from tests.support.organization import HUB_ACCOUNT, Organization, organization
from vpc_remediator.cli.main import main
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc

__all__ = ["organization"]  # the fixture


def test_an_organization_audit_sweeps_every_account_and_region_and_changes_nothing(
    organization: Organization, capsys: pytest.CaptureFixture[str]
) -> None:
    payments, analytics = organization.members
    delete_default_vpc(organization.ec2(payments, "eu-west-1"))

    assert main(["audit", "--organization", "--json", "--regions", "us-east-1,eu-west-1"]) == 0

    reports: list[dict[str, Any]] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    summaries = {(r["account"], r["region"]): r for r in reports if r["kind"] == "sweep"}
    accounts = {HUB_ACCOUNT, payments.account, analytics.account}
    assert set(summaries) == {(a, r) for a in accounts for r in ("us-east-1", "eu-west-1")}
    assert summaries[(payments.account, "eu-west-1")]["account_name"] == "payments"
    (missing,) = [
        r
        for r in reports
        if r["kind"] == "default-vpc" and (r["account"], r["region"]) == (payments.account, "eu-west-1")
    ]
    assert missing["outcome"] == "would-remediate"
    assert default_vpc_picture(organization.ec2(payments, "eu-west-1"))["vpc"] is None


def test_an_applied_organization_audit_repairs_and_ends_with_a_table_per_account(
    organization: Organization, capsys: pytest.CaptureFixture[str]
) -> None:
    _, analytics = organization.members
    delete_default_vpc(organization.ec2(analytics))

    assert main(["audit", "--organization", "--apply", "--regions", "us-east-1"]) == 0

    out = capsys.readouterr().out
    assert default_vpc_picture(organization.ec2(analytics))["vpc"] is not None
    table = out[out.index("Per account") :]
    row = next(line for line in table.splitlines() if analytics.account in line)
    assert "analytics" in row and "us-east-1 remediated" in row


def test_role_and_regions_belong_to_the_organization_audit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "--regions", "us-east-1"]) == 2
    assert "--role and --regions go with --organization" in capsys.readouterr().err
