"""EKS managed node groups through PlacementFunction's entry point and the sweep: never changed, reported with the
replacement's subnets. moto's node groups carry a made-up remote access group and its clusters no cluster security
group, so the cases that check security groups stub EKS with AWS's documented shapes (DESIGN notes)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from tests.integration.conftest import regions
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.placement import IMAGE_ID, Topology, build_topology
from vpc_remediator.remediation.entry import on_placement_event, on_sweep_event
from vpc_remediator.settings import Settings

SETTINGS = Settings(stack_name="vpc-remediator")
ARN = "arn:aws:eks:us-east-1:123456789012:nodegroup/shop/workers/0ac9d2f1-1b2c-3d4e-5f60-718293a4b5c6"


@dataclass
class World:
    ec2: Any
    topo: Topology


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        yield World(ec2, build_topology(ec2))


def described(subnets: tuple[str, ...], template: dict[str, str] | None = None) -> dict[str, Any]:
    """DescribeNodegroup's answer, as AWS documents it."""
    nodegroup: dict[str, Any] = {
        "nodegroupName": "workers",
        "nodegroupArn": ARN,
        "clusterName": "shop",
        "status": "ACTIVE",
        "subnets": list(subnets),
        "nodeRole": "arn:aws:iam::123456789012:role/eks-nodes",
        "resources": {"autoScalingGroups": [{"name": "eks-workers-0ac9d2f1"}]},
        "tags": {},
    }
    if template:
        nodegroup["launchTemplate"] = template
    return {"nodegroup": nodegroup}


def stubbed(*answers: tuple[str, dict[str, Any]]) -> tuple[Any, Stubber]:
    client = boto3.client("eks", region_name=REGION)
    stubber = Stubber(client)
    for operation, response in answers:
        stubber.add_response(operation, response)
    stubber.activate()
    return client, stubber


def handle(eks: Any) -> Any:
    (report,) = on_placement_event(load_sample("eks/CreateNodegroup"), regions(SETTINGS, eks=eks))
    return report.to_dict()


def test_a_launch_template_that_associates_public_ips_makes_public_subnets_compliant(world: World) -> None:
    data = {"NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True, "Groups": [world.topo.web_sg]}]}
    template = world.ec2.create_launch_template(LaunchTemplateName="nodes", LaunchTemplateData=data)["LaunchTemplate"]
    spec = {"id": template["LaunchTemplateId"], "name": "nodes", "version": "1"}
    eks, stubber = stubbed(("describe_nodegroup", described(world.topo.public, spec)))
    report = handle(eks)
    stubber.assert_no_pending_responses()
    assert report["outcome"] == "compliant", report["reason"]
    assert report["details"]["checked_security_groups"] == [world.topo.web_sg]


def test_nodes_behind_a_cluster_group_open_beyond_the_allowed_ports_are_never_given_public_subnets(
    world: World,
) -> None:
    for subnet in world.topo.public:
        world.ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    cluster = {"cluster": {"name": "shop", "resourcesVpcConfig": {"clusterSecurityGroupId": world.topo.ssh_sg}}}
    eks, _ = stubbed(("describe_nodegroup", described(world.topo.isolated)), ("describe_cluster", cluster))
    report = handle(eks)
    assert report["outcome"] == "blocked"
    assert "22" in report["reason"]


def test_the_sweep_reports_each_clusters_node_groups(world: World) -> None:
    eks = boto3.client("eks", region_name=REGION)
    eks.create_cluster(name="shop", roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig={})
    role = "arn:aws:iam::123456789012:role/eks-nodes"
    eks.create_nodegroup(clusterName="shop", nodegroupName="fine", subnets=list(world.topo.private), nodeRole=role)
    template = world.ec2.create_launch_template(LaunchTemplateName="nodes", LaunchTemplateData={"ImageId": IMAGE_ID})
    eks.create_nodegroup(
        clusterName="shop",
        nodegroupName="stuck",
        subnets=list(world.topo.isolated),
        nodeRole=role,
        launchTemplate={"id": template["LaunchTemplate"]["LaunchTemplateId"], "version": "1"},
    )
    scheduled = load_sample("events/Scheduled_sweep")
    settings = Settings(stack_name="vpc-remediator", manage_default_vpc=False)
    summary, *reports = on_sweep_event(scheduled, regions(settings), out_of_time=lambda: False).reports
    assert summary.details.counts["eks-nodegroup"] == {"compliant": 1, "skipped": 1}  # type: ignore[union-attr]
    (stuck,) = [report for report in reports if report.kind == "eks-nodegroup"]
    assert "/shop/stuck/" in stuck.resource
    assert "MapPublicIpOnLaunch" in stuck.reason  # the VPC's public subnets map none: what to change
