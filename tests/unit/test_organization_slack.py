"""Slack in organization mode: reports name the account (Organizations name and id), digests group by account."""

from __future__ import annotations

import json

from tests.unit.test_blocks import assert_within_slack_limits, report, texts
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.notify.blocks import plan_messages, report_message

PAYMENTS = "111111111111"
ANALYTICS = "222222222222"


def test_a_report_names_its_account_by_name_and_id_and_survives_the_queue() -> None:
    named = report(Outcome.REMEDIATED, account=PAYMENTS, account_name="payments")
    assert Report.from_dict(json.loads(json.dumps(named.to_dict()))).account_name == "payments"
    message = report_message(named)
    assert f"*Account*\npayments ({PAYMENTS})" in texts(list(message.blocks))


def test_a_digest_of_several_accounts_groups_them_and_says_whose_each_line_is() -> None:
    reports = [
        report(Outcome.REMEDIATED, 1, account=ANALYTICS, account_name="analytics", region="eu-west-1"),
        report(Outcome.REMEDIATED, 2, account=PAYMENTS, account_name="payments"),
        report(Outcome.NEEDS_NAT, 3, account=PAYMENTS, account_name="payments"),
        report(Outcome.REMEDIATED, 4, account=PAYMENTS, account_name="payments"),
        report(Outcome.REMEDIATED, 5, account=ANALYTICS, account_name="analytics", region="eu-west-1"),
        report(Outcome.BLOCKED, 6, account=ANALYTICS, account_name="analytics", region="eu-west-1"),
    ]
    (digest,) = plan_messages(reports)
    assert_within_slack_limits(digest.payload())
    text = "\n".join(texts(digest.payload()["blocks"]))
    by_account = (
        f"• analytics ({ANALYTICS}): 1 blocked, 2 remediated\n• payments ({PAYMENTS}): 1 needs-nat, 2 remediated"
    )
    assert f"*By account*\n{by_account}" in text
    remediated = text[text.index("Remediated (4)") :]
    lines = [line for line in remediated.splitlines() if line.startswith("•")][:4]
    assert [line.split(" · ")[0] for line in lines] == [f"• analytics ({ANALYTICS})"] * 2 + [
        f"• payments ({PAYMENTS})"
    ] * 2
    assert lines[0].split(" · ")[1] == "eu-west-1"


def test_a_digest_of_one_account_is_as_before() -> None:
    (digest,) = plan_messages([report(Outcome.REMEDIATED, n) for n in range(6)])
    text = "\n".join(texts(digest.payload()["blocks"]))
    assert "By account" not in text
    assert " · " not in text.split("Remediated (6)")[1].splitlines()[1]
