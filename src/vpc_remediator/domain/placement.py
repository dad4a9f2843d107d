"""Where each workload kind belongs, and the decision for one workload.

Containers and batch jobs need public subnets with a public IP (or private subnets with a NAT): a task in a subnet
with no route out cannot even pull its image. Lambda functions must never sit in public subnets: a function's
network interface never gets a public IP, so a public subnet gives it no internet at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from vpc_remediator.domain.network import EgressClass, SubnetEgress, VpcNetwork, choose_subnets
from vpc_remediator.domain.workload import EgressRule, Workload

AWSVPC = "awsvpc"
FARGATE_PLATFORMS = frozenset({"FARGATE", "FARGATE_SPOT"})


class Verdict(StrEnum):
    """What the placement rule says about one workload."""

    COMPLIANT = "compliant"
    CHANGE = "change"
    NEEDS_NAT = "needs-nat"
    NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True)
class NetworkPlan:
    """The network a workload should have: subnets, security groups (always kept) and the public IP setting."""

    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    assign_public_ip: bool | None


@dataclass(frozen=True)
class PlacementDecision:
    """The rule's verdict for one workload, its reason, and the subnets and public IP before and after."""

    verdict: Verdict
    reason: str
    before: tuple[SubnetEgress, ...] = ()
    after: tuple[SubnetEgress, ...] = ()
    public_ip_before: bool | None = None
    public_ip_after: bool | None = None
    target: NetworkPlan | None = None

    @property
    def gives_public_ip(self) -> bool:
        """The change puts the workload on the internet: a public IP, or instances in a public subnet."""
        if self.verdict is not Verdict.CHANGE:
            return False
        if self.public_ip_after and not self.public_ip_before:
            return True
        was_public = {item.id for item in self.before if item.egress is EgressClass.PUBLIC}
        return any(item.egress is EgressClass.PUBLIC and item.id not in was_public for item in self.after)

    @property
    def stays_public(self) -> bool:
        """Compliant and already on the internet: a public IP, or (a kind without that setting) public subnets."""
        if self.verdict is not Verdict.COMPLIANT:
            return False
        if self.public_ip_after is not None:
            return self.public_ip_after
        return any(item.egress is EgressClass.PUBLIC for item in self.after)


def public_ip_text(value: bool | None) -> str | None:
    """ENABLED / DISABLED as AWS spells it; None where a public IP setting does not apply."""
    if value is None:
        return None
    return "ENABLED" if value else "DISABLED"


def _names(items: tuple[SubnetEgress, ...] | list[SubnetEgress]) -> str:
    return ", ".join(f"{item.id} ({item.zone})" for item in items)


def _egress_list(workload: Workload, network: VpcNetwork | None) -> tuple[tuple[SubnetEgress, ...], list[str]]:
    found: list[SubnetEgress] = []
    missing: list[str] = []
    for subnet_id in workload.subnet_ids:
        item = network.egress(subnet_id) if network is not None else None
        if item is None:
            missing.append(subnet_id)
        else:
            found.append(item)
    return tuple(found), missing


def decide_placement(workload: Workload, network: VpcNetwork | None) -> PlacementDecision:
    """The placement rule of the workload's kind, applied to its subnets as the VPC's route tables classify them."""
    rule = workload.profile.rule
    if rule is EgressRule.PUBLIC_IP_SETTING:
        return _job_definition(workload)
    if rule is EgressRule.PUBLIC_IP and workload.network_mode not in (None, AWSVPC):
        reason = (
            f"network mode {workload.network_mode}: its tasks use the container instance's network, "
            "only awsvpc tasks have subnets of their own"
        )
        return PlacementDecision(Verdict.NOT_APPLICABLE, reason)
    before, missing = _egress_list(workload, network)
    if missing:
        return PlacementDecision(Verdict.NOT_APPLICABLE, f"subnets not found: {', '.join(missing)}", before, before)
    if rule is EgressRule.PRIVATE_ONLY:
        return _lambda(workload, network, before)
    if not before:
        return PlacementDecision(Verdict.NOT_APPLICABLE, "no subnets: it has no network configuration of its own")
    return _container(workload, network, before)


