"""AWS Batch adapters: compute environments (subnets) and Fargate job definitions (public IP) as Workload values."""

from __future__ import annotations

import copy
import json
import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vpc_remediator.aws.errors import translated
from vpc_remediator.aws.provenance import MADE_FOR_EVENT, made_for
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.placement import FARGATE_PLATFORMS, NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_batch import BatchClient
    from mypy_boto3_ec2 import EC2Client

# EC2 and Spot environments accept new subnets only through an "infrastructure update", which needs one of these
# allocation strategies and the service-linked role; Fargate environments always accept them.
INFRASTRUCTURE_UPDATE_STRATEGIES = frozenset(
    {"BEST_FIT_PROGRESSIVE", "SPOT_CAPACITY_OPTIMIZED", "SPOT_PRICE_CAPACITY_OPTIMIZED"}
)
SERVICE_LINKED_ROLE = "AWSServiceRoleForBatch"
# What DescribeJobDefinitions returns that RegisterJobDefinition does not take.
_READ_ONLY = frozenset({"jobDefinitionArn", "revision", "status", "containerOrchestrationType"})


def _subnet_update_blocker(raw: dict[str, Any]) -> str | None:
    resources = raw.get("computeResources", {})
    compute_type = resources.get("type")
    if compute_type in FARGATE_PLATFORMS:
        return None
    strategy = resources.get("allocationStrategy", "BEST_FIT")
    if strategy not in INFRASTRUCTURE_UPDATE_STRATEGIES:
        return (
            f"AWS does not update the subnets of a {compute_type} compute environment with allocation strategy "
            f"{strategy}: create a new compute environment with the corrected subnets and switch its job queues"
        )
    role = raw.get("serviceRole")
    if role and SERVICE_LINKED_ROLE not in role:
        return (
            f"AWS updates the subnets of a {compute_type} compute environment only with the {SERVICE_LINKED_ROLE} "
            "service-linked role, and this one uses its own service role: create a new compute environment"
        )
    return None


def _launch_template_groups(resources: Mapping[str, Any]) -> str | None:
    # Without securityGroupIds, an EC2 environment's instances take the groups of its launch template, not the VPC's
    # default group: those are not read here, so a public IP behind them cannot be checked.
    template = resources.get("launchTemplate") or {}
    if resources.get("securityGroupIds") or not template:
        return None
    name = template.get("launchTemplateId") or template.get("launchTemplateName") or "?"
    return f"its security groups come from launch template {name}, which the exposure check does not read"


