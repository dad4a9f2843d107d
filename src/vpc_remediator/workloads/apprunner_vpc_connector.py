"""App Runner VPC connectors: a service's outbound traffic leaves through the connector's network interfaces, which
never get a public IP, so a connector belongs in private subnets with egress. A connector cannot be changed: one in
subnets without egress is reported with its replacement's subnets."""

from __future__ import annotations

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
    mapping,
    one_ref,
    quoted,
)

if TYPE_CHECKING:
    from vpc_remediator.aws.apprunner import AppRunnerVpcConnectorAdapter
    from vpc_remediator.aws.clients import ClientFactory

APPRUNNER = "apprunner.amazonaws.com"

PROFILE = Profile(
    kind="apprunner-vpc-connector",
    rule=EgressRule.PRIVATE_ONLY,
    noun="VPC connector",
    template=TemplateProperty(
        "AWS::AppRunner::VpcConnector", "Properties", subnets_key="Subnets", security_groups_key="SecurityGroups"
    ),
    # App Runner pulls images and writes logs on its own network: only what the service's code calls goes this way.
    no_public_ip="an App Runner VPC connector's network interfaces never get a public IP",
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    connector = mapping(response.get("VpcConnector"))
    # App Runner spells its tags [{"Key": k, "Value": v}].
    listed = request.get("Tags")
    tags = [
        {"key": item.get("Key"), "value": item.get("Value", "")}
        for item in (listed if isinstance(listed, list) else [])
        if isinstance(item, Mapping)
    ]
    # Only the ARN names a connector in App Runner's describe call: without it the sweep finds the connector.
    return one_ref(PROFILE.kind, connector.get("VpcConnectorArn"), {"tags": tags})


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.apprunner import AppRunnerVpcConnectorAdapter  # noqa: PLC0415  (only when used)

    return AppRunnerVpcConnectorAdapter(clients.apprunner(), PROFILE)


def _lister(clients: ClientFactory, adapter: AppRunnerVpcConnectorAdapter) -> Lister:
    from vpc_remediator.aws.apprunner import VpcConnectorLister  # noqa: PLC0415

    if not clients.offers("apprunner"):
        # App Runner runs in a few regions only: elsewhere no connector can exist, and its endpoint does not answer.
        return lambda _token: ([], None)
    return VpcConnectorLister(clients.apprunner(), adapter, PROFILE).page


def console_url(arn: str, region: str) -> str | None:
    """The App Runner console's VPC connectors (networking) page."""
    found = console_base(arn, region)
    if found is None:
        return None
    base, where, resource = found
    if resource.startswith("vpcconnector/"):
        return f"{base}/apprunner/home?region={quoted(where)}#/networking"
    return None


KIND = WorkloadKind(
    profile=PROFILE,
    calls=(CloudTrailCall(APPRUNNER, "CreateVpcConnector", _refs),),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=frozenset({"apprunner:DescribeVpcConnector", "apprunner:ListTagsForResource"}),
    sweep=SweepListing(
        "apprunner-vpc-connectors",
        _lister,
        frozenset({"apprunner:ListVpcConnectors", "apprunner:ListTagsForResource"}),
    ),
)
