"""The interactivity endpoint's checks, with requests signed by a test secret and a fake clock: every refusal changes
nothing; one click claims its change once and queues it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import Clock

from tests.unit.fakes import NOW
from vpc_remediator.domain.approval import ChangeState, PendingChange, Step
from vpc_remediator.domain.report import Action
from vpc_remediator.remediation.interactivity import ClickPorts, handle_click, on_click_request
from vpc_remediator.remediation.ports import MemoryApprovalStore
from vpc_remediator.settings import Settings

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM, USER = "T0TEAM0001", "U0ALLOWED1"
CHANGE_ID = "chg-AAAAAAAAAAAAAAAAAAAAAA"
SETTINGS = Settings(stack_name="s", slack_team_id=TEAM, slack_allowed_user_ids=frozenset({USER}))
START = NOW.timestamp()


class FakeClock(Clock):
    """slack_sdk's clock, set by the test."""

    def __init__(self) -> None:
        self.at = START

    def now(self) -> float:
        return self.at


def pending(state: ChangeState = ChangeState.PENDING, expires_in: timedelta = timedelta(hours=24)) -> PendingChange:
    plan = (Action("ecs:UpdateService", {"service": "web"}),)
    return PendingChange(CHANGE_ID, "ecs-service", "arn:svc", plan, "h", "r", NOW, NOW + expires_in, state)


@dataclass
class Endpoint:
    """The endpoint's ports over memory: the store, what was queued, the secret (or its failure)."""

    store: MemoryApprovalStore = field(default_factory=MemoryApprovalStore)
    queued: list[dict[str, Any]] = field(default_factory=list)
    clock: FakeClock = field(default_factory=FakeClock)
    secret: str | None = SECRET
    queue_fails: bool = False

    def __post_init__(self) -> None:
        self.store.put(pending())

    def read_secret(self) -> str:
        if self.secret is None:
            raise RuntimeError("AccessDeniedException: secretsmanager:GetSecretValue")
        return self.secret

    def send(self, item: dict[str, Any]) -> None:
        if self.queue_fails:
            raise RuntimeError("sqs unreachable")
        self.queued.append(item)

    def ports(self) -> ClickPorts:
        return ClickPorts(self.read_secret, self.store, self.send, self.clock)


def payload(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": USER},
        "actions": [{"action_id": "approve", "value": CHANGE_ID}],
        "container": {"channel_id": "C0CHANNEL1", "message_ts": "1700000000.000100"},
    }
    data.update(changes)
    return data


def body_of(data: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(data)}).encode()


