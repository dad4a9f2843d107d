"""A workload the placement rules cover, as one value whatever service it comes from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class WorkloadKind(StrEnum):
    """The report `kind` of each workload the placement rules cover."""

    ECS_SERVICE = "ecs-service"
    ECS_TASK = "ecs-task"
    ECS_TASK_SET = "ecs-task-set"
    BATCH_COMPUTE_ENVIRONMENT = "batch-compute-environment"
    BATCH_JOB_DEFINITION = "batch-job-definition"
    LAMBDA_FUNCTION = "lambda-function"

    @property
    def is_container(self) -> bool:
        """Containers and batch jobs need public subnets with a public IP; Lambda functions must avoid them."""
        return self is not WorkloadKind.LAMBDA_FUNCTION


@dataclass(frozen=True)
class Workload:
    """What the rules need to know about one workload, read by its service's adapter.

    `raw` keeps the resource as AWS described it, so that a write can send back every field it does not change.
    """

    kind: WorkloadKind
    arn: str
    name: str
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    assign_public_ip: bool | None = None
    network_mode: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    can_change_in_place: bool = True
    raw: Mapping[str, Any] = field(default_factory=dict)
    # FARGATE, FARGATE_SPOT, EC2, SPOT (ECS launch type, Batch compute type); None when it does not apply.
    platform: str | None = None
    # Why the network cannot be changed in place (a running task, a BEST_FIT compute environment).
    not_in_place_reason: str | None = None


@dataclass(frozen=True)
class WorkloadRef:
    """Where to find one workload, as an event names it: the adapter describes it from here.

    `identifier` is the ARN when the event gives it, else a name; `tags` and `network` are what the event itself
    says (the request's tags, the awsvpcConfiguration a task was started with).
    """

    kind: WorkloadKind
    identifier: str
    cluster: str | None = None
    service: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    network: Mapping[str, Any] | None = None
