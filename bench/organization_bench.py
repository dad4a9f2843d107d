"""The organization sweep at scale: accounts x regions, each with its workloads, through the fan-out and the workers
(in-process moto: the workers run one after the other here, where Lambda runs SweepConcurrency of them at once)."""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from typing import Any

import boto3
from moto import mock_aws

from bench.cli_imports import LocalRuntime, counting
from bench.sweep_bench import _tiny_zip
from vpc_remediator import bootstrap
from vpc_remediator.bootstrap import region_for
from vpc_remediator.devkit.scenarios.organization import create_organization, member_client
from vpc_remediator.remediation.context import ReportStamp
from vpc_remediator.remediation.organization_sweep import SweepPair, fan_out, sweep_pair

HUB_REGION = "us-east-1"
REGIONS = ("us-east-1", "eu-west-1")
CONCURRENCY = 4
# One pair's workloads: Lambda functions in a VPC with public and NAT-private subnets, 9 in 10 compliant.
PUBLIC_SHARE = 10


def _seed_pair(session: Any, account: str, region: str, workloads: int) -> None:
    ec2, lam, iam = (member_client(session, account, name, region) for name in ("ec2", "lambda", "iam"))
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    zones = [zone["ZoneName"] for zone in ec2.describe_availability_zones()["AvailabilityZones"][:2]]
    public = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"]
        for i, z in enumerate(zones)
    ]
    private = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{10 + i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"]
        for i, z in enumerate(zones)
    ]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    nat_subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.30.0/24", AvailabilityZone=zones[0])["Subnet"][
        "SubnetId"
    ]
    nat = ec2.create_nat_gateway(SubnetId=nat_subnet)["NatGateway"]["NatGatewayId"]
    for subnets, target in (((*public, nat_subnet), {"GatewayId": igw}), (tuple(private), {"NatGatewayId": nat})):
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", **target)
        for subnet in subnets:
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    role = iam.create_role(RoleName=f"functions-{region}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = {"ZipFile": _tiny_zip()}
    for index in range(workloads):
        subnets = public if index % PUBLIC_SHARE == 0 else private
        lam.create_function(
            FunctionName=f"fn-{index:04d}",
            Runtime="python3.13",
            Role=role,
            Handler="app.handler",
            Code=code,
            VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [group]},
        )


def run(accounts: int = 20, workloads: int = 200) -> dict[str, Any]:
    """Seed `accounts` accounts (the management account and the rest members) x REGIONS, then sweep them all."""
    with mock_aws():
        session = boto3.Session(region_name=HUB_REGION)
        organization_id, members = create_organization(
            session.client("organizations"), tuple(f"team-{n:02d}" for n in range(accounts - 1))
        )
        queue = session.client("sqs").create_queue(QueueName="sweep")["QueueUrl"]
        LocalRuntime(
            stack_name="vpc-remediator",
            dry_run=True,
            extra_env={
                "MODE": "organization",
                "ORGANIZATION_ID": organization_id,
                "MEMBER_REGIONS": ",".join(REGIONS),
                "SWEEP_QUEUE_URL": queue,
                "SWEEP_CONCURRENCY": str(CONCURRENCY),
            },
        ).configure()
        hub_account = session.client("sts").get_caller_identity()["Account"]
        started = time.perf_counter()
        for account in [hub_account, *(member.account for member in members)]:
            for region in REGIONS:
                _seed_pair(session, account, region, workloads)
        seed_s = time.perf_counter() - started
        hub = region_for(HUB_REGION)
        # One pair alone, after a first one that warms the process (clients, moto's backends): the reference a
        # sequential sweep of every pair would take once per pair.
        for member in members[:2]:
            single = SweepPair(member.account, member.name, REGIONS[0], "bench-single", "now")
            started = time.perf_counter()
            sweep_pair(single, hub, lambda: False)
            single_s = time.perf_counter() - started

        stamp = ReportStamp("bench-schedule", None, hub_account, HUB_REGION, "Scheduled Event", "now")
        pair_times: list[float] = []
        pair_calls: list[int] = []
        resources = 0
        with counting() as all_calls:
            # A fresh process's hub: its clients are made (and counted) here, the exec role's credentials too.
            bootstrap.reset()
            hub = region_for(HUB_REGION)
            started = time.perf_counter()
            fan_out(hub, stamp)
            fan_out_s = time.perf_counter() - started
            sqs = session.client("sqs")
            while messages := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
                for message in messages:
                    pair = SweepPair.from_message(message["Body"])
                    with counting() as calls:
                        began = time.perf_counter()
                        reports = sweep_pair(pair, hub, lambda: False)
                        pair_times.append(time.perf_counter() - began)
                    pair_calls.append(sum(calls.calls.values()))
                    counts = getattr(reports[0].details, "counts", {})
                    resources += sum(sum(by.values()) for by in counts.values())
                    sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        total_calls: Counter[str] = all_calls.calls
    pairs = len(pair_times)
    # Lambda runs CONCURRENCY workers at once: the pairs in waves, each wave as long as its slowest pair.
    ordered = sorted(pair_times, reverse=True)
    waves = sum(ordered[start] for start in range(0, pairs, CONCURRENCY))
    return {
        "accounts": accounts,
        "regions": list(REGIONS),
        "pairs": pairs,
        "workloads_per_pair": workloads,
        "resources_swept": resources,
        "seed_s": round(seed_s, 1),
        "single_pair_s": round(single_s, 2),
        "single_pair_x_pairs_s": round(single_s * pairs, 1),
        "fan_out_s": round(fan_out_s, 2),
        "sequential_s": round(sum(pair_times), 1),
        "concurrency": CONCURRENCY,
        "wall_at_concurrency_s": round(fan_out_s + waves, 1),
        "pair_s_median": round(statistics.median(pair_times), 2),
        "calls_per_pair_median": statistics.median(pair_calls),
        "sts_assume_role": total_calls.get("sts:AssumeRole", 0),
        "organizations_list_accounts": total_calls.get("organizations:ListAccounts", 0),
    }


def markdown(result: dict[str, Any]) -> list[str]:
    """The organization sweep's figures."""
    return [
        f"## The organization sweep: {result['accounts']} accounts x {len(result['regions'])} regions, "
        f"{result['workloads_per_pair']} Lambda functions each (dry run, in-process moto)",
        "",
        "The schedule queues one message per account and region; the workers sweep one pair each through the exec "
        f"role. Here the {result['pairs']} pairs run one after the other; Lambda runs {result['concurrency']} at once "
        "(SweepConcurrency), so the wall time is modelled as the fan-out plus the pairs in waves of that size.",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| resources swept | {result['resources_swept']} |",
        f"| one pair alone, s | {result['single_pair_s']} |",
        f"| one pair x {result['pairs']}, s | {result['single_pair_x_pairs_s']} |",
        f"| all pairs one after the other, s | {result['sequential_s']} |",
        f"| fan-out (ListAccounts, {result['pairs']} messages), s | {result['fan_out_s']} |",
        f"| wall time at SweepConcurrency {result['concurrency']}, s (model) | {result['wall_at_concurrency_s']} |",
        f"| a pair, median s | {result['pair_s_median']} |",
        f"| API calls per pair, median | {result['calls_per_pair_median']} |",
        f"| sts:AssumeRole calls (one per account and credential lifetime) | {result['sts_assume_role']} |",
        f"| organizations:ListAccounts calls | {result['organizations_list_accounts']} |",
        f"| seeding, s (not in the figures) | {result['seed_s']} |",
    ]


if __name__ == "__main__":
    print(json.dumps(run(accounts=3, workloads=10), indent=2))
