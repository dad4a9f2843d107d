"""`vpc-remediator handle` with a bad file: one line naming the file and its problem, exit status 2, no traceback."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.terminal import cli_environment, run_piped
from vpc_remediator.cli.main import main
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.observability import logger


@pytest.fixture(autouse=True)
def restored_process() -> Iterator[None]:
    """main() configures the process as a local run (environment, log level): give the next test its own back."""
    environment, level = dict(os.environ), logger.log_level
    yield
    os.environ.clear()
    os.environ.update(environment)
    logger.setLevel(level)


def deep(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def event_with(**changes: object) -> str:
    event = load_sample("ec2/DeleteVpc")
    event.update(changes)
    return json.dumps(event)


PROBLEMS: dict[str, tuple[Callable[[], bytes], str]] = {
    "not UTF-8": (lambda: b'{"id": "\xff\xfe"}', "not UTF-8 text (at byte 8)"),
    "too deep for JSON": (lambda: deep(100_000).encode(), "nested too deeply"),
    "too deep for an event": (
        lambda: event_with(detail={"eventName": "DeleteVpc", "requestParameters": json.loads(deep(200))}).encode(),
        "more than 64 levels deep",
    ),
    "not JSON": (lambda: b"{", "not JSON"),
    "a number too long": (lambda: b"1" * 5000, "not JSON"),
    "a list": (lambda: b"[]", "a JSON object is expected"),
    "wrong shape": (lambda: b'{"hello": "world"}', "missing id, source, detail-type, account, region, detail"),
    "wrong types": (lambda: event_with(account=123456789012, region=["us-east-1"]).encode(), "account: Input should"),
    "detail not an object": (lambda: event_with(detail="DeleteVpc").encode(), "detail: Input should be a valid dict"),
    "another region": (lambda: event_with(region="eu-west-1").encode(), "for region eu-west-1, not us-east-1"),
}


@pytest.mark.parametrize("problem", PROBLEMS)
def test_a_bad_event_file_is_one_line_naming_the_file_and_the_problem(
    problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, expected = PROBLEMS[problem]
    path = tmp_path / "event.json"
    path.write_bytes(make())
    status = main(["handle", str(path)])  # the console script's own entry point
    captured = capsys.readouterr()
    assert status == 2
    (line,) = captured.err.strip().splitlines()
    assert line.startswith(f"vpc-remediator: error: {path}: ")
    assert expected in line
    assert captured.out == ""


def test_a_directory_or_missing_file_is_one_line_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in (tmp_path, tmp_path / "missing.json"):
        assert main(["handle", str(path)]) == 2
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert f"{path}: cannot read it" in line


def test_a_real_process_prints_no_traceback_for_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"detail-type": "café"}'.encode("latin-1"))
    result = run_piped(["handle", str(path)], cli_environment())
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        result.stderr.strip()
        == f"vpc-remediator: error: {path}: not UTF-8 text (at byte 20): an event file is JSON in UTF-8"
    )