def _container(workload: Workload, network: VpcNetwork | None, before: tuple[SubnetEgress, ...]) -> PlacementDecision:
    ip = workload.assign_public_ip
    has_ip_setting = workload.profile.public_ip_setting
    isolated = [item for item in before if item.egress is EgressClass.ISOLATED]
    public = [item for item in before if item.egress is EgressClass.PUBLIC]
    if isolated:
        candidates = network.of_class(EgressClass.PUBLIC) if network else []
        if not candidates:
            reason = (
                f"in isolated subnets {_names(isolated)} (no route out, it cannot even pull its image) and "
                f"VPC {network.vpc_id if network else '?'} has no public subnet: only a NAT gateway would give "
                "it egress"
            )
            return PlacementDecision(
                Verdict.NEEDS_NAT, reason, after=before, public_ip_after=ip, before=before, public_ip_before=ip
            )
        chosen = tuple(choose_subnets(candidates, [item.zone for item in before], len(before)))
        after_ip = True if has_ip_setting else None
        reason = f"in isolated subnets {_names(isolated)}: no route out, so move it to public subnets {_names(chosen)}"
        if has_ip_setting:
            reason += " with a public IP"
        target = NetworkPlan(tuple(item.id for item in chosen), workload.security_group_ids, after_ip)
        return PlacementDecision(
            Verdict.CHANGE,
            reason,
            after=chosen,
            public_ip_after=after_ip,
            target=target,
            before=before,
            public_ip_before=ip,
        )
    if public and has_ip_setting and not ip:
        reason = (
            f"in public subnets {_names(public)} with assignPublicIp DISABLED: its tasks get no public IP and no "
            "egress; enable the public IP, keeping its subnets and security groups"
        )
        target = NetworkPlan(workload.subnet_ids, workload.security_group_ids, True)
        return PlacementDecision(
            Verdict.CHANGE,
            reason,
            after=before,
            public_ip_after=True,
            target=target,
            before=before,
            public_ip_before=ip,
        )
    if public and len(public) == len(before):
        reason = "in public subnets" + (" with a public IP" if has_ip_setting else "")
    elif public:
        reason = "in public subnets with a public IP and private subnets with NAT egress"
    else:
        reason = "in private subnets with egress through " + _via(before)
    return PlacementDecision(
        Verdict.COMPLIANT, reason, after=before, public_ip_after=ip, before=before, public_ip_before=ip
    )


def _via(items: tuple[SubnetEgress, ...]) -> str:
    kinds = sorted({f"{item.via_kind} {item.via}" for item in items})
    return ", ".join(kinds)


def _lambda(workload: Workload, network: VpcNetwork | None, before: tuple[SubnetEgress, ...]) -> PlacementDecision:
    if not before:
        return PlacementDecision(Verdict.COMPLIANT, "no VPC configuration: Lambda's own network gives it the internet")
    if all(item.egress is EgressClass.PRIVATE_NAT for item in before):
        reason = "in private subnets with egress through " + _via(before)
        return PlacementDecision(Verdict.COMPLIANT, reason, before, before)
    if all(item.egress is EgressClass.ISOLATED for item in before):
        reason = (
            f"in isolated subnets {_names(before)}: it has no internet, which is fine for a function that only talks "
            "to things inside the VPC (or through its endpoints); anything else needs a NAT gateway"
        )
        return PlacementDecision(Verdict.NEEDS_NAT, reason, before, before)
    wrong = [item for item in before if item.egress is not EgressClass.PRIVATE_NAT]
    public = [item for item in wrong if item.egress is EgressClass.PUBLIC]
    why = (
        f"in public subnets {_names(public)}: a Lambda network interface never gets a public IP, "
        "so a public subnet gives it no internet"
        if public
        else f"in isolated subnets {_names(wrong)} next to private ones: invocations there have no internet"
    )
    candidates = network.of_class(EgressClass.PRIVATE_NAT) if network else []
    if not candidates:
        reason = f"{why}; VPC {network.vpc_id if network else '?'} has no private subnet with NAT egress"
        return PlacementDecision(Verdict.NEEDS_NAT, reason, before, before)
    chosen = tuple(choose_subnets(candidates, [item.zone for item in before], len(before)))
    reason = f"{why}; move it to private subnets with NAT egress {_names(chosen)}, keeping its security groups"
    target = NetworkPlan(tuple(item.id for item in chosen), workload.security_group_ids, None)
    return PlacementDecision(Verdict.CHANGE, reason, before, chosen, target=target)


def _job_definition(workload: Workload) -> PlacementDecision:
    ip = workload.assign_public_ip
    if workload.platform not in FARGATE_PLATFORMS:
        reason = "not a Fargate job definition: its jobs take their network from the compute environment"
        return PlacementDecision(Verdict.NOT_APPLICABLE, reason, public_ip_before=ip, public_ip_after=ip)
    if ip:
        reason = "a Fargate job definition with assignPublicIp ENABLED"
        return PlacementDecision(Verdict.COMPLIANT, reason, public_ip_before=ip, public_ip_after=ip)
    reason = (
        "a Fargate job definition with assignPublicIp DISABLED (AWS's default when absent): its jobs in public "
        "subnets get no egress; register a revision with ENABLED, everything else identical"
    )
    target = NetworkPlan((), workload.security_group_ids, True)
    return PlacementDecision(Verdict.CHANGE, reason, public_ip_before=ip, public_ip_after=True, target=target)


def template_change(workload: Workload, plan: NetworkPlan) -> dict[str, Any]:
    """The template edit that makes the same change: resource type, property path and its new value."""
    template = workload.profile.template
    value: dict[str, Any] = {}
    if template.subnets_key:
        value[template.subnets_key] = list(plan.subnet_ids)
    if template.security_groups_key:
        value[template.security_groups_key] = list(plan.security_group_ids)
    if template.public_ip_key:
        value[template.public_ip_key] = public_ip_text(plan.assign_public_ip)
    return {"resource_type": template.resource_type, "property": template.path, "value": value}
