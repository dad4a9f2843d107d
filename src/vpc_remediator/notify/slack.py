"""Deliver Slack messages to an incoming webhook: slack_sdk's WebhookClient and its retry handlers, no HTTP by hand."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, RetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from vpc_remediator.domain.webhook import checked_webhook_url
from vpc_remediator.notify.blocks import SlackMessage

# Waiting longer than this for Slack's Retry-After would eat the function's time: the messages go back to the queue.
MAX_RETRY_AFTER_SECONDS = 30
# A message is started only with this much of the invocation left: one request's timeout (10 s) and its two connection
# retries, with room to answer. What cannot start in time goes back to the queue, never cut off mid-way.
MESSAGE_BUDGET_SECONDS = 40.0
# Seconds left in the invocation (Lambda's context); unbounded where nothing times out.
TimeLeft = Callable[[], float]


def unbounded() -> float:
    """No deadline (local runs)."""
    return math.inf


_TRANSIENT_STATUSES = (500, 502, 503, 504)


class BoundedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Honours a 429's Retry-After (slack_sdk sleeps it), unless Slack asks for a longer wait than `max_wait`, or than
    the invocation has left once the wait and one more message are counted."""

    def __init__(
        self, max_retry_count: int = 3, max_wait: float = MAX_RETRY_AFTER_SECONDS, time_left: TimeLeft = unbounded
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait
        self.time_left = time_left

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error) or response is None:
            return False
        values = next((value for key, value in response.headers.items() if key.lower() == "retry-after"), ["1"])
        try:
            wait = float(values[0] if isinstance(values, list) else values)
        except ValueError:
            return False
        return wait <= min(self.max_wait, self.time_left() - MESSAGE_BUDGET_SECONDS)


class TransientServerErrorRetryHandler(ServerErrorRetryHandler):
    """Retries Slack's 5xx answers with backoff (slack_sdk's own handler covers 500 and 503 only)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in _TRANSIENT_STATUSES


def retry_handlers(max_wait: float = MAX_RETRY_AFTER_SECONDS, time_left: TimeLeft = unbounded) -> list[RetryHandler]:
    """Rate limits (Retry-After), connection errors and transient server errors, each retried a few times."""
    return [
        BoundedRateLimitRetryHandler(max_retry_count=3, max_wait=max_wait, time_left=time_left),
        ConnectionErrorRetryHandler(max_retry_count=2),
        TransientServerErrorRetryHandler(max_retry_count=2),
    ]


def quiet_sdk_logger() -> logging.Logger:
    """slack_sdk's logger at WARNING: at DEBUG it logs the whole webhook URL (its secret path), and at INFO on retries.

    slack_sdk tests the client logger's own level (not the effective one) before writing those lines, so the level is
    set on the logger it is given, not only inherited.
    """
    sdk_logger = logging.getLogger("slack_sdk")
    sdk_logger.setLevel(logging.WARNING)
    return sdk_logger


def webhook_client(
    url: str,
    timeout: int = 10,
    max_wait: float = MAX_RETRY_AFTER_SECONDS,
    time_left: TimeLeft = unbounded,
    *,
    loopback_allowed: bool = False,
) -> WebhookClient:
    """A webhook client for a Slack webhook URL (domain/webhook.py's rule) that retries what is worth retrying,
    within the invocation's time."""
    checked = checked_webhook_url(url, loopback_allowed=loopback_allowed)
    return WebhookClient(
        checked, timeout=timeout, retry_handlers=retry_handlers(max_wait, time_left), logger=quiet_sdk_logger()
    )


@dataclass
class DeliveryResult:
    """What reached Slack and what did not (with why)."""

    sent: list[SlackMessage] = field(default_factory=list)
    failed: list[tuple[SlackMessage, str]] = field(default_factory=list)

    @property
    def undelivered_reports(self) -> set[int]:
        """Indexes of the reports carried by messages that did not reach Slack."""
        return {index for message, _ in self.failed for index in message.covers}


def deliver(messages: Sequence[SlackMessage], client: WebhookClient, time_left: TimeLeft = unbounded) -> DeliveryResult:
    """Post each message; after Slack itself fails (down, unreachable, still rate limited) try no further ones, nor
    any once the invocation's time is nearly up (they go back to the queue)."""
    result = DeliveryResult()
    outage: str | None = None
    for message in messages:
        if outage is None and time_left() < MESSAGE_BUDGET_SECONDS:
            outage = "the invocation's time is nearly up"
        if outage is not None:
            result.failed.append((message, f"not tried: {outage}"))
            continue
        try:
            response = client.send_dict(message.payload())
        except (OSError, ValueError) as exc:  # URLError, timeouts and refused connections are OSErrors
            outage = f"Slack unreachable: {exc}"
            result.failed.append((message, outage))
            continue
        if response.status_code == 200:
            result.sent.append(message)
            continue
        why = f"Slack answered {response.status_code}: {str(response.body)[:200]}"
        result.failed.append((message, why))
        # A 4xx other than 429 is this message's problem (invalid_blocks...); the others may still go through.
        if response.status_code == 429 or response.status_code >= 500:
            outage = why
    return result
