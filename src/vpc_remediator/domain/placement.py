"""Where each workload belongs, by the platform that runs it, and the decision for one workload.

Fargate containers and batch jobs need public subnets with a public IP (or private subnets with egress): a task in a
subnet with no route out cannot even pull its image. Lambda functions and awsvpc tasks on EC2 capacity never get a
public IP, so a public subnet gives them no internet at all: they belong in private subnets with egress. EC2 instances
(Batch EC2 and Spot) get a public IP only in subnets that map one on launch. Private egress is a NAT, a central egress
route (transit gateway, virtual private gateway, Cloud WAN) or an inspection endpoint; a workload never moves into a
subnet that holds a NAT gateway or an inspection endpoint, and never out of an inspected subnet into a public one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from vpc_remediator.domain.network import PRIVATE_EGRESS, EgressClass, SubnetEgress, VpcNetwork, choose_subnets
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
    # Each subnet's availability zone, where the rule chose them (a Glue connection names its subnet's zone).
    zones: tuple[str, ...] = ()


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
    """The placement rule of the workload's platform and kind, applied to its subnets as the route tables class them."""
    rule = workload.rule
    if rule is EgressRule.NOT_OURS:
        reason = f"platform {workload.platform}: its tasks do not run in subnets of a VPC, nothing to place"
        return PlacementDecision(Verdict.NOT_APPLICABLE, reason)
    if rule is EgressRule.PUBLIC_IP_SETTING:
        return _job_definition(workload)
    if workload.network_mode not in (None, AWSVPC):
        reason = (
            f"network mode {workload.network_mode}: its tasks use the container instance's network, "
            "only awsvpc tasks have subnets of their own"
        )
        return PlacementDecision(Verdict.NOT_APPLICABLE, reason)
    before, missing = _egress_list(workload, network)
    if missing:
        return PlacementDecision(Verdict.NOT_APPLICABLE, f"subnets not found: {', '.join(missing)}", before, before)
    if workload.egress_not_needed:
        return PlacementDecision(Verdict.COMPLIANT, workload.egress_not_needed, before, before)
    # A task with no subnets has no network of its own; a function with none runs outside any VPC.
    if not before and (rule is not EgressRule.PRIVATE_ONLY or workload.network_mode is not None):
        return PlacementDecision(Verdict.NOT_APPLICABLE, "no subnets: it has no network configuration of its own")
    if rule is EgressRule.PRIVATE_ONLY:
        return _private_only(workload, network, before)
    if rule is EgressRule.PUBLIC_ON_LAUNCH:
        return _public_on_launch(workload, network, before)
    return _container(workload, network, before)


def _stays(before: tuple[SubnetEgress, ...]) -> str:
    inspected = [item for item in before if item.egress is EgressClass.ROUTED_INSPECTED]
    if not inspected:
        return ""
    return (
        f"; {_names(inspected)} route through an inspection endpoint, and a move to public subnets would bypass it, "
        "so it stays"
    )


def _container(workload: Workload, network: VpcNetwork | None, before: tuple[SubnetEgress, ...]) -> PlacementDecision:
    ip = workload.assign_public_ip
    has_ip_setting = workload.profile.public_ip_setting
    isolated = [item for item in before if item.egress is EgressClass.ISOLATED]
    public = [item for item in before if item.egress is EgressClass.PUBLIC]
    if isolated:
        return _out_of_isolated(workload, network, before, isolated)
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
        reason = "in public subnets with a public IP and private subnets with egress through " + _via(
            tuple(item for item in before if item.private_egress)
        )
    else:
        reason = "in private subnets with egress through " + _via(before) + _stays(before)
    return PlacementDecision(
        Verdict.COMPLIANT, reason, after=before, public_ip_after=ip, before=before, public_ip_before=ip
    )


