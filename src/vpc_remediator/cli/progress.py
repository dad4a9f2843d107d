"""The sweep's progress on a terminal: a bar over its phases, and a line per phase with what it has seen so far.

run_sweep reports each finished page as (phase, resources); a phase is done when the next one starts or the sweep
ends. Nothing shows when the console is not a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text


@dataclass
class _Phase:
    task: TaskID
    name: str
    resources: int = 0
    pages: int = 0

    def seen(self) -> str:
        resources = "resource" if self.resources == 1 else "resources"
        pages = "page" if self.pages == 1 else "pages"
        return f"{self.resources} {resources}, {self.pages} {pages}"


class SweepProgress:
    """Use as a context manager around run_sweep, with `on_page` as its callback."""

    def __init__(self, phases: Sequence[str], console: Console) -> None:
        self._progress = Progress(
            SpinnerColumn(finished_text=Text("✓", "green")),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TextColumn("{task.fields[status]}", markup=False),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self._total = len(phases)
        self._done = 0
        self._overall = self._progress.add_task("sweep", total=self._total, status=self._phases_done())
        self._phase: _Phase | None = None

    def __enter__(self) -> SweepProgress:
        self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if exc_type is None:
            self._finish_phase()
        self._progress.stop()

    def on_page(self, phase: str, resources: int) -> None:
        """A page of `phase` is done, with `resources` resources."""
        current = self._phase
        if current is None or current.name != phase:
            self._finish_phase()
            current = self._phase = _Phase(self._progress.add_task(phase, total=None, status=""), phase)
        current.resources += resources
        current.pages += 1
        self._progress.update(current.task, completed=current.pages, status=current.seen())

    def _finish_phase(self) -> None:
        if self._phase is None:
            return
        # A total ends the pulsing bar: the phase shows full, its spinner turned into a check mark.
        self._progress.update(self._phase.task, total=self._phase.pages, completed=self._phase.pages)
        self._done += 1
        self._progress.update(self._overall, completed=self._done, status=self._phases_done())
        self._phase = None

    def _phases_done(self) -> str:
        return f"{self._done}/{self._total} phases"
