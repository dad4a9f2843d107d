"""SageMaker training and processing jobs in a VPC: their network interfaces never get a public IP (the Lambda
rule). Jobs are immutable and usually short: the report gives the next run's VpcConfig. The sweep lists running
(InProgress) jobs only: a finished job's network no longer matters, and listing every past job would cost a describe
each, every sweep, for nothing anyone can change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpc_remediator.domain.workload import EgressRule, Profile, TemplateProperty
from vpc_remediator.workloads.kind import CloudTrailCall as Call
from vpc_remediator.workloads.kind import Lister, SweepListing, WorkloadAdapter, WorkloadKind
from vpc_remediator.workloads.sagemaker_notebook import SAGEMAKER, sagemaker_console_url, sagemaker_refs

if TYPE_CHECKING:
    from vpc_remediator.aws.clients import ClientFactory
    from vpc_remediator.aws.sagemaker import SageMakerJobAdapter

PROFILE = Profile(
    kind="sagemaker-job",
    rule=EgressRule.PRIVATE_ONLY,
    noun="job",
    # Jobs have no CloudFormation resource: whatever starts them (a pipeline, code) carries the VpcConfig.
    template=TemplateProperty(
        "the code or pipeline that starts the job",
        "VpcConfig",
        subnets_key="Subnets",
        security_groups_key="SecurityGroupIds",
    ),
    no_public_ip="a SageMaker job's network interfaces never get a public IP",
    leave_vpc="start {name}'s next run without VpcConfig: SageMaker's own network gives it the internet",
)


def _adapter(clients: ClientFactory) -> WorkloadAdapter:
    from vpc_remediator.aws.sagemaker import SageMakerJobAdapter  # noqa: PLC0415  (only when used)

    return SageMakerJobAdapter(clients.sagemaker(), PROFILE)


def _lister(clients: ClientFactory, adapter: SageMakerJobAdapter) -> Lister:
    from vpc_remediator.aws.sagemaker import RunningJobLister  # noqa: PLC0415

    return RunningJobLister(clients.sagemaker(), adapter).page


def console_url(arn: str, region: str) -> str | None:
    """The job's page in the SageMaker console."""
    return sagemaker_console_url(arn, region, "processing-jobs" if ":processing-job/" in arn else "jobs")


_DESCRIBE = frozenset({"sagemaker:DescribeTrainingJob", "sagemaker:DescribeProcessingJob", "sagemaker:ListTags"})

KIND = WorkloadKind(
    profile=PROFILE,
    # Identifiers as "<type>/<name>" (or the ARN): one kind, two APIs to describe them.
    calls=(
        Call(
            SAGEMAKER,
            "CreateTrainingJob",
            sagemaker_refs(PROFILE.kind, "trainingJobName", "trainingJobArn", "training-job/"),
        ),
        Call(
            SAGEMAKER,
            "CreateProcessingJob",
            sagemaker_refs(PROFILE.kind, "processingJobName", "processingJobArn", "processing-job/"),
        ),
    ),
    adapter=_adapter,
    console_url=console_url,
    iam_actions=_DESCRIBE,
    sweep=SweepListing(
        "sagemaker-jobs", _lister, _DESCRIBE | {"sagemaker:ListTrainingJobs", "sagemaker:ListProcessingJobs"}
    ),
)
