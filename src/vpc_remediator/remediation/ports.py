"""What the use cases read and write through: protocols the AWS adapters, the composition root and the tests' fakes
implement. No use case creates a client; bootstrap.py builds what these describe."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from vpc_remediator.domain.approval import ChangeState, PendingChange, Step
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


class ApprovalStore(Protocol):
    """Pending changes by their opaque id (aws.approvals.DynamoDbApprovalStore, or memory locally)."""

    def put(self, change: PendingChange) -> None:
        """Keep a new change (its id is new: an existing one is never overwritten)."""
        ...

    def get(self, change_id: str) -> PendingChange | None:
        """The change, or None when the id is unknown."""
        ...

    def pending_for(self, resource: str, plan_hash: str) -> PendingChange | None:
        """The last change kept for this resource and plan (a sweep finds it again instead of making another)."""
        ...

    def claim(self, change_id: str, expected: ChangeState) -> bool:
        """Move the change from `expected` to claimed, once: False when it was not in that state (a second click,
        a replay, another person first)."""
        ...

    def settle(self, change: PendingChange) -> None:
        """Keep the change as its click's work left it (state, network, steps, message)."""
        ...

    def audit(self, change_id: str, step: Step) -> None:
        """Keep one click in the audit trail: who, when, what, and what came of it (refusals too)."""
        ...


class MessagePoster(Protocol):
    """notify.slack_app.SlackApp: the Slack app's bot posting and updating messages."""

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]], thread_ts: str | None = None) -> str:
        """chat.postMessage; the new message's ts."""
        ...

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]) -> None:
        """chat.update."""
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
    # Where approve mode keeps pending changes (None: approve mode reports instead, failing closed).
    approvals: ApprovalStore | None = None

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


@dataclass
class MemoryApprovalStore:
    """Pending changes in memory: the local command's and the demo's, when no ledger table is configured."""

    changes: dict[str, PendingChange] = field(default_factory=dict)
    clicks: list[tuple[str, Step]] = field(default_factory=list)

    def put(self, change: PendingChange) -> None:
        """Keep a new change."""
        if change.change_id in self.changes:
            raise ValueError(f"change {change.change_id} exists already")
        self.changes[change.change_id] = change

    def get(self, change_id: str) -> PendingChange | None:
        """The change, or None."""
        return self.changes.get(change_id)

    def pending_for(self, resource: str, plan_hash: str) -> PendingChange | None:
        """The last change kept for this resource and plan."""
        same = [c for c in self.changes.values() if c.resource == resource and c.plan_hash == plan_hash]
        return max(same, key=lambda change: change.created_at, default=None)

    def claim(self, change_id: str, expected: ChangeState) -> bool:
        """From `expected` to claimed, once."""
        change = self.changes.get(change_id)
        if change is None or change.state is not expected:
            return False
        self.changes[change_id] = replace(change, state=ChangeState.CLAIMED)
        return True

    def settle(self, change: PendingChange) -> None:
        """Keep the change as its click left it."""
        self.changes[change.change_id] = change

    def audit(self, change_id: str, step: Step) -> None:
        """Keep one click."""
        self.clicks.append((change_id, step))


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

    def approvals(self) -> ApprovalStore:
        """Pending changes (approve mode)."""
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
