"""Demo act: approve mode. A pending change posted by the Slack app, a signed click to the local interactivity
endpoint, the change applied and the message updated in place; then an undo."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from vpc_remediator.cli.demo.context import DemoContext, title
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.function_url import LocalFunctionUrl
from vpc_remediator.devkit.receiver import LocalReceiver, post, signed_click
from vpc_remediator.devkit.scenarios.placement import awsvpc, build_topology, ecs_network, ecs_service
from vpc_remediator.domain.report import Report
from vpc_remediator.notify.blocks import report_message
from vpc_remediator.settings import get_settings

SECRET = "demo-signing-secret"  # noqa: S105  (the simulated account's own, signs the demo's clicks only)
TEAM, USER, CHANNEL = "T0DEMO0001", "U0DEMO0001", "C0DEMO0001"


@contextmanager
def approve_mode(context: DemoContext, slack: LocalReceiver) -> Iterator[str]:
    """RemediationMode=approve with the Slack app's settings (secrets in the simulated account); the queue's URL."""
    secrets = context.client("secretsmanager")
    queue_url = str(context.client("sqs").create_queue(QueueName="demo-approvals")["QueueUrl"])
    settings = {
        "REMEDIATION_MODE": "approve",
        "SLACK_SIGNING_SECRET_ARN": secrets.create_secret(Name="demo-signing", SecretString=SECRET)["ARN"],
        "SLACK_BOT_TOKEN_SECRET_ARN": secrets.create_secret(Name="demo-bot", SecretString="xoxb-demo")["ARN"],
        "SLACK_API_URL": slack.api_url,
        "SLACK_CHANNEL_ID": CHANNEL,
        "SLACK_TEAM_ID": TEAM,
        "SLACK_ALLOWED_USER_IDS": USER,
        "APPROVAL_QUEUE_URL": queue_url,
    }
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    get_settings.cache_clear()
    try:
        yield queue_url
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def _network(ecs: Any, arn: str) -> str:
    config = ecs_network(ecs, arn)
    return f"subnets {', '.join(config.get('subnets', []))}; assignPublicIp {config.get('assignPublicIp')}"


def _work(context: DemoContext, queue_url: str) -> None:
    """The approval worker on what the endpoint queued, as Lambda's SQS event source hands it over."""
    from vpc_remediator.handlers.approval_worker import lambda_handler  # noqa: PLC0415  (its settings are set now)

    sqs = context.client("sqs")
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
    reports = lambda_handler({"Records": [{"body": m["Body"]} for m in messages]}, LocalContext("ApprovalWorker"))
    for message in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    context.reports.extend(reports)
    for report in reports:
        print(f"  worker: {report['outcome']}: {report['reason']}")


def _click(endpoint: str, change_id: str, button: str, ts: str) -> None:
    body, headers = signed_click(SECRET, TEAM, USER, change_id, button, CHANNEL, ts, time.time())
    status, text = post(endpoint, body, headers)
    print(f"  {USER} clicks {button.capitalize()} (signed, confirmed): endpoint answers {status} {text}")


def _updated(slack: LocalReceiver) -> None:
    method, arguments = slack.api_calls[-1]
    steps = next((b["text"]["text"] for b in arguments["blocks"] if "*Steps*" in json.dumps(b)), "")
    print(f"  Slack {method}: {arguments['text']}\n    " + steps.replace("\n", "\n    "))


def approval_act(context: DemoContext) -> None:
    """A service placed in approve mode: nothing changes until a person approves it in Slack; then an undo."""
    from vpc_remediator.handlers.interactivity import lambda_handler  # noqa: PLC0415

    ec2, ecs = context.client("ec2"), context.client("ecs")
    topo = build_topology(ec2)
    with LocalReceiver() as slack, approve_mode(context, slack) as queue_url:
        title("Approve mode: every change waits for a person's click in Slack")
        created = ecs_service(ecs, "payments", awsvpc(topo.isolated, (topo.web_sg,), public_ip=False))
        arn = created["responseElements"]["service"]["serviceArn"]
        (pending,) = context.send("CloudTrail: CreateService", load_sample("ecs/CreateService", **created))
        print(f"  unchanged: {_network(ecs, arn)}")
        # The Slack app posts the pending change with its buttons (the notifier does this with the webhook too).
        message = report_message(Report.from_dict(pending))
        from vpc_remediator.bootstrap import change_messages  # noqa: PLC0415

        poster = change_messages()
        assert poster is not None
        ts = poster.poster.post(CHANNEL, message.text, list(message.blocks))
        print(f"  Slack chat.postMessage to {CHANNEL}: Approve / Reject on change {pending['change_id']}")
        with LocalFunctionUrl(lambda_handler, LocalContext("InteractivityFunction")) as endpoint:
            _click(endpoint.url, pending["change_id"], "approve", ts)
            _work(context, queue_url)
            print(f"  applied: {_network(ecs, arn)}")
            _updated(slack)
            _click(endpoint.url, pending["change_id"], "approve", ts)
            _click(endpoint.url, pending["change_id"], "undo", ts)
            _work(context, queue_url)
            print(f"  undone: {_network(ecs, arn)}")
            _updated(slack)
