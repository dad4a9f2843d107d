"""The HTML report's tests: a demo-like account (the demo's placement and NAT gateway acts, in-process moto), and
where its workloads really run (asked of ECS, Lambda and Batch, not of the reports)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from vpc_remediator import bootstrap
from vpc_remediator.cli.demo.context import DemoContext
from vpc_remediator.cli.demo.nat_gateway import nat_gateway_act
from vpc_remediator.cli.demo.placement import placement_act
from vpc_remediator.cli.html.write import write_html_report
from vpc_remediator.cli.local import find_project_file
from vpc_remediator.cli.router import Router
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.settings import get_settings

# What the integration tests' environment sets (tests/integration/conftest.py), for a fixture shared by a module.
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "STACK_NAME": "vpc-remediator",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_IDEMPOTENCY_DISABLED": "true",
    "DRY_RUN": "false",
}


@dataclass(frozen=True)
class ReportedAccount:
    """The scenario's reports, where each reported workload runs now, the account's NAT gateways, the page."""

    reports: list[dict[str, Any]]
    runs_in: dict[str, set[str]]
    nat_gateways: set[str]
    page: Path


def _ecs(ecs: Any) -> dict[str, set[str]]:
    runs_in: dict[str, set[str]] = {}
    services = ecs.describe_services(cluster="shop", services=ecs.list_services(cluster="shop")["serviceArns"])
    for service in services["services"]:
        config = service.get("networkConfiguration", {}).get("awsvpcConfiguration")
        if config:
            runs_in[service["serviceArn"]] = set(config["subnets"])
        for task_set in service.get("taskSets", []):
            runs_in[task_set["taskSetArn"]] = set(task_set["networkConfiguration"]["awsvpcConfiguration"]["subnets"])
    tasks = ecs.describe_tasks(cluster="shop", tasks=ecs.list_tasks(cluster="shop")["taskArns"])["tasks"]
    for task in tasks:
        details = [item for attachment in task.get("attachments", []) for item in attachment["details"]]
        runs_in[task["taskArn"]] = {item["value"] for item in details if item["name"] == "subnetId"}
    return runs_in


def where_workloads_run(context: DemoContext) -> dict[str, set[str]]:
    """Workload ARN → the subnets its service says it runs in now."""
    runs_in = _ecs(context.client("ecs"))
    for function in context.client("lambda").list_functions()["Functions"]:
        if function.get("VpcConfig", {}).get("SubnetIds"):
            runs_in[function["FunctionArn"]] = set(function["VpcConfig"]["SubnetIds"])
    for environment in context.client("batch").describe_compute_environments()["computeEnvironments"]:
        runs_in[environment["computeEnvironmentArn"]] = set(environment["computeResources"]["subnets"])
    return runs_in


@contextlib.contextmanager
def _environment() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in ENVIRONMENT.items():
            patch.setenv(name, value)
        for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "IDEMPOTENCY_TABLE", "LEDGER_TABLE"):
            patch.delenv(name, raising=False)
        bootstrap.reset()
        get_settings.cache_clear()
        try:
            yield
        finally:
            bootstrap.reset()
            get_settings.cache_clear()


def demo_like_report(page: Path) -> ReportedAccount:
    """Run the demo's placement and NAT gateway acts in a fresh simulated account and write their HTML report."""
    router = Router.from_template(find_project_file("template.yaml"), "vpc-remediator")
    with _environment(), mock_aws():
        context = DemoContext(router=router, session=boto3.Session(region_name=REGION))
        with contextlib.redirect_stdout(io.StringIO()):  # the acts narrate for a person
            placement_act(context)
            nat_gateway_act(context)
        write_html_report(context.reports, page, dry_run=False)
        reported = {report["resource"] for report in context.reports}
        runs_in = {arn: subnets for arn, subnets in where_workloads_run(context).items() if arn in reported}
        gateways = context.client("ec2").describe_nat_gateways()["NatGateways"]
        nat_gateways = {gateway["NatGatewayId"] for gateway in gateways if gateway["State"] in ("pending", "available")}
    return ReportedAccount(context.reports, runs_in, nat_gateways, page)
