"""Where each workload sits in its VPC and where it moves: the egress map's content, before any HTML.

A workload is drawn in the subnets it runs in now: after a change that landed (`remediated`), the new subnets;
otherwise the subnets it was found in. A change of subnets is a move: `moved` when it landed, `proposed` when the
report only plans or describes it (a dry run, a workload the remediator may not change).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from vpc_remediator.domain.details import DefaultVpcDetails, Details, NatGatewayDetails, PlacementDetails
from vpc_remediator.domain.network import INSPECTION_ENDPOINT_TYPES, EgressClass, SubnetEgress, VpcNetwork
from vpc_remediator.domain.report import OUTCOMES_BY_IMPORTANCE, Outcome, Report

# The rows of a map, from the most open to the most closed.
EGRESS_ORDER = (
    EgressClass.PUBLIC,
    EgressClass.PRIVATE_NAT,
    EgressClass.ROUTED_CENTRAL,
    EgressClass.ROUTED_INSPECTED,
    EgressClass.ISOLATED,
)

# outcome → its rank, the most important first.
RANK = {outcome.value: rank for rank, outcome in enumerate(OUTCOMES_BY_IMPORTANCE)}


@dataclass(frozen=True)
class WorkloadMark:
    """One workload as a subnet shows it; a move goes from `sources` to `targets`."""

    resource: str
    kind: str
    name: str
    outcome: str
    reason: str
    sources: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    move: str | None = None


@dataclass(frozen=True)
class SubnetCell:
    """A subnet of the map: its egress, what it hosts (NAT gateways, inspection endpoints), its workloads."""

    egress: SubnetEgress
    hosts: tuple[str, ...]
    workloads: tuple[WorkloadMark, ...]


@dataclass(frozen=True)
class Move:
    """Workloads going from one subnet to another, counted: one arrow of the map."""

    source: str
    target: str
    state: str
    count: int


@dataclass(frozen=True)
class VpcMap:
    """One VPC: its zones as columns, egress classes as rows, each cell the subnets of that class in that zone."""

    vpc_id: str
    zones: tuple[str, ...]
    rows: tuple[tuple[EgressClass, tuple[tuple[SubnetCell, ...], ...]], ...]
    moves: tuple[Move, ...]
    nat_gateways: int


def latest_by_resource(reports: Iterable[Report]) -> list[Report]:
    """One report per resource, the last one given (a later event supersedes an earlier decision)."""
    return list({report.resource: report for report in reports}.values())


def _named(details: Details) -> tuple[str | None, ...]:
    if isinstance(details, PlacementDetails):
        return (details.vpc_id, details.nat_advice.vpc_id if details.nat_advice else None)
    if isinstance(details, NatGatewayDetails):
        return (details.vpc_id,)
    if isinstance(details, DefaultVpcDetails):
        return (details.before.vpc_id, details.after.vpc_id)
    return ()


def vpcs_named(reports: Iterable[Report]) -> list[str]:
    """Every VPC the reports name (a workload's, a NAT gateway's, the default VPC before and after), sorted."""
    return sorted({vpc_id for report in reports for vpc_id in _named(report.details) if vpc_id})


def unplaced_subnets(reports: Iterable[Report]) -> list[str]:
    """Subnets of workloads whose report names no VPC (an exempt workload's network is not read)."""
    return sorted(
        {item.id for _, details in _placements(reports) if details.vpc_id is None for item in details.subnets_before}
    )


def _placements(reports: Iterable[Report]) -> list[tuple[Report, PlacementDetails]]:
    return [
        (report, report.details)
        for report in latest_by_resource(reports)
        if isinstance(report.details, PlacementDetails) and report.details.subnets_before
    ]


def _vpc_of(details: PlacementDetails, networks: Mapping[str, VpcNetwork]) -> str | None:
    # An exempt workload's report has no VPC (nothing was read): its subnets say which network holds it.
    if details.vpc_id in networks:
        return details.vpc_id
    first = details.subnets_before[0].id
    return next((vpc_id for vpc_id, network in networks.items() if network.egress(first)), None)


def _mark(report: Report, details: PlacementDetails) -> tuple[WorkloadMark, tuple[str, ...]]:
    """The workload's mark and the subnets it runs in now."""
    before = tuple(item.id for item in details.subnets_before)
    after = tuple(item.id for item in details.subnets_after or ())
    landed = report.outcome is Outcome.REMEDIATED
    if not after or set(after) == set(before):
        return WorkloadMark(report.resource, report.kind, details.name, report.outcome.value, report.reason), before
    move = "moved" if landed else "proposed"
    mark = WorkloadMark(
        report.resource, report.kind, details.name, report.outcome.value, report.reason, before, after, move
    )
    return mark, after if landed else before


def _pairs(network: VpcNetwork, sources: Sequence[str], targets: Sequence[str]) -> list[tuple[str, str]]:
    """Arrows of one move: each source subnet to the targets in its zone, or to every target when none is."""
    pairs = []
    for source in sources:
        same_zone = [target for target in targets if _zone(network, target) == _zone(network, source)]
        pairs += [(source, target) for target in same_zone or targets]
    return pairs


def _zone(network: VpcNetwork, subnet_id: str) -> str | None:
    egress = network.egress(subnet_id)
    return egress.zone if egress else None


def _hosts(network: VpcNetwork) -> dict[str, list[str]]:
    hosts: dict[str, list[str]] = {}
    for gateway in network.nat_gateways:
        hosts.setdefault(gateway.subnet_id, []).append(f"NAT gateway {gateway.id}")
    for endpoint in network.endpoints:
        if endpoint.endpoint_type in INSPECTION_ENDPOINT_TYPES:
            for subnet_id in endpoint.subnet_ids:
                hosts.setdefault(subnet_id, []).append(f"inspection endpoint {endpoint.id}")
    return hosts


def vpc_map(network: VpcNetwork, workloads: Sequence[tuple[Report, PlacementDetails]]) -> VpcMap:
    """The map of one VPC with the workloads that run in it."""
    in_subnet: dict[str, list[WorkloadMark]] = {}
    arrows: Counter[tuple[str, str, str]] = Counter()
    for report, details in workloads:
        mark, now = _mark(report, details)
        for subnet_id in now:
            in_subnet.setdefault(subnet_id, []).append(mark)
        if mark.move:
            for source, target in _pairs(network, mark.sources, mark.targets):
                arrows[(source, target, mark.move)] += 1
    hosts = _hosts(network)
    cells = [
        SubnetCell(egress, tuple(hosts.get(egress.id, ())), tuple(in_subnet.get(egress.id, ())))
        for egress in (network.egress(subnet.id) for subnet in network.subnets)
        if egress is not None
    ]
    rows = []
    for egress_class in EGRESS_ORDER:
        of_class = [cell for cell in cells if cell.egress.egress == egress_class]
        if of_class:
            by_zone = tuple(
                tuple(sorted((c for c in of_class if c.egress.zone == zone), key=lambda c: c.egress.id))
                for zone in network.zones
            )
            rows.append((egress_class, by_zone))
    moves = tuple(Move(source, target, state, count) for (source, target, state), count in sorted(arrows.items()))
    return VpcMap(network.vpc_id, network.zones, tuple(rows), moves, len(network.nat_gateways))


def vpc_maps(reports: Iterable[Report], networks: Mapping[str, VpcNetwork]) -> list[VpcMap]:
    """A map for every VPC read that has subnets, its workloads placed; VPCs sorted by id."""
    by_vpc: dict[str, list[tuple[Report, PlacementDetails]]] = {}
    for report, details in _placements(reports):
        vpc_id = _vpc_of(details, networks)
        if vpc_id is not None:
            by_vpc.setdefault(vpc_id, []).append((report, details))
    maps = [vpc_map(network, by_vpc.get(vpc_id, [])) for vpc_id, network in sorted(networks.items()) if network.subnets]
    return sorted(maps, key=_importance)


def _importance(vpc: VpcMap) -> tuple[int, int, str]:
    """VPCs whose workloads need attention first (by their most important outcome), VPCs without workloads last."""
    outcomes = {mark.outcome for row in vpc.rows for cells in row[1] for cell in cells for mark in cell.workloads}
    rank = min((RANK[outcome] for outcome in outcomes if outcome in RANK), default=len(RANK))
    return (rank, -len(vpc.moves), vpc.vpc_id)


def unmapped(reports: Iterable[Report], networks: Mapping[str, VpcNetwork]) -> list[Report]:
    """Workloads with subnets that no VPC read holds (a subnet deleted since, a VPC that could not be read)."""
    return [report for report, details in _placements(reports) if _vpc_of(details, networks) is None]
