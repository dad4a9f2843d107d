"""The integration tests' environment, and a simulated account (moto, in-process) whose default VPC works."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from vpc_remediator import bootstrap
from vpc_remediator.aws.clients import ClientFactory
from vpc_remediator.bootstrap import AwsRegion
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import make_default_vpc_work
from vpc_remediator.settings import Settings, get_settings


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials, no endpoint override, the CLI's local Powertools configuration."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "STACK_NAME": "vpc-remediator",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_IDEMPOTENCY_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    # A developer's own webhook and a Lambda-like environment stay out of the tests (each test sets what it needs).
    for name in (
        "AWS_ENDPOINT_URL",
        "AWS_PROFILE",
        "IDEMPOTENCY_TABLE",
        "DRY_RUN",
        "REMEDIATION_MODE",
        "REMEDIATION_MODE_OVERRIDES",
        "LEDGER_TABLE",
        "SLACK_BOT_TOKEN_SECRET_ARN",
        "SLACK_API_URL",
        "SLACK_CHANNEL_ID",
        "AWS_LAMBDA_FUNCTION_NAME",
        "VPC_REMEDIATOR_SLACK_WEBHOOK",
    ):
        monkeypatch.delenv(name, raising=False)
    # Without a ledger table, decisions are remembered for the life of the process: each test starts afresh.
    bootstrap.reset()
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    bootstrap.reset()


def regions(settings: Settings, **preset: Any) -> Callable[[str], AwsRegion]:
    """The composition root's regions with these settings (and preset clients, say a stubbed one), one per test."""
    factory = ClientFactory(region=REGION, preset=preset)
    region = AwsRegion(settings, factory, memory_ledger=bootstrap.memory_ledger())
    return lambda name: region


@pytest.fixture
def ec2() -> Iterator[Any]:
    """An EC2 client of a simulated account whose default VPC works as AWS's does."""
    with mock_aws():
        client = boto3.client("ec2", region_name=REGION)
        make_default_vpc_work(client)
        yield client
