"""SageMaker adapters: notebook instances and training and processing jobs as Workload values. Neither changes its
network in place (a notebook's subnet is fixed at creation, jobs are immutable): their plan is the corrected create
call of the replacement, and the use case reports it without making it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from vpc_remediator.aws.errors import error_code, translated
from vpc_remediator.domain.errors import ResourceNotFoundError
from vpc_remediator.domain.placement import NetworkPlan
from vpc_remediator.domain.report import Action
from vpc_remediator.domain.workload import Profile, Workload, WorkloadRef

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

Page = tuple[list[Workload], str | None]

# ListNotebookInstances, ListTrainingJobs and ListProcessingJobs return at most 100 a page.
LIST_PAGE = 100
TRAINING = "training-job"
PROCESSING = "processing-job"
# The sweep lists running jobs only: a finished job's network no longer matters, and a job never changes.
RUNNING = "InProgress"


# SageMaker says a resource does not exist with a ValidationException: "RecordNotFound" (a notebook instance),
# "Requested resource not found." or "Could not find ..." (a job).
_NOT_FOUND_MESSAGES = ("RecordNotFound", "resource not found", "Could not find")


def _not_found(exc: ClientError) -> bool:
    message = str(exc.response.get("Error", {}).get("Message", ""))
    return error_code(exc) == "ValidationException" and any(text in message for text in _NOT_FOUND_MESSAGES)


@contextmanager
def describing(api: str, what: str) -> Iterator[None]:
    """One SageMaker describe call: not found becomes ResourceNotFoundError (retried briefly, then skipped for the
    sweep), anything else as every adapter translates it."""
    with translated(api):
        try:
            yield
        except ClientError as exc:
            if _not_found(exc):
                raise ResourceNotFoundError(f"{api}: {what} not found") from exc
            raise


def _tags(client: SageMakerClient, arn: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    with translated("sagemaker:ListTags"):
        for page in client.get_paginator("list_tags").paginate(ResourceArn=arn):
            tags.update({item["Key"]: item.get("Value", "") for item in page.get("Tags", [])})
    return tags


def _never_in_place(workload: Workload) -> ValueError:
    return ValueError(f"{workload.kind} {workload.name} cannot be changed in place")


class SageMakerNotebookAdapter:
    """Notebook instances: described with their tags; never changed (UpdateNotebookInstance takes no subnet)."""

    def __init__(self, client: SageMakerClient, profile: Profile) -> None:
        self._sagemaker = client
        self._profile = profile

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the notebook instance (by name: its ARN lowercases the name) and read its tags."""
        described = self.describe(ref.identifier.rsplit("/", 1)[-1])
        tags = _tags(self._sagemaker, described["NotebookInstanceArn"])
        return self.notebook_workload(described, {**tags, **ref.tags})

    def describe(self, name: str) -> dict[str, Any]:
        """DescribeNotebookInstance's answer."""
        with describing("sagemaker:DescribeNotebookInstance", f"notebook instance {name}"):
            found = dict(self._sagemaker.describe_notebook_instance(NotebookInstanceName=name))
        found.pop("ResponseMetadata", None)
        return found

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again."""
        return self.load(WorkloadRef(workload.kind, workload.name, tags=workload.tags))

    def notebook_workload(self, described: Mapping[str, Any], tags: Mapping[str, str]) -> Workload:
        """A notebook instance as DescribeNotebookInstance returns it, as a Workload."""
        raw = dict(described)
        subnet = raw.get("SubnetId")
        direct = raw.get("DirectInternetAccess", "Enabled")
        # DirectInternetAccess Enabled (the default): SageMaker's own network interface gives it the internet, and
        # the one in the VPC's subnet only reaches the VPC.
        elsewhere = None
        if direct == "Enabled":
            elsewhere = (
                "DirectInternetAccess Enabled: SageMaker's own network gives the notebook the internet, its subnet "
                f"{subnet} only reaches the VPC"
            )
        return Workload(
            profile=self._profile,
            arn=raw["NotebookInstanceArn"],
            name=raw.get("NotebookInstanceName", ""),
            subnet_ids=(subnet,) if subnet else (),
            security_group_ids=tuple(raw.get("SecurityGroups", [])),
            tags=dict(tags),
            can_change_in_place=False,
            not_in_place_reason=(
                "a notebook instance's subnet is set when it is created (UpdateNotebookInstance takes none): create "
                "its replacement with"
            ),
            raw=raw,
            egress_not_needed=elsewhere,
        )

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The replacement's CreateNotebookInstance network parameters (DirectInternetAccess stays Disabled)."""
        params = {
            "NotebookInstanceName": workload.name,
            "SubnetId": plan.subnet_ids[0] if plan.subnet_ids else None,
            "SecurityGroupIds": list(plan.security_group_ids),
            "DirectInternetAccess": workload.raw.get("DirectInternetAccess", "Disabled"),
        }
        return Action("sagemaker:CreateNotebookInstance", params)

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Never: the use case reports the replacement instead."""
        raise _never_in_place(workload)


def job_type_and_name(identifier: str) -> tuple[str, str]:
    """("training-job" or "processing-job", name) from a job's ARN or "<type>/<name>"."""
    resource = identifier.rsplit(":", 1)[-1]
    job_type, _, name = resource.partition("/")
    if job_type not in (TRAINING, PROCESSING) or not name:
        raise ResourceNotFoundError(f"{identifier} names no SageMaker training or processing job")
    return job_type, name