def _isolated_steps(
    workload: Workload, before: tuple[SubnetEgress, ...]
) -> list[tuple[list[EgressClass], bool | None, str]]:
    """The subnets a container in isolated subnets may move to, in order of preference, with the public IP setting
    each gets and how the reason names them."""
    ip = workload.assign_public_ip
    # In private subnets a public IP gives no egress, only exposure (behind a firewall, with ingress routing at the
    # internet gateway, the task is reachable from the internet): a move there sets it DISABLED.
    private_ip: bool | None = False if ip else ip
    in_use = {item.egress for item in before if item.egress is not EgressClass.ISOLATED}
    # Private egress it already has (a central egress or a NAT, where traffic may be inspected or logged) is kept:
    # never moved around it to public subnets or to another route out.
    private_in_use: list[EgressClass] = sorted(in_use & PRIVATE_EGRESS)
    steps: list[tuple[list[EgressClass], bool | None, str]] = [
        ([EgressClass.ROUTED_INSPECTED], private_ip, "private subnets whose egress passes an inspection endpoint")
    ]
    if not private_in_use or EgressClass.PUBLIC in in_use:
        steps.append(([EgressClass.PUBLIC], True if workload.profile.public_ip_setting else None, "public subnets"))
    where = "private subnets with the egress it already uses" if private_in_use else "private subnets with egress"
    steps.append((private_in_use or sorted(PRIVATE_EGRESS), private_ip, where))
    return steps


def _out_of_isolated(
    workload: Workload, network: VpcNetwork | None, before: tuple[SubnetEgress, ...], isolated: list[SubnetEgress]
) -> PlacementDecision:
    """Where a container in isolated subnets goes: behind the VPC's inspection if it has one (moving a workload
    around an inspection it could use would bypass it), otherwise public subnets with a public IP (egress with no
    NAT), otherwise private subnets whose egress is already there (a NAT or central egress); one that already has
    private egress in some subnets keeps that egress. Never into a subnet that holds a NAT gateway or an inspection
    endpoint: the workload would bypass them."""
    ip = workload.assign_public_ip
    zones = [item.zone for item in before]
    for classes, public_ip, where in _isolated_steps(workload, before):
        candidates = network.targets(classes) if network else []
        if not candidates:
            continue
        chosen = tuple(choose_subnets(candidates, zones, len(before)))
        reason = f"in isolated subnets {_names(isolated)}: no route out, so move it to {where} {_names(chosen)}"
        if public_ip and not ip:
            reason += " with a public IP"
        elif ip and public_ip is False:
            reason += " with assignPublicIp DISABLED (in private subnets a public IP gives no egress, only exposure)"
        target = NetworkPlan(tuple(item.id for item in chosen), workload.security_group_ids, public_ip)
        return PlacementDecision(Verdict.CHANGE, reason, before, chosen, ip, public_ip, target=target)
    reason = (
        f"in isolated subnets {_names(isolated)} (no route out, it cannot even pull its image) and "
        f"VPC {network.vpc_id if network else '?'} has no subnet with egress it may use (subnets holding a NAT "
        "gateway or an inspection endpoint are not for workloads): only a NAT gateway would give it egress"
    )
    return PlacementDecision(Verdict.NEEDS_NAT, reason, before, before, ip, ip)


def _via(items: tuple[SubnetEgress, ...]) -> str:
    kinds = sorted({f"{item.via_kind} {item.via}" for item in items})
    return ", ".join(kinds)


# IPv6 routes out of a subnet. Addresses are global, so no translation is needed: the egress-only internet gateway
# (outbound only), or an internet gateway.
IPV6_EGRESS = ("egress-only internet gateway", "internet gateway")


def _ipv6_out(item: SubnetEgress) -> bool:
    return item.subnet.has_ipv6 and item.ipv6_egress in IPV6_EGRESS


