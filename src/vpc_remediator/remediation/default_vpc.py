"""Ensure the region's default VPC exists and works."""

from __future__ import annotations

from collections.abc import Sequence

from vpc_remediator.domain.default_vpc import DefaultVpcState, describe_problems, kept_routes, plan_repairs
from vpc_remediator.domain.details import DefaultVpcDetails, DefaultVpcView
from vpc_remediator.domain.errors import AccessDeniedError, AwsCallError, ConcurrentChangeError, RemediatorError
from vpc_remediator.domain.report import Action, Outcome, Report
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.ports import DefaultVpcPort

KIND = "default-vpc"
# CreateDefaultVpc makes the rest itself; one more round repairs what it did not. Never loop beyond that.
MAX_ROUNDS = 3
CREATE_DEFAULT_SUBNET = "ec2:CreateDefaultSubnet"


def default_vpc_arn(stamp: ReportStamp, vpc_id: str | None) -> str:
    """The report's resource: the default VPC's ARN, or where it should be when it is missing."""
    return f"arn:{stamp.partition}:ec2:{stamp.region}:{stamp.account}:vpc/{vpc_id or 'default'}"


def ensure_default_vpc(adapter: DefaultVpcPort, stamp: ReportStamp, why: str, dry_run: bool) -> Report:
    """Read the default VPC, plan its repairs, apply them unless dry run, verify, and report."""
    state = adapter.read_state()
    planned = plan_repairs(state)
    # Zone → why it refused CreateDefaultSubnet: skipped, named in the report, the other zones still repaired.
    refused: dict[str, RemediatorError] = {}

    def report(outcome: Outcome, reason: str, actions: Sequence[Action], final: DefaultVpcState) -> Report:
        resource = default_vpc_arn(stamp, final.vpc_id)
        skipped = {zone: str(error) for zone, error in sorted(refused.items())}
        details = DefaultVpcDetails(before=_view(state), after=_view(final), skipped_zones=skipped)
        reason += _left_as_it_is(final, refused)
        return stamp.report(resource, KIND, outcome, reason, tuple(actions), details=details)

    if not planned:
        if kept_routes(state):
            return report(Outcome.SKIPPED, f"{why}; nothing to repair", (), state)
        return report(Outcome.COMPLIANT, f"{why}; the default VPC works", (), state)
    problems = describe_problems(state)
    if dry_run:
        return report(Outcome.WOULD_REMEDIATE, f"{why}; {problems} (dry run: nothing changed)", planned, state)

    done: list[Action] = []
    try:
        current = _repair(adapter, state, done, refused)
    except AccessDeniedError as exc:
        reason = f"{why}; {problems}; {exc} (an IAM policy or SCP forbids it), so it was left as it is"
        return report(Outcome.BLOCKED, reason, done, adapter.read_state())

    if plan_repairs(current, refused):
        reason = f"{why}; {problems}; after the repairs it still has: {describe_problems(current)}"
        return report(Outcome.FAILED, reason, done, current)
    if refused:
        # A refusal by policy is `blocked`; any other one needs a person to look at the zone.
        denied = all(isinstance(error, AccessDeniedError) for error in refused.values())
        return report(Outcome.BLOCKED if denied else Outcome.FAILED, f"{why}; {problems}", done, current)
    return report(Outcome.REMEDIATED, f"{why}; repaired: {problems}", done, current)


def _repair(
    adapter: DefaultVpcPort, state: DefaultVpcState, done: list[Action], refused: dict[str, RemediatorError]
) -> DefaultVpcState:
    """Apply the plan, read again, re-plan, a bounded number of rounds; `done` and `refused` collect as it goes."""
    current = state
    for _ in range(MAX_ROUNDS):
        repairs = plan_repairs(current, refused)
        if not repairs:
            break
        created: dict[str, str] = {}
        try:
            for repair in repairs:
                try:
                    done.append(adapter.apply(repair, created))
                except (AccessDeniedError, AwsCallError) as exc:
                    if repair.api != CREATE_DEFAULT_SUBNET:
                        raise
                    # One zone can refuse (not offered to the account, no capacity, a zone-scoped SCP).
                    refused[str(repair.params["AvailabilityZone"])] = exc
        except ConcurrentChangeError:
            pass  # another repair (the sweep, a person) got there first: read again and re-plan
        current = adapter.read_state()
    return current


def _left_as_it_is(final: DefaultVpcState, refused: dict[str, RemediatorError]) -> str:
    """What the report adds about what was deliberately not repaired."""
    text = ""
    kept = kept_routes(final)
    if kept:
        text += f"; {kept}"
    if refused:
        skipped = "; ".join(f"{zone}: {error}" for zone, error in sorted(refused.items()))
        text += f"; skipped the zones that refused a default subnet ({skipped})"
    return text


def _view(state: DefaultVpcState) -> DefaultVpcView:
    route = state.default_route
    return DefaultVpcView(
        vpc_id=state.vpc_id,
        subnet_zones=state.subnet_zones,
        internet_gateway=state.attached_igw_id,
        default_route=f"{route.target_id} ({route.state})" if route else None,
        zone_route_tables={
            table.route_table_id: (
                f"{', '.join(table.zones)}: "
                + (f"{table.default_route.target_id} ({table.default_route.state})" if table.default_route else "none")
            )
            for table in state.explicit_tables
        },
    )
