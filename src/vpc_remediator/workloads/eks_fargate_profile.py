"""EKS Fargate profiles: a Fargate pod never gets a public IP, so its profile belongs in private subnets with egress.
EKS refuses subnets with a route to an internet gateway when the profile is created, and a profile cannot be changed:
one whose subnets have no egress (isolated, or made public later) is reported with its replacement's subnets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.domain.nat import CONTAINER_SERVICES
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
    from vpc_remediator.aws.clients import ClientFactory
    from vpc_remediator.aws.eks_fargate import EksFargateProfileAdapter

EKS = "eks.amazonaws.com"

PROFILE = Profile(
    kind="eks-fargate-profile",
    rule=EgressRule.PRIVATE_ONLY,
    noun="Fargate profile",
    # Subnets is a top-level property; changing it makes CloudFormation replace the profile, as it must be.
    template=TemplateProperty("AWS::EKS::FargateProfile", "Properties", subnets_key="Subnets"),
    # Its pods pull their images (ECR, and S3 for the layers) and may log through Fargate's log router.
    always_reaches=CONTAINER_SERVICES,
    no_public_ip="a pod on Fargate never gets a public IP",
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    created = mapping(response.get("fargateProfile"))
    # The cluster is a path parameter: clusterName in the API, "name" in its URI.
    cluster = created.get("clusterName") or request.get("clusterName") or request.get("name")
    identifier = created.get("fargateProfileArn") or request.get("fargateProfileName")
    return one_ref(PROFILE.kind, identifier, request, cluster=cluster if isinstance(cluster, str) else None)


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.eks_fargate import EksFargateProfileAdapter  # noqa: PLC0415  (only when used)

    return EksFargateProfileAdapter(clients.eks(), PROFILE)


def _lister(clients: ClientFactory, adapter: EksFargateProfileAdapter) -> Lister:
    from vpc_remediator.aws.eks_fargate import FargateProfileLister  # noqa: PLC0415

    return FargateProfileLister(clients.eks(), adapter).page


def console_url(arn: str, region: str) -> str | None:
    """The profile's page in the EKS console (…:fargateprofile/<cluster>/<name>/<id>)."""
    found = console_base(arn, region)
    if found is None:
        return None
    base, where, resource = found
    parts = resource.split("/")
    if len(parts) >= 3 and parts[0] == "fargateprofile":
        cluster, name = quoted(parts[1]), quoted(parts[2])
        return f"{base}/eks/home?region={quoted(where)}#/clusters/{cluster}/fargate-profiles/{name}"
    return None


KIND = WorkloadKind(
    profile=PROFILE,
    calls=(CloudTrailCall(EKS, "CreateFargateProfile", _refs),),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=frozenset({"eks:DescribeFargateProfile"}),
    sweep=SweepListing(
        "eks-fargate-profiles",
        _lister,
        frozenset({"eks:ListClusters", "eks:ListFargateProfiles", "eks:DescribeFargateProfile"}),
    ),
)
