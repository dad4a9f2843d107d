"""Place one already loaded workload: a pipeline of named steps, each of which may end it with a report.

Decide, then every safety rule in turn (exposure, IaC ownership, in-place limits, duplicate events, flapping), then
the remediation mode (report, wait for approval, or go ahead), then apply and verify. `remediate_workload` is the one
entry point: the event path, the sweep and the approval worker alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from vpc_remediator.domain.approval import PendingChange
from vpc_remediator.domain.details import HistoryEntry, NatFacts, PlacementDetails, SubnetView, TemplateChange
from vpc_remediator.domain.errors import AccessDeniedError, ResourceNotFoundError
from vpc_remediator.domain.exposure import allowed_text, exposures
from vpc_remediator.domain.guards import (
    already_handled,
    check_flapping,
    exemption,
    iac_owner,
    intent_actions,
    intent_entry,
    open_intent,
)
from vpc_remediator.domain.nat import advise
from vpc_remediator.domain.network import SubnetEgress, VpcNetwork
from vpc_remediator.domain.placement import (
    NetworkPlan,
    PlacementDecision,
    Verdict,
    decide_placement,
    public_ip_text,
    template_change,
)
from vpc_remediator.domain.report import Action, Outcome, Report
from vpc_remediator.domain.workload import EgressRule, Workload
from vpc_remediator.remediation.approvals import ChangeGate
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.ports import PlacementServices
from vpc_remediator.settings import Settings

# Re-delivered events can arrive a day late: the ledger read that catches them spans at least this much.
IDEMPOTENCY_LOOKBACK = timedelta(days=1)


def subnet_views(items: Iterable[SubnetEgress]) -> tuple[SubnetView, ...]:
    """Subnets with their zone, egress class and egress target, as reports show them."""
    return tuple(SubnetView(item.id, item.zone, item.egress.value, item.via, item.ipv6_egress) for item in items)


def placement_details(workload: Workload, decision: PlacementDecision | None, vpc_id: str | None) -> PlacementDetails:
    """The workload's network before (and, once decided, after) as a report carries it."""
    details = PlacementDetails(
        name=workload.name,
        vpc_id=vpc_id,
        platform=workload.platform,
        platform_source=workload.platform_source,
        network_mode=workload.network_mode,
        security_groups=workload.security_group_ids,
        subnets_before=tuple(SubnetView(subnet_id) for subnet_id in workload.subnet_ids),
        assign_public_ip_before=public_ip_text(workload.assign_public_ip),
    )
    if decision is None:
        return details
    return replace(
        details,
        subnets_before=subnet_views(decision.before),
        subnets_after=subnet_views(decision.after),
        assign_public_ip_before=public_ip_text(decision.public_ip_before),
        assign_public_ip_after=public_ip_text(decision.public_ip_after),
    )


@dataclass
class Case:
    """One workload on its way through the pipeline: what is known so far, and how to report on it."""

    workload: Workload
    services: PlacementServices
    settings: Settings
    stamp: ReportStamp
    invoked_by: str | None
    now: datetime
    # The change a person approved (the approval worker): only its exact plan may be applied.
    approved: PendingChange | None = None
    network: VpcNetwork | None = None
    decision: PlacementDecision | None = None
    planned: Action | None = None
    # The security groups that really apply, once resolved by the exposure check.
    groups: tuple[str, ...] = ()
    details: PlacementDetails = field(init=False)

    def __post_init__(self) -> None:
        self.details = placement_details(self.workload, None, None)

    @property
    def target(self) -> NetworkPlan:
        """The network the decision wants (only asked once the verdict is CHANGE)."""
        assert self.decision is not None and self.decision.target is not None  # a CHANGE always has its target
        return self.decision.target

    @property
    def reason(self) -> str:
        """The decision's reason, which every later report starts with."""
        return self.decision.reason if self.decision else ""

    def report(self, outcome: Outcome, reason: str, actions: tuple[Action, ...] = (), **extra: Any) -> Report:
        """A report on this workload, its details with `extra` fields set."""
        details = replace(self.details, **extra)
        return self.stamp.report(self.workload.arn, self.workload.kind, outcome, reason, actions, details=details)


