"""A workload the placement rules cover, as one value whatever service it comes from.

Which kinds exist is not known here: each is declared once in `vpc_remediator.workloads` with its `Profile`, the
pure facts the rules need (its egress rule family, whether it has a public IP setting, its template property).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vpc_remediator.domain.errors import InvalidEventError


class EgressRule(StrEnum):
    """The placement rule family of a kind: how its workloads reach the internet without a NAT gateway."""

    # Containers and batch jobs can own a public IP: public subnets with a public IP (or private ones with a NAT).
    PUBLIC_IP = "public-ip"
    # Network interfaces that never get a public IP (Lambda): private subnets with a NAT, never public ones.
    PRIVATE_ONLY = "private-only"
    # No subnets of its own, only the public IP setting its runs get (a Fargate job definition).
    PUBLIC_IP_SETTING = "public-ip-setting"
    # EC2 instances (a Batch EC2 or Spot compute environment): a public subnet gives egress only when it maps a public
    # IPv4 address on launch (or the launch template associates one); otherwise private subnets with egress.
    PUBLIC_ON_LAUNCH = "public-on-launch"
    # Not placed by the remediator: the platform's network is not a VPC subnet of ours (ECS Anywhere).
    NOT_OURS = "not-ours"


@dataclass(frozen=True)
class TemplateProperty:
    """Where a kind's network lives in a CloudFormation template, and the keys its value uses."""

    resource_type: str
    path: str
    subnets_key: str | None = None
    security_groups_key: str | None = None
    public_ip_key: str | None = None
    # Where the subnet's availability zone goes (a Glue connection's AvailabilityZone).
    zone_key: str | None = None


@dataclass(frozen=True)
class Profile:
    """The pure facts about one kind of workload that the placement rules and the NAT advisor read."""

    kind: str
    rule: EgressRule
    noun: str
    template: TemplateProperty
    # False where AWS has no per-workload public IP setting (a Batch compute environment's Fargate jobs take it
    # from their job definition).
    public_ip_setting: bool = True
    # AWS services every workload of this kind reaches, whatever its code does (a container's image pull and logs).
    always_reaches: tuple[str, ...] = ()
    # Its ARN carries a revision (name:3) and every revision is the same resource for the flapping rule.
    revisioned: bool = False
    # Egress by platform, not by kind: (platform, rule family) pairs that replace `rule` for that platform (an ECS
    # task on EC2 capacity never gets a public IP; a Batch EC2 instance needs a subnet that maps one).
    platform_rules: tuple[tuple[str, EgressRule], ...] = ()
    # Why its workloads never own a public IP, where the private-only rule applies to them.
    no_public_ip: str = "its network interface never gets a public IP"
    # What instances without a public IP in a public subnet lead to, where the public-on-launch rule applies.
    no_egress_effect: str = "its instances get no public IP and no egress"
    # It takes exactly one subnet (a notebook instance, a Glue connection): a move picks one, in its zone if possible.
    single_subnet: bool = False
    # How a workload of a private-only kind leaves its VPC ("{name}": its name), or None where it cannot (NAT advice).
    leave_vpc: str | None = None
    # The setting that lets a private-only kind's workloads use IPv6 egress ("{name}": its name); None: none known.
    ipv6_setting: str | None = None

    def rule_for(self, platform: str | None) -> EgressRule:
        """The rule family for workloads of this kind that run on `platform`."""
        return dict(self.platform_rules).get(platform or "", self.rule)


@dataclass(frozen=True)
class Workload:
    """What the rules need to know about one workload, read by its service's adapter.

    `raw` keeps the resource as AWS described it, so that a write can send back every field it does not change.
    """

    profile: Profile
    arn: str
    name: str
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    assign_public_ip: bool | None = None
    network_mode: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    can_change_in_place: bool = True
    raw: Mapping[str, Any] = field(default_factory=dict)
    # FARGATE, FARGATE_SPOT, EC2, SPOT (ECS launch type, Batch compute type); None when it does not apply.
    platform: str | None = None
    # Why the network cannot be changed in place (a running task, a BEST_FIT compute environment).
    not_in_place_reason: str | None = None
    # Why the security groups that apply are not the ones named here (a launch template's), so none can be checked.
    groups_elsewhere: str | None = None
    # Where the platform was read from: launchType, capacityProviderStrategy, the cluster's default strategy.
    platform_source: str | None = None
    # An EC2 launch template associates a public IPv4 address with the instances (None: no template, or unknown).
    launch_template_public_ip: bool | None = None
    # Outbound IPv6 allowed in dual-stack subnets (a Lambda function's VpcConfig.Ipv6AllowedForDualStack).
    ipv6_outbound: bool = False
    # Zones a change must keep: leaving one makes the service rebalance, terminating what runs there (an Auto Scaling
    # group's instances).
    keep_zones: tuple[str, ...] = ()
    # Why it needs no egress from its subnets (a SageMaker notebook with DirectInternetAccess, a job in network
    # isolation): compliant whatever they are.
    egress_not_needed: str | None = None

    @property
    def rule(self) -> EgressRule:
        """The rule family that applies: the kind's, or the one its platform calls for."""
        return self.profile.rule_for(self.platform)

    @property
    def kind(self) -> str:
        """The report `kind`: ecs-service, lambda-function, ..."""
        return self.profile.kind

    @property
    def history_key(self) -> str:
        """Whose history a decision joins: every revision of a revisioned resource counts as the same one."""
        return self.arn.rsplit(":", 1)[0] if self.profile.revisioned else self.arn


@dataclass(frozen=True)
class WorkloadRef:
    """Where to find one workload, as an event names it: the adapter describes it from here.

    `identifier` is the ARN when the event gives it, else a name; `tags` and `network` are what the event itself
    says (the request's tags, the awsvpcConfiguration a task was started with).
    """

    kind: str
    identifier: str
    cluster: str | None = None
    service: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    network: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        # An event names these, and they go into AWS calls as they are: anything but text is a malformed (or forged)
        # record, reported as such, never a call AWS refuses again at every retry.
        names = {"identifier": self.identifier, "cluster": self.cluster, "service": self.service}
        wrong = [name for name, value in names.items() if value is not None and not isinstance(value, str)]
        if wrong or not self.identifier:
            raise InvalidEventError(f"the {self.kind}'s {', '.join(wrong) or 'identifier'} in the event is not text")
        if self.network is not None:
            _check_network(self.network)


def _check_network(network: Any) -> None:
    """An awsvpcConfiguration an event carries: subnets and security groups are lists of text."""
    if not isinstance(network, Mapping):
        raise InvalidEventError("the event's awsvpcConfiguration is not an object")
    for key in ("subnets", "securityGroups"):
        items = network.get(key) or []
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise InvalidEventError(f"the event's awsvpcConfiguration.{key} is not a list of text")
    if not isinstance(network.get("assignPublicIp") or "", str):
        raise InvalidEventError("the event's awsvpcConfiguration.assignPublicIp is not text")
