"""EKS managed node groups: EC2 instances, so a public subnet gives their nodes egress (to join the cluster, pull
images) only where they get a public IP on launch; otherwise private subnets with egress. Their subnets cannot change:
the report gives the replacement's configuration."""

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
    from vpc_remediator.aws.eks import EksNodegroupAdapter

EKS = "eks.amazonaws.com"

PROFILE = Profile(
    kind="eks-nodegroup",
    rule=EgressRule.PUBLIC_ON_LAUNCH,
    noun="node group",
    template=TemplateProperty("AWS::EKS::Nodegroup", "Properties", subnets_key="Subnets"),
    public_ip_setting=False,
    # A node pulls images and reaches the cluster's API, EC2 and STS to join it.
    always_reaches=(*CONTAINER_SERVICES, "eks", "ec2", "sts"),
    no_egress_effect="its nodes get no public IP and no egress: they cannot join the cluster or pull images",
)


def _refs(request: Mapping[str, Any], response: Mapping[str, Any]) -> list[WorkloadRef]:
    # The response describes the node group; the request names the cluster by its path parameter.
    described = mapping(response.get("nodegroup"))
    identifier = described.get("nodegroupArn") or request.get("nodegroupName")
    cluster = described.get("clusterName") or request.get("clusterName") or request.get("name")
    return one_ref(PROFILE.kind, identifier, request, cluster=cluster if isinstance(cluster, str) else None)


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.eks import EksNodegroupAdapter  # noqa: PLC0415  (only when used)

    return EksNodegroupAdapter(clients.eks(), clients.ec2(), PROFILE)


def _lister(clients: ClientFactory, adapter: EksNodegroupAdapter) -> Lister:
    from vpc_remediator.aws.eks import EksNodegroupLister  # noqa: PLC0415

    return EksNodegroupLister(clients.eks(), adapter).page


def console_url(arn: str, region: str) -> str | None:
    """The node group's page in the EKS console (…:nodegroup/<cluster>/<name>/<id>)."""
    found = console_base(arn, region)
    if found is None:
        return None
    base, where, resource = found
    parts = resource.split("/")
    if parts[0] != "nodegroup" or len(parts) < 3:
        return f"{base}/eks/home?region={quoted(where)}#/clusters"
    cluster, name = quoted(parts[1]), quoted(parts[2])
    return f"{base}/eks/home?region={quoted(where)}#/clusters/{cluster}/nodegroups/{name}"


# Reading a node group reads its launch template's version, or its cluster's security group.
READS = frozenset({"eks:DescribeNodegroup", "eks:DescribeCluster", "ec2:DescribeLaunchTemplateVersions"})

KIND = WorkloadKind(
    profile=PROFILE,
    calls=(CloudTrailCall(EKS, "CreateNodegroup", _refs),),
    adapter=_adapter,
    console_url=console_url,
    # Read only: a node group is never changed.
    iam_actions=READS,
    sweep=SweepListing("eks-nodegroups", _lister, READS | {"eks:ListClusters", "eks:ListNodegroups"}),
)