def _ipv6_reason(before: tuple[SubnetEgress, ...]) -> str:
    # AWS documents the IPv6 egress of VPC functions (Ipv6AllowedForDualStack) as outbound IPv6 only: IPv4 still
    # needs a NAT, and the SDKs call IPv4 endpoints unless told to use dual-stack ones, which not every service has.
    gateways = " and ".join(sorted({str(item.ipv6_egress) for item in before}))
    return (
        f"reaches IPv6 destinations without a NAT gateway: Ipv6AllowedForDualStack is on and its dual-stack subnets "
        f"{_names(before)} route ::/0 to an {gateways}. IPv4-only destinations still need a NAT gateway or VPC "
        "endpoints, and so do AWS APIs unless its SDK uses their dual-stack endpoints (AWS_USE_DUALSTACK_ENDPOINT="
        "true; not every service has one); gateway endpoints for S3 and DynamoDB are free"
    )


def _private_only(
    workload: Workload, network: VpcNetwork | None, before: tuple[SubnetEgress, ...]
) -> PlacementDecision:
    """The rule for network interfaces that never get a public IP (Lambda, ECS tasks on EC2 capacity).

    Compliant in private subnets with egress (a NAT, central egress, an inspection endpoint), or, for a function that
    allows outbound IPv6, in dual-stack subnets with an IPv6 route out (it reaches IPv6 destinations; the report says
    what IPv4 still needs); anything in a public subnet moves to private subnets with egress; with none in the VPC,
    only a NAT gateway would give it egress.
    """
    profile = workload.profile
    ip = workload.assign_public_ip
    # Where the workload has a public IP setting (an ECS task), the plan says DISABLED: AWS refuses ENABLED there.
    after_ip = False if ip is not None else None
    if not before:
        reason = (
            f"no VPC configuration: the {profile.noun} runs in its service's own network, which gives it the internet"
        )
        return PlacementDecision(Verdict.COMPLIANT, reason)
    if all(item.private_egress for item in before) and not ip:
        reason = "in private subnets with egress through " + _via(before)
        return PlacementDecision(Verdict.COMPLIANT, reason, before, before, ip, ip)
    if workload.ipv6_outbound and all(_ipv6_out(item) for item in before):
        return PlacementDecision(Verdict.COMPLIANT, _ipv6_reason(before), before, before, ip, ip)
    needs_egress_to_start = bool(profile.always_reaches)
    if all(item.egress is EgressClass.ISOLATED for item in before) and not needs_egress_to_start:
        reason = (
            f"in isolated subnets {_names(before)}: it has no internet, which is fine for a {profile.noun} that only "
            "talks to things inside the VPC (or through its endpoints); anything else needs a NAT gateway"
        )
        return PlacementDecision(Verdict.NEEDS_NAT, reason, before, before, ip, ip)
    wrong = [item for item in before if not item.private_egress]
    public = [item for item in wrong if item.egress is EgressClass.PUBLIC]
    if public:
        why = f"in public subnets {_names(public)}: {profile.no_public_ip}, so a public subnet gives it no internet"
    elif wrong and len(wrong) < len(before):
        why = f"in isolated subnets {_names(wrong)} next to private ones: invocations there have no internet"
    elif wrong:
        why = f"in isolated subnets {_names(wrong)}: no route out, it cannot even pull its image"
    else:
        why = f"assignPublicIp ENABLED: {profile.no_public_ip}"
    candidates = network.targets(PRIVATE_EGRESS) if network else []
    if not candidates:
        reason = (
            f"{why}; VPC {network.vpc_id if network else '?'} has no private subnet with egress (a NAT gateway, "
            "central egress or an inspection endpoint)"
        )
        return PlacementDecision(Verdict.NEEDS_NAT, reason, before, before, ip, ip)
    # A kind that takes one subnet gets one, in its own zone where possible (no second zone to spread over).
    min_zones = 1 if profile.single_subnet else 2
    zones = [item.zone for item in before]
    chosen = tuple(choose_subnets(candidates, zones, len(before), min_zones)) if wrong else before
    reason = f"{why}; move it to private subnets with egress {_names(chosen)}, keeping its security groups"
    if after_ip is not None:
        reason += " (assignPublicIp DISABLED)"
    subnets, chosen_zones = tuple(item.id for item in chosen), tuple(item.zone for item in chosen)
    target = NetworkPlan(subnets, workload.security_group_ids, after_ip, chosen_zones)
    return PlacementDecision(Verdict.CHANGE, reason, before, chosen, ip, after_ip, target=target)


