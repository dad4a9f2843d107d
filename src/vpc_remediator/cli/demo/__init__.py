"""`make demo`: a simulated account (moto, in-process), broken in realistic ways, repaired by the real handlers.

Each act builds a scenario, sends CloudTrail-shaped events through the template's rules and shows before and after;
the last one posts every report the others produced to a local Slack receiver.
"""

from __future__ import annotations

import os
from pathlib import Path

from vpc_remediator.cli.demo.approval import approval_act
from vpc_remediator.cli.demo.context import Act, DemoContext
from vpc_remediator.cli.demo.default_vpc import default_vpc_act
from vpc_remediator.cli.demo.nat_gateway import nat_gateway_act
from vpc_remediator.cli.demo.organization import organization_act
from vpc_remediator.cli.demo.placement import placement_act
from vpc_remediator.cli.demo.slack import slack_act
from vpc_remediator.cli.html.write import write_html_report
from vpc_remediator.cli.local import LocalRuntime, default_stack_name, find_project_file
from vpc_remediator.cli.router import Router
from vpc_remediator.devkit.scenarios import REGION

# The acts that run against the simulated account, in order.
ACCOUNT_ACTS: tuple[Act, ...] = (default_vpc_act, placement_act, nat_gateway_act, approval_act)


def run_demo(html: Path | None = None) -> int:
    """Run every act against one simulated account, then post the reports to a local Slack receiver."""
    os.environ.update({"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "AWS_DEFAULT_REGION": REGION})
    # The demo needs nothing of the user's AWS setup: no endpoint, no profile (one that does not exist would fail).
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)
    import boto3  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415

    stack_name = default_stack_name()
    LocalRuntime(stack_name=stack_name).configure()
    router = Router.from_template(find_project_file("template.yaml"), stack_name)
    with mock_aws():
        context = DemoContext(router=router, session=boto3.Session(region_name=REGION))
        for act in ACCOUNT_ACTS:
            act(context)
        # The networks are read from the simulated account, so while it exists.
        page = write_html_report(context.reports, html, dry_run=False) if html is not None else None
        # After the account's own acts (and its HTML report): the same account becomes an organization's hub.
        organization_act(context)
    slack_act(context)
    print("\nNothing was deleted by the remediator; every change above lists the command that undoes it.")
    if page is not None:
        print(f"The demo account's HTML report (egress map, NAT costs, findings): {page}")
    return 0
