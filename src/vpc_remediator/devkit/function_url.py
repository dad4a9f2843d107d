"""A local stand-in for a Lambda function URL: a real HTTP server on 127.0.0.1 that hands each request to a handler
as Lambda's function URL event (payload format 2.0, the body base64-encoded) and answers with its response."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def function_url_event(path: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The event Lambda gives a function behind a function URL: lower-case headers, the raw body in base64."""
    return {
        "version": "2.0",
        "rawPath": path,
        "headers": {name.lower(): value for name, value in headers.items()},
        "requestContext": {"http": {"method": "POST", "path": path}},
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


class LocalFunctionUrl:
    """Serves one handler on 127.0.0.1 (a free port) for as long as the `with` block lasts."""

    def __init__(self, handler: Handler, context: Any = None) -> None:
        self.handler = handler
        self.context = context
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The URL to post to."""
        if self._server is None:
            raise RuntimeError("the function URL is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def __enter__(self) -> LocalFunctionUrl:
        outer = self

        class Request(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                event = function_url_event(self.path, dict(self.headers.items()), body)
                response = outer.handler(event, outer.context)
                answer = str(response.get("body") or "").encode()
                self.send_response(int(response.get("statusCode", 200)))
                for name, value in (response.get("headers") or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Request)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
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
