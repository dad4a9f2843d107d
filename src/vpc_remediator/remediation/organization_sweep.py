"""The organization sweep: the schedule fans out one message per covered account and region; each worker sweeps one
pair through the exec role there, with the same phases, rules and hand-over as a single account's sweep."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from vpc_remediator.domain.details import SweepDetails
from vpc_remediator.domain.errors import AccessDeniedError, InvalidEventError
from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.ports import Region
from vpc_remediator.remediation.sweep import KIND, MAX_HAND_OVERS, Cursor, run_sweep, summary_report, sweep_arn
from vpc_remediator.remediation.sweep_phases import build_phases
from vpc_remediator.settings import OrganizationSettings

PAIR_EVENT_NAME = "Organization sweep"


@dataclass(frozen=True)
class SweepPair:
    """One account and region to sweep, as the queue carries it (with where a handed-over sweep continues)."""

    account: str
    account_name: str
    region: str
    started_by: str
    time: str
    hop: int = 0
    cursor: Cursor | None = None

    def to_message(self) -> dict[str, Any]:
        """The queue message's JSON-ready body."""
        return {
            "account": self.account,
            "account_name": self.account_name,
            "region": self.region,
            "started_by": self.started_by,
            "time": self.time,
            "hop": self.hop,
            "cursor": self.cursor.to_dict() if self.cursor else None,
        }

    @classmethod
    def from_message(cls, body: str) -> SweepPair:
        """Read a queue message; InvalidEventError naming what is wrong (it is reported, never retried)."""
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise InvalidEventError(f"a sweep message must be JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise InvalidEventError("a sweep message must be a JSON object")
        text = ("account", "account_name", "region", "started_by", "time")
        wrong = [name for name in text if not isinstance(data.get(name), str) or not data[name]]
        hop = data.get("hop")
        if isinstance(hop, bool) or not isinstance(hop, int) or not 0 <= hop <= MAX_HAND_OVERS:
            wrong.append(f"hop (0 to {MAX_HAND_OVERS})")
            hop = 0
        if wrong:
            raise InvalidEventError(f"a sweep message needs {', '.join(wrong)}")
        return cls(
            data["account"],
            data["account_name"],
            data["region"],
            data["started_by"],
            data["time"],
            hop,
            Cursor.from_dict(data.get("cursor")),
        )

    def stamp(self) -> ReportStamp:
        """What every report of this pair's sweep carries: the member's account and region."""
        event_id = f"{self.started_by}/{self.account}/{self.region}"
        return ReportStamp(event_id, None, self.account, self.region, PAIR_EVENT_NAME, self.time, self.account_name)

    def label(self) -> str:
        """How reports name the pair: the account's name, its id, the region."""
        return f"account {self.account_name} ({self.account}), {self.region}"


def covered_pairs(members: Mapping[str, str], org: OrganizationSettings, started_by: str, time: str) -> list[SweepPair]:
    """Every active account that is not excluded, times every member region, in a stable order."""
    return [
        SweepPair(account, members[account], region, started_by, time)
        for account in sorted(members)
        if account not in org.excluded_accounts
        for region in org.member_regions
    ]


def organization_arn(stamp: ReportStamp, organization_id: str | None) -> str:
    """The resource the organization sweep's own report names: the organization, seen from the hub's account."""
    return f"arn:{stamp.partition}:organizations::{stamp.account}:organization/{organization_id}"


def fan_out(hub: Region, stamp: ReportStamp) -> Report:
    """Queue one sweep per covered account and region; one report says what was queued (and what was not)."""
    org = hub.settings.org
    members = hub.organization_members()
    pairs = covered_pairs(members, org, stamp.event_id or "sweep", stamp.event_time or "")
    failures = hub.queue_sweeps([pair.to_message() for pair in pairs]) if pairs else []
    accounts = len({pair.account for pair in pairs})
    excluded = sorted(set(members) & org.excluded_accounts)
    reason = (
        f"organization sweep started: {len(pairs) - len(failures)} of {len(pairs)} account-region pairs queued "
        f"({accounts} active accounts x {len(org.member_regions)} regions: {', '.join(org.member_regions)}); "
        "each pair reports its own summary"
    )
    if excluded:
        reason += f"; excluded (ExcludedAccounts): {', '.join(excluded)}"
    outcome = Outcome.COMPLIANT
    if failures:
        outcome = Outcome.FAILED
        reason += f"; not queued, so not swept until the next schedule: {'; '.join(failures[:20])}"
    details = SweepDetails(counts={}, complete=not failures)
    return stamp.report(organization_arn(stamp, org.organization_id), KIND, outcome, reason, details=details)


def pair_refusal(pair: SweepPair, org: OrganizationSettings, member: Callable[[str], str | None]) -> str | None:
    """A queued pair is checked as an event is: a covered region, an active account that is not excluded."""
    if pair.region not in org.member_regions:
        return f"region {pair.region} is not one of MemberRegions ({', '.join(org.member_regions)})"
    if pair.account in org.excluded_accounts:
        return f"account {pair.account} is excluded (ExcludedAccounts)"
    if member(pair.account) is None:
        return f"account {pair.account} is not an active account of organization {org.organization_id}"
    return None


def sweep_pair(pair: SweepPair, hub: Region, out_of_time: Callable[[], bool]) -> list[Report]:
    """Sweep one account and region through its exec role: a summary naming the account, one report per resource
    that is not compliant; out of time, the rest is queued again with its cursor (at most MAX_HAND_OVERS times)."""
    stamp = pair.stamp()
    resource = sweep_arn(stamp)
    refusal = pair_refusal(pair, hub.settings.org, hub.organization_member)
    if refusal is not None:
        return [stamp.report(resource, KIND, Outcome.IGNORED, f"{pair.label()}: not swept: {refusal}")]
    try:
        region = hub.member(pair.account, pair.region)
    except AccessDeniedError as exc:
        reason = f"{pair.label()}: the exec role could not be assumed ({exc}): nothing was checked or changed there"
        return [stamp.report(resource, KIND, Outcome.BLOCKED, reason)]
    result = run_sweep(build_phases(region, stamp), out_of_time, pair.cursor)
    continued = pair.hop < MAX_HAND_OVERS
    summary = summary_report(result, stamp, region.settings.dry_run, continued)
    reason = f"{pair.label()}: {summary.reason}"
    if result.next_cursor is not None and continued:
        following = replace(pair, hop=pair.hop + 1, cursor=result.next_cursor)
        failures = hub.queue_sweeps([following.to_message()])
        if failures:
            reason += f"; the hand-over could not be queued ({failures[0]}): the next schedule starts over"
    return [replace(summary, reason=reason), *result.reports]


def on_sweep_messages(records: list[Any], hub: Region, out_of_time: Callable[[], bool]) -> list[Report]:
    """The worker's batch: each record one pair (a malformed one gets one `ignored` report, never a retry)."""
    reports: list[Report] = []
    for record in records:
        body = record.get("body") if isinstance(record, dict) else None
        try:
            pair = SweepPair.from_message(body if isinstance(body, str) else "")
        except InvalidEventError as exc:
            message_id = str(record.get("messageId", "unknown")) if isinstance(record, dict) else "unknown"
            stamp = ReportStamp(message_id, None, None, None, PAIR_EVENT_NAME, None)
            reports.append(stamp.report(f"message/{message_id}", KIND, Outcome.IGNORED, f"not swept: {exc}"))
            continue
        reports += sweep_pair(pair, hub, out_of_time)
    return reports
