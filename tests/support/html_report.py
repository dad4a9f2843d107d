"""The HTML report's tests: a demo-like account (the demo's placement and NAT gateway acts, in-process moto), where
its workloads really run (asked of ECS, Lambda and Batch, not of the reports), and a reader of the written page."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
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


@dataclass
class PageReader(HTMLParser):
    """What the page shows: workloads by the subnet cell they are drawn in, the findings' rows, scripts and links."""

    in_subnet: dict[str, set[str]] = field(default_factory=dict)
    finding_rows: list[dict[str, str]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    policy: str = ""
    _open: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _in_script: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.urls += [attributes[name] for name in ("href", "src", "action") if name in attributes]
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy":
            self.policy = attributes["content"]
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if "data-resource" in attributes and tag == "li":
            subnet = next((a["data-subnet"] for _, a in reversed(self._open) if "data-subnet" in a), None)
            if subnet:
                self.in_subnet.setdefault(subnet, set()).add(attributes["data-resource"])
        if tag == "tr" and "data-outcome" in attributes:
            self.finding_rows.append(attributes)
        if tag not in ("meta", "input", "br", "link"):
            self._open.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        while self._open:
            opened, _ = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def read_page(path: Path) -> PageReader:
    """The page at `path`, read."""
    reader = PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader
