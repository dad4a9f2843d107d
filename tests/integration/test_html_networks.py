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


def test_a_region_whose_nat_gateways_cannot_be_listed_still_draws_the_vpcs_the_reports_name(ec2: Any) -> None:
    topology = build_topology(ec2)

    def refuse_the_region_wide_listing(params: dict[str, Any], **_: Any) -> None:
        # An IAM condition that allows DescribeNatGateways only per VPC, as the network reader asks.
        filters = params.get("Filter") or params.get("Filters") or []  # botocore renames one to the other
        if not any(item["Name"] == "vpc-id" for item in filters):
            error = {"Error": {"Code": "UnauthorizedOperation", "Message": "only per VPC"}}
            raise ClientError(error, "DescribeNatGateways")  # type: ignore[arg-type]

    region_for().clients.ec2().meta.events.register(
        "before-parameter-build.ec2.DescribeNatGateways", refuse_the_region_wide_listing
    )
    named = Report(
        "arn:aws:ecs:us-east-1:123456789012:service/shop/web",
        "ecs-service",
        Outcome.COMPLIANT,
        "fine",
        details=PlacementDetails(name="web", vpc_id=topology.edge_vpc_id),
    )
    networks, notes = read_networks([named])
    # The shop VPC, which no report names, would have been found by the listing only.
    assert set(networks) == {topology.edge_vpc_id}
    assert len(notes) == 1 and notes[0].startswith("Not every VPC could be found") and "only per VPC" in notes[0]
