"""Ensure the region's default VPC exists and works."""

from __future__ import annotations

from typing import Any

from vpc_remediator.aws.clients import ClientFactory
from vpc_remediator.aws.ec2 import DefaultVpcAdapter
from vpc_remediator.domain.default_vpc import DefaultVpcState, describe_problems, plan_repairs
from vpc_remediator.domain.errors import AccessDeniedError, ConcurrentChangeError
from vpc_remediator.domain.report import Action, Outcome, Report
from vpc_remediator.events import default_vpc_relevance, parse_event
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.settings import Settings

KIND = "default-vpc"
# CreateDefaultVpc makes the rest itself; one more round repairs what it did not. Never loop beyond that.
MAX_ROUNDS = 3


def default_vpc_arn(account: str | None, region: str | None, vpc_id: str | None) -> str:
    """The report's resource: the default VPC's ARN, or where it should be when it is missing."""
    return f"arn:aws:ec2:{region}:{account}:vpc/{vpc_id or 'default'}"


def ensure_default_vpc(adapter: DefaultVpcAdapter, stamp: ReportStamp, why: str, dry_run: bool) -> Report:
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


def _details(before: DefaultVpcState, after: DefaultVpcState) -> dict[str, object]:
    def summary(state: DefaultVpcState) -> dict[str, object]:
        route = state.default_route
        return {
            "vpc_id": state.vpc_id,
            "subnet_zones": list(state.subnet_zones),
            "internet_gateway": state.attached_igw_id,
            "default_route": f"{route.target_id} ({route.state})" if route else None,
        }

    return {"before": summary(before), "after": summary(after)}


def on_default_vpc_event(
    event: dict[str, Any], settings: Settings, clients: ClientFactory | None = None
) -> list[Report]:
    """Handle one EventBridge event for DefaultVpcFunction: ignore what is not ours to fix, else ensure."""
    trigger = parse_event(event)
    stamp = ReportStamp.from_trigger(trigger)
    resource = default_vpc_arn(trigger.account, trigger.region, None)
    if trigger.is_own_call(settings.stack_name):
        reason = f"made by this stack's own role {trigger.role_name or trigger.actor}: never remediate our own calls"
        return [stamp.report(resource, KIND, Outcome.IGNORED, reason)]
    why = default_vpc_relevance(trigger)
    if why is None:
        reason = f"{trigger.event_name or trigger.detail_type} does not affect the default VPC"
        if trigger.failed:
            reason = f"{trigger.event_name} failed with {trigger.error_code}, which is not a missing default VPC"
        return [stamp.report(resource, KIND, Outcome.IGNORED, reason)]
    if not settings.manage_default_vpc:
        return [stamp.report(resource, KIND, Outcome.SKIPPED, f"{why}; ManageDefaultVpc is false")]
    factory = clients or ClientFactory(region=trigger.region)
    return [ensure_default_vpc(DefaultVpcAdapter(factory.ec2()), stamp, why, settings.dry_run)]