class SageMakerJobAdapter:
    """Training and processing jobs: described with their tags; never changed (a job is immutable)."""

    def __init__(self, client: SageMakerClient, profile: Profile) -> None:
        self._sagemaker = client
        self._profile = profile

    def load(self, ref: WorkloadRef) -> Workload:
        """Describe the job the ref names and read its tags."""
        job_type, name = job_type_and_name(ref.identifier)
        return self.with_tags(job_type, self.describe(job_type, name), ref.tags)

    def with_tags(self, job_type: str, described: Mapping[str, Any], extra: Mapping[str, str]) -> Workload:
        """The described job as a Workload, with its tags."""
        arn = described["TrainingJobArn" if job_type == TRAINING else "ProcessingJobArn"]
        return self.job_workload(job_type, described, {**_tags(self._sagemaker, arn), **extra})

    def describe(self, job_type: str, name: str) -> dict[str, Any]:
        """DescribeTrainingJob's or DescribeProcessingJob's answer."""
        if job_type == TRAINING:
            with describing("sagemaker:DescribeTrainingJob", f"training job {name}"):
                found: dict[str, Any] = dict(self._sagemaker.describe_training_job(TrainingJobName=name))
        else:
            with describing("sagemaker:DescribeProcessingJob", f"processing job {name}"):
                found = dict(self._sagemaker.describe_processing_job(ProcessingJobName=name))
        found.pop("ResponseMetadata", None)
        return found

    def reload(self, workload: Workload, arn: str) -> Workload:
        """Describe it again."""
        return self.load(WorkloadRef(workload.kind, arn, tags=workload.tags))

    def job_workload(self, job_type: str, described: Mapping[str, Any], tags: Mapping[str, str]) -> Workload:
        """A job as DescribeTrainingJob or DescribeProcessingJob returns it, as a Workload."""
        raw = dict(described)
        training = job_type == TRAINING
        network = raw.get("NetworkConfig") or {}
        vpc = (raw.get("VpcConfig") if training else network.get("VpcConfig")) or {}
        isolated = raw.get("EnableNetworkIsolation") if training else network.get("EnableNetworkIsolation")
        status = raw.get("TrainingJobStatus" if training else "ProcessingJobStatus")
        return Workload(
            profile=self._profile,
            arn=raw["TrainingJobArn" if training else "ProcessingJobArn"],
            name=raw.get("TrainingJobName" if training else "ProcessingJobName", ""),
            subnet_ids=tuple(vpc.get("Subnets", [])),
            security_group_ids=tuple(vpc.get("SecurityGroupIds", [])),
            tags=dict(tags),
            can_change_in_place=False,
            not_in_place_reason=(
                f"a {job_type.replace('-', ' ')} ({status}) cannot change its network (jobs are immutable): start its "
                "next run with"
            ),
            raw=raw,
            platform=job_type,
            # Network isolation: its containers make no network call at all, so no subnet would give them egress.
            egress_not_needed="EnableNetworkIsolation is on: its containers make no outbound calls"
            if isolated
            else None,
        )

    def plan(self, workload: Workload, plan: NetworkPlan) -> Action:
        """The next run's create call, with the corrected VpcConfig (security groups kept)."""
        vpc = {"Subnets": list(plan.subnet_ids), "SecurityGroupIds": list(plan.security_group_ids)}
        if workload.platform == TRAINING:
            return Action("sagemaker:CreateTrainingJob", {"TrainingJobName": workload.name, "VpcConfig": vpc})
        network = {key: value for key, value in (workload.raw.get("NetworkConfig") or {}).items() if key != "VpcConfig"}
        params = {"ProcessingJobName": workload.name, "NetworkConfig": {**network, "VpcConfig": vpc}}
        return Action("sagemaker:CreateProcessingJob", params)

    def apply(self, workload: Workload, plan: NetworkPlan, token: str | None = None) -> tuple[Action, str]:
        """Never: the use case reports the next run's call instead."""
        raise _never_in_place(workload)


class NotebookInstanceLister:
    """Notebook instances with a subnet, 100 listed a page (each described: the list gives no network)."""

    def __init__(self, client: SageMakerClient, adapter: SageMakerNotebookAdapter) -> None:
        self._sagemaker = client
        self._adapter = adapter

    def page(self, token: str | None) -> Page:
        """One page of ListNotebookInstances; tags are read for those in a VPC only."""
        kwargs: dict[str, Any] = {"MaxResults": LIST_PAGE}
        if token:
            kwargs["NextToken"] = token
        with translated("sagemaker:ListNotebookInstances"):
            listed = self._sagemaker.list_notebook_instances(**kwargs)
        workloads = []
        for summary in listed.get("NotebookInstances", []):
            described = self._adapter.describe(summary["NotebookInstanceName"])
            if not described.get("SubnetId") or described.get("NotebookInstanceStatus") == "Deleting":
                continue
            tags = _tags(self._sagemaker, described["NotebookInstanceArn"])
            workloads.append(self._adapter.notebook_workload(described, tags))
        return workloads, listed.get("NextToken") or None


class RunningJobLister:
    """Training jobs, then processing jobs, that are InProgress and run in a VPC, 100 listed a page."""

    def __init__(self, client: SageMakerClient, adapter: SageMakerJobAdapter) -> None:
        self._sagemaker = client
        self._adapter = adapter

    def page(self, token: str | None) -> Page:
        """One page of running jobs of one type; the token says which type, and where in its list."""
        state: dict[str, Any] = json.loads(token) if token else {"type": TRAINING}
        job_type = str(state.get("type"))
        kwargs: dict[str, Any] = {"StatusEquals": RUNNING, "MaxResults": LIST_PAGE}
        if state.get("next"):
            kwargs["NextToken"] = state["next"]
        if job_type == TRAINING:
            with translated("sagemaker:ListTrainingJobs"):
                listed: Mapping[str, Any] = self._sagemaker.list_training_jobs(**kwargs)
            names = [item["TrainingJobName"] for item in listed.get("TrainingJobSummaries", [])]
        else:
            with translated("sagemaker:ListProcessingJobs"):
                listed = self._sagemaker.list_processing_jobs(**kwargs)
            names = [item["ProcessingJobName"] for item in listed.get("ProcessingJobSummaries", [])]
        workloads = []
        for name in names:
            described = self._adapter.describe(job_type, name)
            network = described.get("VpcConfig") or (described.get("NetworkConfig") or {}).get("VpcConfig") or {}
            if network.get("Subnets"):  # outside a VPC: SageMaker's own network, nothing to place
                workloads.append(self._adapter.with_tags(job_type, described, {}))
        if listed.get("NextToken"):
            return workloads, json.dumps({"type": job_type, "next": listed["NextToken"]})
        if job_type == TRAINING:
            return workloads, json.dumps({"type": PROCESSING})
        return workloads, None
