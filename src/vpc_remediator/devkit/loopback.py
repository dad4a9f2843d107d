"""A local HTTP server on 127.0.0.1 for the length of a `with` block: the Slack stand-in and the function URL."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


class LoopbackServer:
    """Serves a request handler on 127.0.0.1 on a free port, in a thread; stopped when the `with` block ends."""

    def __init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _base_url(self, what: str) -> str:
        """http://127.0.0.1:<port>, or RuntimeError naming `what` when it is not running."""
        if self._server is None:
            raise RuntimeError(f"the {what} is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _serve(self, handler: type[BaseHTTPRequestHandler], name: str) -> None:
        # Port 0: the system picks a free port; 127.0.0.1 only, never reachable from elsewhere.
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=name, daemon=True)
        self._thread.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
