"""Every text an event can choose reaches Slack escaped: no mention, link or markup of its own, fallback included."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from vpc_remediator.domain.details import PlacementDetails, SubnetView
from vpc_remediator.domain.report import Action, Outcome, Report
from vpc_remediator.notify.blocks import plan_messages

FORGED = Report(
    resource="arn:aws:ecs:us-east-1:123456789012:service/shop/<!everyone>",
    kind="ecs-service",
    outcome=Outcome.BLOCKED,
    reason="<!here> click <https://evil.example/login|the console> & log in",
    actions=(Action("ecs:UpdateService", {"note": "<!channel>"}, undo="aws ecs update-service <!channel>"),),
    event_id="<!subteam^S123>",
    actor="<!channel>",
    account="123456789012",
    region="us-east-1|<!channel>",
    event_name="<https://evil.example|RunInstances>",
    event_time="<!date^1|now>",
    details=PlacementDetails(name="<!channel>", subnets_before=(SubnetView("<!here>", "<!here>", "public"),)),
)


def mrkdwn_texts(node: Any) -> list[str]:
    """Every text Slack parses as mrkdwn (plain_text, the header's, is shown as it is and never parsed)."""
    if isinstance(node, list):
        return [text for item in node for text in mrkdwn_texts(item)]
    if not isinstance(node, dict):
        return []
    own = [node["text"]] if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str) else []
    return own + [text for value in node.values() for text in mrkdwn_texts(value)]


@pytest.mark.parametrize("many", [False, True], ids=["one message", "digest"])
def test_nothing_an_event_says_becomes_a_mention_or_a_link(many: bool) -> None:
    reports = [FORGED] * (7 if many else 1)
    messages = plan_messages(reports, quiet=frozenset())
    assert messages
    for message in messages:
        payload = message.payload()
        texts = [payload["text"], *mrkdwn_texts(payload["blocks"])]
        assert len(texts) > 3
        for text in texts:
            assert "<!" not in text
            assert "<https://evil" not in text
    if not many:
        assert "&lt;!here&gt;" in messages[0].payload()["text"]


@pytest.mark.parametrize(
    ("resource", "region"),
    [
        # The region part of an ARN is pasted into the console's host name: a forged one must not pick the host.
        ("arn:aws:ecs:evil.example/x?:123456789012:service/shop/web", "us-east-1"),
        ("arn:aws:ecs:us-east-1:123456789012:service/shop/web", "evil.example/x?"),
        # A lone surrogate (valid JSON) cannot be encoded in a URL: it must not make rendering fail.
        ("arn:aws:ecs:us-east-1:123456789012:service/shop/\ud800", "us-east-1"),
    ],
    ids=["forged ARN region", "forged event region", "lone surrogate"],
)
def test_links_go_only_to_aws_consoles_whatever_the_arn_or_region_says(resource: str, region: str) -> None:
    report = Report(
        resource=resource,
        kind="ecs-service",
        outcome=Outcome.BLOCKED,
        reason="exposed",
        actions=(),
        event_id="e-1",
        actor="someone",
        account="123456789012",
        region=region,
        event_name="CreateService",
        event_time="2026-11-27T00:00:00Z",
        details=PlacementDetails(name="web"),
    )
    (message,) = plan_messages([report], quiet=frozenset())
    links = re.findall(r"<(https?://[^|>]+)", json.dumps(message.payload(), ensure_ascii=False))
    assert all(urlsplit(link).hostname in CONSOLE_HOSTS for link in links), links


CONSOLE_HOSTS = {"us-east-1.console.aws.amazon.com", "console.amazonaws.cn", "console.amazonaws-us-gov.com"}
