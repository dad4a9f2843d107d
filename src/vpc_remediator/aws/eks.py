"""EKS adapter: a managed node group's subnets, launch network and security groups as a Workload value. A node group's
subnets cannot change, so nothing is ever written: the plan is the corrected configuration of a replacement."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.aws.launch_templates import LaunchNetwork, template_network
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_eks import EKSClient

NOT_IN_PLACE = (
    "a node group's subnets cannot be changed (EKS has no such update): create a node group with the same settings "
    "and these subnets, move the pods to it, then retire this one yourself (nothing is deleted here)"
)


def nodegroup_names(identifier: str, cluster: str | None) -> tuple[str, str]:
    """(cluster, node group) from a node group ARN (…:nodegroup/<cluster>/<name>/<id>) or a name and its cluster."""
    resource = identifier.split(":", 5)[-1]
    parts = resource.split("/")
    if identifier.startswith("arn:") and parts[0] == "nodegroup" and len(parts) >= 3:
        return parts[1], parts[2]
    return cluster or "", identifier


def cluster_names(eks: EKSClient) -> list[str]:
    """Every EKS cluster of the region, sorted: the sweep pages through them one cluster at a time."""
    with translated("eks:ListClusters"):
        pages = eks.get_paginator("list_clusters").paginate()
        return sorted(name for page in pages for name in page["clusters"])


class EksNodegroupAdapter:
    """Describes managed node groups; the plan is the replacement's subnets."""

    def __init__(self, eks: EKSClient, ec2: EC2Client, profile: Profile) -> None:
        self._eks = eks
        self._ec2 = ec2
        self._profile = profile

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the node group the ref names."""
        cluster, name = nodegroup_names(ref.identifier, ref.cluster)
        if not cluster:
            raise ResourceNotFoundError(f"EKS node group {name}: the event names no cluster")
        with translated("eks:DescribeNodegroup"):
            found = self._eks.describe_nodegroup(clusterName=cluster, nodegroupName=name)["nodegroup"]
        return self.nodegroup_workload(found, ref.tags)

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again."""
        return self.load(WorkloadRef(workload.kind, arn))

    def _network(self, nodegroup: Mapping[str, Any]) -> LaunchNetwork:
        """Its launch template's primary interface and groups; without one, its nodes sit behind the cluster's
        security group (EKS's default for managed nodes)."""
        template = nodegroup.get("launchTemplate") or {}
        if template:
            spec = {"LaunchTemplateId": template.get("id"), "LaunchTemplateName": template.get("name")}
            return template_network(self._ec2, {**spec, "Version": template.get("version")})
        with translated("eks:DescribeCluster"):
            cluster = self._eks.describe_cluster(name=nodegroup["clusterName"])["cluster"]
        group = (cluster.get("resourcesVpcConfig") or {}).get("clusterSecurityGroupId")
        if not group:
            return LaunchNetwork(groups_unknown=f"cluster {nodegroup['clusterName']} names no cluster security group")
        return LaunchNetwork(security_groups=(group,))

    def nodegroup_workload(self, nodegroup: Mapping[str, Any], extra_tags: Mapping[str, str] | None = None) -> Workload:
        """A node group as DescribeNodegroup returns it, as a Workload."""
        raw: dict[str, Any] = json.loads(json.dumps(nodegroup, default=str))
        network = self._network(raw)
        # Remote access (SSH) gets a group of its own, open to the internet when no source group is named.
        remote = (raw.get("resources") or {}).get("remoteAccessSecurityGroup")
        groups = network.security_groups + ((remote,) if remote and not network.groups_unknown else ())
        return Workload(
            profile=self._profile,
            arn=raw["nodegroupArn"],
            name=raw.get("nodegroupName", ""),
            subnet_ids=tuple(raw.get("subnets", [])),
            security_group_ids=groups,
            tags={**(raw.get("tags") or {}), **(extra_tags or {})},
            raw=raw,
            launch_template_public_ip=network.public_ip,
            groups_elsewhere=network.groups_unknown,
            can_change_in_place=False,
            not_in_place_reason=NOT_IN_PLACE,
        )

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The replacement's CreateNodegroup network: the same cluster, these subnets (its other settings as today)."""
        params = {
            "clusterName": str(workload.raw.get("clusterName", "")),
            "nodegroupName": workload.name,
            "subnets": list(plan.subnet_ids),
        }
        return Action("eks:CreateNodegroup", params)

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Never called: a node group cannot be changed in place (can_change_in_place is False)."""
        raise NotImplementedError("an EKS node group's subnets are never changed")


class EksNodegroupLister:
    """Every managed node group, one cluster a page."""

    def __init__(self, eks: EKSClient, adapter: EksNodegroupAdapter) -> None:
        self._eks = eks
        self._adapter = adapter
        self._clusters: list[str] | None = None

    def _all_clusters(self) -> list[str]:
        if self._clusters is None:
            self._clusters = cluster_names(self._eks)
        return self._clusters

    def page(self, token: str | None) -> tuple[list[Workload], str | None]:
        """The node groups of one cluster; the token is the next cluster's name."""
        clusters = self._all_clusters()
        remaining = [name for name in clusters if token is None or name >= token]
        if not remaining:
            return [], None
        cluster = remaining[0]
        workloads = []
        with translated("eks:ListNodegroups"):
            names = [
                name
                for page in self._eks.get_paginator("list_nodegroups").paginate(clusterName=cluster)
                for name in page["nodegroups"]
            ]
        for name in names:
            with translated("eks:DescribeNodegroup"):
                found = self._eks.describe_nodegroup(clusterName=cluster, nodegroupName=name)["nodegroup"]
            workloads.append(self._adapter.nodegroup_workload(found))
        return workloads, remaining[1] if len(remaining) > 1 else None
