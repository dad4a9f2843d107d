"""An account with thousands of non-compliant workloads, in memory: the sweep's size tests and the benchmark.

moto would take minutes to build and sweep 5,000 services; the sweep's own code runs unchanged over in-memory ports
(tests/unit/fakes.py): every workload is an ECS service in isolated subnets, which the sweep moves and verifies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from tests.unit.fakes import NOW, FakeAdapter, FakeIngress, FakeNetwork
from vpc_remediator.domain.guards import LedgerEntry
from vpc_remediator.domain.report import Report
from vpc_remediator.domain.workload import Workload
from vpc_remediator.remediation.ports import PlacementServices
from vpc_remediator.settings import Settings
from vpc_remediator.workloads import ecs_service

ACCOUNT = "123456789012"
PAGE = 100


@dataclass
class IndexedLedger:
    """A memory ledger read by resource (MemoryLedger scans every entry: fine for tens, not for thousands)."""

    by_resource: dict[str, list[LedgerEntry]] = field(default_factory=lambda: defaultdict(list))

    def history(self, resource: str, since: datetime) -> list[LedgerEntry]:
        return [entry for entry in self.by_resource[resource] if entry.at >= since]

    def record(self, report: Report, at: datetime, key: str | None = None) -> None:
        resource = key or report.resource
        self.by_resource[resource].append(
            LedgerEntry(resource, at, report.outcome.value, report.reason, report.event_id)
        )

    def record_intent(self, intent: LedgerEntry, arn: str, kind: str) -> None:
        self.by_resource[intent.resource].append(intent)


def isolated_service(index: int) -> Workload:
    """An ECS service in isolated subnets (fakes' network), named by its index."""
    return Workload(
        ecs_service.PROFILE,
        f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/shop/service-{index:05d}",
        f"service-{index:05d}",
        ("iso-a", "iso-b"),
        ("sg-web",),
        assign_public_ip=False,
        network_mode="awsvpc",
    )


@dataclass
class ManyWorkloads:
    """The composition root's Region for an account of `count` non-compliant services, in memory."""

    count: int
    settings: Settings = field(default_factory=lambda: Settings(stack_name="vpc-remediator", manage_default_vpc=False))
    continued: list[dict[str, Any]] = field(default_factory=list)

    def placement_services(self) -> PlacementServices:
        adapter = FakeAdapter()
        return PlacementServices(lambda _: adapter, FakeNetwork(), FakeIngress(), IndexedLedger(), lambda: NOW)

    def sweep_listers(self, services: PlacementServices) -> list[tuple[str, Any]]:
        def page(token: str | None) -> tuple[list[Workload], str | None]:
            start = int(token or 0)
            end = min(start + PAGE, self.count)
            following = str(end) if end < self.count else None
            return [replace(isolated_service(index)) for index in range(start, end)], following

        return [("ecs-services", page)]

    def continue_sweep(self, function_arn: str, payload: dict[str, Any]) -> None:
        self.continued.append(payload)

    def account(self) -> str:
        return ACCOUNT

    def region_name(self) -> str | None:
        return "us-east-1"

    def default_vpc(self) -> Any:
        raise AssertionError("ManageDefaultVpc is off")

    def ledger(self) -> Any:
        return IndexedLedger()

    def network_reader(self) -> Any:
        return FakeNetwork()
