"""Every asynchronously invoked function has its retries and event age set on purpose, and keeps what fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vpc_remediator.cli.template import load_template

TEMPLATE = load_template(Path(__file__).resolve().parents[2] / "template.yaml")
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
# Invoked asynchronously: by EventBridge rules and schedules (and the sweep by itself). The notifier and the approval
# worker poll SQS instead; the interactivity endpoint is called by its function URL.
ASYNC = sorted(
    name
    for name, resource in RESOURCES.items()
    if resource["Type"] == "AWS::Serverless::Function"
    and any(
        event["Type"] in {"EventBridgeRule", "Schedule"} for event in resource["Properties"].get("Events", {}).values()
    )
)


def test_the_four_event_functions_are_the_asynchronous_ones() -> None:
    assert ASYNC == ["DefaultVpcFunction", "NatGatewayFunction", "PlacementFunction", "SweepFunction"]


@pytest.mark.parametrize("name", ASYNC)
def test_retries_and_event_age_are_bounded_and_failures_go_to_the_failed_events_queue(name: str) -> None:
    properties = RESOURCES[name]["Properties"]
    config = properties["EventInvokeConfig"]
    assert 0 < config["MaximumRetryAttempts"] <= 2  # transient faults only: more would only delay the alarm
    assert 60 <= config["MaximumEventAgeInSeconds"] <= 6 * 3600
    on_failure = config["DestinationConfig"]["OnFailure"]
    assert on_failure == {"Type": "SQS", "Destination": {"Fn::GetAtt": ["FailedEventsQueue", "Arn"]}}
    # A dead-letter queue as well would put every failed event in the queue twice.
    assert "DeadLetterQueue" not in properties
