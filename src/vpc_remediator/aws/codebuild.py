"""CodeBuild adapter: a project's VPC configuration as a Workload value, changed by UpdateProject (vpcConfig only)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_codebuild import CodeBuildClient

# BatchGetProjects takes at most 100 names; ListProjects returns at most 100 a page.
BATCH_GET_PROJECTS = 100


def _tags(raw: Any) -> dict[str, str]:
    # CodeBuild spells its tags [{"key": k, "value": v}].
    items = raw if isinstance(raw, list) else []
    return {str(item.get("key")): str(item.get("value", "")) for item in items if isinstance(item, Mapping)}


def project_workload(
    profile: Profile, described: Mapping[str, Any], extra_tags: Mapping[str, str] | None = None
) -> Workload:
    """A project as BatchGetProjects returns it, as a Workload."""
    raw: dict[str, Any] = dict(described)
    vpc = raw.get("vpcConfig") or {}
    return Workload(
        profile=profile,
        arn=raw["arn"],
        name=raw.get("name", ""),
        subnet_ids=tuple(vpc.get("subnets") or ()),
        security_group_ids=tuple(vpc.get("securityGroupIds") or ()),
        tags={**_tags(raw.get("tags")), **(extra_tags or {})},
        raw=raw,
    )


def _vpc_config(vpc_id: str, subnets: Any, groups: Any) -> dict[str, Any]:
    return {"vpcId": vpc_id, "subnets": list(subnets), "securityGroupIds": list(groups)}


class CodeBuildProjectAdapter:
    """Describes build projects and moves their builds between subnets of the same VPC."""

    def __init__(self, client: CodeBuildClient, profile: Profile) -> None:
        self._codebuild = client
        self._profile = profile

    def load(self, ref: WorkloadRef) -> Workload:
        """The project the ref names (BatchGetProjects takes a name or an ARN)."""
        with translated("codebuild:BatchGetProjects"):
            found = self._codebuild.batch_get_projects(names=[ref.identifier]).get("projects", [])
        if not found:
            raise ResourceNotFoundError(f"CodeBuild project {ref.identifier} not found")
        return project_workload(self._profile, found[0], ref.tags)

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again (verification after a write); its tags are read again with it."""
        return self.load(WorkloadRef(workload.kind, arn))

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """UpdateProject with the new subnets in the same VPC, security groups kept, and its undo."""
        vpc_id = str((workload.raw.get("vpcConfig") or {}).get("vpcId", ""))
        after = _vpc_config(vpc_id, plan.subnet_ids, plan.security_group_ids)
        before = _vpc_config(vpc_id, workload.subnet_ids, workload.security_group_ids)
        undo = (
            f"aws codebuild update-project --name {shlex.quote(workload.name)}"
            f" --vpc-config {shlex.quote(json.dumps(before))}"
        )
        return Action("codebuild:UpdateProject", {"name": workload.name, "vpcConfig": after}, undo)

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Send only the name and vpcConfig: UpdateProject leaves every field it is not given as it is."""
        action = self.plan(workload, plan)
        with translated(action.api):
            self._codebuild.update_project(name=action.params["name"], vpcConfig=action.params["vpcConfig"])
        return action, workload.arn


class CodeBuildProjectLister:
    """Every build project with a VPC configuration: a page is one ListProjects page, described 100 at a time."""

    def __init__(self, client: CodeBuildClient, profile: Profile) -> None:
        self._codebuild = client
        self._profile = profile

    def page(self, token: str | None) -> tuple[list[Workload], str | None]:
        """One page of projects; those without a VPC are not checked (CodeBuild's own network gives them egress)."""
        kwargs: dict[str, Any] = {"nextToken": token} if token else {}
        with translated("codebuild:ListProjects"):
            listed = self._codebuild.list_projects(**kwargs)
        names = listed.get("projects", [])
        workloads = []
        for start in range(0, len(names), BATCH_GET_PROJECTS):
            with translated("codebuild:BatchGetProjects"):
                found = self._codebuild.batch_get_projects(names=names[start : start + BATCH_GET_PROJECTS])
            workloads += [
                project_workload(self._profile, project)
                for project in found.get("projects", [])
                if (project.get("vpcConfig") or {}).get("subnets")
            ]
        return workloads, listed.get("nextToken") or None
