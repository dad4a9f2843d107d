"""The sweep's progress: a bar over the phases on a terminal, with what each phase saw; nothing in a pipe."""

from __future__ import annotations

import io

from rich.console import Console

from vpc_remediator.cli.progress import SweepProgress

PHASES = ["default-vpc", "lambda-functions", "ecs-services"]


def console(terminal: bool) -> Console:
    return Console(file=io.StringIO(), force_terminal=terminal, color_system=None, width=120)


def sweep(progress: SweepProgress) -> None:
    progress.on_page("default-vpc", 1)
    progress.on_page("lambda-functions", 50)
    progress.on_page("lambda-functions", 7)
    progress.on_page("ecs-services", 0)


def test_on_a_terminal_every_phase_ends_with_its_resources_and_pages() -> None:
    terminal = console(terminal=True)
    with SweepProgress(PHASES, terminal) as progress:
        sweep(progress)
    # The last frame rich draws, after the sweep: everything done.
    last = terminal.file.getvalue().rsplit("sweep ", 1)[1]  # type: ignore[attr-defined]
    assert "3/3 phases" in last
    for phase, seen in [
        ("default-vpc", "1 resource, 1 page"),
        ("lambda-functions", "57 resources, 2 pages"),
        ("ecs-services", "0 resources, 1 page"),
    ]:
        line = next(line for line in last.splitlines() if phase in line)
        assert line.startswith("✓") and seen in line, line


def test_in_a_pipe_nothing_is_shown() -> None:
    piped = console(terminal=False)
    with SweepProgress(PHASES, piped) as progress:
        sweep(progress)
    assert piped.file.getvalue() == ""  # type: ignore[attr-defined]
