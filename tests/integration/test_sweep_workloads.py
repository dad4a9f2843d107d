"""The sweep over every workload of a simulated account: the same rules as PlacementFunction, region-wide."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from vpc_remediator.aws.clients import shared_session
from vpc_remediator.bootstrap import region_for
from vpc_remediator.cli.audit import run_audit
from vpc_remediator.cli.samples import events_dir
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import make_default_vpc_work
from vpc_remediator.devkit.scenarios.placement import (
    EXEMPT,
    Topology,
    awsvpc,
    build_topology,
    ecs_network,
    ecs_service,
    job_definition,
    lambda_function,
)
from vpc_remediator.remediation.entry import on_sweep_event


@dataclass
class Account:
    ec2: Any
    ecs: Any
    lam: Any
    batch: Any
    topo: Topology
    services: dict[str, str]


@pytest.fixture
def account() -> Iterator[Account]:
    """A mix: fixable, compliant, exempt and needs-NAT workloads of every kind the sweep covers."""
    with mock_aws():
        client = {name: boto3.client(name, region_name=REGION) for name in ("ec2", "ecs", "lambda", "iam", "batch")}
        make_default_vpc_work(client["ec2"])
        topo = build_topology(client["ec2"])
        ecs = client["ecs"]
        services = {
            name: ecs_service(ecs, name, awsvpc(subnets, (topo.web_sg,), public_ip), tags=tags)["responseElements"][
                "service"
            ]["serviceArn"]
            for name, subnets, public_ip, tags in [
                ("checkout", topo.isolated, False, None),
                ("storefront", topo.public, True, None),
                ("legacy", topo.isolated, False, EXEMPT),
            ]
        }
        lam, iam = client["lambda"], client["iam"]
        lambda_function(lam, iam, "orders", topo.public, (topo.web_sg,))
        lambda_function(lam, iam, "billing", topo.private, (topo.web_sg,))
        lambda_function(lam, iam, "edge-hook", topo.edge_public, (topo.edge_sg,))
        job_definition(client["batch"], iam, "nightly-report", None)
        yield Account(client["ec2"], ecs, lam, client["batch"], topo, services)


def name_of(arn: str) -> str:
    """The workload's name in its ARN (a job definition's without its revision)."""
    tail = arn.rsplit("/", 1)[-1]
    return tail.split(":")[0] if ":job-definition/" in arn else tail.split(":")[-1]


class PageBudget:
    """Out of time after `pages` pages: an invocation close to its timeout, made repeatable."""

    def __init__(self, pages: int) -> None:
        self.left = pages

    def __call__(self) -> bool:
        self.left -= 1
        return self.left < 0


def scheduled() -> dict[str, Any]:
    event: dict[str, Any] = json.loads((events_dir() / "events/Scheduled_sweep.json").read_text())
    return event


def function_subnets(account: Account, name: str) -> list[str]:
    subnets: list[str] = account.lam.get_function(FunctionName=name)["Configuration"]["VpcConfig"]["SubnetIds"]
    return subnets


def picture(account: Account) -> dict[str, Any]:
    """What a user would look at: every workload's network, read back from AWS."""
    return {
        "services": {name: ecs_network(account.ecs, arn) for name, arn in account.services.items()},
        "functions": {name: function_subnets(account, name) for name in ("orders", "billing", "edge-hook")},
        "job_revisions": len(
            account.batch.describe_job_definitions(jobDefinitionName="nightly-report")["jobDefinitions"]
        ),
    }


