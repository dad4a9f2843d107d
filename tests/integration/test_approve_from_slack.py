"""Approve and undo from Slack, end to end against a simulated account: a pending change, a signed click posted over
HTTP to the interactivity endpoint (a real server on 127.0.0.1), the worker's change, then an undo."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from moto import mock_aws

from tests.integration.test_placement import service_event
from vpc_remediator.aws import secrets
from vpc_remediator.bootstrap import region_for
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.devkit.function_url import LocalFunctionUrl
from vpc_remediator.devkit.receiver import LocalReceiver
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.placement import build_topology, ecs_network
from vpc_remediator.remediation.entry import Home, on_placement_event
from vpc_remediator.settings import get_settings

SECRET = "e2e-test-signing-secret-0123456789"
TEAM, USER = "T0TEAM0001", "U0ALLOWED1"


@dataclass
class Account:
    ec2: Any
    ecs: Any
    lam: Any
    iam: Any
    batch: Any
    dynamodb: Any
    topo: Any
    sqs: Any
    queue_url: str


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[Account]:
    """A simulated account with the ledger table, the approval queue and the signing secret, in approve mode."""
    with mock_aws():
        clients = {name: boto3.client(name, region_name=REGION) for name in ("ec2", "ecs", "lambda", "iam", "batch")}
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName="ledger",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("resource", "at")],
            KeySchema=[{"AttributeName": "resource", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST",
        )
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="approvals")["QueueUrl"]
        secret_arn = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="slack-signing", SecretString=SECRET
        )["ARN"]
        for name, value in {
            "REMEDIATION_MODE": "approve",
            "LEDGER_TABLE": "ledger",
            "APPROVAL_QUEUE_URL": queue_url,
            "SLACK_SIGNING_SECRET_ARN": secret_arn,
            "SLACK_TEAM_ID": TEAM,
            "SLACK_ALLOWED_USER_IDS": USER,
            "SLACK_CHANNEL_ID": "C0CHANNEL1",
        }.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        secrets.clear_cache()
        yield Account(
            clients["ec2"], clients["ecs"], clients["lambda"], clients["iam"], clients["batch"], dynamodb,
            build_topology(clients["ec2"]), sqs, queue_url,
        )  # fmt: skip
        secrets.clear_cache()


def post_click(url: str, change_id: str, button: str, user: str = USER, secret: str = SECRET) -> tuple[int, str]:
    """A click as Slack posts it: form-encoded payload, signed with the app's signing secret."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user},
        "actions": [{"action_id": button, "value": change_id}],
        "container": {"channel_id": "C0CHANNEL1", "message_ts": "1.1"},
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    timestamp = str(int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def work(account: Account) -> list[dict[str, Any]]:
    """What the approval queue holds, handed to the worker as Lambda's SQS event source does."""
    from vpc_remediator.handlers.approval_worker import lambda_handler  # noqa: PLC0415  (after the environment)

    messages = account.sqs.receive_message(QueueUrl=account.queue_url, MaxNumberOfMessages=10).get("Messages", [])
    event = {"Records": [{"body": message["Body"]} for message in messages]}
    arn = f"arn:aws:lambda:{REGION}:123456789012:function:vpc-remediator-ApprovalWorkerFunction-AbC"
    context = LocalContext("ApprovalWorkerFunction", invoked_function_arn=arn)
    reports: list[dict[str, Any]] = lambda_handler(event, context)
    for message in messages:
        account.sqs.delete_message(QueueUrl=account.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return reports


def test_approve_then_undo_from_signed_clicks_over_http(account: Account, monkeypatch: pytest.MonkeyPatch) -> None:
    from vpc_remediator.handlers.interactivity import lambda_handler  # noqa: PLC0415  (after the environment)

    topo = account.topo
    event = service_event(account, "web", topo.isolated, False)  # type: ignore[arg-type]
    arn = event["detail"]["responseElements"]["service"]["serviceArn"]
    (pending,) = on_placement_event(event, region_for, delays=(0,), sleep=lambda _: None, home=Home("123456789012"))
    assert pending.outcome.value == "awaiting-approval"
    assert ecs_network(account.ecs, arn)["subnets"] == list(topo.isolated)  # nothing changed yet
    change_id = str(pending.change_id)

    token_arn = boto3.client("secretsmanager", region_name=REGION).create_secret(Name="bot", SecretString="xoxb-test")
    slack = LocalReceiver().__enter__()
    monkeypatch.setenv("SLACK_BOT_TOKEN_SECRET_ARN", token_arn["ARN"])
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    get_settings.cache_clear()
    with slack, LocalFunctionUrl(lambda_handler, LocalContext("InteractivityFunction")) as endpoint:
        # A stranger's click and a forged one are refused over HTTP and change nothing.
        assert post_click(endpoint.url, change_id, "approve", user="U0STRANGER")[0] == 403
        assert post_click(endpoint.url, change_id, "approve", secret="forged")[0] == 401
        assert work(account) == []
        status, _ = post_click(endpoint.url, change_id, "approve")
        assert status == 200
        assert post_click(endpoint.url, change_id, "approve")[0] == 409  # a double click acts once
        (applied,) = work(account)
        assert applied["outcome"] == "remediated"
        assert applied["actor"] == f"slack:{USER}"
        network = ecs_network(account.ecs, arn)
        assert set(network["subnets"]) == set(topo.public) and network["assignPublicIp"] == "ENABLED"

        assert post_click(endpoint.url, change_id, "undo")[0] == 200
        (undone,) = work(account)
        assert undone["outcome"] == "undone"
        network = ecs_network(account.ecs, arn)
        assert set(network["subnets"]) == set(topo.isolated) and network["assignPublicIp"] == "DISABLED"
        assert post_click(endpoint.url, change_id, "undo")[0] == 409
        # The message the clicks came from, updated in place after each: who, when, what happened, the next button.
        updates = [arguments for method, arguments in slack.api_calls if method == "chat.update"]
        assert [(u["channel"], u["ts"]) for u in updates] == [("C0CHANNEL1", "1.1")] * 2
        applied_message = json.dumps(updates[0]["blocks"])
        assert "Applied" in applied_message and f"<@{USER}> approve: applied and verified" in applied_message
        assert '"action_id": "undo"' in applied_message and change_id in applied_message
        undone_message = json.dumps(updates[1]["blocks"])
        assert "Undone" in undone_message and "undo: undone by" in undone_message
        assert '"type": "actions"' not in undone_message  # nothing left to click

    # Every click is in the ledger: who, when, what, and what came of it.
    items = account.dynamodb.query(
        TableName="ledger",
        KeyConditionExpression="#r = :r",
        ExpressionAttributeNames={"#r": "resource"},
        ExpressionAttributeValues={":r": {"S": f"approval/{change_id}"}},
    )["Items"]
    clicks = sorted(
        (item["decision"]["S"], item["actor"]["S"], item["reason"]["S"]) for item in items if "actor" in item
    )
    assert ("click-approve", USER, "applied and verified") in clicks
    assert ("click-approve", "U0STRANGER", "refused: Slack user U0STRANGER is not allowed to act on changes") in clicks
    assert any(click == "click-undo" and "back as it was" in result for click, _, result in clicks)
