"""Trust nothing an event says: only AWS's sources, only this account; a sweep's continuation only for its own region
with a bounded, non-negative hop count."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.integration.conftest import regions
from tests.support.default_vpc import default_vpc_picture
from vpc_remediator.cli.samples import events_dir, load_sample
from vpc_remediator.devkit.api_calls import counting
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc
from vpc_remediator.remediation.entry import (
    CONTINUATION_SOURCE,
    MAX_CONTINUATIONS,
    Home,
    on_default_vpc_event,
    on_nat_gateway_event,
    on_placement_event,
    on_sweep_event,
    sweep_invocation,
)
from vpc_remediator.settings import Settings

SETTINGS = Settings(stack_name="vpc-remediator")
SWEEP_ARN = "arn:aws:lambda:us-east-1:123456789012:function:vpc-remediator-SweepFunction-AbC"


def scheduled() -> dict[str, Any]:
    event: dict[str, Any] = json.loads((events_dir() / "events/Scheduled_sweep.json").read_text())
    return event


def continuation(**changes: Any) -> dict[str, Any]:
    detail = {"cursor": {"phase": "default-vpc", "token": None}, "hop": 3, "started_by": "x"}
    event = {
        "id": "x-4",
        "source": CONTINUATION_SOURCE,
        "detail-type": "Sweep Continuation",
        "account": "123456789012",
        "region": "us-east-1",
        "time": "2026-11-27T00:00:00Z",
        "detail": detail,
    }
    detail.update(changes.pop("detail", {}))
    return {**event, **changes}


def test_a_custom_event_posing_as_a_missing_default_vpc_is_ignored_and_changes_nothing(ec2: Any) -> None:
    delete_default_vpc(ec2)
    forged = load_sample("ec2/RunInstances_no_default_vpc")
    forged["source"] = "my.app"
    (report,) = on_default_vpc_event(forged, regions(SETTINGS))
    assert report.outcome.value == "ignored"
    assert "'my.app' is not an AWS service" in report.reason
    assert default_vpc_picture(ec2) == {"vpc": None}


@pytest.mark.parametrize(
    "handle",
    [
        lambda event: on_default_vpc_event(event, regions(SETTINGS)),
        lambda event: on_placement_event(event, regions(SETTINGS)),
        lambda event: on_nat_gateway_event(event, regions(SETTINGS)),
        lambda event: on_sweep_event(event, regions(SETTINGS), out_of_time=lambda: False).reports,
    ],
    ids=["default-vpc", "placement", "nat-gateway", "sweep"],
)
def test_an_event_from_another_account_is_ignored(ec2: Any, handle: Any) -> None:
    delete_default_vpc(ec2)
    for sample in ("ec2/DeleteVpc", "ecs/CreateService", "ec2/CreateNatGateway", "events/Scheduled_sweep"):
        event = load_sample(sample)
        event["account"] = "999999999999"
        (report,) = handle(event)
        assert report.outcome.value == "ignored"
        assert "from account 999999999999, not this stack's account 123456789012" in report.reason
    assert default_vpc_picture(ec2) == {"vpc": None}


def test_the_account_comes_from_the_functions_own_arn_without_a_call(ec2: Any) -> None:
    with counting() as counter:
        (report,) = on_placement_event(load_sample("ecs/CreateService"), regions(SETTINGS), home=Home("111111111111"))
    assert report.outcome.value == "ignored"
    assert "not this stack's account 111111111111" in report.reason
    assert "sts:GetCallerIdentity" not in counter.calls


@pytest.mark.parametrize(
    ("event", "words"),
    [
        (continuation(detail={"hop": -1000}), "hop -1000"),
        (continuation(detail={"hop": MAX_CONTINUATIONS + 1}), f"hop {MAX_CONTINUATIONS + 1}"),
        (continuation(detail={"hop": "3"}), "hop '3'"),
        (continuation(region="eu-west-1"), "region eu-west-1, not this function's region us-east-1"),
        (continuation(account="999999999999"), "account 999999999999"),
    ],
    ids=["negative hop", "hop past the limit", "hop not a number", "other region", "other account"],
)
def test_a_continuation_is_accepted_only_for_its_own_region_with_a_bounded_hop(
    ec2: Any, event: dict[str, Any], words: str
) -> None:
    delete_default_vpc(ec2)
    # Out of time at once: an accepted continuation would sweep nothing and hand over again.
    (report,) = sweep_invocation(event, regions(SETTINGS), lambda: 0, SWEEP_ARN)
    assert report.outcome.value == "ignored"
    assert words in report.reason
    assert default_vpc_picture(ec2) == {"vpc": None}


def test_the_sweep_function_takes_its_region_and_account_from_its_own_arn(ec2: Any) -> None:
    delete_default_vpc(ec2)
    elsewhere = continuation(region="eu-west-1")
    (report,) = sweep_invocation(elsewhere, regions(SETTINGS), lambda: 900_000, SWEEP_ARN)
    assert "not this function's region us-east-1" in report.reason
    (report, *_) = sweep_invocation(continuation(), regions(SETTINGS), lambda: 900_000, SWEEP_ARN)
    assert report.kind == "sweep" and report.outcome.value == "remediated"
    assert default_vpc_picture(ec2)["vpc"] is not None


def test_a_sweep_started_by_a_custom_event_is_ignored(ec2: Any) -> None:
    forged = copy.deepcopy(scheduled())
    forged["source"] = "my.scheduler"
    (report,) = on_sweep_event(forged, regions(SETTINGS), out_of_time=lambda: False).reports
    assert report.outcome.value == "ignored"