Step = Callable[[Case], Report | None]


def exempt(case: Case) -> Report | None:
    """A workload tagged exempt is never changed."""
    why = exemption(case.workload.tags, case.settings.exempt_tag_key)
    return case.report(Outcome.SKIPPED, why) if why else None


def decide(case: Case) -> Report | None:
    """Read the workload's VPC and apply its kind's rule; anything but a change ends here."""
    workload = case.workload
    if workload.subnet_ids:
        found = case.services.network.subnets(workload.subnet_ids)
        vpc_ids = sorted({subnet.vpc_id for subnet in found.values()})
        if not vpc_ids:
            return case.report(Outcome.SKIPPED, f"its subnets {', '.join(workload.subnet_ids)} were not found")
        case.network = case.services.network.vpc(vpc_ids[0])
    decision = case.decision = decide_placement(workload, case.network)
    case.details = placement_details(workload, decision, case.network.vpc_id if case.network else None)
    if decision.verdict is Verdict.NOT_APPLICABLE:
        return case.report(Outcome.SKIPPED, decision.reason)
    if decision.verdict is Verdict.COMPLIANT and not decision.stays_public:
        # A compliant workload that is already public is compliant only once its groups are checked (not_exposed).
        return case.report(Outcome.COMPLIANT, decision.reason)
    if decision.verdict is Verdict.NEEDS_NAT:
        return needs_nat_report(case)
    return None


def needs_nat_report(case: Case) -> Report:
    """Every needs-nat report carries the facts a NAT advisor needs and, with its VPC known, the advice."""
    workload, decision, network = case.workload, case.decision, case.network
    assert decision is not None
    zones = tuple(sorted({item.zone for item in decision.before}))
    facts = NatFacts(
        kind=workload.kind,
        vpc_id=network.vpc_id if network else None,
        subnets=subnet_views(decision.before),
        zones=zones,
        vpc_zones=network.zones if network else (),
        existing_nat_gateways=tuple(
            {"id": nat.id, "zone": nat.zone, "connectivity": nat.connectivity}
            for nat in (network.nat_gateways if network else ())
        ),
        vpc_endpoints=network.endpoint_services() if network else (),
    )
    advice = None
    if network is not None:
        # What a NAT gateway would cost for the zones the workload uses, and the cheaper ways out.
        region = case.stamp.region
        advice = advise(
            network,
            zones,
            workload.profile,
            region,
            subnet_ids=workload.subnet_ids,
            name=workload.name,
            rule=workload.rule,
            prices=case.services.nat_prices(region),
        )
    return case.report(Outcome.NEEDS_NAT, decision.reason, nat=facts, nat_advice=advice.view() if advice else None)


def applying_groups(case: Case) -> tuple[tuple[str, ...], str | None]:
    """The security groups a public IP would sit behind, or none and why they cannot be checked (fail closed)."""
    workload = case.workload
    if workload.groups_elsewhere is not None:
        return (), workload.groups_elsewhere
    if workload.security_group_ids:
        return workload.security_group_ids, None
    if workload.profile.rule is EgressRule.PUBLIC_IP_SETTING:
        return (), (
            "no Fargate compute environment's security groups can be checked (its jobs would run behind groups "
            "nobody has seen, including those of an environment created later)"
        )
    if case.network is None:
        return (), "it names no security groups and its VPC is not known, so the groups that apply cannot be checked"
    # ECS and Batch put a workload that names no group in its VPC's default security group.
    default = case.services.security_groups.default_group(case.network.vpc_id)
    if default is None:
        return (), f"it names no security groups and the default security group of {case.network.vpc_id} was not found"
    return (default,), None


