"""A local stand-in for a Lambda function URL: a real HTTP server on 127.0.0.1 that hands each request to a handler
as Lambda's function URL event (payload format 2.0, the body base64-encoded) and answers with its response."""

from __future__ import annotations

import base64
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

from vpc_remediator.devkit.loopback import LoopbackServer

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


class LocalFunctionUrl(LoopbackServer):
    """Serves one handler on 127.0.0.1 (a free port) for as long as the `with` block lasts."""

    def __init__(self, handler: Handler, context: Any = None) -> None:
        self.handler = handler
        self.context = context
        super().__init__()

    @property
    def url(self) -> str:
        """The URL to post to."""
        return self._base_url("function URL") + "/"

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

        self._serve(Request, "local-function-url")
        return self
