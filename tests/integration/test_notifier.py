"""Reports from a remediation through the reports queue to NotifierFunction and a real receiver on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from tests.support.default_vpc import default_vpc_picture
from vpc_remediator.aws import secrets
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.devkit.receiver import LocalReceiver
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.handlers import default_vpc, notifier
from vpc_remediator.handlers._runtime import report_queue
from vpc_remediator.settings import get_settings

EVENTS = Path(__file__).resolve().parents[2] / "events"


@pytest.fixture(autouse=True)
def fresh_clients() -> Iterator[None]:
    """Clients and cached secrets belong to one simulated account: forget them between tests."""
    report_queue.cache_clear()
    secrets.clear_cache()
    yield
    report_queue.cache_clear()
    secrets.clear_cache()


def secret_for(url: str) -> str:
    client = boto3.client("secretsmanager", region_name=REGION)
    arn: str = client.create_secret(Name="slack-webhook", SecretString=json.dumps({"url": url}))["ARN"]
    return arn


def sqs_event(bodies: list[str]) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"message-{n}",
                "receiptHandle": f"handle-{n}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:reports",
                "awsRegion": REGION,
            }
            for n, body in enumerate(bodies)
        ]
    }


def report_bodies(outcomes: list[Outcome]) -> list[str]:
    return [
        json.dumps(
            Report(
                f"arn:aws:ecs:{REGION}:123456789012:service/prod/svc-{n}",
                "ecs-service",
                outcome,
                f"service svc-{n} moved to public subnets",
                event_id=f"event-{n}",
                account="123456789012",
                region=REGION,
            ).to_dict()
        )
        for n, outcome in enumerate(outcomes)
    ]


def notify(event: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = notifier.lambda_handler(event, LocalContext("NotifierFunction"))
    return response


def test_a_remediation_report_travels_through_the_queue_to_slack(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName="reports")["QueueUrl"]
    monkeypatch.setenv("REPORTS_QUEUE_URL", queue_url)
    delete_default_vpc(ec2)

    (report,) = default_vpc.lambda_handler(
        json.loads((EVENTS / "ec2/DeleteVpc.json").read_text()), LocalContext("DefaultVpcFunction")
    )
    queued = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]

    with LocalReceiver() as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        get_settings.cache_clear()  # the notifier is another function, with its own environment
        response = notify(sqs_event([message["Body"] for message in queued]))

    assert response == {"batchItemFailures": []}
    assert [json.loads(message["Body"])["resource"] for message in queued] == [report["resource"]]
    (message,) = receiver.received
    assert message["blocks"][0]["text"]["text"].startswith(":white_check_mark: Remediated: default-vpc")
    body = json.dumps(message)
    assert report["actions"][0]["undo"].split(" --vpc-id")[0] in body


def test_a_report_that_cannot_be_queued_does_not_fail_the_remediation(
    ec2: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTS_QUEUE_URL", f"https://sqs.{REGION}.amazonaws.com/123456789012/no-such-queue")
    delete_default_vpc(ec2)
    (report,) = default_vpc.lambda_handler(
        json.loads((EVENTS / "ec2/DeleteVpc.json").read_text()), LocalContext("DefaultVpcFunction")
    )
    assert report["outcome"] == "remediated"
    assert default_vpc_picture(ec2)["vpc"] is not None


def test_records_whose_message_slack_rejected_go_back_to_the_queue(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    bodies = report_bodies([Outcome.REMEDIATED, Outcome.FAILED, Outcome.NEEDS_NAT])
    # The first message is rejected (as Slack rejects invalid blocks), the others arrive.
    with LocalReceiver(replies=[(400, {})]) as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        response = notify(sqs_event([*bodies, "not json", bodies[2]]))
    assert sorted(item["itemIdentifier"] for item in response["batchItemFailures"]) == ["message-0", "message-3"]
    # The duplicate of the third report (SQS delivers at least once) was posted once.
    assert len(receiver.received) == 2


def test_a_slack_outage_hands_the_whole_batch_back(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with LocalReceiver(replies=[(429, {"Retry-After": "900"})]) as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        with pytest.raises(BatchProcessingError):
            notify(sqs_event(report_bodies([Outcome.REMEDIATED, Outcome.BLOCKED])))
    assert receiver.received == []


def test_a_burst_of_200_reports_becomes_a_few_digests(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = [Outcome.REMEDIATED] * 170 + [Outcome.NEEDS_NAT] * 20 + [Outcome.FAILED] * 10
    with LocalReceiver(replies=[(429, {"Retry-After": "1"})]) as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        response = notify(sqs_event(report_bodies(outcomes)))
    assert response == {"batchItemFailures": []}
    assert 1 <= len(receiver.received) <= 4
    counted = sum(
        int(field["text"].split("\n")[1]) for message in receiver.received for field in message["blocks"][1]["fields"]
    )
    assert counted == 200


def test_quiet_outcomes_are_not_posted(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with LocalReceiver() as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        response = notify(sqs_event(report_bodies([Outcome.COMPLIANT, Outcome.IGNORED, Outcome.BLOCKED])))
    assert response == {"batchItemFailures": []}
    (message,) = receiver.received
    assert message["blocks"][0]["text"]["text"].startswith(":no_entry: Blocked")