def exposure_reason(case: Case, found: tuple[str, ...]) -> str:
    """What a public IP would expose, with the allow-list."""
    allowed = allowed_text(case.settings.allowed_public_ports)
    return f"{'; '.join(found)} (allowed from the internet: {allowed})"


def not_exposed(case: Case) -> Report | None:
    """A public IP must not publish a port outside the allow-list; a workload already public is checked as well."""
    decision = case.decision
    if decision is None or not (decision.gives_public_ip or decision.stays_public):
        return None
    groups, unknown = applying_groups(case)
    if unknown is not None:
        if decision.stays_public:
            return case.report(Outcome.COMPLIANT, f"{case.reason} ({unknown})")
        return case.report(Outcome.BLOCKED, f"{case.reason}; but {unknown}, so nothing was changed")
    case.groups = groups
    rules = case.services.security_groups.ingress(groups)
    found = tuple(
        item.describe() for item in exposures(rules, case.settings.allowed_public_ports, case.settings.open_ranges)
    )
    if not found:
        if decision.stays_public:
            return case.report(Outcome.COMPLIANT, case.reason, checked_security_groups=groups)
        return None
    if decision.stays_public:
        reason = (
            f"{case.reason}, and it exposes {exposure_reason(case, found)}; reported only: "
            "no rule was revoked and nothing was changed"
        )
    else:
        reason = f"{case.reason}; but a public IP would expose {exposure_reason(case, found)}, so nothing was changed"
    return case.report(Outcome.BLOCKED, reason, exposed_rules=found, checked_security_groups=groups)


def still_not_exposed(case: Case) -> Report | None:
    """Right before a write that gives a public IP, read the groups afresh: they may have changed since."""
    decision = case.decision
    if decision is None or not decision.gives_public_ip:
        return None
    rules = case.services.security_groups.ingress(case.groups, fresh=True)
    exposed = exposures(rules, case.settings.allowed_public_ports, case.settings.open_ranges)
    found = tuple(item.describe() for item in exposed)
    if not found:
        return None
    reason = (
        f"{case.reason}; but its security groups changed since they were read, and a public IP would now expose "
        f"{exposure_reason(case, found)}, so nothing was changed"
    )
    return case.report(Outcome.BLOCKED, reason, exposed_rules=found, checked_security_groups=case.groups)


def plan_change(case: Case) -> Report | None:
    """The call that would make the change, with its undo: every later report shows it."""
    case.planned = case.services.adapter(case.workload.kind).plan(case.workload, case.target)
    return None


def not_owned_by_iac(case: Case) -> Report | None:
    """A change behind CloudFormation's back is drift: give the template change instead (unless told otherwise)."""
    assert case.planned is not None
    owner = iac_owner(case.workload.tags, case.invoked_by)
    if not owner or case.settings.remediate_iac_managed:
        return None
    change = template_change(case.workload, case.target)
    reason = (
        f"{case.reason}; {owner}: a change here would be drift that the next deploy reverts, so make it in "
        f"the template: {change['resource_type']} {change['property']} = {json.dumps(change['value'])} "
        "(RemediateIacManaged=true lets the remediator change it anyway)"
    )
    return case.report(
        Outcome.SKIPPED, reason, template_change=TemplateChange(**change), planned=(case.planned.params,)
    )


def zones_left(case: Case) -> tuple[str, ...]:
    """The zones the workload must keep (instances run there) that the target subnets would leave."""
    kept = {item.zone for item in case.decision.after} if case.decision else set()
    return tuple(zone for zone in case.workload.keep_zones if zone not in kept)


