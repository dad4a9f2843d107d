"""Per-event figures: API calls beside the minimum the decision needs, and handler time, against in-process moto."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from moto import mock_aws

from bench.calls import counting
from vpc_remediator.cli.demo_default_vpc import make_default_vpc_work
from vpc_remediator.cli.local import LocalRuntime, invoke
from vpc_remediator.cli.samples import load_sample

REGION = "us-east-1"


@dataclass(frozen=True)
class Scenario:
    """A scenario: shape the account, then the event a handler receives."""

    name: str
    handler: str
    function: str
    prepare: Callable[[Any], dict[str, Any]]
    minimum: int
    minimum_why: str
    dry_run: bool = False


def _default_vpc(ec2: Any) -> str:
    vpc_id: str = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    return vpc_id


def _delete_default_vpc(ec2: Any) -> None:
    vpc_id = _default_vpc(ec2)
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    for igw in ec2.describe_internet_gateways()["InternetGateways"]:
        for attachment in igw.get("Attachments", []):
            ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=attachment["VpcId"])
        ec2.delete_internet_gateway(InternetGatewayId=igw["InternetGatewayId"])
    ec2.delete_vpc(VpcId=vpc_id)


def _healthy(ec2: Any) -> dict[str, Any]:
    return load_sample("ec2/DeleteRoute")


def _gateway_and_subnet_gone(ec2: Any) -> dict[str, Any]:
    vpc_id = _default_vpc(ec2)
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    last = max(subnets, key=lambda subnet: subnet["CidrBlock"])  # moto re-creates only the last /20 cleanly
    ec2.delete_subnet(SubnetId=last["SubnetId"])
    for igw in ec2.describe_internet_gateways()["InternetGateways"]:
        ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc_id)
        ec2.delete_internet_gateway(InternetGatewayId=igw["InternetGatewayId"])
    return load_sample("ec2/DeleteSubnet")


def _vpc_gone(ec2: Any) -> dict[str, Any]:
    _delete_default_vpc(ec2)
    return load_sample("ec2/DeleteVpc")


def _own_role(ec2: Any) -> dict[str, Any]:
    return load_sample("ec2/DeleteSubnet_own_role")


DEFAULT_VPC = "vpc_remediator.handlers.default_vpc.lambda_handler"

SCENARIOS: list[Scenario] = [
    Scenario(
        "default VPC compliant",
        DEFAULT_VPC,
        "DefaultVpcFunction",
        _healthy,
        5,
        "5 reads: VPC, AZs, subnets, IGW, routes",
    ),
    Scenario(
        "default VPC: subnet + gateway gone",
        DEFAULT_VPC,
        "DefaultVpcFunction",
        _gateway_and_subnet_gone,
        14,
        "5 reads + 4 writes (subnet, IGW, attach, route) + 5 verify reads",
    ),
    Scenario(
        "default VPC deleted",
        DEFAULT_VPC,
        "DefaultVpcFunction",
        _vpc_gone,
        7,
        "1 read + CreateDefaultVpc + 5 verify reads (AWS builds the rest; moto does not: +3 writes, +5 reads)",
    ),
    Scenario(
        "default VPC deleted, dry run",
        DEFAULT_VPC,
        "DefaultVpcFunction",
        _vpc_gone,
        1,
        "1 read: no default VPC is enough to decide",
        dry_run=True,
    ),
    Scenario("call by the stack's own role", DEFAULT_VPC, "DefaultVpcFunction", _own_role, 0, "no call: ignored"),
]


def run(scenarios: list[Scenario], repeat: int) -> list[dict[str, Any]]:
    """For each scenario: API calls of one event, and handler time over `repeat` fresh accounts."""
    results = []
    for scenario in scenarios:
        LocalRuntime(stack_name="vpc-remediator", dry_run=scenario.dry_run).configure()
        durations: list[float] = []
        calls: dict[str, int] = {}
        outcome = ""
        # One untimed warm-up: the figures are for a warm function (cold start is measured on its own).
        for attempt in range(-1, repeat):
            with mock_aws():
                ec2 = boto3.client("ec2", region_name=REGION)
                make_default_vpc_work(ec2)
                event = scenario.prepare(ec2)
                with counting() as counter:
                    start = time.perf_counter()
                    reports = invoke(scenario.handler, scenario.function, event)
                    elapsed = (time.perf_counter() - start) * 1000
                if attempt >= 0:
                    durations.append(elapsed)
                if attempt == 0:
                    calls = dict(counter.calls)
                    outcome = reports[0]["outcome"] if reports else "none"
        durations.sort()
        results.append(
            {
                "scenario": scenario.name,
                "outcome": outcome,
                "api_calls": sum(calls.values()),
                "minimum": scenario.minimum,
                "minimum_why": scenario.minimum_why,
                "calls": calls,
                "handler_ms_median": statistics.median(durations),
                "handler_ms_p95": durations[min(len(durations) - 1, round(0.95 * (len(durations) - 1)))],
                "runs": repeat,
            }
        )
    return results
