"""What every act of the demo shares: the simulated account's clients, the router, the reports so far, headings."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from vpc_remediator.cli.console import stdout_console
from vpc_remediator.cli.local import handle_event
from vpc_remediator.cli.render import Heading, source_line, summary
from vpc_remediator.cli.router import Router
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.settings import get_settings


@dataclass
class DemoContext:
    """What an act needs: the router, boto3 clients of the simulated account, and the reports so far."""

    router: Router
    session: Any
    reports: list[dict[str, Any]] = field(default_factory=list)

    def client(self, service: str) -> Any:
        """A client of the simulated account."""
        return self.session.client(service, region_name=REGION)

    def send(self, label: str, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Route one event like EventBridge would, run the handlers, print and keep their reports."""
        console = stdout_console()
        console.print()
        console.print(source_line(f"> {label}"))
        reports = handle_event(self.router, event)
        for report in reports:
            console.print(summary(report))
        self.reports.extend(reports)
        return reports

    @contextmanager
    def dry_run(self) -> Iterator[None]:
        """Events sent inside run as with DryRun=true."""
        previous = os.environ.get("DRY_RUN", "false")
        os.environ["DRY_RUN"] = "true"
        get_settings.cache_clear()
        try:
            yield
        finally:
            os.environ["DRY_RUN"] = previous
            get_settings.cache_clear()


Act = Callable[[DemoContext], None]


def title(text: str) -> None:
    """A section heading."""
    stdout_console().print(Heading(text))
