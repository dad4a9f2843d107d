"""EC2 instances people launch, through PlacementFunction's entry point and the sweep, against moto: never changed,
reported with the launch network that gives them egress."""

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
from vpc_remediator.devkit.scenarios.placement import IMAGE_ID, Topology, autoscaling_group, build_topology
from vpc_remediator.remediation.entry import on_placement_event, on_sweep_event
from vpc_remediator.settings import Settings

SETTINGS = Settings(stack_name="vpc-remediator")


@dataclass
class World:
    ec2: Any
    topo: Topology

    def launch(self, subnet: str, group: str | None = None, public_ip: bool | None = None) -> str:
        interface: dict[str, Any] = {"DeviceIndex": 0, "SubnetId": subnet, "Groups": [group or self.topo.web_sg]}
        if public_ip is not None:
            interface["AssociatePublicIpAddress"] = public_ip
        found = self.ec2.run_instances(ImageId=IMAGE_ID, MinCount=1, MaxCount=1, NetworkInterfaces=[interface])
        return str(found["Instances"][0]["InstanceId"])

    def state(self, instance_id: str) -> tuple[str, str]:
        (reservation,) = self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        instance = reservation["Instances"][0]
        return instance["SubnetId"], instance["State"]["Name"]


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        yield World(ec2, build_topology(ec2))


def launched(instance_id: str, world: World) -> dict[str, Any]:
    """The RunInstances sample naming this instance, with the subnet it was launched into in the request."""
    event = load_sample("ec2/RunInstances")
    event["detail"]["responseElements"]["instancesSet"]["items"][0]["instanceId"] = instance_id
    event["detail"]["requestParameters"]["networkInterfaceSet"]["items"][0]["subnetId"] = world.state(instance_id)[0]
    return event


def handle(event: dict[str, Any], settings: Settings = SETTINGS) -> Any:
    (report,) = on_placement_event(event, regions(settings))
    return report.to_dict()


def test_an_instance_in_isolated_subnets_gets_the_corrected_launch_network_and_is_left_running(world: World) -> None:
    for subnet in world.topo.public:
        world.ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    instance = world.launch(world.topo.isolated[0])
    report = handle(launched(instance, world))
    assert report["outcome"] == "skipped", report["reason"]  # reported, never "remediated"
    assert "never changes subnet" in report["reason"]
    (interface,) = report["details"]["corrected"]["NetworkInterfaces"]
    assert interface == {
        "DeviceIndex": 0,
        "SubnetId": world.topo.public[0],  # its own zone first
        "Groups": [world.topo.web_sg],
        "AssociatePublicIpAddress": True,
    }
    assert report["actions"] == []
    assert world.state(instance) == (world.topo.isolated[0], "running")


def test_public_subnets_without_a_public_ip_and_nowhere_to_go_say_what_to_change(world: World) -> None:
    report = handle(launched(world.launch(world.topo.public[0], public_ip=False), world))
    assert report["outcome"] == "skipped"
    assert "MapPublicIpOnLaunch" in report["reason"] and "AssociatePublicIpAddress true" in report["reason"]


def test_an_instance_with_a_public_ip_or_private_egress_is_compliant(world: World) -> None:
    assert handle(launched(world.launch(world.topo.public[0], public_ip=True), world))["outcome"] == "compliant"
    assert handle(launched(world.launch(world.topo.private[0]), world))["outcome"] == "compliant"


def test_a_public_instance_behind_a_group_open_beyond_the_allowed_ports_is_reported(world: World) -> None:
    report = handle(launched(world.launch(world.topo.public[0], world.topo.ssh_sg, public_ip=True), world))
    assert report["outcome"] == "blocked"
    assert "no rule was revoked" in report["reason"]


def test_a_callers_repeated_launches_get_one_report_per_window(world: World) -> None:
    first = handle(launched(world.launch(world.topo.isolated[0]), world))
    second = handle(launched(world.launch(world.topo.isolated[0]), world))
    elsewhere = handle(launched(world.launch(world.topo.isolated[1]), world))
    # Its VPC's public subnets map no public IP: the report says what to change (skipped), once per launch network.
    assert [first["outcome"], second["outcome"], elsewhere["outcome"]] == ["skipped", "ignored", "skipped"]
    assert "launched instances from the same image or launch template into the same network" in second["reason"]


def test_instances_auto_scaling_launches_are_left_to_their_group(world: World) -> None:
    report = handle(load_sample("ec2/RunInstances_autoscaling"))
    assert report["outcome"] == "ignored"
    assert "the group is checked" in report["reason"]


def test_the_sweep_reports_instances_people_launched_not_those_a_group_keeps(world: World) -> None:
    autoscaling = boto3.client("autoscaling", region_name=REGION)
    autoscaling_group(autoscaling, world.ec2, "workers", world.topo.isolated, (world.topo.web_sg,), desired=1)
    alone = world.launch(world.topo.isolated[0])
    world.launch(world.topo.private[0])
    scheduled = load_sample("events/Scheduled_sweep")
    settings = Settings(stack_name="vpc-remediator", manage_default_vpc=False)
    summary, *reports = on_sweep_event(scheduled, regions(settings), out_of_time=lambda: False).reports
    assert summary.details.counts["ec2-instance"] == {"compliant": 1, "skipped": 1}  # type: ignore[union-attr]
    assert [report.resource.rsplit("/", 1)[1] for report in reports if report.kind == "ec2-instance"] == [alone]
