"""The egress map as HTML: per VPC a table of zones (columns) by egress class (rows), workloads in their subnets.

The moves are listed under each map as text (readable printed, or with scripts off); the page's script draws each
one as an arrow over the map, from the `data-from` subnet to the `data-to` one.
"""

from __future__ import annotations

from collections.abc import Sequence

from vpc_remediator.cli.html.layout import RANK, Move, SubnetCell, VpcMap, WorkloadMark
from vpc_remediator.cli.html.markup import css_token, esc
from vpc_remediator.domain.network import EgressClass

# What each row means, in a person's words.
EGRESS_LABELS = {
    EgressClass.PUBLIC: "public (internet gateway)",
    EgressClass.PRIVATE_NAT: "private, through NAT",
    EgressClass.ROUTED_CENTRAL: "routed: central egress",
    EgressClass.ROUTED_INSPECTED: "routed: inspected (firewall)",
    EgressClass.ISOLATED: "isolated (no egress)",
}
# Up to this many workloads, a subnet shows each one; beyond, one line per kind, outcome and move, with its count
# (and the workloads' names folded under it), so that a crowded subnet still reads at a glance.
MARKS_PER_SUBNET = 12


def subnet_dom_id(subnet_id: str) -> str:
    """The element id of a subnet's cell (subnet ids are unique in an account and region)."""
    return f"subnet-cell-{css_token(subnet_id)}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _move_text(mark: WorkloadMark) -> str:
    if not mark.move:
        return ""
    # A move that landed shows where the workload came from; a proposed one, where it would go.
    if mark.move == "moved":
        text = f"moved here from {', '.join(mark.sources)}"
    else:
        text = f"would move to {', '.join(mark.targets)}"
    return f' <span class="move move-{esc(mark.move)}">{esc(text)}</span>'


def _mark(mark: WorkloadMark) -> str:
    move = _move_text(mark)
    return (
        f'<li class="workload outcome-{esc(css_token(mark.outcome))}" data-resource="{esc(mark.resource)}"'
        f' title="{esc(mark.reason)}"><span class="kind">{esc(mark.kind)}</span>'
        f' <span class="name">{esc(mark.name)}</span>'
        f' <span class="badge outcome-{esc(css_token(mark.outcome))}">{esc(mark.outcome)}</span>{move}</li>'
    )


def _groups(marks: Sequence[WorkloadMark]) -> str:
    """One line per kind, outcome and move: its count, and each workload's name folded under it."""
    groups: dict[tuple[str, str, str | None, tuple[str, ...], tuple[str, ...]], list[WorkloadMark]] = {}
    for mark in marks:
        groups.setdefault((mark.kind, mark.outcome, mark.move, mark.sources, mark.targets), []).append(mark)
    lines = []
    for (kind, outcome, _, _, _), members in sorted(
        groups.items(), key=lambda item: (RANK.get(item[0][1], 99), item[0])
    ):
        names = "".join(
            f'<li data-resource="{esc(mark.resource)}" title="{esc(mark.reason)}">{esc(mark.name)}</li>'
            for mark in members
        )
        lines.append(
            f'<li class="workload group outcome-{esc(css_token(outcome))}"><span class="count">'
            f'{len(members)} &times;</span> <span class="kind">{esc(kind)}</span>'
            f' <span class="badge outcome-{esc(css_token(outcome))}">{esc(outcome)}</span>{_move_text(members[0])}'
            f'<details><summary>which</summary><ul class="names">{names}</ul></details></li>'
        )
    return "".join(lines)


def _subnet(cell: SubnetCell) -> str:
    egress = cell.egress
    via = f" via {esc(egress.via)}" if egress.via else ""
    hosts = "".join(f'<div class="hosts">{esc(host)}</div>' for host in cell.hosts)
    if len(cell.workloads) <= MARKS_PER_SUBNET:
        marks = "".join(_mark(mark) for mark in cell.workloads)
    else:
        marks = _groups(cell.workloads)
    workloads = f'<ul class="workloads">{marks}</ul>' if marks else ""
    return (
        f'<div class="subnet egress-{esc(css_token(egress.egress.value))}" id="{esc(subnet_dom_id(egress.id))}"'
        f' data-subnet="{esc(egress.id)}"><div class="subnet-id">{esc(egress.id)}</div>'
        f'<div class="subnet-meta">{esc(egress.subnet.cidr)}{via}</div>{hosts}{workloads}</div>'
    )


def _move(move: Move) -> str:
    verb = "moved" if move.state == "moved" else "would move"
    count = _plural(move.count, "workload")
    return (
        f'<li class="move-{esc(move.state)}" data-from="{esc(subnet_dom_id(move.source))}"'
        f' data-to="{esc(subnet_dom_id(move.target))}" data-count="{move.count}">'
        f"{esc(move.source)} → {esc(move.target)}: {esc(count)} {esc(verb)}</li>"
    )


def vpc_section(vpc: VpcMap) -> str:
    """One VPC's map, with its moves listed under it."""
    head = "".join(f'<th scope="col">{esc(zone)}</th>' for zone in vpc.zones)
    body = []
    for egress_class, by_zone in vpc.rows:
        cells = "".join(f"<td>{''.join(_subnet(cell) for cell in cells)}</td>" for cells in by_zone)
        label = (
            f'<th scope="row" class="egress-{esc(css_token(egress_class.value))}">'
            f"{esc(EGRESS_LABELS[egress_class])}</th>"
        )
        body.append(f"<tr>{label}{cells}</tr>")
    moves = "".join(_move(move) for move in vpc.moves)
    moves_list = f'<ol class="moves">{moves}</ol>' if moves else '<p class="note">No workload moves in this VPC.</p>'
    nat = _plural(vpc.nat_gateways, "NAT gateway")
    zones = _plural(len(vpc.zones), "zone")
    return (
        f'<section class="vpc" data-vpc="{esc(vpc.vpc_id)}"><h3>VPC {esc(vpc.vpc_id)}'
        f" <small>{esc(zones)} · {esc(nat)}</small></h3>"
        f'<div class="map"><table class="egress-map"><thead><tr><th scope="col">egress \\ zone</th>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table><svg class="arrows" aria-hidden="true"></svg></div>'
        f"{moves_list}</section>"
    )


def legend() -> str:
    """What the colours mean."""
    items = "".join(
        f'<li><span class="swatch egress-{esc(css_token(egress.value))}"></span>{esc(label)}</li>'
        for egress, label in EGRESS_LABELS.items()
    )
    return (
        f'<ul class="legend">{items}<li><span class="arrow-key move-moved"></span>moved</li>'
        '<li><span class="arrow-key move-proposed"></span>would move</li></ul>'
    )


def egress_maps(maps: Sequence[VpcMap]) -> str:
    """Every VPC's map, or a note when no VPC could be drawn."""
    if not maps:
        return '<p class="note">No VPC to draw: no report names a VPC whose network could be read.</p>'
    return legend() + "".join(vpc_section(vpc) for vpc in maps)