def changeable_in_place(case: Case) -> Report | None:
    """What AWS cannot change in place (a running task, a task set), or only by terminating what runs (a group's
    instances in a zone the change leaves), is reported with the corrected call."""
    left = zones_left(case)
    if case.workload.can_change_in_place and not left:
        return None
    assert case.planned is not None
    params = case.planned.params
    why = case.workload.not_in_place_reason
    if case.workload.can_change_in_place:
        why = (
            f"its instances run in {', '.join(left)}, which the corrected subnets leave: the change would rebalance "
            "the group and terminate them, so it is not made in place"
        )
    # A CodeDeploy deployment carries its network inside the AppSpec: then the whole call is the correction.
    corrected = params.get("networkConfiguration") or params.get("computeResources") or params
    reason = f"{case.reason}; {why}: {json.dumps(corrected)}"
    return case.report(Outcome.SKIPPED, reason, corrected=params)


def not_repeated(case: Case) -> Report | None:
    """The same event twice changes nothing twice; a resource fought over is left alone (flapping)."""
    window = timedelta(minutes=case.settings.flap_window_minutes)
    since = case.now - max(IDEMPOTENCY_LOOKBACK, window)
    history = case.services.ledger.history(case.workload.history_key, since)
    done = already_handled(history, case.stamp.event_id)
    if done is not None:
        reason = f"event {case.stamp.event_id} was already handled at {done.at.isoformat(timespec='seconds')}"
        return case.report(Outcome.SKIPPED, reason)
    flap = check_flapping(history, case.now, case.settings.flap_max_remediations, window)
    if not flap.flapping:
        return None
    entries = tuple(
        HistoryEntry(entry.at.isoformat(timespec="seconds"), entry.decision, entry.event_id, entry.actions)
        for entry in flap.history
    )
    return case.report(Outcome.BLOCKED, f"{case.reason}; {flap.reason}", history=entries)


def locator(workload: Workload) -> dict[str, str]:
    """Where to find the workload again (its ARN, and the cluster and service an ECS kind needs)."""
    found = {"identifier": workload.arn}
    for key, raw_key in (("cluster", "clusterArn"), ("service", "serviceArn")):
        value = workload.raw.get(raw_key)
        if isinstance(value, str) and value:
            found[key] = value
    return found


def held(case: Case) -> Report | None:
    """The remediation mode: report only, keep the plan for a person's approval, or go ahead (auto, or approved)."""
    assert case.planned is not None
    workload = case.workload
    gate = ChangeGate.for_kind(
        case.settings, workload.kind, case.services.approvals, case.services.clock, case.approved
    )
    found = gate.hold(workload.kind, workload.arn, (case.planned,), case.reason, locator(workload))
    if found is None:
        return None
    return replace(case.report(found.outcome, found.reason, (case.planned,)), change_id=found.change_id)


def apply_and_verify(case: Case) -> Report:
    """Record the plan, make the change, then read the workload back: only what landed is reported as remediated.

    A transient fault after the intent (throttling, a 5xx, a timeout) is raised for Lambda to retry; the retry finds
    the open intent and reports what is really in place (`reconciled`).
    """
    assert case.planned is not None
    adapter = case.services.adapter(case.workload.kind)
    intent = intent_entry(case.workload.history_key, case.stamp.event_id, (case.planned,), case.services.clock())
    case.services.ledger.record_intent(intent, case.workload.arn, case.workload.kind)
    try:
        # The event id lets an adapter whose call has no client token find what an earlier try of this event made.
        action, arn = adapter.apply(case.workload, case.target, token=case.stamp.event_id)
    except AccessDeniedError as exc:
        # A denied call changes nothing: blocked, with the permission it lacks.
        reason = f"{case.reason}; {exc} (an IAM policy or SCP forbids it), so nothing was changed"
        return case.report(Outcome.BLOCKED, reason, (case.planned,))
    try:
        after = adapter.reload(case.workload, arn)
    except ResourceNotFoundError as exc:
        return case.report(Outcome.FAILED, f"{case.reason}; after the change it cannot be read back: {exc}", (action,))
    except AccessDeniedError as exc:
        reason = f"{case.reason}; the change was made, but it cannot be verified: {exc} (undo: {action.undo})"
        return case.report(Outcome.FAILED, reason, (action,), verified_arn=arn)
    problems = landing_problems(case.workload, case.target, after)
    if problems:
        reason = f"{case.reason}; the change did not land: {', '.join(problems)}"
        return case.report(Outcome.FAILED, reason, (action,), verified_arn=arn)
    reason = f"{case.reason}; done and verified"
    if arn != case.workload.arn:
        reason += f" (new revision {arn})"
    return case.report(Outcome.REMEDIATED, reason, (action,), verified_arn=arn)


