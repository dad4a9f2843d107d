"""The networks the HTML report draws, read from a simulated account (moto): which VPCs, and what a refusal gives."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from vpc_remediator.bootstrap import region_for
from vpc_remediator.cli.html.collect import read_networks
from vpc_remediator.devkit.scenarios.placement import build_topology
from vpc_remediator.domain.details import PlacementDetails, SubnetView
from vpc_remediator.domain.report import Outcome, Report


def exempt_workload(subnet_id: str) -> Report:
    """An exempt service's report: its subnets by id only, no VPC (nothing was read for it)."""
    details = PlacementDetails(name="legacy", vpc_id=None, subnets_before=(SubnetView(subnet_id),))
    return Report(
        "arn:aws:ecs:us-east-1:123456789012:service/shop/legacy",
        "ecs-service",
        Outcome.SKIPPED,
        "exempt",
        details=details,
    )


def test_every_vpc_with_a_nat_gateway_is_read_and_a_vpc_less_report_is_placed_by_its_subnets(ec2: Any) -> None:
    topology = build_topology(ec2)  # the shop VPC has a NAT gateway; the edge VPC has none
    networks, notes = read_networks([exempt_workload(topology.edge_public[0])])
    assert notes == []
    assert set(networks) == {topology.vpc_id, topology.edge_vpc_id}
    assert [gateway.subnet_id for gateway in networks[topology.vpc_id].nat_gateways] != []
    assert set(topology.edge_public) <= {subnet.id for subnet in networks[topology.edge_vpc_id].subnets}


def test_a_vpc_that_cannot_be_read_is_a_note_and_the_others_are_still_read(ec2: Any) -> None:
    topology = build_topology(ec2)

    def refuse_the_edge_vpc(params: dict[str, Any], **_: Any) -> None:
        # As an IAM condition on the VPC would: DescribeRouteTables refused for the edge VPC only.
        if params.get("Filters", [{}])[0].get("Values") == [topology.edge_vpc_id]:
            error = {"Error": {"Code": "UnauthorizedOperation", "Message": "not for this VPC"}}
            raise ClientError(error, "DescribeRouteTables")  # type: ignore[arg-type]

    region_for().clients.ec2().meta.events.register(
        "before-parameter-build.ec2.DescribeRouteTables", refuse_the_edge_vpc
    )
    networks, notes = read_networks([exempt_workload(topology.edge_public[0])])
    assert set(networks) == {topology.vpc_id}
    assert len(notes) == 1 and topology.edge_vpc_id in notes[0] and "not for this VPC" in notes[0]
