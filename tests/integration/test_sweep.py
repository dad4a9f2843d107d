"""SweepFunction's use case and `vpc-remediator audit` against a simulated account."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tests.support.default_vpc import default_vpc_picture
from vpc_remediator.aws.functions import invoke_async
from vpc_remediator.bootstrap import region_for
from vpc_remediator.cli.audit import run_audit
from vpc_remediator.cli.main import main
from vpc_remediator.devkit.receiver import LocalReceiver
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc
from vpc_remediator.remediation.entry import on_sweep_event

EVENTS = Path(__file__).resolve().parents[2] / "events"


def scheduled() -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / "events/Scheduled_sweep.json").read_text())
    return event


def test_a_scheduled_sweep_repairs_the_default_vpc_and_summarises(ec2: Any) -> None:
    delete_default_vpc(ec2)
    outcome = on_sweep_event(scheduled(), region_for, out_of_time=lambda: False)
    summary, *rest = outcome.reports
    assert summary.kind == "sweep"
    assert summary.outcome == "remediated"
    assert [(r.kind, r.outcome) for r in rest] == [("default-vpc", "remediated")]
    assert default_vpc_picture(ec2)["vpc"] is not None
    assert outcome.continuation is None


def test_a_sweep_with_no_time_left_hands_over_its_cursor_and_changes_nothing(ec2: Any) -> None:
    delete_default_vpc(ec2)
    outcome = on_sweep_event(scheduled(), region_for, out_of_time=lambda: True)
    assert outcome.continuation is not None
    assert outcome.continuation["detail"]["cursor"] == {"phase": "default-vpc", "token": None}
    assert default_vpc_picture(ec2) == {"vpc": None}

    resumed = on_sweep_event(outcome.continuation, region_for, out_of_time=lambda: False)
    assert resumed.continuation is None
    assert default_vpc_picture(ec2)["vpc"] is not None


def test_continuations_end_after_a_bounded_number_of_hops(ec2: Any) -> None:
    event = scheduled()
    hops = 0
    while True:
        outcome = on_sweep_event(event, region_for, out_of_time=lambda: True)
        if outcome.continuation is None:
            break
        event, hops = outcome.continuation, hops + 1
        assert hops < 100
    assert hops > 0
    # The last one says plainly that the sweep is incomplete and why.
    summary = outcome.reports[0]
    assert summary.details.complete is False
    assert "not continued" in summary.reason


def test_audit_without_apply_changes_nothing(ec2: Any, capsys: pytest.CaptureFixture[str]) -> None:
    delete_default_vpc(ec2)
    reports = run_audit(apply=False, as_json=True, stack_name=None)
    out = capsys.readouterr().out
    # The exact bytes: one object a line, keys sorted, json.dumps' separators.
    assert out == "".join(json.dumps(report, sort_keys=True, default=str) + "\n" for report in reports)
    printed = [json.loads(line) for line in out.splitlines()]
    assert printed == reports
    assert [(r["kind"], r["outcome"]) for r in printed] == [
        ("sweep", "would-remediate"),
        ("default-vpc", "would-remediate"),
    ]
    assert default_vpc_picture(ec2) == {"vpc": None}


def test_audit_with_apply_repairs_and_prints_a_plain_table_into_a_pipe(
    ec2: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    delete_default_vpc(ec2)
    run_audit(apply=True, as_json=False, stack_name=None)
    out, err = capsys.readouterr()
    assert out.splitlines()[0].split() == ["OUTCOME", "KIND", "RESOURCE", "REASON"]
    assert "\x1b" not in out + err  # no colours and no progress bar in a pipe
    assert "sweep" not in err
    assert "remediated" in out
    assert default_vpc_picture(ec2)["vpc"] is not None


def test_a_continuation_is_sent_as_an_asynchronous_invocation_of_the_same_function() -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    arn = "arn:aws:lambda:us-east-1:123456789012:function:vpc-remediator-SweepFunction-AbC"
    payload = {"source": "vpc-remediator.sweep", "detail": {"cursor": {"phase": "ecs", "token": "2"}, "hop": 1}}
    with Stubber(client) as stubber:
        stubber.add_response(
            "invoke",
            {"StatusCode": 202},
            {"FunctionName": arn, "InvocationType": "Event", "Payload": json.dumps(payload).encode()},
        )
        invoke_async(client, arn, payload)
        stubber.assert_no_pending_responses()


def test_audit_posts_its_reports_to_a_slack_webhook(ec2: Any, capsys: pytest.CaptureFixture[str]) -> None:
    delete_default_vpc(ec2)
    with LocalReceiver() as receiver:
        status = main(["audit", "--slack-webhook", receiver.url])
    assert status == 0
    assert receiver.received, "the audit's reports reached the webhook"
    posted = json.dumps(receiver.received)
    assert "would-remediate" in posted or "Would remediate" in posted
    assert default_vpc_picture(ec2) == {"vpc": None}
