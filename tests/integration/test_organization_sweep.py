"""The organization sweep: one message per covered account and region, each swept by a worker through the exec role
there, with the same hand-over rule; one summary per pair and one for the organization."""

from __future__ import annotations

import json
from typing import Any

from tests.support.default_vpc import default_vpc_picture
from tests.support.organization import HOME, HUB_ACCOUNT, HUB_REGION, DenyingSts, Organization, organization
from vpc_remediator.cli.samples import events_dir
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc
from vpc_remediator.remediation.entry import MAX_CONTINUATIONS, on_sweep_event, sweep_worker_invocation
from vpc_remediator.remediation.organization_sweep import SweepPair

__all__ = ["organization"]  # the fixture


def scheduled() -> dict[str, Any]:
    event: dict[str, Any] = json.loads((events_dir() / "events/Scheduled_sweep.json").read_text())
    return event


def pairs(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((json.loads(r["body"])["account"], json.loads(r["body"])["region"]) for r in records)


def test_the_schedule_queues_one_sweep_per_active_account_and_region(organization: Organization) -> None:
    payments, analytics = organization.members
    settings = organization.settings(excluded_accounts=frozenset({analytics.account}))

    (report,) = on_sweep_event(scheduled(), organization.regions(settings), lambda: False, HOME).reports

    accounts = sorted([HUB_ACCOUNT, payments.account])
    assert pairs(organization.queued()) == [(a, r) for a in accounts for r in ("eu-west-1", "us-east-1")]
    assert report.kind == "sweep" and report.outcome.value == "compliant"
    assert "4 of 4 account-region pairs queued (2 active accounts x 2 regions" in report.reason
    assert f"excluded (ExcludedAccounts): {analytics.account}" in report.reason
    assert report.resource == f"arn:aws:organizations::{HUB_ACCOUNT}:organization/{organization.organization_id}"


def test_each_worker_sweeps_its_pair_in_that_account_and_names_it(organization: Organization) -> None:
    payments, analytics = organization.members
    delete_default_vpc(organization.ec2(payments, "eu-west-1"))
    regions = organization.regions(organization.settings())
    on_sweep_event(scheduled(), regions, lambda: False, HOME)

    reports = sweep_worker_invocation({"Records": organization.queued()}, regions, lambda: 900_000, HOME)

    summaries = {(r.account, r.region): r for r in reports if r.kind == "sweep"}
    assert len(summaries) == 6
    fixed = summaries[(payments.account, "eu-west-1")]
    assert fixed.outcome.value == "remediated"
    assert fixed.account_name == "payments"
    assert fixed.reason.startswith(f"account payments ({payments.account}), eu-west-1: swept")
    assert summaries[(analytics.account, "eu-west-1")].reason.startswith(f"account analytics ({analytics.account})")
    assert default_vpc_picture(organization.ec2(payments, "eu-west-1"))["vpc"] is not None
    # Each resource's report names the account and region it is in (moto's default VPCs lack their gateway: all fixed).
    repaired = {(r.account, r.region) for r in reports if r.kind == "default-vpc"}
    assert repaired == set(summaries)


def test_a_member_whose_role_cannot_be_assumed_is_blocked_and_the_rest_are_swept(organization: Organization) -> None:
    payments, analytics = organization.members
    delete_default_vpc(organization.ec2(analytics))
    delete_default_vpc(organization.ec2(payments))
    sts = DenyingSts(organization.session.client("sts", region_name=HUB_REGION), payments.account)
    regions = organization.regions(organization.settings(), sts=sts)
    on_sweep_event(scheduled(), regions, lambda: False, HOME)

    reports = sweep_worker_invocation({"Records": organization.queued()}, regions, lambda: 900_000, HOME)

    outcomes = {(r.account, r.region): r.outcome.value for r in reports if r.kind == "sweep"}
    assert outcomes[(payments.account, "us-east-1")] == "blocked"
    assert outcomes[(payments.account, "eu-west-1")] == "blocked"
    assert outcomes[(analytics.account, "us-east-1")] == "remediated"
    assert default_vpc_picture(organization.ec2(payments))["vpc"] is None
    assert default_vpc_picture(organization.ec2(analytics))["vpc"] is not None


def test_a_pair_out_of_time_is_queued_again_with_its_cursor_until_the_hand_over_limit(
    organization: Organization,
) -> None:
    payments, _ = organization.members
    regions = organization.regions(organization.settings())
    pair = SweepPair(payments.account, "payments", "us-east-1", "schedule-1", "2026-11-27T00:00:00Z")

    (summary,) = sweep_worker_invocation(
        {"Records": [{"body": json.dumps(pair.to_message())}]}, regions, lambda: 0, HOME
    )

    (again,) = organization.queued()
    handed = json.loads(again["body"])
    assert (handed["account"], handed["hop"], handed["cursor"]) == (
        payments.account,
        1,
        {"phase": "default-vpc", "token": None},
    )
    assert "continuing from default-vpc" in summary.reason
    last = {**pair.to_message(), "hop": MAX_CONTINUATIONS}
    (summary,) = sweep_worker_invocation({"Records": [{"body": json.dumps(last)}]}, regions, lambda: 0, HOME)
    assert organization.queued() == []
    assert "not continued: the hand-over limit was reached" in summary.reason


def test_a_queued_pair_is_checked_like_an_event(organization: Organization) -> None:
    payments, _ = organization.members
    regions = organization.regions(organization.settings(excluded_accounts=frozenset({payments.account})))
    good = SweepPair(payments.account, "payments", "us-east-1", "s", "t").to_message()
    records = [
        {"messageId": "1", "body": json.dumps(good)},
        {"messageId": "2", "body": json.dumps({**good, "account": "999999999999"})},
        {"messageId": "3", "body": json.dumps({**good, "region": "ap-south-1"})},
        {"messageId": "4", "body": json.dumps({**good, "hop": 21})},
        {"messageId": "5", "body": "not json"},
    ]

    reports = sweep_worker_invocation({"Records": records}, regions, lambda: 900_000, HOME)

    assert [r.outcome.value for r in reports] == ["ignored"] * 5
    assert "excluded (ExcludedAccounts)" in reports[0].reason
    assert "not an active account of organization" in reports[1].reason
    assert "not one of MemberRegions" in reports[2].reason
    assert "hop (0 to 20)" in reports[3].reason
    assert "must be JSON" in reports[4].reason


def test_a_continuation_in_organization_mode_is_refused(organization: Organization) -> None:
    event = {**scheduled(), "source": "vpc-remediator.sweep", "detail-type": "Sweep Continuation"}
    event["detail"] = {"cursor": {"phase": "default-vpc", "token": None}, "hop": 1, "started_by": "x"}

    (report,) = on_sweep_event(event, organization.regions(organization.settings()), lambda: False, HOME).reports

    assert report.outcome.value == "ignored"
    assert "each account and region is swept by the workers" in report.reason
    assert organization.queued() == []