def reconciled(case: Case, report: Report) -> Report:
    """A compliant workload whose change this very event planned (an open intent) was remediated by an earlier try
    that stopped after the write: report that, not `compliant`."""
    if report.outcome is not Outcome.COMPLIANT or not case.stamp.event_id:
        return report
    since = case.now - IDEMPOTENCY_LOOKBACK
    intent = open_intent(case.services.ledger.history(case.workload.history_key, since), case.stamp.event_id)
    if intent is None:
        return report
    when = intent.at.isoformat(timespec="seconds")
    reason = f"{report.reason}: the change this event planned at {when} is in place (verified on a retry)"
    return replace(report, outcome=Outcome.REMEDIATED, reason=reason, actions=intent_actions(intent))


def denied_report(case: Case, exc: AccessDeniedError) -> Report:
    """A read AWS refused: blocked once, naming the permission, instead of a retry that can never succeed."""
    what = case.reason or f"{case.workload.kind} {case.workload.name or case.workload.arn}"
    reason = (
        f"{what}; {exc}: this stack's role needs {exc.api} (an IAM policy or SCP forbids it), so nothing was changed"
    )
    return case.report(Outcome.BLOCKED, reason)


def landing_problems(before: Workload, target: NetworkPlan, after: Workload) -> list[str]:
    """What of the target network the workload read back after the write does not have."""
    problems = []
    if target.subnet_ids and set(after.subnet_ids) != set(target.subnet_ids):
        problems.append(f"its subnets are {', '.join(after.subnet_ids)}")
    # A kind with only a public IP setting has no security groups of its own to compare.
    has_groups = before.profile.rule is not EgressRule.PUBLIC_IP_SETTING
    if has_groups and set(after.security_group_ids) != set(target.security_group_ids):
        problems.append(f"its security groups are {', '.join(after.security_group_ids)}")
    if target.assign_public_ip is not None and after.assign_public_ip != target.assign_public_ip:
        problems.append(f"assignPublicIp is {public_ip_text(after.assign_public_ip)}")
    return problems


# The steps before a change, in order: the first that has something to say ends the case with its report.
PIPELINE: tuple[Step, ...] = (
    exempt,
    decide,
    not_exposed,
    plan_change,
    not_owned_by_iac,
    changeable_in_place,
    not_repeated,
    held,
    still_not_exposed,
)


def remediate_workload(
    workload: Workload,
    services: PlacementServices,
    settings: Settings,
    stamp: ReportStamp,
    invoked_by: str | None = None,
    audit_compliant: bool = True,
    approved: PendingChange | None = None,
) -> Report:
    """Decide where the workload belongs and make it so, within every safety rule; one report, kept in the ledger.

    A sweep passes audit_compliant=False: thousands of compliant resources every few hours are no audit trail. The
    approval worker passes the approved change: it is applied only if the plan is still exactly that one.
    """
    case = Case(workload, services, settings, stamp, invoked_by, services.clock(), approved)
    try:
        report = next((found for step in PIPELINE if (found := step(case)) is not None), None) or apply_and_verify(case)
        if audit_compliant:
            # The event path only: a sweep's thousands of compliant resources would cost a ledger read each.
            report = reconciled(case, report)
    except AccessDeniedError as exc:
        report = denied_report(case, exc)
    if audit_compliant or report.outcome is not Outcome.COMPLIANT:
        # Read the clock again: the decision is recorded after the intent the write was preceded by.
        services.ledger.record(report, services.clock(), workload.history_key)
    return report