def signed(body: bytes, at: float = START, secret: str = SECRET) -> dict[str, str]:
    """Headers as Slack signs a request: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    timestamp = str(int(at))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def click(endpoint: Endpoint, body: bytes, headers: dict[str, str], settings: Settings = SETTINGS) -> Any:
    return handle_click(body, headers, settings, endpoint.ports())


def unchanged(endpoint: Endpoint) -> bool:
    change = endpoint.store.get(CHANGE_ID)
    return endpoint.queued == [] and change is not None and change.state is ChangeState.PENDING


def test_an_allowed_click_claims_the_change_once_and_queues_only_ids() -> None:
    endpoint = Endpoint()
    body = body_of(payload())
    answer = click(endpoint, body, signed(body))
    assert answer.status == 200
    assert endpoint.queued == [
        {
            "change_id": CHANGE_ID,
            "click": "approve",
            "user_id": USER,
            "team_id": TEAM,
            "channel_id": "C0CHANNEL1",
            "message_ts": "1700000000.000100",
        }
    ]
    change = endpoint.store.get(CHANGE_ID)
    assert change is not None and change.state is ChangeState.CLAIMED
    assert [(change_id, step.user, step.result) for change_id, step in endpoint.store.clicks] == [
        (CHANGE_ID, USER, "accepted and queued")
    ]


def test_a_double_click_or_a_replayed_body_acts_once() -> None:
    endpoint = Endpoint()
    body = body_of(payload())
    first = click(endpoint, body, signed(body))
    endpoint.clock.at += 30  # the same signed request again, within the five minutes
    again = click(endpoint, body, signed(body))
    assert (first.status, again.status, again.refusal) == (200, 409, "wrong-state")
    assert len(endpoint.queued) == 1


def test_a_claim_lost_to_another_click_is_refused() -> None:
    endpoint = Endpoint()
    store = endpoint.store
    original = store.claim

    def racing(change_id: str, expected: ChangeState) -> bool:
        original(change_id, expected)  # another invocation claims it between the read and this claim
        return original(change_id, expected)

    store.claim = racing  # type: ignore[method-assign]
    body = body_of(payload())
    answer = click(endpoint, body, signed(body))
    assert (answer.status, answer.refusal) == (409, "already-claimed")
    assert endpoint.queued == []


REFUSALS = [
    ("wrong signature", lambda b: signed(b, secret="another-secret"), {}, 401, "bad-signature"),
    ("missing signature", lambda b: {"X-Slack-Request-Timestamp": str(int(START))}, {}, 401, "bad-signature"),
    ("missing timestamp", lambda b: {"X-Slack-Signature": signed(b)["X-Slack-Signature"]}, {}, 401, "bad-signature"),
    ("no headers", lambda b: {}, {}, 401, "bad-signature"),
    ("timestamp not a number", lambda b: {**signed(b), "X-Slack-Request-Timestamp": "soon"}, {}, 401, "bad-signature"),
    ("old timestamp", lambda b: signed(b, at=START - 301), {}, 401, "bad-signature"),
    ("future timestamp", lambda b: signed(b, at=START + 301), {}, 401, "bad-signature"),
    ("foreign workspace", signed, {"team": {"id": "T0FOREIGN1"}}, 403, "foreign-workspace"),
    ("user not allowed", signed, {"user": {"id": "U0STRANGER"}}, 403, "user-not-allowed"),
    ("unknown id", signed, {"actions": [{"action_id": "approve", "value": "chg-" + "B" * 22}]}, 404, "unknown-change"),
    ("id of another shape", signed, {"actions": [{"action_id": "approve", "value": "../x"}]}, 400, "malformed"),
    ("unknown button", signed, {"actions": [{"action_id": "delete", "value": CHANGE_ID}]}, 400, "malformed"),
    ("two actions", signed, {"actions": [{"action_id": "approve", "value": CHANGE_ID}] * 2}, 400, "malformed"),
    ("not a block action", signed, {"type": "view_submission"}, 400, "malformed"),
    ("user not text", signed, {"user": {"id": 7}}, 400, "malformed"),
    ("undo of a pending change", signed, {"actions": [{"action_id": "undo", "value": CHANGE_ID}]}, 409, "wrong-state"),
]


@pytest.mark.parametrize(("case", "headers", "changes", "status", "code"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_every_bad_click_gets_a_clear_refusal_and_changes_nothing(
    case: str, headers: Any, changes: dict[str, Any], status: int, code: str
) -> None:
    endpoint = Endpoint()
    body = body_of(payload(**changes))
    answer = click(endpoint, body, headers(body))
    assert (answer.status, answer.refusal) == (status, code)
    assert answer.text  # says why
    assert unchanged(endpoint)


@pytest.mark.parametrize("body", [b"payload=%7Bnot-json", b"", b"\xff\xfe", b"payload=[]", b"payload=1&payload=2"])
def test_a_malformed_body_is_refused(body: bytes) -> None:
    endpoint = Endpoint()
    answer = click(endpoint, body, signed(body))
    assert answer.refusal in {"malformed", "bad-signature"}  # bad-signature: the body is not UTF-8
    assert unchanged(endpoint)


def test_an_oversized_body_is_refused_even_when_signed() -> None:
    endpoint = Endpoint()
    body = body_of(payload(padding="x" * 70_000))
    answer = click(endpoint, body, signed(body))
    assert (answer.status, answer.refusal) == (413, "too-large")
    assert unchanged(endpoint)


def test_an_expired_change_cannot_be_approved() -> None:
    endpoint = Endpoint()
    endpoint.clock.at = START + timedelta(hours=24).total_seconds()
    body = body_of(payload())
    answer = click(endpoint, body, signed(body, at=endpoint.clock.at))
    assert (answer.status, answer.refusal) == (410, "expired")
    assert "expired" in answer.text
    assert unchanged(endpoint)


@pytest.mark.parametrize("secret", [None, "", "   "])
def test_a_missing_or_unreadable_signing_secret_refuses_every_click(secret: str | None) -> None:
    endpoint = Endpoint(secret=secret)
    body = body_of(payload())
    answer = click(endpoint, body, signed(body))
    assert (answer.status, answer.refusal) == (503, "no-signing-secret")
    assert unchanged(endpoint)


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        (replace(SETTINGS, slack_allowed_user_ids=frozenset()), "nobody-allowed"),
        (replace(SETTINGS, slack_team_id=None), "no-workspace"),
    ],
)
def test_nobody_may_click_until_the_stack_names_the_workspace_and_the_users(settings: Settings, code: str) -> None:
    endpoint = Endpoint()
    body = body_of(payload())
    answer = click(endpoint, body, signed(body), settings)
    assert (answer.status, answer.refusal) == (403, code)
    assert unchanged(endpoint)


def test_refusals_of_signed_clicks_are_audited_with_who_and_why() -> None:
    endpoint = Endpoint()
    body = body_of(payload(user={"id": "U0STRANGER"}))
    click(endpoint, body, signed(body))
    ((change_id, step),) = endpoint.store.clicks
    assert (change_id, step.user, step.click) == (CHANGE_ID, "U0STRANGER", "approve")
    assert step.result.startswith("refused: Slack user U0STRANGER is not allowed")


def test_a_click_that_cannot_be_queued_gives_the_claim_back() -> None:
    endpoint = Endpoint(queue_fails=True)
    body = body_of(payload())
    answer = click(endpoint, body, signed(body))
    assert (answer.status, answer.refusal) == (503, "not-queued")
    change = endpoint.store.get(CHANGE_ID)
    assert change is not None and change.state is ChangeState.PENDING  # it can be clicked again
    assert change.steps[-1] == Step(NOW, USER, "approve", "not queued")


def function_url_event(body: bytes, headers: dict[str, str], *, base64_encoded: bool) -> dict[str, Any]:
    """A Lambda function URL request (payload format 2.0): header names in lower case, the body as text or base64."""
    text = base64.b64encode(body).decode() if base64_encoded else body.decode()
    return {
        "version": "2.0",
        "rawPath": "/",
        "headers": {name.lower(): value for name, value in headers.items()},
        "body": text,
        "isBase64Encoded": base64_encoded,
    }


@pytest.mark.parametrize("base64_encoded", [True, False])
def test_a_function_url_request_is_checked_over_the_exact_bytes_slack_signed(base64_encoded: bool) -> None:
    endpoint = Endpoint()
    body = body_of(payload())
    event = function_url_event(body, signed(body), base64_encoded=base64_encoded)
    response = on_click_request(event, SETTINGS, endpoint.ports())
    assert response["statusCode"] == 200
    assert [item["change_id"] for item in endpoint.queued] == [CHANGE_ID]


@pytest.mark.parametrize(
    "event",
    [
        # Signed over the decoded bytes, but the flag says the text is base64 and it is not.
        function_url_event(body_of(payload()), signed(body_of(payload())), base64_encoded=False)
        | {"isBase64Encoded": True},
        # Signed over the base64 text, not over the request's bytes.
        {
            "headers": signed(base64.b64encode(body_of(payload()))),
            "body": base64.b64encode(body_of(payload())).decode(),
            "isBase64Encoded": True,
        },
        # Two timestamps (a function URL joins repeated headers with commas).
        function_url_event(body_of(payload()), signed(body_of(payload())), base64_encoded=False)
        | {"headers": {**signed(body_of(payload())), "X-Slack-Request-Timestamp": f"{int(START)},{int(START)}"}},
        "not a request",
        {"body": {"payload": "{}"}, "headers": "none"},
    ],
    ids=["flag-without-base64", "signed-over-base64-text", "repeated-timestamp", "not-a-dict", "odd-shapes"],
)
def test_a_function_url_request_of_another_shape_is_refused_and_changes_nothing(event: Any) -> None:
    endpoint = Endpoint()
    response = on_click_request(event, SETTINGS, endpoint.ports())
    assert response["statusCode"] == 401
    assert unchanged(endpoint)
