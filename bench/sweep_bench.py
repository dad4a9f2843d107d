"""The sweep at scale: time and API calls for N Lambda functions and N ECS services over 10 VPCs (in-process moto)."""

from __future__ import annotations

import gc
import io
import json
import math
import statistics
import time
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto import mock_aws

from bench.cli_imports import LocalRuntime, counting, events_dir, fargate_task_definition, make_default_vpc_work
from bench.events_bench import LEDGER_TABLE, REGION, create_ledger
from vpc_remediator import bootstrap
from vpc_remediator.aws.inventory import LIST_FUNCTIONS_PAGE, LIST_SERVICES_PAGE
from vpc_remediator.bootstrap import region_for
from vpc_remediator.remediation.entry import on_sweep_event

VPCS = 10
ZONES = ("us-east-1a", "us-east-1b")
# The last VPC has public and isolated subnets and no NAT gateway: where the needs-nat workloads come from.
NO_NAT_VPC = VPCS - 1
EXEMPT = [{"key": "vpc-remediator:exempt", "value": "true"}]

# Where the workloads sit, by share of 20 (a mostly compliant account with some fixable and a few needs-nat ones).
# Lambda: 16 in NAT subnets (compliant), 2 in public subnets (moved to NAT), 1 isolated and 1 in the VPC without NAT
# (both needs-nat).
LAMBDA_MIX = ["private"] * 16 + ["public"] * 2 + ["isolated", "no-nat"]
# ECS: 14 public with a public IP and 1 in NAT subnets (compliant), 2 isolated (moved to public), 1 public without a
# public IP (enabled), 1 behind a group open on port 22 (blocked), 1 exempt by tag.
ECS_MIX = ["public"] * 14 + ["private", "isolated", "isolated", "ip-disabled", "ssh", "exempt"]
ACCOUNT = (
    "Each VPC has public, NAT-private and isolated subnets in two zones, except one without NAT (public and "
    "isolated only). Lambda: 80% in NAT subnets, 10% in public subnets (fixable), 10% needs-nat (isolated, or in the "
    "VPC without NAT). ECS, one cluster per VPC: 75% compliant, 15% fixable (isolated, or public IP disabled), 5% "
    "blocked (a group open on port 22), 5% exempt by tag."
)
# Batch sizes of the calls that could replace a per-resource one: the Resource Groups Tagging API's GetResources
# (tags of 100 functions) and DynamoDB's BatchWriteItem (25 ledger items).
TAGS_PER_CALL = 100
ITEMS_PER_WRITE = 25

# The operations whose count grows with the resources swept (the rest are per VPC, per page or once).
PER_RESOURCE = ("lambda:ListTags", "dynamodb:PutItem", "dynamodb:Query", "ecs:DescribeServices")
# How each operation of a sweep grows, for the table of calls by operation.
GROWTH = {
    "lambda:ListTags": "per function in a VPC",
    "dynamodb:PutItem": "per non-compliant resource (audit trail)",
    "dynamodb:Query": "per resource a change is planned for (flap check)",
    "ecs:DescribeServices": "per 10 services",
    "ecs:ListServices": "per cluster (per 100 services in AWS)",
    "lambda:ListFunctions": "per 50 functions in AWS (moto: 1)",
    "ec2:DescribeSubnets": "2 per VPC (a workload's subnets, then the VPC)",
    "ec2:DescribeRouteTables": "per VPC",
    "ec2:DescribeNatGateways": "per VPC",
    "ec2:DescribeVpcEndpoints": "per VPC",
    "ec2:DescribeSecurityGroups": "per batch of new groups",
}


@dataclass
class Vpc:
    """One seeded VPC: its subnets by egress class and its two security groups."""

    public: tuple[str, ...]
    private: tuple[str, ...]
    isolated: tuple[str, ...]
    web_sg: str
    ssh_sg: str


@dataclass
class SweepFigures:
    """One size: the seeding (not part of the figure), the sweep's time and its calls by operation."""

    size: int
    seed_s: float
    sweep_s: list[float] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def _vpc(ec2: Any, index: int) -> Vpc:
    vpc_id = ec2.create_vpc(CidrBlock=f"10.{index}.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)

    def subnets(first: int) -> tuple[str, ...]:
        return tuple(
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{index}.{first + i}.0/24", AvailabilityZone=zone)["Subnet"][
                "SubnetId"
            ]
            for i, zone in enumerate(ZONES)
        )

    def table(ids: tuple[str, ...], **target: str) -> None:
        table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", **target)
        for subnet in ids:
            ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet)

    public, isolated = subnets(0), subnets(20)
    table(public, GatewayId=igw)
    private: tuple[str, ...] = ()
    if index != NO_NAT_VPC:
        private = subnets(10)
        nat = ec2.create_nat_gateway(SubnetId=public[0], ConnectivityType="public")["NatGateway"]["NatGatewayId"]
        table(private, NatGatewayId=nat)
    groups = []
    for name, port in (("web", 443), ("ssh", 22)):
        group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            ],
        )
        groups.append(group)
    return Vpc(public, private, isolated, groups[0], groups[1])


def _tiny_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _functions(lam: Any, role: str, vpcs: list[Vpc], size: int) -> None:
    code = {"ZipFile": _tiny_zip()}
    for index in range(size):
        place = LAMBDA_MIX[index % len(LAMBDA_MIX)]
        # The needs-nat ones in the VPC without NAT; the others spread over the nine VPCs with one.
        vpc = vpcs[NO_NAT_VPC] if place == "no-nat" else vpcs[index % NO_NAT_VPC]
        subnets = vpc.public if place in ("public", "no-nat") else getattr(vpc, place)
        lam.create_function(
            FunctionName=f"fn-{index:05d}",
            Runtime="python3.13",
            Role=role,
            Handler="app.handler",
            Code=code,
            VpcConfig={"SubnetIds": list(subnets), "SecurityGroupIds": [vpc.web_sg]},
        )


