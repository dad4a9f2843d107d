"""ECS adapters: services, task sets and tasks as Workload values; a service's network changed by UpdateService.

One adapter per kind, each made with its kind's Profile (declared in vpc_remediator.workloads).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.placement import AWSVPC, NetworkPlan, public_ip_text
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient


def _tags(raw: Any) -> dict[str, str]:
    return {str(tag["key"]): str(tag.get("value", "")) for tag in raw or [] if "key" in tag}


def _network(config: Mapping[str, Any] | None) -> dict[str, Any]:
    awsvpc = dict(config or {})
    return {
        "subnet_ids": tuple(awsvpc.get("subnets", [])),
        "security_group_ids": tuple(awsvpc.get("securityGroups", [])),
        # Absent means DISABLED, ECS's default.
        "assign_public_ip": awsvpc.get("assignPublicIp") == "ENABLED" if awsvpc else None,
    }


def network_configuration(workload: Workload, plan: NetworkPlan) -> dict[str, Any]:
    """The awsvpcConfiguration to send: the workload's own, with only subnets and the public IP changed."""
    current = dict(workload.raw.get("networkConfiguration", {}).get("awsvpcConfiguration", {}))
    current.update(
        {
            "subnets": list(plan.subnet_ids),
            "securityGroups": list(plan.security_group_ids),
            "assignPublicIp": public_ip_text(plan.assign_public_ip) or "DISABLED",
        }
    )
    return {"awsvpcConfiguration": current}


class _EcsAdapter:
    """What the ECS adapters share: the client, their kind's profile, and the network modes of task definitions."""

    def __init__(self, ecs: ECSClient, profile: Profile) -> None:
        self._ecs = ecs
        self._profile = profile
        self._network_modes: dict[str, str] = {}

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe the workload again (verification after a write)."""
        cluster = workload.raw.get("clusterArn")
        return self.load(WorkloadRef(workload.kind, arn, cluster=cluster, service=workload.raw.get("serviceArn")))

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the workload the ref names."""
        raise NotImplementedError

    def _network_mode(self, task_definition: str | None, has_awsvpc: bool) -> str | None:
        # A network configuration is only accepted for awsvpc: describe the task definition only without one.
        if has_awsvpc or not task_definition:
            return AWSVPC if has_awsvpc else None
        if task_definition not in self._network_modes:
            with translated("ecs:DescribeTaskDefinition"):
                described = self._ecs.describe_task_definition(taskDefinition=task_definition)["taskDefinition"]
            self._network_modes[task_definition] = str(described.get("networkMode") or "bridge")
        return self._network_modes[task_definition]

    def _workload(
        self, raw: dict[str, Any], arn: str, name: str, task_definition: str | None, **extra: Any
    ) -> Workload:
        config = raw.get("networkConfiguration", {}).get("awsvpcConfiguration")
        return Workload(
            profile=self._profile,
            arn=arn,
            name=name,
            network_mode=self._network_mode(task_definition, bool(config)),
            raw=raw,
            platform=raw.get("launchType") or "capacity provider",
            **_network(config),
            **extra,
        )

    def _replacement(self, workload: Workload, plan: NetworkPlan, api: str, **params: str) -> Action:
        configuration = network_configuration(workload, plan)
        cluster = str(workload.raw.get("clusterArn", ""))
        return Action(api, {"cluster": cluster, **params, "networkConfiguration": configuration})

    def apply(self, workload: Workload, plan: NetworkPlan) -> tuple[Action, str]:
        """Only a service changes in place; the use case never asks the others."""
        raise ValueError(f"{workload.kind} cannot be changed in place")


