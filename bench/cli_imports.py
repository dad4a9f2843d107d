"""Everything the benchmark takes from the local command and its dev kit (vpc_remediator.cli, .devkit), in one place.

Neither is shipped in the Lambda zip and their modules move; when they do, only this file changes.
"""

from __future__ import annotations

from vpc_remediator.cli.html.collect import read_networks
from vpc_remediator.cli.html.write import render
from vpc_remediator.cli.interpreters import find_python
from vpc_remediator.cli.local import LocalRuntime, invoke
from vpc_remediator.cli.samples import events_dir, load_sample
from vpc_remediator.cli.template import built_functions
from vpc_remediator.devkit.api_calls import counting
from vpc_remediator.devkit.receiver import LocalReceiver
from vpc_remediator.devkit.scenarios.default_vpc import make_default_vpc_work
from vpc_remediator.devkit.scenarios.placement import (
    EXEMPT,
    Topology,
    awsvpc,
    build_topology,
    compute_environment,
    ecs_service,
    fargate_task_definition,
    job_definition,
    lambda_function,
)

__all__ = [
    "EXEMPT",
    "LocalReceiver",
    "LocalRuntime",
    "Topology",
    "awsvpc",
    "build_topology",
    "built_functions",
    "compute_environment",
    "counting",
    "ecs_service",
    "events_dir",
    "fargate_task_definition",
    "find_python",
    "invoke",
    "job_definition",
    "lambda_function",
    "load_sample",
    "make_default_vpc_work",
    "read_networks",
    "render",
]
