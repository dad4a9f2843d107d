"""Run the command as a person does, on a terminal, or as a script does, into a pipe."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tempfile
import tty
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "vpc_remediator.cli.main"]
# Variables with which rich treats a pipe as a terminal, or a terminal as having no colours.
_TERMINAL_OVERRIDES = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR", "TERM")


def cli_environment(**extra: str) -> dict[str, str]:
    """This process's environment without terminal overrides, plus `extra`."""
    env = {name: value for name, value in os.environ.items() if name not in _TERMINAL_OVERRIDES}
    return {**env, **extra}


def run_piped(args: list[str], env: Mapping[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The command with stdout and stderr into pipes."""
    return subprocess.run(
        [*CLI, *args], cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=timeout, check=False
    )


def run_on_a_terminal(
    args: list[str], env: Mapping[str, str], stderr_too: bool = False, timeout: float = 120
) -> tuple[int, bytes, str]:
    """The command with stdout (and stderr too) on a pseudo-terminal: exit status, the bytes written there, stderr."""
    leader, follower = pty.openpty()
    # Raw mode: the terminal passes the bytes on as written (no "\n" → "\r\n"), so they can be compared exactly.
    tty.setraw(follower)
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [*CLI, *args],
            cwd=ROOT,
            env={**env, "TERM": "xterm-256color", "COLUMNS": "200"},
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=follower if stderr_too else stderr,
        )
        os.close(follower)
        written = bytearray()
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO on Linux: the process has exited and closed the terminal.
                break
            if not chunk:
                break
            written.extend(chunk)
        os.close(leader)
        status = process.wait(timeout=timeout)
        stderr.seek(0)
        return status, bytes(written), stderr.read().decode()