class BatchComputeEnvironmentAdapter:
    """Describes compute environments and updates their subnets."""

    def __init__(self, batch: BatchClient, profile: Profile, ec2: EC2Client | None = None) -> None:
        self._batch = batch
        self._profile = profile
        self._ec2 = ec2

    def _launch_template_public_ip(self, resources: Mapping[str, Any]) -> bool | None:
        """AssociatePublicIpAddress of the launch template's primary network interface; None when it does not say."""
        template = resources.get("launchTemplate") or {}
        if self._ec2 is None or resources.get("type") in FARGATE_PLATFORMS or not template:
            return None
        kwargs: dict[str, Any] = {"Versions": [str(template.get("version") or "$Default")]}
        if template.get("launchTemplateId"):
            kwargs["LaunchTemplateId"] = template["launchTemplateId"]
        elif template.get("launchTemplateName"):
            kwargs["LaunchTemplateName"] = template["launchTemplateName"]
        else:
            return None
        with translated("ec2:DescribeLaunchTemplateVersions"):
            versions = self._ec2.describe_launch_template_versions(**kwargs)["LaunchTemplateVersions"]
        interfaces = versions[0].get("LaunchTemplateData", {}).get("NetworkInterfaces", []) if versions else []
        primary = next((item for item in interfaces if item.get("DeviceIndex", 0) == 0), None)
        value = primary.get("AssociatePublicIpAddress") if primary else None
        return None if value is None else bool(value)

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the compute environment the ref names."""
        with translated("batch:DescribeComputeEnvironments"):
            found = self._batch.describe_compute_environments(computeEnvironments=[ref.identifier])
        if not found["computeEnvironments"]:
            raise ResourceNotFoundError(f"Batch compute environment {ref.identifier} not found")
        return self.compute_environment_workload(found["computeEnvironments"][0], ref.tags)

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again (verification after a write)."""
        return self.load(WorkloadRef(workload.kind, arn))

    def compute_environment_workload(
        self, described: Mapping[str, Any], extra_tags: Mapping[str, str] | None = None
    ) -> Workload:
        """A compute environment as DescribeComputeEnvironments returns it, as a Workload."""
        raw: dict[str, Any] = dict(described)
        resources = raw.get("computeResources", {})
        blocker = _subnet_update_blocker(raw) if raw.get("type") == "MANAGED" else "an unmanaged compute environment"
        return Workload(
            profile=self._profile,
            arn=raw["computeEnvironmentArn"],
            name=raw.get("computeEnvironmentName", ""),
            subnet_ids=tuple(resources.get("subnets", [])),
            security_group_ids=tuple(resources.get("securityGroupIds", [])),
            tags={**raw.get("tags", {}), **(extra_tags or {})},
            can_change_in_place=blocker is None,
            not_in_place_reason=blocker,
            raw=raw,
            platform=resources.get("type"),
            launch_template_public_ip=self._launch_template_public_ip(resources),
            groups_elsewhere=_launch_template_groups(resources),
        )

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """UpdateComputeEnvironment with the new subnets (security groups kept), and its undo."""
        update = {"subnets": list(plan.subnet_ids), "securityGroupIds": list(plan.security_group_ids)}
        before = {"subnets": list(workload.subnet_ids), "securityGroupIds": list(workload.security_group_ids)}
        params = {"computeEnvironment": workload.arn, "computeResources": update}
        undo = (
            f"aws batch update-compute-environment --compute-environment {shlex.quote(workload.arn)}"
            f" --compute-resources {shlex.quote(json.dumps(before))}"
        )
        return Action("batch:UpdateComputeEnvironment", params, undo=undo)

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Make the planned call; returns it as made and the ARN to verify."""
        action = self.plan(workload, plan)
        with translated(action.api):
            self._batch.update_compute_environment(
                computeEnvironment=workload.arn, computeResources=action.params["computeResources"]
            )
        return action, workload.arn


class BatchJobDefinitionAdapter:
    """Describes job definitions and registers a revision with a public IP."""

    def __init__(self, batch: BatchClient, profile: Profile, writer: BatchClient | None = None) -> None:
        self._batch = batch
        # RegisterJobDefinition goes through a client that sends it once (no botocore re-send after a timeout).
        self._writer = writer or batch
        self._profile = profile
        self._fargate_groups: tuple[str, ...] | None = None

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the job definition revision the ref names."""
        with translated("batch:DescribeJobDefinitions"):
            found = self._batch.describe_job_definitions(jobDefinitions=[ref.identifier])["jobDefinitions"]
        if not found:
            raise ResourceNotFoundError(f"Batch job definition {ref.identifier} not found")
        return self.job_definition_workload(found[0], ref.tags)

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again (verification after a write)."""
        return self.load(WorkloadRef(workload.kind, arn))

    def fargate_security_groups(self) -> tuple[str, ...]:
        """The security groups of every managed Fargate compute environment: where a Fargate job can run."""
        if self._fargate_groups is None:
            groups: set[str] = set()
            with translated("batch:DescribeComputeEnvironments"):
                for page in self._batch.get_paginator("describe_compute_environments").paginate():
                    for environment in page["computeEnvironments"]:
                        resources = environment.get("computeResources", {})
                        if resources.get("type") in FARGATE_PLATFORMS:
                            groups.update(resources.get("securityGroupIds", []))
            self._fargate_groups = tuple(sorted(groups))
        return self._fargate_groups

    def job_definition_workload(
        self, described: Mapping[str, Any], extra_tags: Mapping[str, str] | None = None
    ) -> Workload:
        """A job definition revision as DescribeJobDefinitions returns it, as a Workload."""
        raw: dict[str, Any] = dict(described)
        fargate = "FARGATE" in raw.get("platformCapabilities", [])
        network = raw.get("containerProperties", {}).get("networkConfiguration", {})
        return Workload(
            profile=self._profile,
            arn=raw["jobDefinitionArn"],
            name=raw.get("jobDefinitionName", ""),
            # A job definition has no security groups of its own: its jobs run with those of the compute environment
            # a queue sends them to, so a public IP is checked against every Fargate environment's groups.
            security_group_ids=self.fargate_security_groups() if fargate else (),
            assign_public_ip=network.get("assignPublicIp") == "ENABLED",
            tags={**raw.get("tags", {}), **(extra_tags or {})},
            raw=raw,
            platform="FARGATE" if fargate else "EC2",
            not_in_place_reason=None if "containerProperties" in raw else "no containerProperties",
            can_change_in_place="containerProperties" in raw,
        )

    def _register_params(self, workload: Workload) -> dict[str, Any]:
        """The whole definition as RegisterJobDefinition takes it, with assignPublicIp ENABLED (read-modify-write).

        It holds the containers' environment, secrets' references and commands: it is sent to AWS and nowhere else.
        """
        shape = self._batch.meta.service_model.operation_model("RegisterJobDefinition").input_shape
        accepted = set(shape.members) if shape is not None else set()
        params = {k: copy.deepcopy(v) for k, v in workload.raw.items() if k in accepted and k not in _READ_ONLY}
        params.setdefault("containerProperties", {}).setdefault("networkConfiguration", {})["assignPublicIp"] = (
            "ENABLED"
        )
        return params

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """RegisterJobDefinition of the same definition with assignPublicIp ENABLED, and its undo.

        The action names only what the revision changes (networkConfiguration before and after): reports, logs, the
        ledger and Slack never see the rest of the definition.
        """
        before = dict(workload.raw.get("containerProperties", {}).get("networkConfiguration") or {})
        params = {
            "jobDefinitionName": str(workload.raw.get("jobDefinitionName", "")),
            "revisionOf": workload.arn,
            "networkConfigurationBefore": before,
            "containerProperties": {"networkConfiguration": {**before, "assignPublicIp": "ENABLED"}},
        }
        name = shlex.quote(str(workload.raw.get("jobDefinitionName", "")))
        undo = (
            f"aws batch deregister-job-definition --job-definition {name}:<the new revision>"
            f"  # jobs then run {workload.arn} again"
        )
        return Action("batch:RegisterJobDefinition", params, undo=undo)

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Register the revision; returns the call as reported (with the new revision's ARN) and that ARN to verify.

        RegisterJobDefinition has no client token: the revision is tagged with the event id, and a retry of the same
        event that finds such a revision uses it instead of registering another.
        """
        action = self.plan(workload, plan)
        new_arn = self._made_for_event(workload, token) if token else None
        if new_arn is None:
            params = self._register_params(workload)
            params["tags"] = {**params.get("tags", {}), MADE_FOR_EVENT: made_for(token)}
            with translated(action.api):
                new_arn = self._writer.register_job_definition(**params)["jobDefinitionArn"]
        undo = f"aws batch deregister-job-definition --job-definition {shlex.quote(new_arn)}"
        return Action(action.api, {**action.params, "jobDefinitionArn": new_arn}, undo=undo), new_arn

    def _made_for_event(self, workload: Workload, token: str | None) -> str | None:
        """The ARN of an active revision of this definition that an earlier try of this event registered."""
        name = str(workload.raw.get("jobDefinitionName", ""))
        with translated("batch:DescribeJobDefinitions"):
            pages = self._batch.get_paginator("describe_job_definitions").paginate(
                jobDefinitionName=name, status="ACTIVE"
            )
            for page in pages:
                for found in page["jobDefinitions"]:
                    if found.get("tags", {}).get(MADE_FOR_EVENT) == made_for(token):
                        return str(found["jobDefinitionArn"])
        return None
