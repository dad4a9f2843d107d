"""`make demo`: a simulated account (moto, in-process), broken in realistic ways, repaired by the real handlers.

Each act (cli/demo_*.py) builds a scenario, sends CloudTrail-shaped events through the template's rules and
shows before and after; every report the acts produce is returned so the demo can deliver them further.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from vpc_remediator.cli.local import LocalRuntime, default_stack_name, find_project_file, handle_event
from vpc_remediator.cli.render import summary
from vpc_remediator.cli.router import Router
from vpc_remediator.settings import get_settings

REGION = "us-east-1"


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
        print(f"\n> {label}")
        reports = handle_event(self.router, event)
        for report in reports:
            print(summary(report))
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


def title(text: str) -> None:
    """A section heading."""
    print(f"\n=== {text} " + "=" * max(0, 70 - len(text)))


Act = Callable[[DemoContext], None]


def acts() -> list[Act]:
    """The demo's acts, in order."""
    from vpc_remediator.cli.demo_default_vpc import default_vpc_act  # noqa: PLC0415
    from vpc_remediator.cli.demo_nat_gateway import nat_gateway_act  # noqa: PLC0415
    from vpc_remediator.cli.demo_placement import placement_act  # noqa: PLC0415

    return [default_vpc_act, placement_act, nat_gateway_act]


def post_to_local_slack(reports: list[dict[str, Any]]) -> None:
    """Post the demo's reports to a local webhook receiver, as the notifier would, and link the first message."""
    from vpc_remediator.cli.slack import builder_link, post_reports  # noqa: PLC0415
    from vpc_remediator.devkit.receiver import LocalReceiver  # noqa: PLC0415

    title("Slack: the reports as the notifier posts them")
    with LocalReceiver() as receiver:
        messages, result = post_reports(reports, receiver.url)
        print(f"  posted {len(result.sent)} of {len(messages)} messages to a local receiver at {receiver.url}")
    print(f"  {len(receiver.received)} received; compliant and ignored reports are not posted (SlackQuietOutcomes)")
    if messages:
        print(f"  preview of the first one in Block Kit Builder:\n  {builder_link(messages[0])}")


def run_demo() -> int:
    """Run every act against one simulated account."""
    os.environ.update({"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "AWS_DEFAULT_REGION": REGION})
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import boto3  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415

    stack_name = default_stack_name()
    LocalRuntime(stack_name=stack_name).configure()
    router = Router.from_template(find_project_file("template.yaml"), stack_name)
    with mock_aws():
        context = DemoContext(router=router, session=boto3.Session(region_name=REGION))
        for act in acts():
            act(context)
    post_to_local_slack(context.reports)
    print("\nNothing was deleted by the remediator; every change above lists the command that undoes it.")
    return 0
