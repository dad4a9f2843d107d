"""Fargate job definitions: their jobs need assignPublicIp ENABLED; a new revision fixes them, everything else kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.domain.nat import CONTAINER_SERVICES
from vpc_remediator.domain.workload import EgressRule, Profile, TemplateProperty, WorkloadRef
from vpc_remediator.workloads.batch_compute_environment import BATCH, batch_console_url
from vpc_remediator.workloads.kind import (
    CloudTrailCall,
    Lister,
    SweepListing,
    WorkloadAdapter,
    WorkloadKind,
    one_ref,
)

if TYPE_CHECKING:
    from vpc_remediator.aws.batch import BatchJobDefinitionAdapter
    from vpc_remediator.aws.clients import ClientFactory

PROFILE = Profile(
    kind="batch-job-definition",
    rule=EgressRule.PUBLIC_IP_SETTING,
    noun="job definition",
    template=TemplateProperty(
        "AWS::Batch::JobDefinition", "ContainerProperties.NetworkConfiguration", public_ip_key="AssignPublicIp"
    ),
    always_reaches=CONTAINER_SERVICES,
    revisioned=True,
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    return one_ref(PROFILE.kind, response.get("jobDefinitionArn"), request)


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.batch import BatchJobDefinitionAdapter  # noqa: PLC0415  (only when used)

    return BatchJobDefinitionAdapter(clients.batch(), PROFILE, writer=clients.batch_single_attempt())


def _lister(clients: ClientFactory, adapter: BatchJobDefinitionAdapter) -> Lister:
    from vpc_remediator.aws.inventory import JobDefinitionLister  # noqa: PLC0415

    return JobDefinitionLister(clients.batch(), adapter).page


def console_url(arn: str, region: str) -> str | None:
    """The job definition's page in the Batch console."""
    return batch_console_url(arn, region, "job-definition", "job-definition")


KIND = WorkloadKind(
    profile=PROFILE,
    calls=(CloudTrailCall(BATCH, "RegisterJobDefinition", _refs),),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=frozenset(
        {
            "batch:DescribeJobDefinitions",
            # A job definition's public IP is checked against the groups of the Fargate compute environments.
            "batch:DescribeComputeEnvironments",
            "batch:RegisterJobDefinition",
            "batch:TagResource",
            "iam:PassRole",
        }
    ),
    sweep=SweepListing("batch-job-definitions", _lister, frozenset({"batch:DescribeJobDefinitions"})),
)
