"""Demo act: the reports of the whole demo posted to a local Slack webhook receiver, as the notifier posts them."""

from __future__ import annotations

from vpc_remediator.cli.demo.context import DemoContext, title
from vpc_remediator.cli.slack import builder_link, post_reports
from vpc_remediator.devkit.receiver import LocalReceiver


def slack_act(context: DemoContext) -> None:
    """Post the reports so far and link the first message to Block Kit Builder."""
    title("Slack: the reports as the notifier posts them")
    with LocalReceiver() as receiver:
        messages, result = post_reports(context.reports, receiver.url)
        print(f"  posted {len(result.sent)} of {len(messages)} messages to a local receiver at {receiver.url}")
    print(f"  {len(receiver.received)} received; compliant and ignored reports are not posted (SlackQuietOutcomes)")
    if messages:
        print(f"  preview of the first one in Block Kit Builder:\n  {builder_link(messages[0])}")
