"""The consoles the command writes to: colours and live progress on a terminal, plain text when piped.

rich decides from the stream itself (and NO_COLOR, FORCE_COLOR, TERM=dumb), so a redirected stdout gets no
escape codes while stderr, still a terminal, keeps its progress bar.
"""

from __future__ import annotations

from rich.console import Console


def stdout_console() -> Console:
    """A console on stdout: reports and tables."""
    return _console(stderr=False)


def stderr_console() -> Console:
    """A console on stderr: progress."""
    return _console(stderr=True)


def _console(stderr: bool) -> Console:
    # Report text carries brackets ("[FIXED]") and ARNs: no markup, highlighting or emoji codes may touch it.
    # soft_wrap: long lines (reasons, undo commands, links) are left whole, for the terminal to wrap or a pipe to keep.
    return Console(stderr=stderr, markup=False, highlight=False, emoji=False, soft_wrap=True)
