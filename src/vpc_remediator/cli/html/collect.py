"""Read the networks the egress map draws: every VPC a report names, and every VPC of the region with a NAT gateway.

Read-only, through the composition root's network reader, as the sweep reads them. A VPC that cannot be read is a
note on the page, never a lost report: the findings and the money are written all the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from vpc_remediator.aws.nat_gateways import vpcs_with_nat_gateways
from vpc_remediator.bootstrap import region_for
from vpc_remediator.cli.html.layout import unplaced_subnets, vpcs_named
from vpc_remediator.domain.errors import RemediatorError
from vpc_remediator.domain.network import VpcNetwork
from vpc_remediator.domain.report import Report


def read_networks(reports: Sequence[Report], region_name: str | None = None) -> tuple[dict[str, VpcNetwork], list[str]]:
    """(VPC id → its network, notes on what could not be read) for the VPCs the page draws."""
    region = region_for(region_name)
    reader = region.network_reader()
    notes: list[str] = []
    vpc_ids = set(vpcs_named(reports))
    try:
        vpc_ids |= vpcs_with_nat_gateways(region.clients.ec2())
        # Workloads whose report names no VPC (an exempt one is not read): their subnets say which.
        vpc_ids |= {subnet.vpc_id for subnet in reader.subnets(unplaced_subnets(reports)).values()}
    except RemediatorError as exc:
        notes.append(f"Not every VPC could be found, the map may miss some: {exc}")
    networks: dict[str, VpcNetwork] = {}
    for vpc_id in sorted(vpc_ids):
        try:
            networks[vpc_id] = reader.vpc(vpc_id)
        except RemediatorError as exc:
            notes.append(f"VPC {vpc_id} could not be read, it is not drawn: {exc}")
    return networks, notes