class EcsServiceAdapter(_EcsAdapter):
    """ECS services: described with their tags, re-networked by UpdateService."""

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the service the ref names."""
        kwargs: dict[str, Any] = {"services": [ref.identifier], "include": ["TAGS"]}
        if ref.cluster:
            kwargs["cluster"] = ref.cluster
        with translated("ecs:DescribeServices"):
            found = self._ecs.describe_services(**kwargs)["services"]
        if not found or found[0].get("status") == "INACTIVE":
            raise ResourceNotFoundError(f"ECS service {ref.identifier} not found")
        return self.service_workload(found[0], ref.tags)

    def service_workload(self, described: Mapping[str, Any], extra_tags: Mapping[str, str] | None = None) -> Workload:
        """A service as DescribeServices (with TAGS) returns it, as a Workload: the sweep describes ten at a time."""
        raw: dict[str, Any] = dict(described)
        tags = {**_tags(raw.get("tags")), **(extra_tags or {})}
        return self._workload(raw, raw["serviceArn"], raw.get("serviceName", ""), raw.get("taskDefinition"), tags=tags)

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """UpdateService with the new network configuration, and the command that puts the old one back."""
        action = self._replacement(workload, plan, "ecs:UpdateService", service=workload.arn)
        before = {
            "awsvpcConfiguration": dict(workload.raw.get("networkConfiguration", {}).get("awsvpcConfiguration") or {})
        }
        cluster = action.params["cluster"]
        undo = (
            f"aws ecs update-service --cluster {shlex.quote(cluster)} --service {shlex.quote(workload.arn)}"
            f" --network-configuration {shlex.quote(json.dumps(before, sort_keys=True))}"
        )
        return Action(action.api, action.params, undo=undo)

    def apply(self, workload: Workload, plan: NetworkPlan) -> tuple[Action, str]:
        """Update the service's network configuration (read-modify-write: nothing else is sent)."""
        action = self.plan(workload, plan)
        with translated(action.api):
            self._ecs.update_service(
                cluster=action.params["cluster"],
                service=action.params["service"],
                networkConfiguration=action.params["networkConfiguration"],
            )
        return action, workload.arn


class EcsTaskSetAdapter(_EcsAdapter):
    """ECS task sets: their network cannot change; the report gives the replacement task set."""

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the task set the ref names (its cluster and service must be known)."""
        if not ref.cluster or not ref.service:
            raise ResourceNotFoundError(f"ECS task set {ref.identifier}: its cluster and service are unknown")
        with translated("ecs:DescribeTaskSets"):
            found = self._ecs.describe_task_sets(
                cluster=ref.cluster, service=ref.service, taskSets=[ref.identifier], include=["TAGS"]
            )["taskSets"]
        if not found:
            raise ResourceNotFoundError(f"ECS task set {ref.identifier} not found")
        raw: dict[str, Any] = dict(found[0])
        return self._workload(
            raw,
            raw["taskSetArn"],
            raw.get("id", ""),
            raw.get("taskDefinition"),
            tags={**_tags(raw.get("tags")), **ref.tags},
            can_change_in_place=False,
            not_in_place_reason=(
                "a task set's network configuration cannot be updated: create its replacement task set with the "
                "corrected network configuration"
            ),
        )

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The CreateTaskSet call of the replacement task set."""
        return self._replacement(
            workload,
            plan,
            "ecs:CreateTaskSet",
            service=str(workload.raw.get("serviceArn", "")),
            taskDefinition=str(workload.raw.get("taskDefinition", "")),
        )


class EcsTaskAdapter(_EcsAdapter):
    """Running ECS tasks: never re-networked (and never stopped); the report gives the corrected RunTask."""

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the task; its network is the RunTask request's, else its network interface's subnet."""
        kwargs: dict[str, Any] = {"tasks": [ref.identifier], "include": ["TAGS"]}
        if ref.cluster:
            kwargs["cluster"] = ref.cluster
        with translated("ecs:DescribeTasks"):
            found = self._ecs.describe_tasks(**kwargs)["tasks"]
        if not found:
            raise ResourceNotFoundError(f"ECS task {ref.identifier} not found")
        raw: dict[str, Any] = dict(found[0])
        config: Mapping[str, Any] | None = ref.network
        if config is None:
            # Without the RunTask request (a sweep), the task's network interface names its subnet.
            subnets = [
                detail["value"]
                for attachment in raw.get("attachments", [])
                if attachment.get("type") == "ElasticNetworkInterface"
                for detail in attachment.get("details", [])
                if detail.get("name") == "subnetId"
            ]
            config = {"subnets": subnets} if subnets else None
        raw["networkConfiguration"] = {"awsvpcConfiguration": dict(config or {})}
        return self._workload(
            raw,
            raw["taskArn"],
            raw["taskArn"].rsplit("/", 1)[-1],
            raw.get("taskDefinitionArn"),
            tags={**_tags(raw.get("tags")), **ref.tags},
            can_change_in_place=False,
            not_in_place_reason=(
                "a running task cannot be re-networked (and is never stopped): start its next run with the "
                "corrected network configuration"
            ),
        )

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The RunTask call of the task's next run."""
        return self._replacement(
            workload, plan, "ecs:RunTask", taskDefinition=str(workload.raw.get("taskDefinitionArn", ""))
        )
