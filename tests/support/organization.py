"""A simulated organization for the organization-mode tests: a hub (the management account) and two members."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from vpc_remediator import bootstrap
from vpc_remediator.aws.clients import ClientFactory
from vpc_remediator.bootstrap import AwsRegion
from vpc_remediator.devkit.scenarios.organization import Member, create_organization, member_client
from vpc_remediator.remediation.entry import Home
from vpc_remediator.settings import OrganizationSettings, Settings, get_settings

HUB_ACCOUNT = "123456789012"
HUB_REGION = "us-east-1"
MEMBER_REGIONS = ("us-east-1", "eu-west-1")
HOME = Home(HUB_ACCOUNT, HUB_REGION)


@dataclass
class Organization:
    session: Any
    organization_id: str
    members: list[Member]
    # The hub's sweep queue (its workers read it).
    queue_url: str = ""

    def settings(self, **changes: Any) -> Settings:
        org = OrganizationSettings(
            mode="organization",
            organization_id=self.organization_id,
            member_regions=MEMBER_REGIONS,
            sweep_queue_url=self.queue_url,
        )
        return Settings(stack_name="vpc-remediator", org=replace(org, **changes))

    def ec2(self, member: Member, region: str = HUB_REGION) -> Any:
        return member_client(self.session, member.account, "ec2", region)

    def regions(self, settings: Settings, **preset: Any) -> Any:
        hub = AwsRegion(
            settings, ClientFactory(region=HUB_REGION, preset=preset), memory_ledger=bootstrap.memory_ledger()
        )
        return lambda name: hub

    def queued(self) -> list[dict[str, Any]]:
        """The sweep queue's messages, taken off the queue as SQS records (the shape the worker receives)."""
        sqs = self.session.client("sqs")
        records = []
        while True:
            found = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not found:
                return records
            for message in found:
                records.append({"messageId": message["MessageId"], "body": message["Body"]})
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def organization() -> Iterator[Organization]:
    # The command line sets the functions' environment for its process (organization mode included): put it back, so
    # that no later test of this process runs in organization mode.
    saved = dict(os.environ)
    try:
        yield from _organization()
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
        bootstrap.reset()


def _organization() -> Iterator[Organization]:
    with mock_aws():
        session = boto3.Session(region_name=HUB_REGION)
        organization_id, members = create_organization(session.client("organizations"), ("payments", "analytics"))
        queue_url = session.client("sqs").create_queue(QueueName="vpc-remediator-sweep")["QueueUrl"]
        # moto gives every account and region a default VPC of its own.
        yield Organization(session, organization_id, members, queue_url)


class DenyingSts:
    """STS that refuses AssumeRole in one account, as AWS answers when the role's trust or an SCP says no."""

    def __init__(self, real: Any, denied: str) -> None:
        self._real = real
        self._denied = denied

    def assume_role(self, **kwargs: Any) -> Any:
        if f":{self._denied}:" in kwargs["RoleArn"]:
            message = (
                f"User: arn:aws:sts::{HUB_ACCOUNT}:assumed-role/hub/session is not authorized to perform: "
                f"sts:AssumeRole on resource: {kwargs['RoleArn']}"
            )
            error = {"Error": {"Type": "Sender", "Code": "AccessDenied", "Message": message}}
            raise ClientError(error, "AssumeRole")
        return self._real.assume_role(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)
