"""NatGatewayFunction's reports keep 946c605's JSON keys and reasons for the same events."""

from __future__ import annotations

from typing import Any

from tests.integration.test_nat_gateway_handler import invoke
from vpc_remediator.cli.samples import load_sample


def test_a_nat_gateway_report_keeps_its_zone_key_when_the_zone_is_unknown(ec2: Any) -> None:
    (report,) = invoke(load_sample("ec2/CreateNatGateway"))
    assert "zone" in report["details"]
    assert report["details"]["zone"] is None


def test_an_own_nat_gateway_is_ignored_as_not_reported(ec2: Any) -> None:
    (report,) = invoke(load_sample("ec2/CreateNatGateway_own_role"))
    assert report["outcome"] == "ignored"
    assert report["reason"].endswith(": not reported")
