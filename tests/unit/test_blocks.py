"""Reports rendered to Block Kit: every outcome, within Slack's limits, singles or digests."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from tests.unit.advice import advice_dict
from vpc_remediator.domain.details import PlacementDetails, SubnetView
from vpc_remediator.domain.nat import NatPrices, advise
from vpc_remediator.domain.network import Route, RouteTable, Subnet, VpcNetwork
from vpc_remediator.domain.report import Action, Outcome, Report
from vpc_remediator.notify.blocks import DIGEST_THRESHOLD, plan_messages, report_blocks, report_message
from vpc_remediator.notify.links import cloudtrail_url, console_url
from vpc_remediator.workloads import lambda_function

ACCOUNT = "123456789012"


def report(outcome: Outcome, n: int = 0, **changes: Any) -> Report:
    fields: dict[str, Any] = {
        "resource": f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/prod/api-{n}",
        "kind": "ecs-service",
        "outcome": outcome,
        "reason": f"service api-{n} was in private subnets without NAT",
        "actions": (
            Action(
                "ecs:UpdateService",
                {"service": f"api-{n}", "subnets": ["subnet-a", "subnet-b"]},
                undo=f"aws ecs update-service --cluster prod --service api-{n} --network-configuration ...",
            ),
        ),
        "event_id": f"evt-{n}",
        "actor": f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/ci",
        "account": ACCOUNT,
        "region": "us-east-1",
        "event_name": "CreateService",
        "event_time": "2026-11-26T09:15:00Z",
        "details": PlacementDetails(
            name=f"api-{n}",
            subnets_before=(SubnetView("subnet-p", "us-east-1a", "isolated"),),
            subnets_after=(SubnetView("subnet-a", "us-east-1a", "public"),),
            assign_public_ip_before="DISABLED",
            assign_public_ip_after="ENABLED",
        ),
    }
    fields.update(changes)
    return Report(**fields)


def texts(node: Any) -> list[str]:
    """Every `text` string in a block tree."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                found.append(value)
            else:
                found += texts(value)
    elif isinstance(node, list):
        for item in node:
            found += texts(item)
    return found


