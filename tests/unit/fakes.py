"""In-memory fakes of the ports the placement use case reads and writes through (remediation/ports.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from vpc_remediator.domain.errors import AccessDeniedError, ResourceNotFoundError
from vpc_remediator.domain.exposure import IngressRule
from vpc_remediator.domain.network import Route, RouteTable, Subnet, VpcNetwork
from vpc_remediator.domain.placement import NetworkPlan, public_ip_text
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Workload, WorkloadRef
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.ports import MemoryLedger, PlacementServices

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
STAMP = ReportStamp(
    "evt-1", "arn:aws:sts::123456789012:assumed-role/Deployer/ci", "123456789012", "us-east-1", "X", "t"
)
LOCAL = Route("10.0.0.0/16", "local")


def network(zones: tuple[str, ...] = ("a", "b")) -> VpcNetwork:
    """A VPC with isolated (iso-*), public (pub-*) and NAT (nat-*) subnets in each zone."""
    subnets = [Subnet(f"{kind}-{zone}", "vpc-1", zone) for kind in ("iso", "pub", "nat") for zone in zones]
    tables = (
        RouteTable("rtb-main", (LOCAL,), is_main=True),
        RouteTable("rtb-pub", (LOCAL, Route("0.0.0.0/0", "igw-1")), tuple(f"pub-{zone}" for zone in zones)),
        RouteTable("rtb-nat", (LOCAL, Route("0.0.0.0/0", "nat-1")), tuple(f"nat-{zone}" for zone in zones)),
    )
    return VpcNetwork("vpc-1", tuple(subnets), tables)


@dataclass
class FakeNetwork:
    """One VPC; counts what was read."""

    vpc_network: VpcNetwork = field(default_factory=network)
    reads: int = 0

    def subnets(self, subnet_ids: Iterable[str]) -> Mapping[str, Subnet]:
        """The subnets of the VPC among these ids."""
        self.reads += 1
        return {subnet.id: subnet for subnet in self.vpc_network.subnets if subnet.id in set(subnet_ids)}

    def vpc(self, vpc_id: str) -> VpcNetwork:
        """The VPC."""
        return self.vpc_network


@dataclass
class FakeIngress:
    """Security groups' inbound rules, by group; `changed` is what a fresh read finds (rules edited meanwhile)."""

    rules: dict[str, list[IngressRule]] = field(default_factory=dict)
    changed: dict[str, list[IngressRule]] | None = None
    defaults: dict[str, str] = field(default_factory=lambda: {"vpc-1": "sg-default"})
    fresh_reads: int = 0

    def ingress(self, group_ids: Iterable[str], fresh: bool = False) -> list[IngressRule]:
        """The rules of these groups."""
        self.fresh_reads += fresh
        source = self.changed if fresh and self.changed is not None else self.rules
        return [rule for group in group_ids for rule in source.get(group, [])]

    def default_group(self, vpc_id: str) -> str | None:
        """The VPC's default group."""
        return self.defaults.get(vpc_id)


@dataclass
class FakeAdapter:
    """Applies a plan to its workload in memory; can refuse, or pretend and change nothing."""

    denied: bool = False
    lands: bool = True
    vanishes: bool = False
    applied: list[NetworkPlan] = field(default_factory=list)
    current: Workload | None = None

    def load(self, ref: WorkloadRef) -> Workload:
        """The workload as last set."""
        if self.current is None:
            raise ResourceNotFoundError(ref.identifier)
        return self.current

    def reload(self, workload: Workload, arn: str) -> Workload:
        """The workload after a write."""
        if self.vanishes:
            raise ResourceNotFoundError(arn)
        return self.current or workload

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """A made-up call with an undo."""
        params = {"subnets": list(plan.subnet_ids), "assignPublicIp": public_ip_text(plan.assign_public_ip)}
        return Action("test:Update", params, undo=f"undo {workload.arn}")

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Change the workload in memory (unless told it does not land)."""
        if self.denied:
            raise AccessDeniedError("test:Update", "explicit deny in an SCP")
        self.applied.append(plan)
        if self.lands:
            self.current = replace(
                workload,
                subnet_ids=plan.subnet_ids or workload.subnet_ids,
                security_group_ids=plan.security_group_ids,
                assign_public_ip=plan.assign_public_ip,
            )
        return self.plan(workload, plan), workload.arn


@dataclass
class World:
    """The services of one placement, all in memory."""

    adapter: FakeAdapter = field(default_factory=FakeAdapter)
    network: FakeNetwork = field(default_factory=FakeNetwork)
    ingress: FakeIngress = field(default_factory=FakeIngress)
    ledger: MemoryLedger = field(default_factory=MemoryLedger)
    now: datetime = NOW

    def services(self) -> PlacementServices:
        """PlacementServices over the fakes, every kind served by the one adapter."""
        return PlacementServices(lambda _: self.adapter, self.network, self.ingress, self.ledger, lambda: self.now)
