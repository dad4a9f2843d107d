"""The notifier: how many Slack messages a burst of reports becomes, and the time to plan and deliver them."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from bench.cli_imports import LocalReceiver
from vpc_remediator.domain.report import Action, Outcome, Report
from vpc_remediator.notify.blocks import DEFAULT_QUIET, plan_messages
from vpc_remediator.notify.slack import deliver, webhook_client

# A deploy's worth of mixed outcomes, in the proportions a busy account might show.
MIX = [Outcome.REMEDIATED] * 6 + [Outcome.NEEDS_NAT] * 2 + [Outcome.BLOCKED, Outcome.SKIPPED, Outcome.COMPLIANT]


def burst(count: int) -> list[Report]:
    """`count` reports of ECS services, as a deploy of that many services would produce."""
    return [
        Report(
            resource=f"arn:aws:ecs:us-east-1:123456789012:service/prod/service-{index}",
            kind="ecs-service",
            outcome=MIX[index % len(MIX)],
            reason="isolated subnets: moved to public subnets with a public IP",
            actions=(Action("ecs:UpdateService", {"service": f"service-{index}"}, undo="aws ecs update-service ..."),),
            event_id=f"event-{index}",
            account="123456789012",
            region="us-east-1",
        )
        for index in range(count)
    ]


def run(count: int = 500) -> dict[str, Any]:
    """Plan and deliver a burst to a local receiver; count messages, blocks and time."""
    reports = burst(count)
    start = time.perf_counter()
    messages = plan_messages(reports, quiet=DEFAULT_QUIET)
    planned_ms = (time.perf_counter() - start) * 1000
    with LocalReceiver() as receiver:
        start = time.perf_counter()
        result = deliver(messages, webhook_client(receiver.url, loopback_allowed=True))
        delivered_ms = (time.perf_counter() - start) * 1000
    return {
        "reports": count,
        "posted_outcomes": dict(Counter(r.outcome.value for r in reports if r.outcome.value not in DEFAULT_QUIET)),
        "messages": len(messages),
        "delivered": len(result.sent),
        "received": len(receiver.received),
        "max_blocks_per_message": max(len(message.blocks) for message in messages),
        "plan_ms": planned_ms,
        "deliver_ms": delivered_ms,
    }
