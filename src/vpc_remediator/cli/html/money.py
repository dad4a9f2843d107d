"""The money: NAT gateways there are, those the needs-nat workloads would need, the cheaper ways out, the break-even.

Every figure comes from the reports' own NAT advice or from the price table they were computed with (domain/nat.py),
so the page and the reports never disagree; the table's source and date are shown with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from vpc_remediator.cli.html.markup import esc
from vpc_remediator.domain.details import NatAdviceView, PlacementDetails
from vpc_remediator.domain.nat import HOURS_PER_MONTH, PRICE_SOURCE, PUBLIC_IPV4_HOUR, money, nat_cost, prices_for, rate
from vpc_remediator.domain.network import VpcNetwork
from vpc_remediator.domain.report import Outcome, Report


@dataclass(frozen=True)
class ExistingNat:
    """A NAT gateway of a VPC the report covers, and its fixed monthly charge."""

    gateway_id: str
    vpc_id: str
    zone: str
    connectivity: str
    monthly: Decimal


@dataclass(frozen=True)
class NeededNat:
    """The NAT gateways one VPC's needs-nat workloads would need: one per zone they use."""

    vpc_id: str
    zones: tuple[str, ...]
    monthly: Decimal
    workloads: tuple[tuple[str, NatAdviceView], ...]


@dataclass(frozen=True)
class Money:
    """Everything the money section shows."""

    region: str
    price_region: str
    nat_hour: Decimal
    nat_gb: Decimal
    existing: tuple[ExistingNat, ...]
    needed: tuple[NeededNat, ...]

    @property
    def existing_monthly(self) -> Decimal:
        """What the NAT gateways there are cost a month, before data processing."""
        return sum((item.monthly for item in self.existing), Decimal(0))

    @property
    def needed_monthly(self) -> Decimal:
        """What NAT gateways for every needs-nat workload would add a month, before data processing."""
        return sum((item.monthly for item in self.needed), Decimal(0))

    @property
    def one_nat_monthly(self) -> Decimal:
        """One NAT gateway's fixed monthly charge."""
        return self.nat_hour * HOURS_PER_MONTH

    @property
    def public_ip_monthly(self) -> Decimal:
        """One always-on public IPv4 address a month."""
        return PUBLIC_IPV4_HOUR * HOURS_PER_MONTH

    @property
    def break_even(self) -> int:
        """How many always-on public IPv4 addresses cost as much as one NAT gateway (the reports' own figure)."""
        return int(self.nat_hour / PUBLIC_IPV4_HOUR)


def _needs_nat(reports: Iterable[Report]) -> list[tuple[str, NatAdviceView]]:
    return [
        (report.details.name, report.details.nat_advice)
        for report in reports
        if report.outcome is Outcome.NEEDS_NAT
        and isinstance(report.details, PlacementDetails)
        and report.details.nat_advice is not None
    ]


def money_of(region: str, reports: Sequence[Report], networks: Mapping[str, VpcNetwork]) -> Money:
    """The money of a region: its VPCs' NAT gateways and what its needs-nat workloads would cost."""
    price_region, prices = prices_for(region)
    # A NAT gateway is billed by the hour whatever its connectivity (public or private) and its traffic.
    each = prices.nat_hour * HOURS_PER_MONTH
    existing = tuple(
        ExistingNat(gateway.id, network.vpc_id, gateway.zone, gateway.connectivity, each)
        for _, network in sorted(networks.items())
        for gateway in network.nat_gateways
    )
    by_vpc: dict[str, list[tuple[str, NatAdviceView]]] = {}
    for name, advice in _needs_nat(reports):
        by_vpc.setdefault(advice.vpc_id, []).append((name, advice))
    needed = []
    for vpc_id, workloads in sorted(by_vpc.items()):
        zones = {zone for _, advice in workloads for zone in advice.nat_gateway.zones}
        cost = nat_cost(region, zones)
        needed.append(NeededNat(vpc_id, cost.zones, cost.monthly, tuple(workloads)))
    return Money(region, price_region, prices.nat_hour, prices.nat_gb, existing, tuple(needed))


