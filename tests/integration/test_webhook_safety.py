"""The webhook URL is a secret and a destination: never logged, never a host other than Slack's where it is deployed."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.default_vpc import default_vpc_picture
from vpc_remediator.aws import secrets
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.cli.main import main
from vpc_remediator.devkit.receiver import LocalReceiver
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc
from vpc_remediator.domain.errors import ConfigurationError
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.handlers import notifier
from vpc_remediator.notify.blocks import plan_messages
from vpc_remediator.notify.slack import deliver, webhook_client
from vpc_remediator.settings import get_settings

EVENTS = Path(__file__).resolve().parents[2] / "events"
# LocalReceiver's path stands for a real webhook's secret part.
SECRET_PART = "/services/local/webhook"


@pytest.fixture(autouse=True)
def fresh_secrets() -> Iterator[None]:
    secrets.clear_cache()
    yield
    secrets.clear_cache()


def notifier_event(count: int) -> dict[str, Any]:
    bodies = [
        json.dumps(
            Report(
                f"arn:aws:ecs:{REGION}:123456789012:service/prod/svc-{n}",
                "ecs-service",
                Outcome.REMEDIATED,
                f"service svc-{n} moved to public subnets",
                event_id=f"event-{n}",
                account="123456789012",
                region=REGION,
            ).to_dict()
        )
        for n in range(count)
    ]
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


def use_secret(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    client = boto3.client("secretsmanager", region_name=REGION)
    arn = client.create_secret(Name="slack-webhook", SecretString=json.dumps({"url": url}))["ARN"]
    monkeypatch.setenv("SLACK_WEBHOOK_SECRET_ARN", arn)
    get_settings.cache_clear()


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{record.name} {record.getMessage()} {record.args!r}" for record in caplog.records)


def test_a_retried_send_logs_nothing_of_the_webhook_url_even_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    # Everything at DEBUG, as LogLevel=DEBUG or a developer's logging setup would have it.
    caplog.set_level(logging.DEBUG)
    messages = plan_messages(
        [Report("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", "default-vpc", Outcome.REMEDIATED, "ok")]
    )
    with LocalReceiver(replies=[(429, {"Retry-After": "1"}), (503, {})]) as receiver:
        assert SECRET_PART in receiver.url
        result = deliver(messages, webhook_client(receiver.url, loopback_allowed=True))
    assert len(result.sent) == 1 and receiver.attempts == 3  # retried twice, then delivered
    assert SECRET_PART not in logged_text(caplog)


def test_the_notifier_logs_nothing_of_the_webhook_url_when_slack_makes_it_retry(
    ec2: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The function at LogLevel DEBUG, the process's other loggers at INFO (Lambda's ApplicationLogLevel INFO). Not
    # DEBUG: at DEBUG botocore itself logs every response body, the secret's value included.
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    caplog.set_level(logging.INFO)
    with LocalReceiver(replies=[(429, {"Retry-After": "1"}), (500, {})]) as receiver:
        use_secret(monkeypatch, receiver.url)
        response = notifier.lambda_handler(notifier_event(1), LocalContext("NotifierFunction"))
    assert response == {"batchItemFailures": []}
    assert receiver.attempts == 3 and len(receiver.received) == 1
    # Without the quiet logger, slack_sdk's "A retry handler found ... POST <url>" lines are INFO records here.
    assert SECRET_PART not in logged_text(caplog)


def test_the_deployed_notifier_refuses_a_webhook_that_is_not_slack_and_posts_nothing(
    ec2: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Lambda runtime sets this (a reserved variable); a local receiver stands for any host other than Slack's.
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "vpc-remediator-NotifierFunction-abc123")
    with LocalReceiver() as receiver:
        use_secret(monkeypatch, receiver.url)
        # The whole batch fails: SQS keeps every record, then the dead-letter queue and its alarm. Nothing is lost.
        with pytest.raises(
            ConfigurationError, match=r"must be https://hooks\.slack\.com/\.\.\., not a URL of http://127"
        ) as e:
            notifier.lambda_handler(notifier_event(3), LocalContext("NotifierFunction"))
    assert receiver.attempts == 0
    assert SECRET_PART not in str(e.value)


def test_the_command_line_takes_the_webhook_from_its_environment_variable(
    ec2: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    delete_default_vpc(ec2)
    with LocalReceiver() as receiver:
        monkeypatch.setenv("VPC_REMEDIATOR_SLACK_WEBHOOK", receiver.url)
        status = main(["audit"])
    assert status == 0
    assert receiver.received, "the audit's reports reached the webhook named by the variable"


def test_the_command_line_refuses_a_webhook_that_is_not_slack_before_doing_anything(
    ec2: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    delete_default_vpc(ec2)
    monkeypatch.setenv("VPC_REMEDIATOR_SLACK_WEBHOOK", "https://hooks.slack.com/services/T0/B0/FROM-THE-VARIABLE")
    status = main(
        ["handle", "--slack-webhook", "http://attacker.example/hook/SECRET", str(EVENTS / "ec2/DeleteVpc.json")]
    )
    assert status == 1
    error = capsys.readouterr().err
    assert "must be https://hooks.slack.com/" in error and "http://attacker.example" in error
    assert "SECRET" not in error
    assert default_vpc_picture(ec2) == {"vpc": None}  # the event was not handled: nothing changed
