"""SageMaker notebook instances in a VPC: with DirectInternetAccess Disabled their only way out is the subnet's, whose
network interface never gets a public IP (the Lambda rule). A notebook's subnet is fixed at creation: the report
gives the replacement's CreateNotebookInstance network parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.domain.workload import EgressRule, Profile, TemplateProperty, WorkloadRef
from vpc_remediator.workloads.kind import (
    CloudTrailCall,
    Lister,
    Refs,
    SweepListing,
    WorkloadAdapter,
    WorkloadKind,
    console_base,
    one_ref,
    quoted,
)

if TYPE_CHECKING:
    from vpc_remediator.aws.clients import ClientFactory
    from vpc_remediator.aws.sagemaker import SageMakerNotebookAdapter

SAGEMAKER = "sagemaker.amazonaws.com"

PROFILE = Profile(
    kind="sagemaker-notebook",
    rule=EgressRule.PRIVATE_ONLY,
    noun="notebook instance",
    template=TemplateProperty(
        "AWS::SageMaker::NotebookInstance", "Properties", subnets_key="SubnetId", security_groups_key="SecurityGroupIds"
    ),
    no_public_ip="the network interface SageMaker puts in the subnet never gets a public IP",
    single_subnet=True,
    leave_vpc=(
        "create {name}'s replacement without SubnetId (DirectInternetAccess Enabled): SageMaker's own network gives "
        "it the internet"
    ),
)


def sagemaker_refs(kind: str, name_key: str, arn_key: str, prefix: str = "") -> Refs:
    """A SageMaker create call's workload: by the name in the request (its ARN lowercases it), else the ARN.

    CloudTrail records SageMaker's parameters in lower camel case (notebookInstanceName); both spellings are read.
    """

    def refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
        name = request.get(name_key) or request.get(name_key[0].upper() + name_key[1:])
        listed = request.get("tags") or request.get("Tags")
        # A hostile or broken record may hold anything here (a number, an object): only a list of pairs is tags.
        tags = {
            str(item.get("key", item.get("Key"))): str(item.get("value", item.get("Value", "")))
            for item in (listed if isinstance(listed, list) else [])
            if isinstance(item, Mapping)
        }
        if isinstance(name, str) and name:
            return one_ref(kind, f"{prefix}{name}", {"tags": tags})
        return one_ref(kind, response.get(arn_key) or response.get(arn_key[0].upper() + arn_key[1:]), {"tags": tags})

    return refs


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.sagemaker import SageMakerNotebookAdapter  # noqa: PLC0415  (only when used)

    return SageMakerNotebookAdapter(clients.sagemaker(), PROFILE)


def _lister(clients: ClientFactory, adapter: SageMakerNotebookAdapter) -> Lister:
    from vpc_remediator.aws.sagemaker import NotebookInstanceLister  # noqa: PLC0415

    return NotebookInstanceLister(clients.sagemaker(), adapter).page


def sagemaker_console_url(arn: str, region: str, page: str) -> str | None:
    """A SageMaker console page (notebook-instances, jobs, processing-jobs) of the resource an ARN names."""
    found = console_base(arn, region)
    if found is None:
        return None
    base, where, resource = found
    return f"{base}/sagemaker/home?region={quoted(where)}#/{page}/{quoted(resource.split('/', 1)[-1])}"


KIND = WorkloadKind(
    profile=PROFILE,
    calls=(
        CloudTrailCall(
            SAGEMAKER,
            "CreateNotebookInstance",
            sagemaker_refs(PROFILE.kind, "notebookInstanceName", "notebookInstanceArn"),
        ),
    ),
    adapter=_adapter,
    console_url=lambda arn, region: sagemaker_console_url(arn, region, "notebook-instances"),
    iam_actions=frozenset({"sagemaker:DescribeNotebookInstance", "sagemaker:ListTags"}),
    sweep=SweepListing(
        "sagemaker-notebooks",
        _lister,
        frozenset({"sagemaker:ListNotebookInstances", "sagemaker:DescribeNotebookInstance", "sagemaker:ListTags"}),
    ),
)
