"""Powertools idempotency keeps a small record whatever the run found: a sweep of 5,000 non-compliant resources
completes, its record fits DynamoDB's 400 KB item limit, and the same event again is not run twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.support.many import ACCOUNT, ManyWorkloads
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.handlers import _runtime, sweep
from vpc_remediator.settings import get_settings

DYNAMODB_ITEM_LIMIT = 400 * 1024
SWEEP_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:vpc-remediator-SweepFunction-ABC"


@pytest.fixture
def idempotency_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Idempotency on, as in Lambda, on a simulated table (Powertools' key: id)."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName="idempotency",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        monkeypatch.setenv("IDEMPOTENCY_TABLE", "idempotency")
        monkeypatch.delenv("POWERTOOLS_IDEMPOTENCY_DISABLED")
        get_settings.cache_clear()
        _runtime._guarded.cache_clear()
        yield client
        _runtime._guarded.cache_clear()


def test_a_sweep_of_5000_non_compliant_resources_completes_with_a_small_record_and_runs_once(
    idempotency_table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = ManyWorkloads(5000)
    monkeypatch.setattr(sweep, "region_for", lambda name=None: account)
    event = load_sample("events/Scheduled_sweep")
    context = LocalContext("SweepFunction", invoked_function_arn=SWEEP_ARN)

    returned = sweep.lambda_handler(event, context)

    summary = returned[0]
    assert summary["kind"] == "sweep"
    assert summary["details"]["counts"] == {"ecs-service": {"remediated": 5000}}
    assert len(returned) == 5001
    assert len(json.dumps(returned)) > DYNAMODB_ITEM_LIMIT, "the reports themselves would not fit in one item"
    (item,) = idempotency_table.scan(TableName="idempotency")["Items"]
    assert item["status"]["S"] == "COMPLETED"
    assert len(json.dumps(item)) < 4096
    stored = json.loads(item["data"]["S"])
    assert stored["reports"] == 5001
    assert stored["outcomes"] == {"remediated": 5001}
    assert len(stored["resources"]) == 20
    # The same event again (EventBridge delivers at least once): the record answers, nothing runs.
    monkeypatch.setattr(sweep, "region_for", lambda name=None: pytest.fail("a duplicate event ran the sweep again"))
    assert sweep.lambda_handler(event, context) == stored
