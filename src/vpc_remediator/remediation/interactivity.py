"""A click in Slack, checked and queued within Slack's three seconds: signature, workspace, user, change, one claim.

Every refusal is an answer with a status and a reason, logged and audited, and changes nothing. Only a click that
passes every check claims its change (a conditional write) and is queued for the approval worker.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import Clock, SignatureVerifier

from vpc_remediator.domain.approval import CLICKABLE_IN, Click, ClickRefusal, Step, click_refusal, user_refusal
from vpc_remediator.observability import logger
from vpc_remediator.remediation.ports import ApprovalStore
from vpc_remediator.settings import Settings

# What new_change_id makes: "chg-" and 22 URL-safe characters. Anything else is refused before any read.
CHANGE_ID = re.compile(r"chg-[A-Za-z0-9_-]{22}")
# Slack's ids: a workspace T…, a user U… or W…; the channel of the message C…, G… or D….
SLACK_ID = re.compile(r"[A-Z][A-Z0-9]{2,30}")
# A click is a few kilobytes; anything far larger is not one.
MAX_BODY_BYTES = 64 * 1024
# Refusals before the signature is known good: nothing the request says is trusted, not even to audit it.
UNTRUSTED = {"bad-signature", "no-signing-secret", "too-large"}


@dataclass(frozen=True)
class ClickRequest:
    """A click as the worker needs it: which change, which button, who, and the message it came from."""

    change_id: str
    click: Click
    user_id: str
    team_id: str
    channel_id: str | None = None
    message_ts: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The queued work item: ids only, never a plan."""
        return {
            "change_id": self.change_id,
            "click": self.click.value,
            "user_id": self.user_id,
            "team_id": self.team_id,
            "channel_id": self.channel_id,
            "message_ts": self.message_ts,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClickRequest:
        """Inverse of to_dict; a work item of another shape is refused (ValueError)."""
        change_id, user_id = str(data.get("change_id", "")), str(data.get("user_id", ""))
        if not CHANGE_ID.fullmatch(change_id) or not SLACK_ID.fullmatch(user_id):
            raise ValueError("a click needs a change id and a Slack user id")
        channel, ts = data.get("channel_id"), data.get("message_ts")
        return cls(
            change_id,
            Click(str(data.get("click"))),
            user_id,
            str(data.get("team_id", "")),
            channel if isinstance(channel, str) else None,
            ts if isinstance(ts, str) else None,
        )


@dataclass(frozen=True)
class Answer:
    """What the endpoint answers Slack: a status and a text; the refusal's code when it refused."""

    status: int
    text: str
    refusal: str | None = None
    click: ClickRequest | None = None

    def response(self) -> dict[str, Any]:
        """A Lambda function URL response."""
        return {"statusCode": self.status, "headers": {"Content-Type": "text/plain"}, "body": self.text}


@dataclass(frozen=True)
class ClickPorts:
    """What the endpoint reads and writes: the signing secret, the pending changes, the work queue, the clock."""

    signing_secret: Callable[[], str]
    store: ApprovalStore
    queue: Callable[[dict[str, Any]], None]
    # slack_sdk's clock (seconds since the epoch): the signature window and the expiry read the same time.
    clock: Clock = field(default_factory=Clock)


# Refusal code → HTTP status: Slack shows the person that the click did not go through.
STATUS = {
    "bad-signature": 401,
    "no-signing-secret": 503,
    "malformed": 400,
    "too-large": 413,
    "foreign-workspace": 403,
    "no-workspace": 403,
    "nobody-allowed": 403,
    "user-not-allowed": 403,
    "unknown-change": 404,
    "wrong-state": 409,
    "already-claimed": 409,
    "expired": 410,
    "not-queued": 503,
}


def signature_refusal(body: bytes, headers: Mapping[str, str], ports: ClickPorts) -> ClickRefusal | None:
    """Slack's signature over the body and timestamp, five minutes either way, compared in constant time by
    slack_sdk; fail closed when the secret cannot be read."""
    try:
        secret = ports.signing_secret()
        verifier = SignatureVerifier(secret, ports.clock)
    except Exception:  # noqa: BLE001  (any failure to read the secret means no request can be trusted)
        return ClickRefusal("no-signing-secret", "the signing secret cannot be read, so no click is accepted")
    if len(body) > MAX_BODY_BYTES:
        return ClickRefusal("too-large", f"the request is over {MAX_BODY_BYTES} bytes: not a click")
    try:
        valid = verifier.is_valid_request(body, headers)
    except (ValueError, UnicodeDecodeError):  # a timestamp that is not a number, a body that is not UTF-8
        valid = False
    if not valid:
        return ClickRefusal("bad-signature", "the request's signature or timestamp is wrong, missing or too old")
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_click(body: bytes) -> ClickRequest | ClickRefusal:
    """The click a signed Slack interactivity request carries (block_actions, one action whose value is a change id)."""
    malformed = ClickRefusal("malformed", "the request is not one click on a change's button")
    try:
        form = parse_qs(body.decode(), strict_parsing=True)
        (raw,) = form["payload"]
        payload = json.loads(raw)
        (action,) = payload["actions"]
        click = Click(action["action_id"])
        change_id, team_id, user_id = action["value"], payload["team"]["id"], payload["user"]["id"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return malformed
    if payload.get("type") != "block_actions" or not all(isinstance(v, str) for v in (change_id, team_id, user_id)):
        return malformed
    if not CHANGE_ID.fullmatch(change_id) or not SLACK_ID.fullmatch(team_id) or not SLACK_ID.fullmatch(user_id):
        return malformed
    container = payload.get("container") if isinstance(payload.get("container"), dict) else {}
    return ClickRequest(
        change_id, click, user_id, team_id, _text(container.get("channel_id")), _text(container.get("message_ts"))
    )


def workspace_refusal(team_id: str, settings: Settings) -> ClickRefusal | None:
    """Only the stack's own Slack workspace (SlackTeamId); none configured means no click is accepted."""
    if not settings.slack_team_id:
        return ClickRefusal("no-workspace", "no Slack workspace is configured (SlackTeamId), so no click is accepted")
    if team_id != settings.slack_team_id:
        return ClickRefusal("foreign-workspace", f"workspace {team_id} is not this stack's Slack workspace")
    return None


def _checked(
    body: bytes, headers: Mapping[str, str], settings: Settings, ports: ClickPorts, now: datetime
) -> ClickRequest | ClickRefusal:
    """Every check in order; the first refusal ends it."""
    refused = signature_refusal(body, headers, ports)
    if refused is not None:
        return refused
    request = parse_click(body)
    if isinstance(request, ClickRefusal):
        return request
    refused = workspace_refusal(request.team_id, settings) or user_refusal(
        request.user_id, settings.slack_allowed_user_ids
    )
    if refused is None:
        refused = click_refusal(ports.store.get(request.change_id), request.click, now)
    if refused is None and not ports.store.claim(request.change_id, CLICKABLE_IN[request.click]):
        refused = ClickRefusal("already-claimed", "another click on this change was accepted first")
    return refused or request


def handle_click(body: bytes, headers: Mapping[str, str], settings: Settings, ports: ClickPorts) -> Answer:
    """Check one request from Slack and, when every check passes, claim its change and queue the work."""
    now = datetime.fromtimestamp(ports.clock.now(), UTC)
    checked = _checked(body, headers, settings, ports, now)
    if isinstance(checked, ClickRefusal):
        # Audited under the change the click named, when it named one (a refused signature names nothing trusted).
        named = parse_click(body) if checked.code not in UNTRUSTED else None
        if isinstance(named, ClickRequest):
            step = Step(now, named.user_id, named.click.value, f"refused: {checked.message}")
            ports.store.audit(named.change_id, step)
        return Answer(STATUS[checked.code], checked.message, checked.code)
    try:
        ports.queue(checked.to_dict())
    except Exception:  # noqa: BLE001  (the claim is given back: the change can be clicked again)
        change = ports.store.get(checked.change_id)
        if change is not None:
            ports.store.settle(
                change.with_step(
                    Step(now, checked.user_id, checked.click.value, "not queued"), CLICKABLE_IN[checked.click]
                )
            )
        return Answer(503, "the click could not be queued: nothing changed, try again", "not-queued")
    ports.store.audit(checked.change_id, Step(now, checked.user_id, checked.click.value, "accepted and queued"))
    return Answer(200, f"{checked.click.value} accepted: the message will show what happened", click=checked)


def function_url_request(event: Any) -> tuple[bytes, dict[str, str]]:
    """The raw body (the signature is over its exact bytes) and headers of a Lambda function URL request."""
    if not isinstance(event, dict):
        return b"", {}
    raw = event.get("body") or ""
    found = event.get("headers")
    headers: dict[Any, Any] = found if isinstance(found, dict) else {}
    try:
        body = base64.b64decode(raw, validate=True) if event.get("isBase64Encoded") else str(raw).encode()
    except ValueError:
        body = b""
    return body, {str(key): str(value) for key, value in headers.items()}


def on_click_request(event: Any, settings: Settings, ports: ClickPorts) -> dict[str, Any]:
    """InteractivityFunction: one Slack request → checked, claimed and queued, or refused; a function URL response."""
    body, headers = function_url_request(event)
    answer = handle_click(body, headers, settings, ports)
    if answer.refusal is None:
        logger.info("click accepted", extra={"click": answer.click.to_dict() if answer.click else None})
    else:
        logger.warning("click refused", extra={"refusal": answer.refusal, "why": answer.text})
    return answer.response()
