"""Place one already loaded workload: decide, check every safety rule, apply unless dry run, verify, report.

`remediate_workload` is the one entry point: the event path (placement_event.py) and the sweep call it alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from vpc_remediator.domain.errors import AccessDeniedError, ResourceNotFoundError
from vpc_remediator.domain.exposure import IngressRule, exposures
from vpc_remediator.domain.guards import LedgerEntry, already_handled, check_flapping, exemption, iac_owner
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
from vpc_remediator.domain.workload import Workload, WorkloadKind, WorkloadRef
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.nat import nat_advice_details
from vpc_remediator.settings import Settings

# Re-delivered events can arrive a day late: the ledger read that catches them spans at least this much.
IDEMPOTENCY_LOOKBACK = timedelta(days=1)


class WorkloadAdapter(Protocol):
    """What a service adapter (aws/ecs.py, aws/batch.py, aws/lambda_.py) offers the use case."""

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe one workload."""
        ...

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again after a write."""
        ...

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The call that would give it this network, with its undo."""
        ...

    def apply(self, workload: Workload, plan: NetworkPlan) -> tuple[Action, str]:
        """Make that call; the call as made and the ARN to verify."""
        ...


class NetworkSource(Protocol):
    """aws.network.NetworkReader, as the use case uses it."""

    def subnets(self, subnet_ids: Iterable[str]) -> Mapping[str, Any]:
        """Subnet id → subnet (with its vpc_id)."""
        ...

    def vpc(self, vpc_id: str) -> VpcNetwork:
        """One VPC's network, read once."""
        ...


class IngressSource(Protocol):
    """aws.security_groups.SecurityGroupReader, as the use case uses it."""

    def ingress(self, group_ids: Iterable[str]) -> list[IngressRule]:
        """The inbound rules of these groups."""
        ...


class Ledger(Protocol):
    """The audit trail, read back for flap detection and duplicate events."""

    def history(self, resource: str, since: datetime) -> list[LedgerEntry]:
        """The resource's entries since a time."""
        ...

    def record(self, report: Report, at: datetime, key: str | None = None) -> None:
        """Keep one decision, under `key` (default: the report's resource)."""
        ...


@dataclass
class MemoryLedger:
    """A ledger in memory: the local command's, when no table is configured (it lasts as long as the process)."""

    entries: list[LedgerEntry] = field(default_factory=list)

    def history(self, resource: str, since: datetime) -> list[LedgerEntry]:
        """The resource's entries since a time."""
        return [entry for entry in self.entries if entry.resource == resource and entry.at >= since]

    def record(self, report: Report, at: datetime, key: str | None = None) -> None:
        """Keep one decision, under `key` (default: the report's resource)."""
        actions = tuple(f"{action.api} {action.params}" for action in report.actions)
        self.entries.append(
            LedgerEntry(key or report.resource, at, report.outcome.value, report.reason, report.event_id, actions)
        )


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


@dataclass
class PlacementServices:
    """Everything remediate_workload reads and writes through, injected (a sweep builds it once for a region)."""

    adapters: Mapping[WorkloadKind, WorkloadAdapter]
    network: NetworkSource
    security_groups: IngressSource
    ledger: Ledger
    clock: Callable[[], datetime] = utc_now


def _subnets_view(items: Iterable[SubnetEgress]) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "zone": item.zone,
            "egress": item.egress.value,
            "via": item.via,
            "ipv6_egress": item.ipv6_egress,
        }
        for item in items
    ]


def _details(workload: Workload, decision: PlacementDecision | None, vpc_id: str | None) -> dict[str, Any]:
    details: dict[str, Any] = {
        "vpc_id": vpc_id,
        "name": workload.name,
        "platform": workload.platform,
        "network_mode": workload.network_mode,
        "security_groups": list(workload.security_group_ids),
    }
    if decision is None:
        details.update(
            subnets_before=[{"id": subnet_id} for subnet_id in workload.subnet_ids],
            assign_public_ip_before=public_ip_text(workload.assign_public_ip),
        )
        return details
    details.update(
        subnets_before=_subnets_view(decision.before),
        subnets_after=_subnets_view(decision.after),
        assign_public_ip_before=public_ip_text(decision.public_ip_before),
        assign_public_ip_after=public_ip_text(decision.public_ip_after),
    )
    return details


