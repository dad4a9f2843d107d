"""One unreadable or hostile report in a notifier batch must not keep the batch's other reports from Slack."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.test_notifier import fresh_clients, notify, report_bodies, secret_for, sqs_event
from vpc_remediator.devkit.receiver import LocalReceiver
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.domain.report import Outcome

__all__ = ["fresh_clients"]  # its autouse fixture applies here too


def body_with_details(kind: str, details: Any) -> str:
    return json.dumps(
        {
            "resource": f"arn:aws:ecs:{REGION}:123456789012:service/prod/odd",
            "kind": kind,
            "outcome": "failed",
            "reason": "odd",
            "event_id": "odd-event",
            "account": "123456789012",
            "region": REGION,
            "actions": [],
            "details": details,
        }
    )


def deliver(bodies: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], list[Any]]:
    with LocalReceiver() as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        response = notify(sqs_event(bodies))
    return response, receiver.received


@pytest.mark.parametrize(
    ("kind", "details"),
    [
        ("ecs-service", {"vpc_id": "vpc-1"}),  # a placement report without its name
        ("ecs-service", ["not", "an", "object"]),
        ("default-vpc", {"before": {"vpc_id": None}}),  # a report of another version
        ("sweep", {"complete": True}),
    ],
)
def test_a_report_whose_details_miss_a_field_fails_only_its_own_record(
    ec2: Any, monkeypatch: pytest.MonkeyPatch, kind: str, details: Any
) -> None:
    good = report_bodies([Outcome.REMEDIATED])
    response, received = deliver([*good, body_with_details(kind, details)], monkeypatch)
    assert [item["itemIdentifier"] for item in response["batchItemFailures"]] == ["message-1"]
    assert len(received) == 1


@pytest.mark.parametrize(
    "details",
    [
        {"name": "n", "subnets_before": [1, 2]},
        {"name": "n", "subnets_after": [{"id": "subnet-1", "zone": 7}]},
    ],
)
def test_wrong_typed_details_fail_only_their_own_record(
    ec2: Any, monkeypatch: pytest.MonkeyPatch, details: Any
) -> None:
    good = report_bodies([Outcome.REMEDIATED])
    response, received = deliver([*good, body_with_details("ecs-service", details)], monkeypatch)
    assert [item["itemIdentifier"] for item in response["batchItemFailures"]] == ["message-1"]
    assert len(received) == 1


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        json.dumps(
            {
                "resource": "arn:aws:ecs:us-east-1:123456789012:service/prod/odd",
                "kind": "ecs-service",
                "outcome": "failed",
                "reason": 42,
                "actions": [],
                "details": {},
            }
        ),
    ],
    ids=["deep-nesting", "reason-not-a-string"],
)
def test_a_hostile_record_body_fails_only_its_own_record(ec2: Any, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    good = report_bodies([Outcome.REMEDIATED])
    response, received = deliver([*good, body], monkeypatch)
    assert [item["itemIdentifier"] for item in response["batchItemFailures"]] == ["message-1"]
    assert len(received) == 1
