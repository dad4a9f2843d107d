"""What the use cases read and write through: protocols the AWS adapters, the composition root and the tests' fakes
implement. No use case creates a client; bootstrap.py builds what these describe."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from vpc_remediator.domain.default_vpc import DefaultVpcState
from vpc_remediator.domain.exposure import IngressRule
from vpc_remediator.domain.guards import LedgerEntry
from vpc_remediator.domain.nat import NatPrices, table_prices
from vpc_remediator.domain.network import Subnet, VpcNetwork
from vpc_remediator.domain.report import Action, Report
from vpc_remediator.settings import Settings
from vpc_remediator.workloads.kind import Lister, WorkloadAdapter


class NetworkSource(Protocol):
    """aws.network.NetworkReader, as the use cases use it."""

    def subnets(self, subnet_ids: Iterable[str]) -> Mapping[str, Subnet]:
        """Subnet id → subnet (with its vpc_id), for the ids that exist."""
        ...

    def vpc(self, vpc_id: str) -> VpcNetwork:
        """One VPC's network, read once."""
        ...


class IngressSource(Protocol):
    """aws.security_groups.SecurityGroupReader, as the use case uses it."""

    def ingress(self, group_ids: Iterable[str], fresh: bool = False) -> list[IngressRule]:
        """The inbound rules of these groups (prefix lists expanded); `fresh` reads again what was read before."""
        ...

    def default_group(self, vpc_id: str) -> str | None:
        """The VPC's default security group, which ECS and Batch use when a workload names none."""
        ...


class PriceSource(Protocol):
    """aws.pricing.PriceListReader: NAT gateway prices, from the Price List API or the price table (never raises)."""

    def nat_prices(self, region: str | None) -> NatPrices:
        """The region's NAT gateway prices, with their source and date."""
        ...


class Ledger(Protocol):
    """The audit trail, read back for flap detection and duplicate events."""

    def history(self, resource: str, since: datetime) -> list[LedgerEntry]:
        """The resource's entries since a time."""
        ...

    def record(self, report: Report, at: datetime, key: str | None = None) -> None:
        """Keep one decision, under `key` (default: the report's resource)."""
        ...

    def record_intent(self, intent: LedgerEntry, arn: str, kind: str) -> None:
        """Keep a plan right before it is applied (guards.intent_entry), so a retry after a crash can reconcile it."""
        ...


class ReportSender(Protocol):
    """aws.reports_queue.ReportQueue: the reports on their way to the notifier."""

    def publish(self, reports: list[Report]) -> list[str]:
        """Queue the reports; the reasons of those that could not be queued."""
        ...


class DefaultVpcPort(Protocol):
    """aws.ec2.DefaultVpcAdapter, as the default-VPC use case uses it."""

    def read_state(self) -> DefaultVpcState:
        """The default VPC as one value."""
        ...

    def apply(self, repair: Action, created: dict[str, str], token: str | None = None) -> Action:
        """Make one repair; `created` carries the ids earlier repairs made, `token` names the event (a gateway's
        tag)."""
        ...

    def detached_own_gateways(self) -> tuple[str, ...]:
        """Internet gateways this stack created that are attached to nothing."""
        ...


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


@dataclass
class PlacementServices:
    """Everything remediate_workload reads and writes through (a sweep builds it once for a region)."""

    adapter: Callable[[str], WorkloadAdapter]
    network: NetworkSource
    security_groups: IngressSource
    ledger: Ledger
    clock: Callable[[], datetime] = utc_now
    # None: the price table (tests, and anything built without the Price List).
    prices: PriceSource | None = None

    def nat_prices(self, region: str | None) -> NatPrices:
        """NAT gateway prices for the region's advice."""
        return table_prices(region) if self.prices is None else self.prices.nat_prices(region)


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

    def record_intent(self, intent: LedgerEntry, arn: str, kind: str) -> None:
        """Keep a plan right before it is applied."""
        self.entries.append(intent)


class Region(Protocol):
    """The composition root's face for the use cases: one account and region, its settings and what it reads."""

    @property
    def settings(self) -> Settings:
        """The settings the functions run with."""
        ...

    def placement_services(self) -> PlacementServices:
        """Fresh readers (nothing cached across invocations), the kinds' adapters and the ledger."""
        ...

    def default_vpc(self) -> DefaultVpcPort:
        """The default VPC's adapter."""
        ...

    def ledger(self) -> Ledger:
        """The audit trail (intents and decisions)."""
        ...

    def network_reader(self) -> NetworkSource:
        """A fresh network reader."""
        ...

    def sweep_listers(self, services: PlacementServices) -> list[tuple[str, Lister]]:
        """(phase name, lister) of every kind the sweep covers, in the registry's order."""
        ...

    def continue_sweep(self, function_arn: str, payload: dict[str, Any]) -> None:
        """Hand a sweep's cursor to a new invocation of the function."""
        ...

    def account(self) -> str:
        """The account the functions run in (asked of AWS once, when the caller does not know it)."""
        ...

    def price_source(self) -> PriceSource:
        """NAT gateway prices: the Price List API's, cached for the day, else the price table's."""
        ...

    def region_name(self) -> str | None:
        """The region the clients are made for."""
        ...

    def organization_member(self, account: str) -> str | None:
        """Organization mode: the Organizations name of an active account of the organization, else None."""
        ...

    def organization_members(self) -> dict[str, str]:
        """Organization mode: every active account of the organization, id → name, read afresh."""
        ...

    def queue_sweeps(self, messages: list[dict[str, Any]]) -> list[str]:
        """Organization mode: queue one sweep message per account and region; why each one not queued failed."""
        ...

    def member(self, account: str, region: str) -> Region:
        """Organization mode: a member account's region, acted on through its exec role (AccessDeniedError when
        STS refuses)."""
        ...