def test_the_sweep_fixes_what_is_fixable_and_leaves_compliant_and_exempt_workloads_alone(account: Account) -> None:
    before = picture(account)
    outcome = on_sweep_event(scheduled(), region_for, out_of_time=lambda: False)
    summary, *reports = outcome.reports
    by_resource = {name_of(report.resource): report.outcome.value for report in reports}

    assert by_resource["checkout"] == "remediated"
    assert by_resource["orders"] == "remediated"
    assert by_resource["edge-hook"] == "needs-nat"
    assert by_resource["legacy"] == "skipped"
    # No Fargate compute environment: no security groups to check a public IP against, so it is refused.
    assert by_resource["nightly-report"] == "blocked"
    # Compliant workloads are counted in the summary, without a report of their own.
    assert "storefront" not in by_resource and "billing" not in by_resource
    counts = summary.details.counts
    assert counts["ecs-service"] == {"compliant": 1, "remediated": 1, "skipped": 1}
    assert counts["lambda-function"] == {"compliant": 1, "needs-nat": 1, "remediated": 1}
    assert counts["batch-job-definition"] == {"blocked": 1}

    after = picture(account)
    assert set(after["services"]["checkout"]["subnets"]) <= set(account.topo.public)
    assert after["services"]["checkout"]["assignPublicIp"] == "ENABLED"
    assert set(function_subnets(account, "orders")) <= set(account.topo.private)
    assert after["job_revisions"] == before["job_revisions"]
    for untouched in ("storefront", "legacy"):
        assert after["services"][untouched] == before["services"][untouched]
    for untouched in ("billing", "edge-hook"):
        assert after["functions"][untouched] == before["functions"][untouched]


def test_the_sweep_reads_subnets_per_vpc_not_per_workload(account: Account) -> None:
    lam, iam = account.lam, boto3.client("iam", region_name=REGION)
    for index in range(5):
        lambda_function(lam, iam, f"worker-{index}", account.topo.private, (account.topo.web_sg,))
    described: list[str] = []

    def count(model: Any, **_: Any) -> None:
        described.append(model.name)

    shared_session().events.register("before-call.ec2.DescribeSubnets", count, unique_id="test-describe-subnets")
    try:
        on_sweep_event(scheduled(), region_for, out_of_time=lambda: False)
    finally:
        shared_session().events.unregister("before-call.ec2.DescribeSubnets", unique_id="test-describe-subnets")
    # The default VPC's check, then for each of the shop and edge VPCs: its first workload's subnets and the VPC.
    assert len(described) == 5


def test_a_second_sweep_finds_everything_fixed(account: Account) -> None:
    on_sweep_event(scheduled(), region_for, out_of_time=lambda: False)
    summary, *reports = on_sweep_event(scheduled(), region_for, out_of_time=lambda: False).reports
    assert {report.outcome.value for report in reports} == {"blocked", "needs-nat", "skipped"}
    assert "remediated" not in json.dumps(summary.details.counts)


def test_audit_without_apply_changes_nothing_and_says_what_it_would_do(
    account: Account, capsys: pytest.CaptureFixture[str]
) -> None:
    before = picture(account)
    reports = run_audit(apply=False, as_json=True, stack_name=None)
    outcomes = {name_of(report["resource"]): report["outcome"] for report in reports[1:]}
    assert outcomes["checkout"] == "would-remediate"
    assert outcomes["orders"] == "would-remediate"
    assert picture(account) == before
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert printed == reports


def test_a_sweep_out_of_time_continues_where_it_stopped_and_covers_everything(account: Account) -> None:
    event: dict[str, Any] | None = scheduled()
    seen: dict[str, int] = {}
    invocations = 0
    while event is not None:
        invocations += 1
        assert invocations < 50
        # Two pages per invocation, as if each were close to its timeout.
        out_of_time = PageBudget(2)
        outcome = on_sweep_event(event, region_for, out_of_time=out_of_time)
        for (kind, _), count in _counts(outcome.reports[0].details.counts).items():
            seen[kind] = seen.get(kind, 0) + count
        event = outcome.continuation
    assert invocations > 1
    assert seen == {"default-vpc": 1, "ecs-service": 3, "batch-job-definition": 1, "lambda-function": 3}


def _counts(counts: dict[str, dict[str, int]]) -> dict[tuple[str, str], int]:
    return {(kind, outcome): n for kind, by_outcome in counts.items() for outcome, n in by_outcome.items()}
