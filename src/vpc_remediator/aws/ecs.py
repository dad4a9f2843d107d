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


FARGATE_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})
# ECS's own default when a call names neither a launch type nor a strategy and the cluster has no default strategy.
DEFAULT_LAUNCH_TYPE = "EC2"
# Deployment controllers whose services cannot take a new network configuration through UpdateService.
_NOT_UPDATABLE = {
    "CODE_DEPLOY": (
        "a service with the CODE_DEPLOY deployment controller changes its network only through a new CodeDeploy "
        "deployment: create one whose AppSpec carries the corrected NetworkConfiguration"
    ),
    "EXTERNAL": (
        "a service with the EXTERNAL deployment controller takes its network from its task sets: create a new task "
        "set with the corrected network configuration and shift traffic to it"
    ),
}


def strategy_platform(strategy: Any) -> str:
    """FARGATE, FARGATE_SPOT, EC2 (Auto Scaling group providers) or mixed, from a capacity provider strategy.

    AWS accepts only Fargate providers or only Auto Scaling group providers in one strategy; a mix is reported as such.
    """
    providers = {str(item.get("capacityProvider", "")) for item in strategy or [] if isinstance(item, Mapping)}
    fargate = providers & FARGATE_PROVIDERS
    if not fargate:
        return "EC2"
    if fargate != providers:
        return "mixed"
    return "FARGATE_SPOT" if fargate == {"FARGATE_SPOT"} else "FARGATE"


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


def _code_deploy_deployment(workload: Workload, plan: NetworkPlan) -> Action:
    """The CodeDeploy CreateDeployment whose AppSpec moves a CODE_DEPLOY service (ECS blue/green) to the new network."""
    config = network_configuration(workload, plan)["awsvpcConfiguration"]
    properties: dict[str, Any] = {
        "TaskDefinition": str(workload.raw.get("taskDefinition", "")),
        "NetworkConfiguration": {
            "AwsvpcConfiguration": {
                "Subnets": config["subnets"],
                "SecurityGroups": config["securityGroups"],
                "AssignPublicIp": config["assignPublicIp"],
            }
        },
    }
    balancers = workload.raw.get("loadBalancers") or []
    if balancers:
        first = balancers[0]
        properties["LoadBalancerInfo"] = {
            "ContainerName": first.get("containerName"),
            "ContainerPort": first.get("containerPort"),
        }
    appspec = {
        "version": 0.0,
        "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": properties}}],
    }
    params = {
        "applicationName": "<the service's CodeDeploy application>",
        "deploymentGroupName": "<its deployment group>",
        "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": json.dumps(appspec)}},
    }
    return Action("codedeploy:CreateDeployment", params)


class _EcsAdapter:
    """What the ECS adapters share: the client, their kind's profile, and the network modes of task definitions."""

    def __init__(self, ecs: ECSClient, profile: Profile) -> None:
        self._ecs = ecs
        self._profile = profile
        self._network_modes: dict[str, str] = {}
        self._cluster_defaults: dict[str, list[Any]] = {}

    def _cluster_default(self, cluster: str) -> list[Any]:
        # Read only when the workload names neither a launch type nor a strategy; once per cluster and adapter.
        if cluster not in self._cluster_defaults:
            with translated("ecs:DescribeClusters"):
                found = self._ecs.describe_clusters(clusters=[cluster])["clusters"]
            self._cluster_defaults[cluster] = (
                list(found[0].get("defaultCapacityProviderStrategy") or []) if found else []
            )
        return self._cluster_defaults[cluster]

    def _platform(self, raw: Mapping[str, Any]) -> tuple[str, str]:
        """(platform, where it was read from): launchType, else the capacity provider strategy, else the cluster's."""
        if raw.get("launchType"):
            return str(raw["launchType"]), "launchType"
        if raw.get("capacityProviderStrategy"):
            return strategy_platform(raw["capacityProviderStrategy"]), "capacityProviderStrategy"
        if raw.get("capacityProviderName"):
            # A task names the one provider it was placed by.
            provider = [{"capacityProvider": raw["capacityProviderName"]}]
            return strategy_platform(provider), "capacityProviderName"
        cluster = raw.get("clusterArn")
        default = self._cluster_default(str(cluster)) if cluster else []
        if default:
            return strategy_platform(default), "the cluster's default capacity provider strategy"
        return DEFAULT_LAUNCH_TYPE, "ECS's default launch type (no launch type, strategy or cluster default strategy)"

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
        platform, source = self._platform(raw)
        return Workload(
            profile=self._profile,
            arn=arn,
            name=name,
            network_mode=self._network_mode(task_definition, bool(config)),
            raw=raw,
            platform=platform,
            platform_source=source,
            **_network(config),
            **extra,
        )

    def _replacement(self, workload: Workload, plan: NetworkPlan, api: str, **params: str) -> Action:
        configuration = network_configuration(workload, plan)
        cluster = str(workload.raw.get("clusterArn", ""))
        return Action(api, {"cluster": cluster, **params, "networkConfiguration": configuration})

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
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
        controller = str((raw.get("deploymentController") or {}).get("type") or "ECS")
        blocker = _NOT_UPDATABLE.get(controller)
        return self._workload(
            raw,
            raw["serviceArn"],
            raw.get("serviceName", ""),
            raw.get("taskDefinition"),
            tags=tags,
            can_change_in_place=blocker is None,
            not_in_place_reason=blocker,
        )

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """UpdateService with the new network configuration, and the command that puts the old one back.

        A CODE_DEPLOY service gets the CodeDeploy deployment instead, an EXTERNAL one the replacement task set.
        """
        controller = str((workload.raw.get("deploymentController") or {}).get("type") or "ECS")
        if controller == "CODE_DEPLOY":
            return _code_deploy_deployment(workload, plan)
        if controller == "EXTERNAL":
            return self._replacement(
                workload,
                plan,
                "ecs:CreateTaskSet",
                service=workload.arn,
                taskDefinition=str(workload.raw.get("taskDefinition", "")),
            )
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

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
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
