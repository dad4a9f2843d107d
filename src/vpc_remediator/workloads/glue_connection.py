"""Glue connections (NETWORK, JDBC) with a subnet: Glue jobs that use one run network interfaces there, which never
get a public IP (the Lambda rule). UpdateConnection moves it to a subnet with egress, in its zone where possible."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.domain.workload import EgressRule, Profile, TemplateProperty, WorkloadRef
from vpc_remediator.workloads.kind import (
    CloudTrailCall,
    Lister,
    SweepListing,
    WorkloadAdapter,
    WorkloadKind,
    console_base,
    event_tags,
    mapping,
    one_ref,
    quoted,
)

if TYPE_CHECKING:
    from vpc_remediator.aws.clients import ClientFactory
    from vpc_remediator.aws.glue import GlueConnectionAdapter

GLUE = "glue.amazonaws.com"

PROFILE = Profile(
    kind="glue-connection",
    rule=EgressRule.PRIVATE_ONLY,
    noun="connection",
    template=TemplateProperty(
        "AWS::Glue::Connection",
        "ConnectionInput.PhysicalConnectionRequirements",
        subnets_key="SubnetId",
        security_groups_key="SecurityGroupIdList",
        zone_key="AvailabilityZone",
    ),
    no_public_ip="the network interfaces Glue jobs get in a connection's subnet never get a public IP",
    single_subnet=True,
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    # CloudTrail records Glue's parameters in lower camel case (connectionInput.name); both spellings are read. An
    # UpdateConnection may rename it: its connectionInput names it as it is now.
    given = mapping(request.get("connectionInput") or request.get("ConnectionInput"))
    name = given.get("name") or given.get("Name") or request.get("name") or request.get("Name")
    tags = event_tags(request.get("tags") or request.get("Tags"))
    return one_ref(PROFILE.kind, name, {"tags": tags})


def _places(request: Mapping[str, Any]) -> bool:
    given = mapping(request.get("connectionInput") or request.get("ConnectionInput"))
    physical = mapping(given.get("physicalConnectionRequirements") or given.get("PhysicalConnectionRequirements"))
    return bool(physical.get("subnetId") or physical.get("SubnetId"))


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.glue import GlueConnectionAdapter  # noqa: PLC0415  (only when used)
    from vpc_remediator.aws.identity import caller_identity  # noqa: PLC0415

    # Glue returns no ARN for a connection: its tags are read by one made with the account, asked of STS once.
    account = functools.cache(lambda: caller_identity(clients.sts())[0])
    return GlueConnectionAdapter(clients.glue(), PROFILE, account)


def _lister(clients: ClientFactory, adapter: GlueConnectionAdapter) -> Lister:
    from vpc_remediator.aws.glue import GlueConnectionLister  # noqa: PLC0415

    return GlueConnectionLister(clients.glue(), adapter).page


def console_url(arn: str, region: str) -> str | None:
    """The connection's page in the Glue console."""
    found = console_base(arn, region)
    if found is None or not found[2].startswith("connection/"):
        return None
    base, where, resource = found
    return (
        f"{base}/glue/home?region={quoted(where)}#/v2/data-catalog/connections/view/{quoted(resource.split('/', 1)[1])}"
    )


_NO_SUBNET = "it names no subnet (PhysicalConnectionRequirements): Glue reaches its target from its own network"

KIND = WorkloadKind(
    profile=PROFILE,
    calls=(
        CloudTrailCall(GLUE, "CreateConnection", _refs, places_when=_places, not_placing_reason=_NO_SUBNET),
        CloudTrailCall(GLUE, "UpdateConnection", _refs, places_when=_places, not_placing_reason=_NO_SUBNET),
    ),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=frozenset({"glue:GetConnection", "glue:GetTags", "glue:UpdateConnection"}),
    sweep=SweepListing("glue-connections", _lister, frozenset({"glue:GetConnections", "glue:GetTags"})),
)
