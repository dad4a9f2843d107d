"""EKS adapter for Fargate profiles as Workload values. A profile cannot change: the report gives its replacement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.eks import cluster_names
from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_eks import EKSClient

# EKS names: letters, digits, hyphens and underscores, at most 100 characters.
MAX_NAME = 100
REPLACEMENT_SUFFIX = "-private"
IMMUTABLE = (
    "a Fargate profile cannot be changed (and EKS accepts only subnets without a route to an internet gateway for "
    "one): create the replacement profile with the corrected subnets, then delete this one once its pods run on "
    "the new one"
)


def cluster_and_name(identifier: str, cluster: str | None) -> tuple[str, str]:
    """(cluster, profile name) from a profile ARN (…:fargateprofile/<cluster>/<name>/<id>), or a name and cluster."""
    resource = identifier.split(":", 5)[5] if identifier.startswith("arn:") and identifier.count(":") >= 5 else ""
    parts = resource.split("/")
    if len(parts) >= 3 and parts[0] == "fargateprofile":
        return parts[1], parts[2]
    if not cluster:
        raise ResourceNotFoundError(f"EKS Fargate profile {identifier}: its cluster is unknown")
    return cluster, identifier


def fargate_profile_workload(
    profile: Profile, described: Mapping[str, Any], extra_tags: Mapping[str, str] | None = None
) -> Workload:
    """A Fargate profile as DescribeFargateProfile returns it, as a Workload."""
    raw: dict[str, Any] = dict(described)
    return Workload(
        profile=profile,
        arn=raw["fargateProfileArn"],
        name=raw.get("fargateProfileName", ""),
        subnet_ids=tuple(raw.get("subnets") or ()),
        # Fargate pods take the cluster's security group: the profile names none.
        tags={**(raw.get("tags") or {}), **(extra_tags or {})},
        raw=raw,
        can_change_in_place=False,
        not_in_place_reason=IMMUTABLE,
    )


class EksFargateProfileAdapter:
    """Describes Fargate profiles and never changes one (EKS cannot): the plan is its replacement."""

    def __init__(self, client: EKSClient, profile: Profile) -> None:
        self._eks = client
        self._profile = profile

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the profile the ref names."""
        cluster, name = cluster_and_name(ref.identifier, ref.cluster)
        return self.described(cluster, name, ref.tags)

    def described(self, cluster: str, name: str, extra_tags: Mapping[str, str] | None = None) -> Workload:
        """DescribeFargateProfile's profile as a Workload (ResourceNotFoundException: ResourceNotFoundError)."""
        with translated("eks:DescribeFargateProfile"):
            found = self._eks.describe_fargate_profile(clusterName=cluster, fargateProfileName=name)["fargateProfile"]
        return fargate_profile_workload(self._profile, dict(found), extra_tags)

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again."""
        return self.load(WorkloadRef(workload.kind, arn))

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The CreateFargateProfile call of the replacement: same cluster, role, selectors and tags, other subnets."""
        raw = workload.raw
        name = f"{workload.name[: MAX_NAME - len(REPLACEMENT_SUFFIX)]}{REPLACEMENT_SUFFIX}"
        params: dict[str, Any] = {
            "clusterName": str(raw.get("clusterName", "")),
            "fargateProfileName": name,
            "podExecutionRoleArn": str(raw.get("podExecutionRoleArn", "")),
            "subnets": list(plan.subnet_ids),
            "selectors": list(raw.get("selectors") or []),
        }
        if raw.get("tags"):
            params["tags"] = dict(raw["tags"])
        return Action("eks:CreateFargateProfile", params)

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Never: the use case reports a profile that cannot change in place before it would ask."""
        raise ValueError(f"{workload.kind} cannot be changed in place")


class FargateProfileLister:
    """Every Fargate profile of every cluster: a page is one cluster's profiles (EKS allows ten per cluster)."""

    def __init__(self, client: EKSClient, adapter: EksFargateProfileAdapter) -> None:
        self._eks = client
        self._adapter = adapter
        self._clusters: list[str] | None = None

    def _all_clusters(self) -> list[str]:
        if self._clusters is None:
            self._clusters = cluster_names(self._eks)
        return self._clusters

    def page(self, token: str | None) -> tuple[list[Workload], str | None]:
        """The profiles of the cluster the token names (the first when None); the next token is the next cluster."""
        clusters = [name for name in self._all_clusters() if token is None or name >= token]
        if not clusters:
            return [], None
        cluster = clusters[0]
        with translated("eks:ListFargateProfiles"):
            pages = self._eks.get_paginator("list_fargate_profiles").paginate(clusterName=cluster)
            names = [name for page in pages for name in page["fargateProfileNames"]]
        workloads = [self._adapter.described(cluster, name) for name in names]
        return workloads, clusters[1] if len(clusters) > 1 else None
