"""The CLI's rendering of reports: colours on a terminal, the same text without them in a pipe, JSON unchanged."""

from __future__ import annotations

import io
import re
from typing import Any

from rich.console import Console

from tests.unit.advice import advice_dict
from vpc_remediator.cli.render import Heading, ReportTable, json_lines, summary
from vpc_remediator.domain.network import Route, RouteTable, Subnet, VpcNetwork
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.workloads import lambda_function

REMEDIATED: dict[str, Any] = {
    "resource": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1",
    "kind": "default-vpc",
    "outcome": "remediated",
    "reason": "DeleteVpc can break the default VPC; repaired: the region has no default VPC",
    "actions": [
        {"api": "ec2:CreateDefaultVpc", "params": {}, "undo": "aws ec2 delete-vpc --vpc-id vpc-1"},
        {"api": "ec2:CreateRoute", "params": {"GatewayId": "igw-1", "DestinationCidrBlock": "0.0.0.0/0"}, "undo": None},
    ],
    "event_id": "e-1",
    "actor": "arn:aws:sts::123456789012:assumed-role/Admin/someone",
    "account": "123456789012",
    "region": "us-east-1",
    "event_name": "DeleteVpc",
    "event_time": "2025-01-01T00:00:00Z",
    "details": {"before": {"vpc": None}},
}

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def rendered(renderable: Any, terminal: bool) -> str:
    console = Console(
        file=io.StringIO(),
        force_terminal=terminal,
        color_system="standard" if terminal else None,
        width=100,
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_a_summary_in_a_pipe_is_plain_text_with_the_reason_first_then_each_action_and_its_undo() -> None:
    assert rendered(summary(REMEDIATED), terminal=False) == (
        "[FIXED] default-vpc arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1\n"
        "    why: DeleteVpc can break the default VPC; repaired: the region has no default VPC\n"
        "    by:  arn:aws:sts::123456789012:assumed-role/Admin/someone (DeleteVpc e-1)\n"
        "    - ec2:CreateDefaultVpc\n"
        "      undo: aws ec2 delete-vpc --vpc-id vpc-1\n"
        '    - ec2:CreateRoute {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}\n'
    )


def test_a_summary_on_a_terminal_colours_the_outcome_and_keeps_the_same_words() -> None:
    coloured = rendered(summary(REMEDIATED), terminal=True)
    assert "\x1b[1;32m[FIXED]" in coloured  # bold green
    assert ANSI.sub("", coloured) == rendered(summary(REMEDIATED), terminal=False)


def test_long_lines_are_never_wrapped_in_a_pipe() -> None:
    report = {**REMEDIATED, "reason": "x" * 300}
    assert f"    why: {'x' * 300}\n" in rendered(summary(report), terminal=False)


def test_a_needs_nat_summary_shows_the_nat_cost_and_the_cheaper_ways_out() -> None:
    subnets = (Subnet("subnet-a", "vpc-1", "us-east-1a"), Subnet("subnet-b", "vpc-1", "us-east-1b"))
    table = RouteTable("rtb-1", (Route("0.0.0.0/0", "igw-1"),), ("subnet-a", "subnet-b"), is_main=True)
    advice = advice_dict(
        VpcNetwork("vpc-1", subnets, (table,)), ["us-east-1a", "us-east-1b"], lambda_function.PROFILE, "us-east-1"
    )
    report = Report("arn:aws:lambda:us-east-1:1:function:f", "lambda-function", Outcome.NEEDS_NAT, "public subnets")
    text = summary({**report.to_dict(), "details": {"nat_advice": advice}}).plain
    assert f"NAT: {advice['nat_gateway']['text']}" in text
    assert "$65.70" in text  # two zones x $0.045 x 730 h
    for alternative in advice["alternatives"]:
        assert f"or: {alternative['title']} ({alternative['cost']})" in text


def test_other_summaries_have_no_nat_lines() -> None:
    report = Report("arn:aws:ec2:us-east-1:1:vpc/vpc-1", "default-vpc", Outcome.COMPLIANT, "the default VPC works")
    assert "NAT:" not in summary(report.to_dict()).plain


def test_the_table_in_a_pipe_is_aligned_columns_with_the_whole_reason_last() -> None:
    compliant = {**REMEDIATED, "outcome": "compliant", "kind": "sweep", "resource": "arn:x", "reason": "all fine"}
    assert rendered(ReportTable([REMEDIATED, compliant]), terminal=False) == (
        "OUTCOME     KIND         RESOURCE                                      REASON\n"
        f"remediated  default-vpc  arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1  {REMEDIATED['reason']}\n"
        "compliant   sweep        arn:x                                         all fine\n"
    )


def test_the_table_on_a_terminal_colours_each_outcome() -> None:
    blocked = {**REMEDIATED, "outcome": "blocked"}
    coloured = rendered(ReportTable([REMEDIATED, blocked]), terminal=True)
    assert "\x1b[1;32mremediated" in coloured
    assert "\x1b[1;31mblocked" in coloured
    assert "OUTCOME" in coloured


def test_a_heading_is_a_rule_on_a_terminal_and_an_equals_line_in_a_pipe() -> None:
    assert rendered(Heading("After"), terminal=False) == "\n=== After " + "=" * 65 + "\n"
    assert "─" in rendered(Heading("After"), terminal=True)


def test_json_lines_are_the_same_bytes_as_ever() -> None:
    report = {"outcome": "remediated", "resource": "r", "details": {"zeta": 1, "alpha": ["é", None]}, "actions": []}
    assert json_lines([report, {"b": 2, "a": 1}]) == (
        '{"actions": [], "details": {"alpha": ["\\u00e9", null], "zeta": 1}, '
        '"outcome": "remediated", "resource": "r"}\n'
        '{"a": 1, "b": 2}'
    )
