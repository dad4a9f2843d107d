"""Approve mode against a simulated account: the pending change in the ledger table, claimed once; the default VPC
repair waits for approval like any workload."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.integration.test_default_vpc_handler import invoke, sample
from tests.support.default_vpc import default_vpc_picture
from vpc_remediator.aws.approvals import DynamoDbApprovalStore
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc
from vpc_remediator.domain.approval import ChangeState, Step
from vpc_remediator.settings import get_settings


@pytest.fixture
def ledger(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The ledger table, as the template makes it, configured for the functions."""
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName="ledger",
        AttributeDefinitions=[
            {"AttributeName": "resource", "AttributeType": "S"},
            {"AttributeName": "at", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "resource", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    monkeypatch.setenv("LEDGER_TABLE", "ledger")
    monkeypatch.setenv("REMEDIATION_MODE", "approve")
    get_settings.cache_clear()
    yield "ledger"


def store() -> DynamoDbApprovalStore:
    return DynamoDbApprovalStore(boto3.client("dynamodb", region_name=REGION), "ledger")


def test_a_deleted_default_vpc_waits_for_approval_and_nothing_is_created(ledger: str, ec2: Any) -> None:
    delete_default_vpc(ec2)
    (report,) = invoke(sample("ec2/DeleteVpc"))
    assert report["outcome"] == "awaiting-approval"
    assert default_vpc_picture(ec2) == {"vpc": None}
    change = store().get(report["change_id"])
    assert change is not None and change.state is ChangeState.PENDING
    assert [action.api for action in change.plan] == ["ec2:CreateDefaultVpc"]
    assert [action["api"] for action in report["actions"]] == ["ec2:CreateDefaultVpc"]
    # The same problem seen again (a repeated event, the sweep) is the same change to approve.
    (again,) = invoke(sample("ec2/DeleteVpc"))
    assert again["change_id"] == report["change_id"]


def test_a_pending_change_is_claimed_once_whatever_the_clicks(ledger: str, ec2: Any) -> None:
    delete_default_vpc(ec2)
    (report,) = invoke(sample("ec2/DeleteVpc"))
    changes = store()
    assert changes.claim(report["change_id"], ChangeState.PENDING) is True
    assert changes.claim(report["change_id"], ChangeState.PENDING) is False  # a double click or a replay
    assert changes.claim("chg-unknown", ChangeState.PENDING) is False
    claimed = changes.get(report["change_id"])
    assert claimed is not None and claimed.state is ChangeState.CLAIMED
    step = Step(claimed.created_at, "U012ABCDEF", "approve", "applied")
    changes.settle(claimed.with_step(step, ChangeState.APPLIED))
    settled = changes.get(report["change_id"])
    assert settled is not None and settled.state is ChangeState.APPLIED and settled.steps == (step,)