def needs_nat_report(
    workload: Workload, decision: PlacementDecision, network: VpcNetwork | None, stamp: ReportStamp
) -> Report:
    """Every needs-nat report is built here, with the facts a NAT advisor needs (the VPC, subnets, zones, kind)."""
    details = _details(workload, decision, network.vpc_id if network else None)
    details["nat"] = {
        "kind": workload.kind.value,
        "vpc_id": network.vpc_id if network else None,
        "subnets": _subnets_view(decision.before),
        "zones": sorted({item.zone for item in decision.before}),
        "vpc_zones": list(network.zones) if network else [],
        "existing_nat_gateways": [
            {"id": nat.id, "zone": nat.zone, "connectivity": nat.connectivity} for nat in network.nat_gateways
        ]
        if network
        else [],
        "vpc_endpoints": list(network.endpoint_services()) if network else [],
    }
    if network is not None:
        # What a NAT gateway would cost for the zones the workload uses, and the cheaper ways out.
        details["nat_advice"] = nat_advice_details(
            network,
            sorted({item.zone for item in decision.before}),
            workload.kind,
            stamp.region,
            subnet_ids=workload.subnet_ids,
            name=workload.name,
        )
    return stamp.report(workload.arn, workload.kind.value, Outcome.NEEDS_NAT, decision.reason, details=details)


def _read_network(workload: Workload, services: PlacementServices) -> tuple[VpcNetwork | None, str | None]:
    if not workload.subnet_ids:
        return None, None
    found = services.network.subnets(workload.subnet_ids)
    vpc_ids = sorted({subnet.vpc_id for subnet in found.values()})
    if not vpc_ids:
        return None, f"its subnets {', '.join(workload.subnet_ids)} were not found"
    return services.network.vpc(vpc_ids[0]), None


def remediate_workload(
    workload: Workload,
    services: PlacementServices,
    settings: Settings,
    stamp: ReportStamp,
    dry_run: bool,
    invoked_by: str | None = None,
    audit_compliant: bool = True,
) -> Report:
    """Decide where the workload belongs and make it so, within every safety rule; one report, kept in the ledger.

    A sweep passes audit_compliant=False: thousands of compliant resources every few hours are no audit trail.
    """
    now = services.clock()
    report = _remediate(workload, services, settings, stamp, dry_run, invoked_by, now)
    if audit_compliant or report.outcome is not Outcome.COMPLIANT:
        services.ledger.record(report, now, ledger_key(workload))
    return report


def ledger_key(workload: Workload) -> str:
    """Whose history a decision joins: a job definition's every revision counts as the same resource."""
    if workload.kind is WorkloadKind.BATCH_JOB_DEFINITION:
        return workload.arn.rsplit(":", 1)[0]
    return workload.arn


