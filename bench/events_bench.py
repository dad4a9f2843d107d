"""Per-event figures: API calls beside the minimum the decision needs, and handler time, against in-process moto."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from moto import mock_aws

from bench.cli_imports import (
    EXEMPT,
    LocalRuntime,
    Topology,
    awsvpc,
    build_topology,
    compute_environment,
    counting,
    ecs_service,
    invoke,
    job_definition,
    lambda_function,
    load_sample,
    make_default_vpc_work,
)

REGION = "us-east-1"
# The ledger table PlacementFunction and SweepFunction write in Lambda: made in each simulated account, so that its
# calls (flap detection before a change, one audit item per decision) are counted as they would be deployed.
LEDGER_TABLE = "ledger"


class Account:
    """A fresh simulated account: clients made on first use (most scenarios need only EC2)."""

    def __init__(self, **client_options: str) -> None:
        # None for in-process moto; a moto server's endpoint URL and (fake) credentials for a server.
        self._options = client_options
        self._clients: dict[str, Any] = {}
        self._topology: Topology | None = None

    def client(self, name: str) -> Any:
        """A boto3 client of the simulated account (not the remediator's session: its calls are not counted)."""
        if name not in self._clients:
            self._clients[name] = boto3.client(name, region_name=REGION, **self._options)
        return self._clients[name]

    @property
    def ec2(self) -> Any:
        """The EC2 client."""
        return self.client("ec2")

    @property
    def topology(self) -> Topology:
        """The `shop` VPC (public, NAT-private, isolated subnets) and the `edge` VPC (public only), built once."""
        if self._topology is None:
            self._topology = build_topology(self.ec2)
        return self._topology


def create_ledger(dynamodb: Any, name: str = LEDGER_TABLE) -> None:
    """The ledger table with the template's key schema."""
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "resource", "AttributeType": "S"},
            {"AttributeName": "at", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "resource", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
    )


@dataclass(frozen=True)
class Scenario:
    """A scenario: shape the account, then the event a handler receives."""

    name: str
    handler: str
    function: str
    prepare: Callable[[Account], dict[str, Any]]
    minimum: int
    minimum_why: str
    dry_run: bool = False
    ledger: bool = False
    # The outcome the scenario is built to produce: a row measuring some other path would mislead.
    expect: str | None = None


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


def _healthy(account: Account) -> dict[str, Any]:
    return load_sample("ec2/DeleteRoute")


def _gateway_and_subnet_gone(account: Account) -> dict[str, Any]:
    ec2 = account.ec2
    vpc_id = _default_vpc(ec2)
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    last = max(subnets, key=lambda subnet: subnet["CidrBlock"])  # moto re-creates only the last /20 cleanly
    ec2.delete_subnet(SubnetId=last["SubnetId"])
    for igw in ec2.describe_internet_gateways()["InternetGateways"]:
        ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc_id)
        ec2.delete_internet_gateway(InternetGatewayId=igw["InternetGatewayId"])
    return load_sample("ec2/DeleteSubnet")


def _vpc_gone(account: Account) -> dict[str, Any]:
    _delete_default_vpc(account.ec2)
    return load_sample("ec2/DeleteVpc")


def _own_role(account: Account) -> dict[str, Any]:
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


# PlacementFunction ---------------------------------------------------------------------------------------------------
# Each scenario creates its workload before the event, as CloudTrail reports a call that succeeded: the handler finds
# it on the first describe and never waits in its not-found retries.


def _service(
    account: Account,
    name: str,
    subnets: tuple[str, ...],
    group: str,
    public_ip: bool,
    sample: str = "ecs/CreateService",
) -> dict[str, Any]:
    network = awsvpc(subnets, (group,), public_ip)
    created = ecs_service(account.client("ecs"), name, network, tags=EXEMPT if sample.endswith("_exempt") else None)
    return load_sample(sample, **created)


def _service_compliant(account: Account) -> dict[str, Any]:
    topo = account.topology
    return _service(account, "storefront", topo.public, topo.web_sg, True, "ecs/CreateService_compliant")


def _service_isolated(account: Account) -> dict[str, Any]:
    topo = account.topology
    return _service(account, "checkout", topo.isolated, topo.web_sg, False)


def _service_public_ip_disabled(account: Account) -> dict[str, Any]:
    topo = account.topology
    return _service(account, "catalog", topo.public, topo.web_sg, False, "ecs/CreateService_public_ip_disabled")


def _service_behind_ssh(account: Account) -> dict[str, Any]:
    topo = account.topology
    return _service(account, "admin", topo.public, topo.ssh_sg, False)


def _service_exempt(account: Account) -> dict[str, Any]:
    topo = account.topology
    return _service(account, "legacy", topo.isolated, topo.web_sg, False, "ecs/CreateService_exempt")


def _function(account: Account, name: str, subnets: tuple[str, ...], group: str) -> dict[str, Any]:
    created = lambda_function(account.client("lambda"), account.client("iam"), name, subnets, (group,))
    return load_sample("lambda/CreateFunction20150331", **created)


def _function_public(account: Account) -> dict[str, Any]:
    return _function(account, "orders", account.topology.public, account.topology.web_sg)


def _function_without_nat(account: Account) -> dict[str, Any]:
    return _function(account, "edge-hook", account.topology.edge_public, account.topology.edge_sg)