def _public_on_launch(
    workload: Workload, network: VpcNetwork | None, before: tuple[SubnetEgress, ...]
) -> PlacementDecision:
    """EC2 instances get a public IPv4 address only where the subnet maps one on launch or their launch template
    associates one: a public subnet without either gives them no egress, and their jobs wait in RUNNABLE."""
    template_ip = workload.launch_template_public_ip

    def gives_ip(item: SubnetEgress) -> bool:
        # A launch template's AssociatePublicIpAddress decides over the subnet's MapPublicIpOnLaunch.
        return template_ip if template_ip is not None else item.subnet.map_public_ip_on_launch

    no_ip = [item for item in before if item.egress is EgressClass.PUBLIC and not gives_ip(item)]
    isolated = [item for item in before if item.egress is EgressClass.ISOLATED]
    if not no_ip and not isolated:
        public = [item for item in before if item.egress is EgressClass.PUBLIC]
        if public and len(public) == len(before):
            how = "their launch template associates one" if template_ip else "the subnets map one"
            reason = f"in public subnets {_names(public)} whose instances get a public IP on launch ({how})"
        else:
            reason = "in subnets with egress: " + ", ".join(
                f"{item.id} ({item.via_kind} {item.via})" for item in before
            )
        return PlacementDecision(Verdict.COMPLIANT, reason, before, before)
    problems = []
    if no_ip:
        problems.append(
            f"in public subnets {_names(no_ip)} that do not map a public IPv4 address on launch"
            + (" (and its launch template does not associate one)" if template_ip is False else "")
            + f": {workload.profile.no_egress_effect}"
        )
    if isolated:
        problems.append(f"in isolated subnets {_names(isolated)}: no route out")
    why = "; ".join(problems)
    pool = network.targets([EgressClass.PUBLIC]) if network else []
    candidates = [item for item in pool if gives_ip(item)]
    if candidates:
        chosen = tuple(choose_subnets(candidates, [item.zone for item in before], len(before)))
        reason = f"{why}; move it to public subnets that map public IPs on launch {_names(chosen)}"
        target = NetworkPlan(tuple(item.id for item in chosen), workload.security_group_ids, None)
        return PlacementDecision(Verdict.CHANGE, reason, before, chosen, target=target)
    if pool:
        change = (
            f"turn on MapPublicIpOnLaunch for {', '.join(item.id for item in pool)} (aws ec2 modify-subnet-attribute "
            f"--map-public-ip-on-launch --subnet-id ...), or give the {workload.profile.noun} a launch template whose "
            "network interface sets AssociatePublicIpAddress true"
        )
        reason = f"{why}; VPC {pool[0].subnet.vpc_id} has no public subnet that maps public IPs on launch: {change}"
        return PlacementDecision(Verdict.NOT_APPLICABLE, reason, before, before)
    reason = f"{why}; VPC {network.vpc_id if network else '?'} has no public subnet: only a NAT gateway would do"
    return PlacementDecision(Verdict.NEEDS_NAT, reason, before, before)


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
        # A kind that takes one subnet names it as text (SubnetId), not as a list.
        single = workload.profile.single_subnet and plan.subnet_ids
        value[template.subnets_key] = plan.subnet_ids[0] if single else list(plan.subnet_ids)
    if template.security_groups_key:
        value[template.security_groups_key] = list(plan.security_group_ids)
    if template.public_ip_key:
        value[template.public_ip_key] = public_ip_text(plan.assign_public_ip)
    if template.zone_key and plan.zones:
        value[template.zone_key] = plan.zones[0]
    return {"resource_type": template.resource_type, "property": template.path, "value": value}