def _remediate(
    workload: Workload,
    services: PlacementServices,
    settings: Settings,
    stamp: ReportStamp,
    dry_run: bool,
    invoked_by: str | None,
    now: datetime,
) -> Report:
    kind = workload.kind.value

    exempt = exemption(workload.tags, settings.exempt_tag_key)
    if exempt:
        return stamp.report(workload.arn, kind, Outcome.SKIPPED, exempt, details=_details(workload, None, None))

    network, problem = _read_network(workload, services)
    if problem:
        return stamp.report(workload.arn, kind, Outcome.SKIPPED, problem, details=_details(workload, None, None))
    decision = decide_placement(workload, network)
    vpc_id = network.vpc_id if network else None
    details = _details(workload, decision, vpc_id)

    def report(outcome: Outcome, reason: str, actions: tuple[Action, ...] = (), **extra: Any) -> Report:
        return stamp.report(workload.arn, kind, outcome, reason, actions, details={**details, **extra})

    if decision.verdict is Verdict.NOT_APPLICABLE:
        return report(Outcome.SKIPPED, decision.reason)
    if decision.verdict is Verdict.COMPLIANT:
        return report(Outcome.COMPLIANT, decision.reason)
    if decision.verdict is Verdict.NEEDS_NAT:
        return needs_nat_report(workload, decision, network, stamp)
    target = decision.target
    assert target is not None  # a CHANGE always has its target

    if decision.gives_public_ip:
        found = exposures(services.security_groups.ingress(workload.security_group_ids), settings.allowed_public_ports)
        if found:
            rules = [item.describe() for item in found]
            allowed = ", ".join(str(port) for port in sorted(settings.allowed_public_ports)) or "none"
            reason = (
                f"{decision.reason}; but a public IP would expose {'; '.join(rules)} "
                f"(allowed from anywhere: {allowed}), so nothing was changed"
            )
            return report(Outcome.BLOCKED, reason, exposed_rules=rules)

    adapter = services.adapters[workload.kind]
    planned = adapter.plan(workload, target)
    owner = iac_owner(workload.tags, invoked_by)
    if owner and not settings.remediate_iac_managed:
        change = template_change(workload.kind, target)
        reason = (
            f"{decision.reason}; {owner}: a change here would be drift that the next deploy reverts, so make it in "
            f"the template: {change['resource_type']} {change['property']} = {json.dumps(change['value'])} "
            "(RemediateIacManaged=true lets the remediator change it anyway)"
        )
        return report(Outcome.SKIPPED, reason, template_change=change, planned=[planned.params])
    if not workload.can_change_in_place:
        corrected = planned.params.get("networkConfiguration") or planned.params.get("computeResources")
        reason = f"{decision.reason}; {workload.not_in_place_reason}: {json.dumps(corrected)}"
        return report(Outcome.SKIPPED, reason, corrected=planned.params)

    history = services.ledger.history(ledger_key(workload), now - max(IDEMPOTENCY_LOOKBACK, _window(settings)))
    done = already_handled(history, stamp.event_id)
    if done is not None:
        reason = f"event {stamp.event_id} was already handled at {done.at.isoformat(timespec='seconds')}"
        return report(Outcome.SKIPPED, reason)
    flap = check_flapping(history, now, settings.flap_max_remediations, _window(settings))
    if flap.flapping:
        return report(Outcome.BLOCKED, f"{decision.reason}; {flap.reason}", history=[e.to_dict() for e in flap.history])

    if dry_run:
        return report(Outcome.WOULD_REMEDIATE, f"{decision.reason} (dry run: nothing changed)", (planned,))
    try:
        action, arn = adapter.apply(workload, target)
    except AccessDeniedError as exc:
        return report(Outcome.BLOCKED, f"{decision.reason}; {exc} (an IAM policy or SCP forbids it)", (planned,))
    return _verify(workload, adapter, target, action, arn, decision, report)


def _window(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.flap_window_minutes)


def _verify(
    workload: Workload,
    adapter: WorkloadAdapter,
    target: NetworkPlan,
    action: Action,
    arn: str,
    decision: PlacementDecision,
    report: Callable[..., Report],
) -> Report:
    try:
        after = adapter.reload(workload, arn)
    except ResourceNotFoundError as exc:
        return report(Outcome.FAILED, f"{decision.reason}; after the change it cannot be read back: {exc}", (action,))
    problems = []
    if target.subnet_ids and set(after.subnet_ids) != set(target.subnet_ids):
        problems.append(f"its subnets are {', '.join(after.subnet_ids)}")
    if set(after.security_group_ids) != set(target.security_group_ids) and workload.kind is not (
        WorkloadKind.BATCH_JOB_DEFINITION
    ):
        problems.append(f"its security groups are {', '.join(after.security_group_ids)}")
    if target.assign_public_ip is not None and after.assign_public_ip != target.assign_public_ip:
        problems.append(f"assignPublicIp is {public_ip_text(after.assign_public_ip)}")
    if problems:
        reason = f"{decision.reason}; the change did not land: {', '.join(problems)}"
        return report(Outcome.FAILED, reason, (action,), verified_arn=arn)
    reason = f"{decision.reason}; done and verified"
    if arn != workload.arn:
        reason += f" (new revision {arn})"
    return report(Outcome.REMEDIATED, reason, (action,), verified_arn=arn)
