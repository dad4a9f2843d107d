"""EC2 instances launched by people (RunInstances not made by Auto Scaling, EKS or AWS Batch): egress in a public
subnet only with a public IP, else private egress. An instance never changes subnet: the report gives the corrected
launch network, one per window for a caller's repeated launches."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.domain.workload import EgressRule, Profile, TemplateProperty, WorkloadRef
from vpc_remediator.workloads.autoscaling_group import INSTANCE_SERVICES
from vpc_remediator.workloads.kind import (
    CloudTrailCall,
    Lister,
    SweepListing,
    WorkloadAdapter,
    WorkloadKind,
    console_base,
    event_tags,
    mapping,
    quoted,
)

if TYPE_CHECKING:
    from vpc_remediator.aws.clients import ClientFactory
    from vpc_remediator.aws.instances import Ec2InstanceAdapter

EC2 = "ec2.amazonaws.com"

PROFILE = Profile(
    kind="ec2-instance",
    rule=EgressRule.PUBLIC_ON_LAUNCH,
    noun="instance",
    template=TemplateProperty("AWS::EC2::Instance", "Properties", subnets_key="SubnetId"),
    public_ip_setting=False,
    always_reaches=INSTANCE_SERVICES,
    no_egress_effect="it has no public IP and no egress (no updates, no AWS APIs without endpoints)",
)

# Instances a service launches for what it keeps (CloudTrail's userIdentity.invokedBy): checked through that.
DELEGATED = {
    "autoscaling.amazonaws.com": "launched by an Auto Scaling group: the group is checked",
    "eks.amazonaws.com": "launched by EKS: its node group is checked",
    "batch.amazonaws.com": "launched by AWS Batch: its compute environment is checked",
}


def _items(value: Any) -> list[Mapping[str, Any]]:
    """CloudTrail's EC2 lists: {"items": [...]}."""
    items = mapping(value).get("items")
    return [item for item in items if isinstance(item, Mapping)] if isinstance(items, list) else []


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    # The launched instances are in responseElements.instancesSet.items; tags asked for at launch in the request.
    tags: dict[str, str] = {}
    for spec in _items(request.get("tagSpecificationSet")):
        # A plain list of {key, value} in RunInstances' records; {"items": [...]} like EC2's other lists, tolerated.
        listed = spec.get("tags")
        tags.update(event_tags(listed if isinstance(listed, list) else _items(listed)))
    return [
        WorkloadRef(PROFILE.kind, item["instanceId"], tags=tags)
        for item in _items(response.get("instancesSet"))
        if isinstance(item.get("instanceId"), str) and item["instanceId"]
    ]


def _report_group(request: Mapping[str, Any], response: Mapping[str, Any]) -> str | None:
    """Launches from one image or launch template into one network are the same decision."""
    launch = mapping(request.get("launchTemplate"))
    images = [item.get("imageId") for item in _items(request.get("instancesSet"))]
    source = launch.get("launchTemplateId") or launch.get("launchTemplateName") or next(filter(None, images), None)
    if not isinstance(source, str) or not source:
        return None
    network = {key: request.get(key) for key in ("subnetId", "networkInterfaceSet", "groupSet", "securityGroupSet")}
    return f"{source}/{hashlib.sha256(json.dumps(network, sort_keys=True).encode()).hexdigest()[:16]}"


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.instances import Ec2InstanceAdapter  # noqa: PLC0415  (only when used)

    return Ec2InstanceAdapter(clients.ec2(), PROFILE)


def _lister(clients: ClientFactory, adapter: Ec2InstanceAdapter) -> Lister:
    from vpc_remediator.aws.instances import Ec2InstanceLister  # noqa: PLC0415

    return Ec2InstanceLister(clients.ec2(), adapter).page


def console_url(arn: str, region: str) -> str | None:
    """The instance's page in the EC2 console (…:instance/<id>)."""
    found = console_base(arn, region)
    if found is None:
        return None
    base, where, resource = found
    if not resource.startswith("instance/"):
        return f"{base}/ec2/home?region={quoted(where)}#Instances:"
    return f"{base}/ec2/home?region={quoted(where)}#InstanceDetails:instanceId={quoted(resource.split('/', 1)[1])}"


KIND = WorkloadKind(
    profile=PROFILE,
    calls=(
        CloudTrailCall(
            EC2,
            "RunInstances",
            _refs,
            report_group=_report_group,
            repeated_as="launched instances from the same image or launch template into the same network",
            delegated=DELEGATED,
        ),
    ),
    adapter=_adapter,
    console_url=console_url,
    # Read only: nothing about an instance is ever changed.
    iam_actions=frozenset({"ec2:DescribeInstances"}),
    sweep=SweepListing("ec2-instances", _lister, frozenset({"ec2:DescribeInstances"})),
)
