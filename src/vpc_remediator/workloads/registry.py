"""Every workload kind, in one place: routing, the composition root, the sweep and Slack read this list.

Adding a kind: one module next to this one declaring its `KIND`, and one line here (see README, Development).
The order is the sweep's phase order.
"""

from __future__ import annotations

from vpc_remediator.workloads import (
    apprunner_vpc_connector,
    autoscaling_group,
    batch_compute_environment,
    batch_job_definition,
    codebuild_project,
    ec2_instance,
    ecs_service,
    ecs_task,
    ecs_task_set,
    eks_fargate_profile,
    eks_nodegroup,
    glue_connection,
    lambda_function,
    sagemaker_job,
    sagemaker_notebook,
)
from vpc_remediator.workloads.kind import CloudTrailCall, WorkloadKind

KINDS: tuple[WorkloadKind, ...] = (
    ecs_service.KIND,
    ecs_task_set.KIND,
    ecs_task.KIND,
    batch_compute_environment.KIND,
    batch_job_definition.KIND,
    lambda_function.KIND,
    autoscaling_group.KIND,
    ec2_instance.KIND,
    eks_nodegroup.KIND,
    eks_fargate_profile.KIND,
    codebuild_project.KIND,
    apprunner_vpc_connector.KIND,
    sagemaker_notebook.KIND,
    sagemaker_job.KIND,
    glue_connection.KIND,
)


def kind_named(name: str) -> WorkloadKind | None:
    """The kind whose reports carry this name, or None."""
    return next((kind for kind in KINDS if kind.name == name), None)


def call_for(event_source: str | None, event_name: str | None) -> tuple[WorkloadKind, CloudTrailCall] | None:
    """The kind and declared call a CloudTrail record is, or None when no kind reacts to it."""
    for kind in KINDS:
        for call in kind.calls:
            if call.matches(event_source, event_name):
                return kind, call
    return None
