"""A local stand-in for a Slack incoming webhook: a real HTTP server on 127.0.0.1 that records what it receives."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class LocalReceiver:
    """Answers the scripted replies first (status, headers), then 200 "ok"; keeps every body it answered 200 to."""

    def __init__(self, replies: Iterable[tuple[int, dict[str, str]]] = ()) -> None:
        self.replies = list(replies)
        self.received: list[dict[str, Any]] = []
        self.attempts = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The webhook URL to post to."""
        if self._server is None:
            raise RuntimeError("the receiver is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/services/local/webhook"

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

        # Port 0: the system picks a free port; 127.0.0.1 only, never reachable from elsewhere.
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="local-slack-receiver", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
