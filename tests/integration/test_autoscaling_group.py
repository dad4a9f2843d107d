"""Auto Scaling groups through PlacementFunction's entry point and the sweep, against moto: their instances need a
public IP in public subnets (the subnet maps one, or the launch template associates one), or private egress."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.integration.conftest import regions
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.placement import EXEMPT, Topology, autoscaling_group, build_topology
from vpc_remediator.remediation.entry import on_placement_event, on_sweep_event
from vpc_remediator.settings import Settings

SETTINGS = Settings(stack_name="vpc-remediator")


@dataclass
class World:
    ec2: Any
    autoscaling: Any
    topo: Topology

    def subnets(self, name: str) -> tuple[str, ...]:
        group = self.autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
        return tuple(str(group["VPCZoneIdentifier"]).split(","))

    def map_public_ips(self, *subnets: str) -> None:
        for subnet in subnets:
            self.ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        yield World(ec2, boto3.client("autoscaling", region_name=REGION), build_topology(ec2))


def handle(world: World, name: str, subnets: tuple[str, ...], settings: Settings = SETTINGS, **group: Any) -> Any:
    """Create the group, send its CreateAutoScalingGroup event; the one report, as JSON."""
    groups = group.pop("groups", (world.topo.web_sg,))
    created = autoscaling_group(world.autoscaling, world.ec2, name, subnets, groups, **group)
    (report,) = on_placement_event(load_sample("autoscaling/CreateAutoScalingGroup", **created), regions(settings))
    return report.to_dict()


def test_a_group_in_isolated_subnets_moves_to_public_subnets_that_map_public_ips(world: World) -> None:
    world.map_public_ips(*world.topo.public)
    report = handle(world, "workers", world.topo.isolated)
    assert report["outcome"] == "remediated", report["reason"]
    assert set(world.subnets("workers")) == set(world.topo.public)
    (action,) = report["actions"]
    assert action["api"] == "autoscaling:UpdateAutoScalingGroup"
    assert set(action["params"]) == {"AutoScalingGroupName", "VPCZoneIdentifier"}  # nothing but the subnets
    assert action["undo"].endswith(f"--vpc-zone-identifier {','.join(world.topo.isolated)}")
    assert report["details"]["security_groups"] == [world.topo.web_sg]  # read from its launch template


def test_public_subnets_without_a_public_ip_and_nowhere_to_go_get_the_launch_template_change(world: World) -> None:
    report = handle(world, "workers", world.topo.public, public_ip=False)
    assert report["outcome"] == "skipped"
    assert "do not map a public IPv4 address on launch" in report["reason"]
    assert "give the Auto Scaling group a launch template" in report["reason"]
    assert "AssociatePublicIpAddress true" in report["reason"]
    assert report["actions"] == []
    assert world.subnets("workers") == world.topo.public


def test_a_launch_template_that_associates_a_public_ip_makes_public_subnets_compliant(world: World) -> None:
    report = handle(world, "workers", world.topo.public, public_ip=True)
    assert report["outcome"] == "compliant", report["reason"]
    assert "launch template associates one" in report["reason"]


def test_private_subnets_with_egress_are_compliant(world: World) -> None:
    assert handle(world, "workers", world.topo.private)["outcome"] == "compliant"


def test_no_public_subnet_behind_groups_open_beyond_the_allowed_ports(world: World) -> None:
    world.map_public_ips(*world.topo.public)
    report = handle(world, "workers", world.topo.isolated, groups=(world.topo.ssh_sg,))
    assert report["outcome"] == "blocked"
    assert "22" in report["reason"]
    assert world.subnets("workers") == world.topo.isolated


def test_a_group_whose_running_instances_a_move_would_leave_behind_is_not_changed(world: World) -> None:
    # Only the second zone has a public subnet that maps public IPs: moving there leaves the first zone, where an
    # instance runs, and Auto Scaling would rebalance the group by terminating it.
    world.map_public_ips(world.topo.public[1])
    report = handle(world, "workers", world.topo.isolated[:1], desired=1)
    assert report["outcome"] == "skipped"
    assert "us-east-1a" in report["reason"] and "terminate" in report["reason"]
    assert report["details"]["corrected"]["VPCZoneIdentifier"] == world.topo.public[1]
    assert world.subnets("workers") == world.topo.isolated[:1]


def test_a_move_within_the_zones_of_its_instances_is_made(world: World) -> None:
    world.map_public_ips(*world.topo.public)
    report = handle(world, "workers", world.topo.isolated, desired=2)
    assert report["outcome"] == "remediated", report["reason"]


def test_an_eks_node_groups_auto_scaling_group_is_left_to_eks(world: World) -> None:
    world.map_public_ips(*world.topo.public)
    report = handle(world, "workers", world.topo.isolated, tags={"eks:nodegroup-name": "workers"})
    assert report["outcome"] == "skipped"
    assert "EKS owns its subnets" in report["reason"]
    assert world.subnets("workers") == world.topo.isolated


def test_exempt_dry_run_and_cloudformation_change_nothing(world: World) -> None:
    world.map_public_ips(*world.topo.public)
    assert handle(world, "exempt", world.topo.isolated, tags=EXEMPT)["outcome"] == "skipped"
    dry = handle(world, "dry", world.topo.isolated, Settings(stack_name="vpc-remediator", dry_run=True))
    assert dry["outcome"] == "would-remediate"
    stacked = handle(world, "stacked", world.topo.isolated, tags={"aws:cloudformation:stack-name": "workers"})
    assert stacked["outcome"] == "skipped"
    change = stacked["details"]["template_change"]
    assert change["resource_type"] == "AWS::AutoScaling::AutoScalingGroup"
    assert set(change["value"]["VPCZoneIdentifier"]) == set(world.topo.public)
    assert [world.subnets(name) for name in ("exempt", "dry", "stacked")] == [world.topo.isolated] * 3


def test_calls_that_do_not_place_a_group_are_ignored(world: World) -> None:
    reports = [
        on_placement_event(load_sample(f"autoscaling/{name}"), regions(SETTINGS))[0]
        for name in ("UpdateAutoScalingGroup_capacity_only", "CreateAutoScalingGroup_eks")
    ]
    assert [report.outcome.value for report in reports] == ["ignored", "ignored"]
    assert "did not change the group's subnets" in reports[0].reason
    assert "node group is checked" in reports[1].reason


def test_a_launch_configuration_that_associates_a_public_ip_makes_public_subnets_compliant(world: World) -> None:
    world.autoscaling.create_launch_configuration(
        LaunchConfigurationName="legacy",
        ImageId="ami-12c6146b",
        InstanceType="t4g.micro",
        SecurityGroups=[world.topo.web_sg],
        AssociatePublicIpAddress=True,
    )
    world.autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="legacy",
        LaunchConfigurationName="legacy",
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=",".join(world.topo.public),
    )
    request = {"autoScalingGroupName": "legacy", "vPCZoneIdentifier": ",".join(world.topo.public)}
    event = load_sample("autoscaling/UpdateAutoScalingGroup", request=request)
    (report,) = on_placement_event(event, regions(SETTINGS))
    assert report.outcome.value == "compliant", report.reason


def test_the_sweep_checks_every_group(world: World) -> None:
    world.map_public_ips(*world.topo.public)
    autoscaling_group(world.autoscaling, world.ec2, "fine", world.topo.private, (world.topo.web_sg,))
    autoscaling_group(world.autoscaling, world.ec2, "stuck", world.topo.isolated, (world.topo.web_sg,))
    scheduled = load_sample("events/Scheduled_sweep")
    settings = Settings(stack_name="vpc-remediator", manage_default_vpc=False, dry_run=True)
    summary, *reports = on_sweep_event(scheduled, regions(settings), out_of_time=lambda: False).reports
    assert summary.details.counts["autoscaling-group"] == {"compliant": 1, "would-remediate": 1}  # type: ignore[union-attr]
    assert [(report.kind, report.resource.rsplit("/", 1)[1]) for report in reports] == [("autoscaling-group", "stuck")]


def test_a_mixed_instances_policys_launch_template_says_whether_instances_get_a_public_ip(world: World) -> None:
    interface = {"DeviceIndex": 0, "AssociatePublicIpAddress": True, "Groups": [world.topo.web_sg]}
    world.ec2.create_launch_template(LaunchTemplateName="mixed", LaunchTemplateData={"NetworkInterfaces": [interface]})
    world.autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="mixed",
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateName": "mixed", "Version": "$Default"},
                "Overrides": [{"InstanceType": "t4g.micro"}, {"InstanceType": "t4g.small"}],
            }
        },
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=",".join(world.topo.public),
    )
    request = {"autoScalingGroupName": "mixed", "vPCZoneIdentifier": ",".join(world.topo.public)}
    (report,) = on_placement_event(
        load_sample("autoscaling/UpdateAutoScalingGroup", request=request), regions(SETTINGS)
    )
    assert report.outcome.value == "compliant", report.reason
    assert "launch template associates one" in report.reason
