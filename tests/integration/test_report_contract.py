"""The contract between the reports the use cases produce and what people read: every promised line, in Slack and
on the terminal, from reports made by the real PlacementFunction use case against a simulated account (never from
hand-written details), and again after the JSON round trip the reports queue puts them through."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.integration.conftest import regions
from vpc_remediator.cli.render import summary
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.placement import Topology, awsvpc, build_topology, ecs_service, lambda_function
from vpc_remediator.domain.report import Report
from vpc_remediator.notify.blocks import report_message
from vpc_remediator.remediation.entry import on_placement_event
from vpc_remediator.settings import Settings

SETTINGS = Settings(stack_name="vpc-remediator")


@pytest.fixture
def account() -> Iterator[tuple[dict[str, Any], Topology]]:
    with mock_aws():
        clients = {name: boto3.client(name, region_name=REGION) for name in ("ec2", "ecs", "lambda", "iam")}
        yield clients, build_topology(clients["ec2"])


def slack_text(report: Report) -> str:
    """Every text of the report's Slack message, as a person reads it."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(report_message(report).payload()["blocks"])
    return "\n".join(found)


def produced(event: dict[str, Any]) -> Report:
    (report,) = on_placement_event(event, regions(SETTINGS), delays=(0,), sleep=lambda _: None)
    return report


def through_the_queue(report: Report) -> Report:
    """What the notifier reads back from SQS."""
    return Report.from_dict(json.loads(json.dumps(report.to_dict())))


def test_a_remediated_service_shows_public_ip_subnets_with_classes_and_undo(account: Any) -> None:
    clients, topo = account
    created = ecs_service(clients["ecs"], "checkout", awsvpc(topo.isolated, (topo.web_sg,), False))
    report = produced(load_sample("ecs/CreateService", **created))
    assert report.outcome.value == "remediated"
    for seen in (report, through_the_queue(report)):
        text = slack_text(seen)
        assert "Public IP: DISABLED → ENABLED" in text
        before = next(line for line in text.splitlines() if line.startswith("Subnets before:"))
        after = next(line for line in text.splitlines() if line.startswith("Subnets after:"))
        assert all(f"`{subnet}`" in before for subnet in topo.isolated)
        assert "isolated" in before and "public" not in before
        assert all(f"`{subnet}`" in after for subnet in topo.public)
        assert "public" in after
        assert "*Undo* (in this order)" in text
        assert "aws ecs update-service" in text
        assert "ecs/v2/clusters/shop/services/checkout/health" in text
    terminal = summary(report.to_dict())
    assert "undo: aws ecs update-service" in terminal


def test_a_function_that_needs_nat_shows_the_nat_cost_and_the_alternatives(account: Any) -> None:
    clients, topo = account
    created = lambda_function(clients["lambda"], clients["iam"], "edge", topo.edge_public, (topo.edge_sg,))
    report = produced(load_sample("lambda/CreateFunction20150331", **created))
    assert report.outcome.value == "needs-nat"
    for seen in (report, through_the_queue(report)):
        text = slack_text(seen)
        assert "*A NAT gateway would cost:* $" in text
        assert "a month for " in text
        assert "Cheaper alternatives" in text
        assert "Take the function out of the VPC" in text
        assert "Subnets before:" in text and "public" in text
        assert "Undo" not in text  # nothing changed
    terminal = summary(report.to_dict())
    assert "NAT: $" in terminal
    assert "or: Take the function out of the VPC" in terminal


def test_a_blocked_change_names_the_rules_a_public_ip_would_expose(account: Any) -> None:
    clients, topo = account
    created = ecs_service(clients["ecs"], "admin", awsvpc(topo.isolated, (topo.ssh_sg,), False))
    report = produced(load_sample("ecs/CreateService", **created))
    assert report.outcome.value == "blocked"
    text = slack_text(through_the_queue(report))
    assert "port 22 from 0.0.0.0/0" in text
    assert "Public IP: DISABLED → ENABLED" in text  # what the change would have done