def _existing_table(figures: Money) -> str:
    if not figures.existing:
        return '<p class="note">No NAT gateway in the VPCs this report covers.</p>'
    rows = "".join(
        f"<tr><td><code>{esc(item.gateway_id)}</code></td><td><code>{esc(item.vpc_id)}</code></td>"
        f"<td>{esc(item.zone)}</td><td>{esc(item.connectivity)}</td>"
        f'<td class="num">{esc(money(item.monthly))}</td></tr>'
        for item in figures.existing
    )
    return (
        '<table class="money"><thead><tr><th>NAT gateway</th><th>VPC</th><th>zone</th><th>connectivity</th>'
        f'<th class="num">a month</th></tr></thead><tbody>{rows}</tbody><tfoot><tr><th colspan="4">total, before'
        f' {esc(rate(figures.nat_gb))} per GB processed</th><td class="num">{esc(money(figures.existing_monthly))}'
        "</td></tr></tfoot></table>"
    )


def _alternatives(workloads: Sequence[tuple[str, NatAdviceView]]) -> str:
    # The same alternative applies to many workloads: one line each, with the workloads it applies to.
    grouped: dict[tuple[str, str], list[str]] = {}
    for name, advice in workloads:
        for item in advice.alternatives:
            grouped.setdefault((item.title, item.cost), []).append(name)
    lines = "".join(
        f'<li><strong>{esc(title)}</strong>: {esc(cost)} <span class="for">(for {esc(", ".join(names))})</span></li>'
        for (title, cost), names in grouped.items()
    )
    return f'<ul class="alternatives">{lines}</ul>'


def _needed(item: NeededNat) -> str:
    names = ", ".join(name for name, _ in item.workloads)
    each = "".join(
        f"<li>{esc(name)}: {esc(advice.nat_gateway.text)}. {esc(advice.why)}</li>" for name, advice in item.workloads
    )
    return (
        f'<div class="needed" data-vpc="{esc(item.vpc_id)}"><h4>VPC {esc(item.vpc_id)}: NAT gateways in'
        f" {esc(', '.join(item.zones))} would cost {esc(money(item.monthly))} a month</h4>"
        f"<p>For {esc(names)}.</p><details><summary>each workload's figure</summary><ul>{each}</ul></details>"
        f"<p>Cheaper ways out:</p>{_alternatives(item.workloads)}</div>"
    )


def money_section(figures: Money) -> str:
    """The money section's HTML."""
    needed = "".join(_needed(item) for item in figures.needed) or (
        '<p class="note">No workload needs a NAT gateway.</p>'
    )
    prices = f"{figures.price_region} prices" + (
        f" ({figures.region} is not in the price table)" if figures.price_region != figures.region else ""
    )
    return (
        f"<h3>NAT gateways there are: {esc(money(figures.existing_monthly))} a month</h3>{_existing_table(figures)}"
        f"<h3>NAT gateways the needs-nat workloads would need: {esc(money(figures.needed_monthly))} a month</h3>"
        f'{needed}<h3>Public IPv4 break-even</h3><p class="break-even">A public IPv4 address costs'
        f" {esc(rate(PUBLIC_IPV4_HOUR))} an hour ({esc(money(figures.public_ip_monthly))} a month): "
        f"<strong>{esc(figures.break_even)} always-on public IPs</strong> cost as much as one NAT gateway"
        f" ({esc(rate(figures.nat_hour))} an hour, {esc(money(figures.one_nat_monthly))} a month, plus"
        f' {esc(rate(figures.nat_gb))} per GB).</p><p class="source">Prices: {esc(prices)}; {esc(PRICE_SOURCE)}.</p>'
    )