def _services(ecs: Any, vpcs: list[Vpc], size: int) -> None:
    # One cluster per VPC, one task definition for all: what varies is the network of each service.
    task_definition = fargate_task_definition(ecs)
    for index in range(VPCS):
        ecs.create_cluster(clusterName=f"cluster-{index}")
    for index in range(size):
        place = ECS_MIX[index % len(ECS_MIX)]
        vpc_index = index % VPCS
        vpc = vpcs[vpc_index]
        subnets = {"private": vpc.private or vpc.public, "isolated": vpc.isolated}.get(place, vpc.public)
        configuration = {
            "subnets": list(subnets),
            "securityGroups": [vpc.ssh_sg if place == "ssh" else vpc.web_sg],
            "assignPublicIp": "ENABLED" if place in ("public", "private") and subnets == vpc.public else "DISABLED",
        }
        ecs.create_service(
            cluster=f"cluster-{vpc_index}",
            serviceName=f"svc-{index:05d}",
            taskDefinition=task_definition,
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": configuration},
            tags=EXEMPT if place == "exempt" else [],
        )


def seed(size: int) -> None:
    """`size` Lambda functions and `size` ECS services over 10 VPCs, in the active mock account."""
    clients = {name: boto3.client(name, region_name=REGION) for name in ("ec2", "ecs", "lambda", "iam", "dynamodb")}
    make_default_vpc_work(clients["ec2"])
    create_ledger(clients["dynamodb"])
    vpcs = [_vpc(clients["ec2"], index) for index in range(VPCS)]
    role = clients["iam"].create_role(RoleName="functions", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    _functions(clients["lambda"], role, vpcs, size)
    _services(clients["ecs"], vpcs, size)


def scheduled_event() -> dict[str, Any]:
    """The schedule's event, with a fresh id as each scheduled run has."""
    event: dict[str, Any] = json.loads((events_dir() / "events/Scheduled_sweep.json").read_text(encoding="utf-8"))
    event["id"] = str(uuid.uuid4())
    return event


def measure(size: int, repeat: int) -> SweepFigures:
    """Seed an account of `size` of each workload, then sweep it `repeat` times in dry run (the same state each)."""
    with mock_aws():
        bootstrap.reset()  # clients of this simulated account, not of the previous size's
        start = time.perf_counter()
        seed(size)
        figures = SweepFigures(size, time.perf_counter() - start)
        for attempt in range(repeat):
            gc.collect()  # the seeding's garbage is not the sweep's
            with counting() as counter:
                start = time.perf_counter()
                outcome = on_sweep_event(scheduled_event(), region_for, out_of_time=lambda: False)
                figures.sweep_s.append(time.perf_counter() - start)
            if outcome.continuation is not None:
                raise RuntimeError(f"sweep of {size} stopped early: the figure would be for part of the account")
            if attempt == 0:
                figures.calls = counter.calls
                figures.counts = outcome.reports[0].details.counts
    return figures


def listing_calls_in_aws(size: int) -> int:
    """ListFunctions and ListServices calls AWS would answer for this seeding (moto ignores their page sizes)."""
    per_cluster = [len(range(index, size, VPCS)) for index in range(VPCS)]
    return math.ceil(size / LIST_FUNCTIONS_PAGE) + sum(max(1, math.ceil(n / LIST_SERVICES_PAGE)) for n in per_cluster)


def run(sizes: tuple[int, ...] = (100, 1000, 2000), repeat: int = 3) -> dict[str, Any]:
    """Every size, in dry run with the ledger table the deployed SweepFunction writes."""
    LocalRuntime(stack_name="vpc-remediator", dry_run=True, extra_env={"LEDGER_TABLE": LEDGER_TABLE}).configure()
    # An untimed sweep first: the figures are for a warm process (imports and service models loaded).
    measure(10, 1)
    rows = []
    for size in sizes:
        print(f"bench: sweep of {size} functions + {size} services", flush=True)
        figures = measure(size, repeat)
        calls = figures.calls
        total = sum(calls.values())
        resources = sum(sum(outcomes.values()) for outcomes in figures.counts.values())
        in_aws = total - calls["lambda:ListFunctions"] - calls["ecs:ListServices"] + listing_calls_in_aws(size)
        # The same sweep if tags came 100 functions a call and ledger items 25 a write.
        batched = (
            in_aws
            - calls["lambda:ListTags"]
            + math.ceil(calls["lambda:ListTags"] / TAGS_PER_CALL)
            - calls["dynamodb:PutItem"]
            + math.ceil(calls["dynamodb:PutItem"] / ITEMS_PER_WRITE)
        )
        rows.append(
            {
                "size": size,
                "resources": resources,
                "seed_s": figures.seed_s,
                "sweep_s": statistics.median(figures.sweep_s),
                "sweep_s_runs": figures.sweep_s,
                "api_calls": total,
                "api_calls_with_aws_paging": in_aws,
                "api_calls_with_batch_apis": batched,
                "calls_per_resource": total / resources,
                "per_resource_calls": sum(calls[operation] for operation in PER_RESOURCE),
                "calls": dict(calls.most_common()),
                "counts": figures.counts,
            }
        )
    return {"vpcs": VPCS, "account": ACCOUNT, "repeat": repeat, "sizes": rows, "growth": GROWTH}
