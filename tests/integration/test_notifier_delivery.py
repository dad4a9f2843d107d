"""The notifier never loses a report and never posts one twice: redeliveries, duplicates in the queue, its deadline,
records that can never become a message. Through the real handler, moto's SQS and DynamoDB, and a real receiver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.integration.test_notifier import report_bodies, secret_for, sqs_event
from vpc_remediator.aws import secrets
from vpc_remediator.aws.delivery_log import DynamoDbDeliveryLog
from vpc_remediator.aws.reports_queue import ReportQueue
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.devkit.receiver import LocalReceiver
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.domain.delivery import Claim
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.handlers import notifier
from vpc_remediator.settings import get_settings

LOUD = [Outcome.REMEDIATED, Outcome.FAILED, Outcome.NEEDS_NAT]


class ShortContext(LocalContext):
    """A Lambda context with `seconds` left."""

    def __init__(self, seconds: float) -> None:
        super().__init__("NotifierFunction")
        self.seconds = seconds

    def get_remaining_time_in_millis(self) -> int:
        return int(self.seconds * 1000)


@pytest.fixture
def ledger(ec2: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The ledger table, as the template makes it, configured for the notifier."""
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
    get_settings.cache_clear()
    secrets.clear_cache()
    yield "ledger"
    secrets.clear_cache()


def notify(event: dict[str, Any], context: LocalContext | None = None) -> dict[str, Any]:
    response: dict[str, Any] = notifier.lambda_handler(event, context or LocalContext("NotifierFunction"))
    return response


def posted_ids(receiver: LocalReceiver) -> list[str]:
    """The report id each received message carries (its context block)."""
    return [
        message["blocks"][-1]["elements"][0]["text"].rsplit("report `", 1)[1].rstrip("`")
        for message in receiver.received
    ]


def ids_of(bodies: list[str]) -> list[str]:
    return [Report.from_dict(json.loads(body)).report_id for body in bodies]


@pytest.mark.usefixtures("ledger")
def test_a_redelivered_batch_posts_nothing_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    bodies = report_bodies(LOUD)
    with LocalReceiver() as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        assert notify(sqs_event(bodies)) == {"batchItemFailures": []}
        # SQS delivers the same messages again (a lost delete, a crash after posting): nothing new is posted.
        assert notify(sqs_event(bodies)) == {"batchItemFailures": []}
    assert sorted(posted_ids(receiver)) == sorted(ids_of(bodies))


@pytest.mark.usefixtures("ledger")
def test_a_report_queued_twice_by_a_retried_send_is_posted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="reports")["QueueUrl"]
    report = Report.from_dict(json.loads(report_bodies([Outcome.REMEDIATED])[0]))
    queue = ReportQueue(sqs, url)
    # SQS took the first SendMessageBatch but its answer was lost: it was sent again (a standard queue keeps both).
    assert queue.publish([report]) == [] and queue.publish([report]) == []
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    with LocalReceiver() as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        # The two copies reach two different batches (two invocations).
        assert notify(sqs_event([first[0]["Body"]])) == {"batchItemFailures": []}
        assert notify(sqs_event([second[0]["Body"]])) == {"batchItemFailures": []}
    assert posted_ids(receiver) == [report.report_id]


@pytest.mark.usefixtures("ledger")
def test_after_a_partial_failure_only_what_was_not_posted_is_posted_on_redelivery(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bodies = report_bodies(LOUD)
    with LocalReceiver(replies=[(200, {}), (503, {}), (503, {}), (503, {})]) as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        response = notify(sqs_event(bodies))
        assert sorted(item["itemIdentifier"] for item in response["batchItemFailures"]) == ["message-1", "message-2"]
        # Lambda's batch is redelivered whole (the invocation crashed before answering, say).
        assert notify(sqs_event(bodies)) == {"batchItemFailures": []}
    assert sorted(posted_ids(receiver)) == sorted(ids_of(bodies))


@pytest.mark.usefixtures("ledger")
def test_a_long_retry_after_near_the_deadline_hands_the_rest_back(monkeypatch: pytest.MonkeyPatch) -> None:
    bodies = report_bodies(LOUD)
    # Slack asks for 25 s, within the 30 s the notifier may wait, but only 60 s are left: no wait, the rest goes back.
    with LocalReceiver(replies=[(200, {}), (429, {"Retry-After": "25"})]) as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        response = notify(sqs_event(bodies), ShortContext(60))
    assert sorted(item["itemIdentifier"] for item in response["batchItemFailures"]) == ["message-1", "message-2"]
    assert receiver.attempts == 2
    assert posted_ids(receiver) == ids_of(bodies[:1])


@pytest.mark.usefixtures("ledger")
def test_nothing_is_started_without_the_time_to_finish_it(monkeypatch: pytest.MonkeyPatch) -> None:
    bodies = report_bodies(LOUD)
    with LocalReceiver() as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        response = notify(sqs_event([*bodies, report_bodies([Outcome.COMPLIANT])[0]]), ShortContext(20))
    assert sorted(item["itemIdentifier"] for item in response["batchItemFailures"]) == [
        "message-0",
        "message-1",
        "message-2",
    ]  # the quiet one needed no message
    assert receiver.attempts == 0


@pytest.mark.usefixtures("ledger")
def test_a_record_that_can_never_be_a_message_goes_to_the_dead_letter_queue_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    dead_letters = sqs.create_queue(QueueName="reports-dlq")["QueueUrl"]
    monkeypatch.setenv("REPORTS_DEAD_LETTER_QUEUE_URL", dead_letters)
    bad = json.dumps({"resource": 7, "reason": "x", "outcome": "remediated"})
    with LocalReceiver() as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        response = notify(sqs_event([report_bodies([Outcome.REMEDIATED])[0], bad]))
    assert response == {"batchItemFailures": []}  # not redelivered: it could never succeed
    (kept,) = sqs.receive_message(QueueUrl=dead_letters, MessageAttributeNames=["All"])["Messages"]
    assert kept["Body"] == bad
    assert "must be text" in kept["MessageAttributes"]["why"]["StringValue"]
    assert len(receiver.received) == 1  # its neighbour was posted


def test_a_record_the_dead_letter_queue_refuses_goes_back_to_the_queue(
    ec2: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTS_DEAD_LETTER_QUEUE_URL", f"https://sqs.{REGION}.amazonaws.com/123456789012/missing")
    with LocalReceiver() as receiver:
        monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", secret_for(receiver.url))
        response = notify(sqs_event([report_bodies([Outcome.REMEDIATED])[0], "[[["]))
    assert response == {"batchItemFailures": [{"itemIdentifier": "message-1"}]}


def test_the_delivery_log_lets_one_invocation_post_a_report_and_remembers_it(ledger: str) -> None:
    now = [1_000_000.0]
    log = DynamoDbDeliveryLog(boto3.client("dynamodb", region_name=REGION), ledger, clock=lambda: now[0])
    assert log.claim("r1") is Claim.TAKEN
    assert log.claim("r1") is Claim.BUSY  # another invocation, meanwhile
    log.release("r1")  # the message did not go
    assert log.claim("r1") is Claim.TAKEN
    now[0] += 600  # that invocation died holding it: the claim lapses
    assert log.claim("r1") is Claim.TAKEN
    log.posted("r1")
    now[0] += 86_400
    assert log.claim("r1") is Claim.POSTED
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=ledger, Key={"resource": {"S": "slack-delivery/r1"}, "at": {"S": "delivery"}}
    )["Item"]
    assert int(item["expires_at"]["N"]) > now[0]  # removed by the table's TTL, after the queues' retention
