"""NatGatewayFunction's handler: a created NAT gateway gets a report with its monthly cost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.nat_gateway import created_nat, event_for
from vpc_remediator.cli.local import LocalContext
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.domain.nat import HOURS_PER_MONTH, PRICES
from vpc_remediator.handlers.nat_gateway import lambda_handler

EVENTS = Path(__file__).resolve().parents[2] / "events"


def invoke(event: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = lambda_handler(event, LocalContext("NatGatewayFunction"))
    return result


def test_a_created_nat_gateway_is_reported_with_its_monthly_cost_and_left_alone(ec2: Any) -> None:
    gateway = created_nat(ec2)
    (report,) = invoke(event_for(gateway))
    monthly = PRICES["us-east-1"].nat_hour * HOURS_PER_MONTH
    assert report["kind"] == "nat-gateway"
    assert report["outcome"] == "skipped"
    assert report["resource"].endswith(f"natgateway/{gateway['NatGatewayId']}")
    assert f"${monthly:.2f} a month" in report["reason"]
    assert report["details"]["zone"] == "us-east-1b"
    assert report["details"]["vpc_nat_monthly"] == float(monthly)
    assert report["details"]["missing_gateway_endpoints"] == ["s3", "dynamodb"]
    assert report["actions"] == []
    states = [nat["State"] for nat in ec2.describe_nat_gateways()["NatGateways"]]
    assert "deleted" not in states and "deleting" not in states


def test_the_report_still_prices_a_gateway_whose_network_cannot_be_read(ec2: Any) -> None:
    (report,) = invoke(load_sample("ec2/CreateNatGateway"))  # the sample's VPC does not exist in this account
    assert report["outcome"] == "skipped"
    assert "$32.85 a month" in report["reason"]


def test_failed_calls_and_own_calls_are_ignored(ec2: Any) -> None:
    cases = (("ec2/CreateNatGateway_failed", "InvalidAllocationID"), ("ec2/CreateNatGateway_own_role", "own"))
    for name, words in cases:
        (report,) = invoke(json.loads((EVENTS / f"{name}.json").read_text()))
        assert report["outcome"] == "ignored", name
        assert words in report["reason"]
