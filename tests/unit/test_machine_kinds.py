"""The machines kinds' declarations: where CloudTrail puts their identifiers, and their console links."""

from __future__ import annotations

import json
from pathlib import Path

from vpc_remediator.workloads import autoscaling_group, ec2_instance, eks_nodegroup

EVENTS = Path(__file__).resolve().parents[2] / "events"


def detail(name: str) -> dict[str, object]:
    found: dict[str, object] = json.loads((EVENTS / f"{name}.json").read_text())["detail"]
    return found


def refs(kind: object, name: str) -> list[tuple[str, str | None, dict[str, str]]]:
    record = detail(name)
    (call,) = [call for call in kind.calls if call.event_name == record["eventName"]]  # type: ignore[attr-defined]
    found = call.refs(record["requestParameters"] or {}, record["responseElements"] or {})
    return [(ref.identifier, ref.cluster, dict(ref.tags)) for ref in found]


def test_an_auto_scaling_group_is_named_by_its_request_with_its_tags() -> None:
    assert refs(autoscaling_group.KIND, "autoscaling/CreateAutoScalingGroup") == [
        ("workers", None, {"team": "platform"})
    ]


def test_run_instances_names_each_launched_instance_from_its_response() -> None:
    assert refs(ec2_instance.KIND, "ec2/RunInstances") == [("i-0a1b2c3d4e5f60718", None, {"Name": "build-box"})]


def test_a_node_group_is_named_by_its_arn_and_cluster_from_the_response() -> None:
    ((identifier, cluster, _),) = refs(eks_nodegroup.KIND, "eks/CreateNodegroup")
    assert identifier.startswith("arn:aws:eks:us-east-1:123456789012:nodegroup/shop/workers/")
    assert cluster == "shop"


def test_console_links_open_each_resource() -> None:
    group = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:5fdd:autoScalingGroupName/web workers"
    assert autoscaling_group.console_url(group, "us-east-1") == (
        "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1"
        "#AutoScalingGroupDetails:id=web%20workers;view=details"
    )
    instance = "arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f60718"
    assert ec2_instance.console_url(instance, "us-east-1") == (
        "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=i-0a1b2c3d4e5f60718"
    )
    nodegroup = "arn:aws:eks:us-east-1:123456789012:nodegroup/shop/workers/0ac9"
    assert eks_nodegroup.console_url(nodegroup, "us-east-1") == (
        "https://us-east-1.console.aws.amazon.com/eks/home?region=us-east-1#/clusters/shop/nodegroups/workers"
    )
    assert autoscaling_group.console_url("not an arn", "us-east-1") is None
