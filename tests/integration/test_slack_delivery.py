"""Delivery to a real HTTP receiver on 127.0.0.1: rate limits, server errors, outages."""

from __future__ import annotations

import socket

from vpc_remediator.devkit.receiver import LocalReceiver
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.notify.blocks import plan_messages
from vpc_remediator.notify.slack import deliver, webhook_client


def reports(count: int, outcome: Outcome = Outcome.REMEDIATED) -> list[Report]:
    return [
        Report(f"arn:aws:ec2:us-east-1:123456789012:vpc/vpc-{n}", "default-vpc", outcome, f"repaired {n}")
        for n in range(count)
    ]


def test_a_429_with_retry_after_is_waited_out_and_every_message_arrives() -> None:
    messages = plan_messages(reports(3))
    with LocalReceiver(replies=[(429, {"Retry-After": "1"})]) as receiver:
        result = deliver(messages, webhook_client(receiver.url, loopback_allowed=True))
    assert result.failed == []
    assert len(result.sent) == 3
    assert receiver.attempts == 4  # the rate-limited one was sent again
    assert receiver.received == [message.payload() for message in messages]


def test_transient_server_errors_are_retried() -> None:
    messages = plan_messages(reports(1))
    with LocalReceiver(replies=[(502, {})]) as receiver:
        result = deliver(messages, webhook_client(receiver.url, loopback_allowed=True))
    assert len(result.sent) == 1
    assert receiver.received == [messages[0].payload()]


def test_a_retry_after_longer_than_the_limit_hands_the_messages_back_without_waiting() -> None:
    messages = plan_messages(reports(3))
    with LocalReceiver(replies=[(429, {"Retry-After": "600"})]) as receiver:
        result = deliver(messages, webhook_client(receiver.url, max_wait=5, loopback_allowed=True))
    assert result.sent == []
    assert receiver.attempts == 1  # the other two were not tried while Slack asks to wait
    assert result.undelivered_reports == {0, 1, 2}
    assert "429" in result.failed[0][1]


def test_a_rejected_message_does_not_stop_the_others() -> None:
    messages = plan_messages(reports(2))
    with LocalReceiver(replies=[(400, {})]) as receiver:
        result = deliver(messages, webhook_client(receiver.url, loopback_allowed=True))
    assert [message.covers for message, _ in result.failed] == [(0,)]
    assert [message.covers for message in result.sent] == [(1,)]


def test_an_unreachable_webhook_fails_the_messages_without_raising() -> None:
    with socket.socket() as sock:
        # Bound but not listening: connections are refused, and no other test process can take the port meanwhile.
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        result = deliver(
            plan_messages(reports(2)), webhook_client(f"http://127.0.0.1:{port}/hook", timeout=2, loopback_allowed=True)
        )
    assert result.sent == []
    assert result.undelivered_reports == {0, 1}
    assert "unreachable" in result.failed[0][1]
