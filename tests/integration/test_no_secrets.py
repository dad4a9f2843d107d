"""Reports carry no secrets: a job definition's environment, secrets and commands never leave RegisterJobDefinition.

The revision itself sends the whole definition to AWS (read-modify-write); no report, log line, ledger item, queued
message or Slack payload may contain any of it.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from vpc_remediator.cli.local import LocalContext
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.placement import batch_role, build_topology, compute_environment
from vpc_remediator.domain.report import Report
from vpc_remediator.handlers import _runtime
from vpc_remediator.notify.blocks import plan_messages
from vpc_remediator.observability import logger
from vpc_remediator.settings import get_settings

MARKERS = ("ENV-MARKER-7f3a", "SECRET-MARKER-91bd", "COMMAND-MARKER-c2e4", "PARAMETER-MARKER-55aa")


def seeded_job_definition(batch: Any, iam: Any) -> dict[str, Any]:
    """A Fargate job definition without a public IP, holding a marker in every field a secret could sit in."""
    role = batch_role(iam)
    request = {
        "jobDefinitionName": "nightly",
        "type": "container",
        "platformCapabilities": ["FARGATE"],
        "containerProperties": {
            "image": "public.ecr.aws/docker/library/busybox:latest",
            "command": ["run", "--token", MARKERS[2]],
            "executionRoleArn": role,
            "environment": [{"name": "DB_PASSWORD", "value": MARKERS[0]}],
            "secrets": [
                {"name": "API_KEY", "valueFrom": f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{MARKERS[1]}"}
            ],
            "resourceRequirements": [{"type": "VCPU", "value": "0.25"}, {"type": "MEMORY", "value": "512"}],
            "networkConfiguration": {"assignPublicIp": "DISABLED"},
        },
        "parameters": {"note": MARKERS[3]},
        "tags": {"team": "reports"},
    }
    registered = batch.register_job_definition(**request)
    response = {key: registered[key] for key in ("jobDefinitionName", "jobDefinitionArn", "revision")}
    return {"request": request, "responseElements": response}


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    with mock_aws():
        clients = {name: boto3.client(name, region_name=REGION) for name in ("ec2", "iam", "batch", "sqs", "dynamodb")}
        topo = build_topology(clients["ec2"])
        compute_environment(clients["batch"], clients["iam"], "jobs", topo.public, (topo.web_sg,))
        queue = clients["sqs"].create_queue(QueueName="reports")["QueueUrl"]
        clients["dynamodb"].create_table(
            TableName="ledger",
            AttributeDefinitions=[
                {"AttributeName": "resource", "AttributeType": "S"},
                {"AttributeName": "at", "AttributeType": "S"},
            ],
            KeySchema=[{"AttributeName": "resource", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST",
        )
        monkeypatch.setenv("REPORTS_QUEUE_URL", queue)
        monkeypatch.setenv("LEDGER_TABLE", "ledger")
        get_settings.cache_clear()
        _runtime.report_queue.cache_clear()
        yield {**clients, "queue": queue}
        _runtime.report_queue.cache_clear()


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    # The Lambda's level: an in-process CLI run earlier in the same worker (test_sweep) leaves the local WARNING.
    level = logger.log_level
    logger.setLevel(logging.INFO)
    yield stream
    logger.setLevel(level)
    logger.removeHandler(handler)


@pytest.mark.parametrize(
    ("env", "by_cloudformation", "outcome"),
    [
        ({}, False, "remediated"),
        ({"DRY_RUN": "true"}, False, "would-remediate"),
        ({}, True, "skipped"),
    ],
)
def test_no_report_log_ledger_item_queued_message_or_slack_payload_holds_the_definitions_secrets(
    account: dict[str, Any],
    log_lines: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    by_cloudformation: bool,
    outcome: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    from vpc_remediator.handlers.placement import lambda_handler  # noqa: PLC0415  (after the environment is set)

    event = load_sample("batch/RegisterJobDefinition", **seeded_job_definition(account["batch"], account["iam"]))
    if by_cloudformation:
        event["detail"]["userIdentity"]["invokedBy"] = "cloudformation.amazonaws.com"
    returned = lambda_handler(event, LocalContext(function_name="PlacementFunction"))

    assert [report["outcome"] for report in returned] == [outcome]
    queued = account["sqs"].receive_message(QueueUrl=account["queue"], MaxNumberOfMessages=10)["Messages"]
    ledger = account["dynamodb"].scan(TableName="ledger")["Items"]
    reports = [Report.from_dict(json.loads(message["Body"])) for message in queued]
    slack = [message.payload() for message in plan_messages(reports, quiet=frozenset())]
    everything = {
        "returned": json.dumps(returned),
        "logs": log_lines.getvalue(),
        "ledger": json.dumps(ledger),
        "queued": json.dumps([message["Body"] for message in queued]),
        "slack": json.dumps(slack),
    }
    assert everything["logs"] and ledger and queued and slack
    for where, text in everything.items():
        leaked = [marker for marker in MARKERS if marker in text]
        assert not leaked, f"{where} holds {leaked}"
    # The revision itself kept every field (read-modify-write): only what is reported is reduced.
    if outcome == "remediated":
        latest = account["batch"].describe_job_definitions(jobDefinitionName="nightly")["jobDefinitions"][-1]
        container = json.dumps(latest["containerProperties"])
        assert all(marker in container for marker in MARKERS[:3])
        (action,) = returned[0]["actions"]
        assert action["params"]["containerProperties"] == {"networkConfiguration": {"assignPublicIp": "ENABLED"}}
        assert action["params"]["networkConfigurationBefore"] == {"assignPublicIp": "DISABLED"}
        assert action["params"]["jobDefinitionArn"] == latest["jobDefinitionArn"]
