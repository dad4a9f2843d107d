"""Every text an event can choose reaches Slack escaped: no mention, link or markup of its own, fallback included."""

from __future__ import annotations

from typing import Any

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