def _job_definition_without_ip(account: Account) -> dict[str, Any]:
    batch, iam, topo = account.client("batch"), account.client("iam"), account.topology
    # Where its jobs run: the Fargate environment's security groups are the ones a public IP would expose.
    compute_environment(batch, iam, "jobs-public", topo.public, (topo.web_sg,))
    return load_sample("batch/RegisterJobDefinition", **job_definition(batch, iam, "nightly-report", public_ip=None))


PLACEMENT = "vpc_remediator.handlers.placement.lambda_handler"


def _placement(
    name: str, prepare: Callable[[Account], dict[str, Any]], expect: str, minimum: int, why: str
) -> Scenario:
    return Scenario(name, PLACEMENT, "PlacementFunction", prepare, minimum, why, ledger=True, expect=expect)


# The minimum counts the ledger calls the design asks for: a Query (flap detection, duplicate events) before any
# change and a PutItem (the audit trail) for every decision. "VPC read" is the code's one read of a whole VPC:
# all its subnets, route tables, NAT gateways and endpoints (4 calls), cached for every workload of a sweep.
PLACEMENT_SCENARIOS: list[Scenario] = [
    _placement(
        "ECS service compliant",
        _service_compliant,
        "compliant",
        4,
        "describe service, its subnets (→ VPC), the VPC's route tables; PutItem. "
        "Code +3: the whole VPC read (all subnets, NAT gateways, endpoints)",
    ),
    _placement(
        "ECS service isolated → public subnets + public IP",
        _service_isolated,
        "remediated",
        9,
        "describe service, its subnets, the VPC's subnets (where the public ones are) and route tables, its "
        "security groups (exposure), Query, UpdateService, describe to verify, PutItem. "
        "Code +2: NAT gateways, endpoints",
    ),
    _placement(
        "ECS service public, assignPublicIp DISABLED → ENABLED",
        _service_public_ip_disabled,
        "remediated",
        8,
        "describe service, its subnets, route tables, its security groups, Query, UpdateService, verify, PutItem. "
        "Code +3: the whole VPC read, though its subnets stay",
    ),
    _placement(
        "Lambda function in public subnets → NAT subnets",
        _function_public,
        "remediated",
        9,
        "GetFunctionConfiguration and ListTags, its subnets, the VPC's subnets and route tables, Query, "
        "UpdateFunctionConfiguration, GetFunctionConfiguration to verify, PutItem. Code +2: NAT gateways, endpoints",
    ),
    _placement(
        "Lambda function, VPC without NAT",
        _function_without_nat,
        "needs-nat",
        6,
        "GetFunctionConfiguration and ListTags, its subnets, the VPC's subnets and route tables (no NAT subnet "
        "anywhere), PutItem. Code +2: NAT gateways and endpoints, which the report's NAT advice needs",
    ),
    _placement(
        "Fargate job definition without public IP → new revision",
        _job_definition_without_ip,
        "remediated",
        7,
        "describe the revision, the Fargate environments (their security groups) and those groups' rules, Query, "
        "RegisterJobDefinition, describe to verify, PutItem. No subnet to read",
    ),
    _placement(
        "ECS service behind a group open on port 22",
        _service_behind_ssh,
        "blocked",
        5,
        "describe service, its subnets, route tables, its security groups (port 22 open: stop), PutItem. "
        "Code +3: the whole VPC read",
    ),
    _placement(
        "ECS service exempt by tag",
        _service_exempt,
        "skipped",
        2,
        "describe service (its tags say exempt), PutItem",
    ),
]


def run(scenarios: list[Scenario], repeat: int) -> list[dict[str, Any]]:
    """For each scenario: API calls of one event, and handler time over `repeat` fresh accounts."""
    results = []
    for scenario in scenarios:
        ledger = {"LEDGER_TABLE": LEDGER_TABLE if scenario.ledger else ""}
        LocalRuntime(stack_name="vpc-remediator", dry_run=scenario.dry_run, extra_env=ledger).configure()
        durations: list[float] = []
        calls: dict[str, int] = {}
        outcome = ""
        # One untimed warm-up: the figures are for a warm function (cold start is measured on its own).
        for attempt in range(-1, repeat):
            with mock_aws():
                account = Account()
                make_default_vpc_work(account.ec2)
                if scenario.ledger:
                    create_ledger(account.client("dynamodb"))
                event = scenario.prepare(account)
                # The previous accounts' moto state is garbage by now: collect it here, or a full collection lands
                # inside some handler call and its time (hundreds of ms) becomes that scenario's p95. What was alive
                # after the warm-up is frozen, so that this collection scans one account's objects, not the process.
                gc.collect()
                with counting() as counter:
                    start = time.perf_counter()
                    reports = invoke(scenario.handler, scenario.function, event)
                    elapsed = (time.perf_counter() - start) * 1000
                got = reports[0]["outcome"] if reports else "none"
                if scenario.expect is not None and got != scenario.expect:
                    reason = reports[0]["reason"] if reports else ""
                    raise RuntimeError(f"{scenario.name}: expected {scenario.expect}, got {got} ({reason})")
                if attempt < 0:
                    gc.freeze()
                if attempt >= 0:
                    durations.append(elapsed)
                if attempt == 0:
                    calls = dict(counter.calls)
                    outcome = got
        gc.unfreeze()
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
