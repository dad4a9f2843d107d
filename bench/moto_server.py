"""A moto server in its own process on 127.0.0.1: one simulated account that fresh interpreters reach by URL."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import botocore.session

REGION = "us-east-1"
# Fake credentials: moto accepts any, and nothing here may ever reach a real account.
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "aws_session_token": "testing"}
_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class MotoServer:
    """`python -m moto.server` on a free port of 127.0.0.1; reset between runs; records requests when asked."""

    def __init__(self, recording: Path, python: str = sys.executable) -> None:
        self._recording = recording.resolve()
        self._python = python
        self._process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def __enter__(self) -> MotoServer:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._recording.parent.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [self._python, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env={"PATH": os.environ.get("PATH", ""), "MOTO_RECORDER_FILEPATH": str(self._recording)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self._post("/moto-api/reset")
                return self
            except OSError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the moto server did not start on {self.url}") from None
                time.sleep(0.1)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def _post(self, path: str) -> bytes:
        with urllib.request.urlopen(urllib.request.Request(self.url + path, method="POST"), timeout=10) as answer:
            body: bytes = answer.read()
            return body

    def reset(self) -> None:
        """Forget every resource: the next run starts from a fresh account."""
        self._post("/moto-api/reset")

    def client_options(self) -> dict[str, str]:
        """What boto3.client needs to reach this server."""
        return {"endpoint_url": self.url, **CREDENTIALS}

    def environment(self) -> dict[str, str]:
        """The same for another process: boto3 and botocore honour AWS_ENDPOINT_URL for every service."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            **{name.upper(): value for name, value in CREDENTIALS.items()},
        }

    @contextmanager
    def recording(self) -> Iterator[Counter[str]]:
        """Count the requests the server receives inside the block, by IAM action ("service:Operation")."""
        calls: Counter[str] = Counter()
        self._post("/moto-api/recorder/reset-recording")
        self._post("/moto-api/recorder/start-recording")
        try:
            yield calls
        finally:
            self._post("/moto-api/recorder/stop-recording")
            lines = self._recording.read_text(encoding="utf-8").splitlines()
            calls.update(operation(json.loads(line)) for line in lines if line.strip())


def operation(entry: dict[str, Any]) -> str:
    """The IAM action of one recorded request: the signing scope names the service, the protocol the operation."""
    headers = {name.lower(): value for name, value in entry.get("headers", {}).items()}
    scope = _SCOPE.search(headers.get("authorization", ""))
    service = scope.group(1) if scope else "unsigned"
    target = headers.get("x-amz-target")
    if target:
        return f"{service}:{target.rpartition('.')[2]}"
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    action = parse_qs(body).get("Action") or parse_qs(urlsplit(entry["url"]).query).get("Action")
    if action:
        return f"{service}:{action[0]}"
    return f"{service}:{_rest_operation(service, entry['method'], urlsplit(entry['url']).path)}"


@cache
def _rest_routes(service: str) -> list[tuple[str, re.Pattern[str], str]]:
    """(method, path pattern, operation) of a REST service's model, the most specific path first."""
    try:
        model = botocore.session.get_session().get_service_model(service)
    except Exception:
        return []
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path = http["requestUri"].split("?")[0]
        pattern = re.sub(r"\\\{[^}]+?\\\+\\\}", ".+", re.escape(path))
        pattern = re.sub(r"\\\{[^}]+?\\\}", "[^/]+", pattern)
        routes.append((http["method"], re.compile(pattern.rstrip("/") + "/?$"), name))
    return sorted(routes, key=lambda route: -len(route[1].pattern.replace("[^/]+", "")))


def _rest_operation(service: str, method: str, path: str) -> str:
    for route_method, pattern, name in _rest_routes(service):
        if route_method == method and pattern.match(path):
            return name
    return f"{method} {path}"
