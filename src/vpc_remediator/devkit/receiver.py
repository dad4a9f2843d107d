"""A local stand-in for Slack: a real HTTP server on 127.0.0.1 that records what it receives.

It is an incoming webhook (any path), and the Web API's chat.postMessage and chat.update (under /api/, as a Slack
app's bot calls them), answering as Slack does; `click` sends a click signed as Slack signs it to a local endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlencode

from vpc_remediator.devkit.loopback import LoopbackServer


class LocalReceiver(LoopbackServer):
    """Answers the scripted replies first (status, headers), then 200 "ok"; keeps every body it answered 200 to."""

    def __init__(self, replies: Iterable[tuple[int, dict[str, str]]] = ()) -> None:
        self.replies = list(replies)
        self.received: list[dict[str, Any]] = []
        # (method, its JSON arguments) of every Web API call, in order.
        self.api_calls: list[tuple[str, dict[str, Any]]] = []
        self._ts = 0
        self.attempts = 0
        self._lock = threading.Lock()
        super().__init__()

    @property
    def url(self) -> str:
        """The webhook URL to post to."""
        return self._base_url("receiver") + "/services/local/webhook"

    @property
    def api_url(self) -> str:
        """The Web API's base URL (SLACK_API_URL), as slack_sdk's WebClient takes it."""
        return self.url.rsplit("/services/", 1)[0] + "/api/"

    def _api(self, method: str, body: bytes) -> dict[str, Any]:
        arguments = json.loads(body or b"{}")
        with self._lock:
            self.api_calls.append((method, arguments))
            if method == "chat.postMessage":
                self._ts += 1
                return {"ok": True, "channel": arguments.get("channel"), "ts": f"1700000000.{self._ts:06d}"}
            if method == "chat.update":
                return {"ok": True, "channel": arguments.get("channel"), "ts": arguments.get("ts")}
        return {"ok": False, "error": "unknown_method"}

    def _reply(self, body: bytes) -> tuple[int, dict[str, str]]:
        with self._lock:
            self.attempts += 1
            status, headers = self.replies.pop(0) if self.replies else (200, {})
            if status == 200:
                self.received.append(json.loads(body))
            return status, headers

    def __enter__(self) -> LocalReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path.startswith("/api/"):
                    answer = json.dumps(receiver._api(self.path.removeprefix("/api/"), body)).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                    return
                status, headers = receiver._reply(body)
                answer = b"ok" if status == 200 else b"rate_limited" if status == 429 else b"error"
                self.send_response(status)
                for name, value in {"Content-Type": "text/plain", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the demo prints what matters."""

        self._serve(Handler, "local-slack-receiver")
        return self


def signed_click(
    secret: str, team_id: str, user_id: str, change_id: str, button: str, channel: str, ts: str, at: float
) -> tuple[bytes, dict[str, str]]:
    """A button click as Slack sends it to an app's interactivity URL: a form-encoded payload, signed with the app's
    signing secret (v0=HMAC-SHA256 of "v0:<timestamp>:<body>")."""
    payload = {
        "type": "block_actions",
        "team": {"id": team_id},
        "user": {"id": user_id},
        "actions": [{"action_id": button, "value": change_id}],
        "container": {"type": "message", "channel_id": channel, "message_ts": ts},
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    timestamp = str(int(at))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    return body, headers


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST to a local endpoint (127.0.0.1 only); its status and text, errors included."""
    if not url.startswith(("http://127.0.0.1", "http://localhost")):
        raise ValueError("only a local endpoint")
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310  (a local endpoint, checked above)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (a local endpoint, checked above)
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode()