def assert_within_slack_limits(payload: dict[str, Any]) -> None:
    blocks = payload["blocks"]
    assert 1 <= len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            if "text" in block:
                assert len(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(field["text"]) <= 2000 for field in block.get("fields", []))
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
    assert all(len(text) <= 3000 for text in texts(blocks))
    assert len(payload["text"]) <= 3000
    json.dumps(payload)  # what the webhook receives


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_renders_with_its_header_resource_account_actor_and_undo(outcome: Outcome) -> None:
    payload = report_message(report(outcome)).payload()
    assert_within_slack_limits(payload)
    header = payload["blocks"][0]
    assert header["type"] == "header"
    assert "api-0" in header["text"]["text"]
    body = "\n".join(texts(payload["blocks"]))
    assert console_url(f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/prod/api-0", kind="ecs-service") in body
    assert ACCOUNT in body and "us-east-1" in body
    assert "Deployer/ci" in body and "2026-11-26T09:15:00Z" in body
    assert "private subnets without NAT" in body
    assert "`subnet-p` (us-east-1a, isolated)" in body and "`subnet-a` (us-east-1a, public)" in body
    assert "Public IP: DISABLED → ENABLED" in body
    assert "aws ecs update-service --cluster prod --service api-0" in body


def test_headers_differ_per_outcome() -> None:
    headers = {report_message(report(outcome)).payload()["blocks"][0]["text"]["text"] for outcome in Outcome}
    assert len(headers) == len(Outcome)


def test_huge_reports_are_split_and_summarised_within_the_limits() -> None:
    actions = tuple(
        Action("ec2:CreateDefaultSubnet", {"AvailabilityZone": f"zone-{n}", "note": "x" * 300}, undo="y" * 200)
        for n in range(600)
    )
    huge = report(Outcome.REMEDIATED, reason="why " * 2000, actor="a" * 5000, actions=actions)
    payload = report_message(huge).payload()
    assert_within_slack_limits(payload)
    assert len(payload["blocks"]) == 50
    assert "left out" in payload["blocks"][-1]["elements"][0]["text"]


def test_mrkdwn_control_characters_are_escaped() -> None:
    payload = report_message(report(Outcome.FAILED, reason="<!channel> & <http://evil|click>")).payload()
    body = "\n".join(texts(payload["blocks"]))
    assert "<!channel>" not in body
    assert "&lt;!channel&gt; &amp; &lt;http://evil|click&gt;" in body


def test_a_lambda_needing_nat_shows_the_nat_cost_and_each_alternative_with_its_cost() -> None:
    network = VpcNetwork(
        "vpc-1",
        (Subnet("subnet-a", "vpc-1", "us-east-1a"), Subnet("subnet-b", "vpc-1", "us-east-1b")),
        (RouteTable("rtb", (Route("0.0.0.0/0", "igw-1"),), is_main=True),),
    )
    advice_args = (network, ["us-east-1a", "us-east-1b"], lambda_function.PROFILE, "us-east-1")
    advice = advice_dict(*advice_args)
    needs_nat = report(
        Outcome.NEEDS_NAT,
        resource=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:billing",
        kind="lambda-function",
        actions=(),
        details=PlacementDetails(name="billing", vpc_id="vpc-1", nat_advice=advise(*advice_args).view()),
    )
    payload = report_message(needs_nat).payload()
    assert_within_slack_limits(payload)
    body = "\n".join(texts(payload["blocks"]))
    assert "$65.70 a month for 2 AZs (us-east-1a, us-east-1b)" in body
    for alternative in advice["alternatives"]:
        assert alternative["title"] in body
        assert alternative["cost"] in body
    assert "#/functions/billing" in body
    assert "Undo" not in body  # nothing was changed, so there is nothing to undo
    assert "NAT gateway prices: Amazon VPC and AWS PrivateLink pricing pages" in body
    assert "as of 2026-11-26 (us-east-1)" in body


def test_a_needs_nat_message_names_the_price_list_and_the_day_its_prices_were_read() -> None:
    network = VpcNetwork("vpc-1", (Subnet("subnet-a", "vpc-1", "eu-west-1a"),), ())
    prices = NatPrices(
        "eu-west-1",
        Decimal("0.048"),
        Decimal("0.048"),
        "AWS Price List API (pricing:GetProducts at eu-central-1; on-demand prices effective 2026-11-01)",
        "2026-11-27",
    )
    advice = advise(network, ["eu-west-1a"], lambda_function.PROFILE, "eu-west-1", prices=prices)
    needs_nat = report(
        Outcome.NEEDS_NAT,
        resource=f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:billing",
        kind="lambda-function",
        actions=(),
        details=PlacementDetails(name="billing", vpc_id="vpc-1", nat_advice=advice.view()),
    )
    body = "\n".join(texts(report_message(needs_nat).payload()["blocks"]))
    assert "$35.04 a month for 1 AZ (eu-west-1a): $0.048 an hour" in body
    assert (
        "NAT gateway prices: AWS Price List API (pricing:GetProducts at eu-central-1; on-demand prices effective"
        in body
    )
    assert "2026-11-01), as of 2026-11-27 (eu-west-1)" in body


def test_few_reports_get_a_message_each_and_quiet_ones_none() -> None:
    reports = [report(Outcome.REMEDIATED, n) for n in range(DIGEST_THRESHOLD)]
    reports += [report(Outcome.COMPLIANT, 99), report(Outcome.IGNORED, 98)]
    messages = plan_messages(reports)
    assert [message.covers for message in messages] == [(n,) for n in range(DIGEST_THRESHOLD)]
    assert len(plan_messages(reports, quiet=())) == 1  # 7 loud reports: one digest


def test_a_burst_of_200_reports_becomes_a_few_digests_whose_counts_add_up() -> None:
    outcomes = [Outcome.REMEDIATED] * 150 + [Outcome.NEEDS_NAT] * 30 + [Outcome.FAILED] * 5 + [Outcome.BLOCKED] * 15
    reports = [report(outcome, n) for n, outcome in enumerate(outcomes)]

    messages = plan_messages(reports)

    assert 1 <= len(messages) <= 4
    covered = [index for message in messages for index in message.covers]
    assert sorted(covered) == list(range(200))  # every report in exactly one digest
    totals: Counter[str] = Counter()
    for message in messages:
        payload = message.payload()
        assert_within_slack_limits(payload)
        for field in payload["blocks"][1]["fields"]:
            label, count = field["text"].split("\n")
            totals[label.strip("*").split(" ", 1)[1]] += int(count)
    assert totals == {"Remediated": 150, "Needs a NAT gateway": 30, "Failed": 5, "Blocked": 15}
    first = "\n".join(texts(messages[0].payload()["blocks"]))
    # The most important first: the failures lead the first digest.
    assert first.index("Failed (5)") < first.index("Blocked (15)") < first.index("Needs a NAT gateway (30)")
    assert "more (" in first  # the rest of a long outcome is summarised


def test_console_links_per_resource_kind() -> None:
    region = "eu-west-1"
    expected = {
        ("default-vpc", f"arn:aws:ec2:{region}:{ACCOUNT}:vpc/vpc-0abc"): "#VpcDetails:VpcId=vpc-0abc",
        ("default-vpc", f"arn:aws:ec2:{region}:{ACCOUNT}:vpc/default"): "vpcconsole/home?region=eu-west-1#vpcs:",
        ("nat-gateway", f"arn:aws:ec2:{region}:{ACCOUNT}:natgateway/nat-1"): "#NatGatewayDetails:natGatewayId=nat-1",
        ("ecs-service", f"arn:aws:ecs:{region}:{ACCOUNT}:service/prod/api"): "ecs/v2/clusters/prod/services/api/health",
        ("ecs-task", f"arn:aws:ecs:{region}:{ACCOUNT}:task/prod/0123"): "ecs/v2/clusters/prod/tasks/0123/configuration",
        ("ecs-task-set", f"arn:aws:ecs:{region}:{ACCOUNT}:task-set/prod/api/ecs-svc/1"): "services/api/deployments",
        ("batch-compute-environment", f"arn:aws:batch:{region}:{ACCOUNT}:compute-environment/ce"): (
            "batch/home?region=eu-west-1#compute-environments"
        ),
        ("batch-job-definition", f"arn:aws:batch:{region}:{ACCOUNT}:job-definition/jd:3"): (
            "#job-definition/detail/arn%3Aaws%3Abatch"
        ),
        ("lambda-function", f"arn:aws:lambda:{region}:{ACCOUNT}:function:billing"): (
            "lambda/home?region=eu-west-1#/functions/billing"
        ),
    }
    for (kind, arn), fragment in expected.items():
        url = console_url(arn, kind=kind)
        assert url is not None and url.startswith(f"https://{region}.console.aws.amazon.com/"), arn
        assert fragment in url, arn
    # Other partitions link to their own console (tests/unit/test_partition.py); one without a public console: none.
    assert (console_url(f"arn:aws-cn:ec2:cn-north-1:{ACCOUNT}:vpc/vpc-1", kind="default-vpc") or "").startswith(
        "https://console.amazonaws.cn/"
    )
    assert console_url(f"arn:aws-iso:lambda:us-iso-east-1:{ACCOUNT}:function:f", kind="lambda-function") is None
    assert console_url("not-an-arn", kind="lambda-function") is None
    assert console_url("not-an-arn") is None
    assert (
        cloudtrail_url("e-1", region)
        == f"https://{region}.console.aws.amazon.com/cloudtrailv2/home?region={region}#/events/e-1"
    )


def test_a_placement_says_its_platform_and_where_it_was_read_and_shows_routed_egress_classes() -> None:
    details = PlacementDetails(
        name="worker",
        platform="EC2",
        platform_source="the cluster's default capacity provider strategy",
        subnets_before=(SubnetView("subnet-p", "us-east-1a", "public"),),
        subnets_after=(SubnetView("subnet-f", "us-east-1a", "routed-inspected", "vpce-0fw"),),
        assign_public_ip_before="DISABLED",
        assign_public_ip_after="DISABLED",
    )
    rendered = "\n".join(texts(report_message(report(Outcome.REMEDIATED, details=details)).payload()))
    assert "Platform: EC2 (from the cluster's default capacity provider strategy)" in rendered
    assert "`subnet-f` (us-east-1a, routed-inspected)" in rendered


def test_a_pending_change_offers_approve_and_reject_with_only_its_id_and_a_confirmation() -> None:
    report = Report(
        "arn:aws:ecs:us-east-1:123456789012:service/shop/web",
        "ecs-service",
        Outcome.AWAITING_APPROVAL,
        "isolated; waiting for approval",
        (Action("ecs:UpdateService", {"service": "web"}),),
        change_id="chg-AAAAAAAAAAAAAAAAAAAAAA",
    )
    (actions,) = [block for block in report_blocks(report) if block["type"] == "actions"]
    buttons = actions["elements"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        ("approve", "chg-AAAAAAAAAAAAAAAAAAAAAA"),
        ("reject", "chg-AAAAAAAAAAAAAAAAAAAAAA"),
    ]
    assert all(button["confirm"]["confirm"]["text"] for button in buttons)
    undo = [block for block in report_blocks(replace(report, outcome=Outcome.REMEDIATED)) if block["type"] == "actions"]
    assert [b["action_id"] for b in undo[0]["elements"]] == ["undo"]
    # No id, no buttons: a report nobody can act on from Slack.
    assert not [b for b in report_blocks(replace(report, change_id=None)) if b["type"] == "actions"]
