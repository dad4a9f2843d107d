"""Ensure the region's default VPC exists and works."""

from __future__ import annotations

from vpc_remediator.domain.default_vpc import DefaultVpcState, describe_problems, plan_repairs
from vpc_remediator.domain.details import DefaultVpcDetails, DefaultVpcView
from vpc_remediator.domain.errors import AccessDeniedError, ConcurrentChangeError
from vpc_remediator.domain.report import Action, Outcome, Report
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.ports import DefaultVpcPort

KIND = "default-vpc"
# CreateDefaultVpc makes the rest itself; one more round repairs what it did not. Never loop beyond that.
MAX_ROUNDS = 3


def default_vpc_arn(account: str | None, region: str | None, vpc_id: str | None) -> str:
    """The report's resource: the default VPC's ARN, or where it should be when it is missing."""
    return f"arn:aws:ec2:{region}:{account}:vpc/{vpc_id or 'default'}"


def ensure_default_vpc(adapter: DefaultVpcPort, stamp: ReportStamp, why: str, dry_run: bool) -> Report:
    """Read the default VPC, plan its repairs, apply them unless dry run, verify, and report."""
    state = adapter.read_state()
    planned = plan_repairs(state)

    def report(outcome: Outcome, reason: str, actions: tuple[Action, ...], final: DefaultVpcState) -> Report:
        resource = default_vpc_arn(stamp.account, stamp.region, final.vpc_id)
        return stamp.report(resource, KIND, outcome, reason, actions, details=_details(state, final))

    if not planned:
        return report(Outcome.COMPLIANT, f"{why}; the default VPC works", (), state)
    problems = describe_problems(state)
    if dry_run:
        return report(Outcome.WOULD_REMEDIATE, f"{why}; {problems} (dry run: nothing changed)", planned, state)

    done: list[Action] = []
    current = state
    try:
        for _ in range(MAX_ROUNDS):
            repairs = plan_repairs(current)
            if not repairs:
                break
            created: dict[str, str] = {}
            try:
                for repair in repairs:
                    done.append(adapter.apply(repair, created))
            except ConcurrentChangeError:
                pass  # another repair (the sweep, a person) got there first: read again and re-plan
            current = adapter.read_state()
    except AccessDeniedError as exc:
        current = adapter.read_state()
        reason = f"{why}; {problems}; {exc} (an IAM policy or SCP forbids it), so it was left as it is"
        return report(Outcome.BLOCKED, reason, tuple(done), current)

    remaining = plan_repairs(current)
    if remaining:
        reason = f"{why}; {problems}; after the repairs it still has: {describe_problems(current)}"
        return report(Outcome.FAILED, reason, tuple(done), current)
    return report(Outcome.REMEDIATED, f"{why}; repaired: {problems}", tuple(done), current)


def _view(state: DefaultVpcState) -> DefaultVpcView:
    route = state.default_route
    return DefaultVpcView(
        vpc_id=state.vpc_id,
        subnet_zones=state.subnet_zones,
        internet_gateway=state.attached_igw_id,
        default_route=f"{route.target_id} ({route.state})" if route else None,
    )


def _details(before: DefaultVpcState, after: DefaultVpcState) -> DefaultVpcDetails:
    return DefaultVpcDetails(before=_view(before), after=_view(after))
