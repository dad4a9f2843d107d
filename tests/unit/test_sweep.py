from dataclasses import dataclass, field

from vpc_remediator.domain.report import Outcome, Report
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.sweep import Cursor, run_sweep, summary_report

STAMP = ReportStamp("evt-1", "schedule", "111122223333", "eu-west-1", "Scheduled Event", "2026-11-26T00:00:00Z")


def report(kind: str, outcome: Outcome, name: str) -> Report:
    return STAMP.report(f"arn:{kind}:{name}", kind, outcome, "because")


@dataclass
class FakePhase:
    """Pages of pre-made reports: the sweep's bookkeeping is what is under test here."""

    name: str
    pages: list[list[Report]]
    seen_tokens: list[str | None] = field(default_factory=list)

    def run_page(self, token: str | None) -> tuple[list[Report], str | None]:
        self.seen_tokens.append(token)
        index = int(token or 0)
        following = str(index + 1) if index + 1 < len(self.pages) else None
        return self.pages[index], following


def test_only_non_compliant_resources_get_their_own_report_but_all_are_counted() -> None:
    phase = FakePhase(
        "lambda",
        [[report("lambda-function", Outcome.COMPLIANT, "a"), report("lambda-function", Outcome.REMEDIATED, "b")]],
    )
    result = run_sweep([phase], out_of_time=lambda: False)
    assert [r.resource for r in result.reports] == ["arn:lambda-function:b"]
    assert result.counts == {("lambda-function", "compliant"): 1, ("lambda-function", "remediated"): 1}
    assert result.next_cursor is None


def test_a_sweep_out_of_time_stops_between_pages_and_continues_where_it_stopped() -> None:
    pages = [[report("ecs-service", Outcome.COMPLIANT, str(i))] for i in range(3)]
    first_phase, second_phase = FakePhase("default-vpc", [[report("default-vpc", Outcome.COMPLIANT, "v")]]), None
    calls = iter([False, False, True])
    ecs = FakePhase("ecs", pages)
    result = run_sweep([first_phase, ecs], out_of_time=lambda: next(calls))
    assert result.next_cursor == Cursor("ecs", "1")
    assert second_phase is None

    resumed = FakePhase("ecs", pages)
    skipped = FakePhase("default-vpc", [[report("default-vpc", Outcome.COMPLIANT, "v")]])
    rest = run_sweep([skipped, resumed], out_of_time=lambda: False, cursor=result.next_cursor)
    assert skipped.seen_tokens == []
    assert resumed.seen_tokens == ["1", "2"]
    assert sum(result.counts.values()) + sum(rest.counts.values()) == 4


def test_a_malformed_carried_cursor_starts_over() -> None:
    assert Cursor.from_dict({"phase": 3}) is None
    assert Cursor.from_dict("nonsense") is None
    assert Cursor.from_dict({"phase": "ecs", "token": "x"}) == Cursor("ecs", "x")


def test_the_summary_leads_with_the_most_important_outcome_and_counts_everything() -> None:
    phase = FakePhase(
        "mixed",
        [
            [
                report("lambda-function", Outcome.COMPLIANT, "a"),
                report("lambda-function", Outcome.NEEDS_NAT, "b"),
                report("ecs-service", Outcome.REMEDIATED, "c"),
                report("ecs-service", Outcome.FAILED, "d"),
            ]
        ],
    )
    summary = summary_report(run_sweep([phase], out_of_time=lambda: False), STAMP, dry_run=False)
    assert summary.kind == "sweep"
    assert summary.outcome == Outcome.FAILED
    assert summary.reason.startswith("swept 4 resources: 1 failed, 1 needs-nat, 1 remediated, 1 compliant")
    assert summary.details.counts == {
        "ecs-service": {"failed": 1, "remediated": 1},
        "lambda-function": {"compliant": 1, "needs-nat": 1},
    }


def test_an_empty_sweep_is_compliant() -> None:
    summary = summary_report(run_sweep([], out_of_time=lambda: False), STAMP, dry_run=True)
    assert summary.outcome == Outcome.COMPLIANT
    assert "dry run" in summary.reason


@dataclass
class BrokenPhase:
    name: str

    def run_page(self, token: str | None) -> tuple[list[Report], str | None]:
        raise RuntimeError("DescribeVpcs failed with InternalError")


def test_a_failed_phase_does_not_stop_the_others_and_the_summary_names_it() -> None:
    after = FakePhase("lambda", [[report("lambda-function", Outcome.REMEDIATED, "b")]])
    result = run_sweep([BrokenPhase("default-vpc"), after], out_of_time=lambda: False)
    assert after.seen_tokens == [None]
    assert list(result.failed_phases) == ["default-vpc"]
    summary = summary_report(result, STAMP, dry_run=False)
    assert summary.outcome is Outcome.FAILED
    assert "default-vpc (RuntimeError: DescribeVpcs failed with InternalError)" in summary.reason
    assert summary.details.failed_phases == {"default-vpc": "RuntimeError: DescribeVpcs failed with InternalError"}  # type: ignore[union-attr]
