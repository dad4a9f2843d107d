"""EC2 instance adapter: an instance's subnet, groups and public IP as a Workload value. An instance never changes
subnet, so nothing is ever written: the plan is the corrected launch network for the next ones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.partition import partition_of
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

# Tags that services put on the instances they launch and keep (AWS documents each): those are checked through the
# service (a group, a node group, a compute environment), never one by one.
MANAGED_TAGS = (
    "aws:autoscaling:groupName",
    "eks:nodegroup-name",
    "aws:ec2spot:fleet-request-id",
    "aws:ec2:fleet-id",
)
NOT_IN_PLACE = "an instance never changes subnet (it is neither stopped nor moved): launch the next ones with"
LIVE_STATES = ["pending", "running", "stopping", "stopped"]
DESCRIBE_PAGE = 100


def managed(instance: Mapping[str, Any]) -> bool:
    """Launched and kept by another service (its tags say which)."""
    return any(tag.get("Key") in MANAGED_TAGS for tag in instance.get("Tags", []))


class Ec2InstanceAdapter:
    """Describes instances; the plan is the RunInstances network that would have given the instance egress."""

    def __init__(self, ec2: EC2Client, profile: Profile) -> None:
        self._ec2 = ec2
        self._profile = profile

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the instance the ref names (an instance id, or its ARN)."""
        instance_id = ref.identifier.rsplit("/", 1)[-1]
        with translated("ec2:DescribeInstances"):
            reservations = self._ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        found = [(reservation, item) for reservation in reservations for item in reservation.get("Instances", [])]
        if not found:
            raise ResourceNotFoundError(f"EC2 instance {instance_id} not found")
        reservation, instance = found[0]
        return self.instance_workload(instance, str(reservation.get("OwnerId", "")), ref.tags)

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again."""
        return self.load(WorkloadRef(workload.kind, arn))

    def instance_workload(
        self, instance: Mapping[str, Any], account: str, extra_tags: Mapping[str, str] | None = None
    ) -> Workload:
        """An instance as DescribeInstances returns it, as a Workload: its primary interface's subnet and groups."""
        raw: dict[str, Any] = dict(instance)
        interfaces = raw.get("NetworkInterfaces") or []
        primary: Mapping[str, Any] = next(
            (item for item in interfaces if item.get("Attachment", {}).get("DeviceIndex") == 0), {}
        )
        subnet = primary.get("SubnetId") or raw.get("SubnetId")
        groups = primary.get("Groups") or raw.get("SecurityGroups") or []
        tags = {str(tag.get("Key")): str(tag.get("Value", "")) for tag in raw.get("Tags", [])}
        region = str(self._ec2.meta.region_name)
        instance_id = raw["InstanceId"]
        public_ip = raw.get("PublicIpAddress") or primary.get("Association", {}).get("PublicIp")
        return Workload(
            profile=self._profile,
            arn=f"arn:{partition_of(None, region)}:ec2:{region}:{account}:instance/{instance_id}",
            name=tags.get("Name") or instance_id,
            subnet_ids=(subnet,) if subnet else (),
            security_group_ids=tuple(group["GroupId"] for group in groups if group.get("GroupId")),
            tags={**tags, **(extra_tags or {})},
            raw=raw,
            # A public IP it has (mapped, associated, an Elastic IP) gives it egress in any public subnet; without
            # one, the subnet's MapPublicIpOnLaunch says what the same launch gets.
            launch_template_public_ip=True if public_ip else None,
            can_change_in_place=False,
            not_in_place_reason=NOT_IN_PLACE,
        )

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The RunInstances network that gives the next instances egress: a subnet that maps public IPs, and the public
        IP asked for on the primary interface (the rule moves instances only into such subnets)."""
        interface = {
            "DeviceIndex": 0,
            "SubnetId": plan.subnet_ids[0],
            "Groups": list(plan.security_group_ids),
            "AssociatePublicIpAddress": True,
        }
        return Action("ec2:RunInstances", {"NetworkInterfaces": [interface]})

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Never called: an instance cannot be changed in place (can_change_in_place is False)."""
        raise NotImplementedError("an EC2 instance's subnet is never changed")


class Ec2InstanceLister:
    """Instances that no service keeps (no Auto Scaling group, node group or fleet tag), in a VPC, 100 a page."""

    def __init__(self, ec2: EC2Client, adapter: Ec2InstanceAdapter) -> None:
        self._ec2 = ec2
        self._adapter = adapter

    def page(self, token: str | None) -> tuple[list[Workload], str | None]:
        """One page of DescribeInstances."""
        kwargs: dict[str, Any] = {
            "MaxResults": DESCRIBE_PAGE,
            "Filters": [{"Name": "instance-state-name", "Values": LIVE_STATES}],
        }
        if token:
            kwargs["NextToken"] = token
        with translated("ec2:DescribeInstances"):
            described = self._ec2.describe_instances(**kwargs)
        workloads = [
            self._adapter.instance_workload(instance, str(reservation.get("OwnerId", "")))
            for reservation in described.get("Reservations", [])
            for instance in reservation.get("Instances", [])
            if instance.get("SubnetId") and not managed(instance)
        ]
        return workloads, described.get("NextToken") or None
