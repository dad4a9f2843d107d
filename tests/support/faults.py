"""Fault injection: a fault at the k-th AWS call of an invocation, then Lambda's retries with the fault cleared.

A hook on the shared boto3 session (as the API-call counter) sees every call the remediator makes, ledger included:
- throttling, a 500 and AccessDenied are raised at `before-call`, as botocore raises them once its own retries are
  spent (the error code and status each service uses);
- a read timeout is raised at `before-send`, *after* moto has handled the request: the call landed and its answer was
  lost, and botocore re-sends it as it does in AWS (a client that sends once raises it instead).

Each run builds one scenario in a fresh simulated account, invokes its function as Lambda does (the invocation, then
up to two retries while it raises), and reads back the end state, the account's resources and the ledger.
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError, ReadTimeoutError
from moto import mock_aws
from moto.batch.models import BatchBackend

from vpc_remediator.aws.clients import ClientFactory
from vpc_remediator.bootstrap import AwsRegion
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios import REGION, ZONES
from vpc_remediator.devkit.scenarios.default_vpc import (
    default_vpc_id,
    delete_gateway,
    delete_last_default_subnet,
    main_route_table,
    make_default_vpc_work,
)
from vpc_remediator.devkit.scenarios.placement import (
    autoscaling_group,
    awsvpc,
    compute_environment,
    ecs_network,
    ecs_service,
    job_definition,
    lambda_function,
)
from vpc_remediator.domain.guards import INTENT
from vpc_remediator.remediation.entry import Home, on_default_vpc_event, on_placement_event
from vpc_remediator.remediation.ports import MemoryLedger
from vpc_remediator.settings import Settings

from .default_vpc import all_zones, default_vpc_picture

THROTTLING, SERVER_ERROR, ACCESS_DENIED, READ_TIMEOUT = "throttling", "server-error", "access-denied", "read-timeout"
FAULT_KINDS = (THROTTLING, SERVER_ERROR, ACCESS_DENIED, READ_TIMEOUT)
# Lambda retries an asynchronous invocation that raised twice.
LAMBDA_RETRIES = 2
ACCOUNT = "123456789012"
# The function's own account and region, as Lambda gives them in its ARN.
HOME = Home(ACCOUNT, REGION)
SETTINGS = Settings(stack_name="vpc-remediator", ledger_table="ledger")

# (code, HTTP status) each service answers with, by fault: EC2 has its own spellings.
_ERRORS = {
    THROTTLING: {"ec2": ("RequestLimitExceeded", 503), "lambda": ("TooManyRequestsException", 429)},
    SERVER_ERROR: {
        "ec2": ("InternalError", 500),
        "lambda": ("ServiceException", 500),
        "dynamodb": ("InternalServerError", 500),
    },
    ACCESS_DENIED: {"ec2": ("UnauthorizedOperation", 403)},
}
_DEFAULT_ERRORS = {
    THROTTLING: ("ThrottlingException", 400),
    SERVER_ERROR: ("ServerException", 500),
    ACCESS_DENIED: ("AccessDeniedException", 403),
}


def client_error(kind: str, service: str, operation: str) -> ClientError:
    """The ClientError the service raises for this fault."""
    code, status = _ERRORS[kind].get(service, _DEFAULT_ERRORS[kind])
    response: Any = {
        "Error": {"Code": code, "Message": f"injected {kind}"},
        "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": str(uuid.uuid4())},
    }
    return ClientError(response, operation)


@dataclass
class Injector:
    """Counts the calls of an invocation and makes the k-th one fail (once)."""

    kind: str | None = None
    at: int = -1
    calls: list[str] = field(default_factory=list)
    fired: str | None = None
    current: int = -1

    def before_call(self, model: Any, **_: Any) -> None:
        self.current = len(self.calls)
        self.calls.append(f"{model.service_model.signing_name}:{model.name}")
        if self.kind in (THROTTLING, SERVER_ERROR, ACCESS_DENIED) and self.current == self.at:
            self.fired = self.calls[-1]
            raise client_error(self.kind, model.service_model.signing_name, model.name)

    def before_send(self, request: Any, **_: Any) -> None:
        if self.kind == READ_TIMEOUT and self.current == self.at and self.fired is None:
            self.fired = self.calls[-1]
            raise ReadTimeoutError(endpoint_url=request.url)

    def clear(self) -> None:
        """Lambda's retry comes later: the fault has passed."""
        self.kind = None


class Dispatcher:
    """The hooks of the remediator's session, registered once: they hand each call to the run's injector."""

    def __init__(self) -> None:
        self.injector = Injector()

    def before_call(self, **kwargs: Any) -> None:
        self.injector.before_call(**kwargs)

    def before_send(self, **kwargs: Any) -> None:
        self.injector.before_send(**kwargs)


_DISPATCHER = Dispatcher()


@functools.cache
def remediator_clients() -> ClientFactory:
    """The clients the remediator runs with (one session for the process, its hooks after moto's own): made once,
    as a warm Lambda keeps them; the scenario's own clients are not hooked."""
    session = boto3.Session(region_name=REGION)
    session.events.register("before-call", _DISPATCHER.before_call, unique_id="fault-injector-call")
    session.events.register("before-send", _DISPATCHER.before_send, unique_id="fault-injector-send")
    return ClientFactory(region=REGION, session=session)


@contextmanager
def injecting(injector: Injector) -> Iterator[ClientFactory]:
    """The remediator's clients, with this injector behind their hooks."""
    _DISPATCHER.injector = injector
    try:
        yield remediator_clients()
    finally:
        _DISPATCHER.injector = Injector()


@contextmanager
def batch_applies_compute_resources() -> Iterator[None]:
    """moto stores UpdateComputeEnvironment's computeResources unchanged (DESIGN: moto gaps); AWS applies the subnets
    and security groups of a Fargate environment. The shim applies them so the end state can be read back."""
    original = BatchBackend.update_compute_environment

    def update(self: Any, compute_environment_name: str, state: Any, compute_resources: Any, service_role: Any) -> Any:
        result = original(self, compute_environment_name, state, compute_resources, service_role)
        found = self.get_compute_environment(compute_environment_name)
        for key in ("subnets", "securityGroupIds"):
            if compute_resources and key in compute_resources:
                found.compute_resources[key] = compute_resources[key]
        return result

    BatchBackend.update_compute_environment = update  # type: ignore[method-assign]
    try:
        yield
    finally:
        BatchBackend.update_compute_environment = original  # type: ignore[method-assign]


@dataclass
class Setup:
    """One scenario built in the account: its event, its function, and how a user reads its state."""

    event: dict[str, Any]
    function: str
    state: Callable[[], Any]
    compliant: Callable[[Any], bool]
    # What must exist exactly once however often a call was retried: name → count.
    made: Callable[[], Counter[str]] = Counter


@functools.cache
def _clients() -> dict[str, Any]:
    """The scenarios' own clients (builders and readers), made once: moto answers them whenever it is started."""
    return {
        name: boto3.client(name, region_name=REGION)
        for name in ("ec2", "ecs", "lambda", "iam", "batch", "dynamodb", "autoscaling")
    }


def _gateways(ec2: Any) -> Counter[str]:
    """Every internet gateway of the account (the scenario deleted the default VPC's: one is to be made), and
    those attached to nothing."""
    gateways = ec2.describe_internet_gateways()["InternetGateways"]
    return Counter(
        {"internet gateways made": len(gateways), "detached": sum(1 for g in gateways if not g.get("Attachments"))}
    )


def default_vpc_scenario() -> Setup:
    """The default VPC with a default subnet, its internet gateway and its 0.0.0.0/0 route missing."""
    ec2 = _clients()["ec2"]
    make_default_vpc_work(ec2)
    delete_last_default_subnet(ec2)
    delete_gateway(ec2)
    table = main_route_table(ec2, str(default_vpc_id(ec2)))["RouteTableId"]
    ec2.delete_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0")
    zones = all_zones(ec2)

    def works(picture: Any) -> bool:
        return bool(
            picture["vpc"]
            and picture["zones"] == zones
            and len(picture["igws"]) == 1
            and picture["route_target"] == picture["igws"][0]
        )

    return Setup(
        load_sample("ec2/DeleteSubnet"),
        "default-vpc",
        lambda: default_vpc_picture(ec2),
        works,
        lambda: _gateways(ec2),
    )


@dataclass(frozen=True)
class Network:
    """The lean network every workload scenario needs: public, NAT-private and isolated subnets in two zones."""

    public: tuple[str, ...]
    private: tuple[str, ...]
    isolated: tuple[str, ...]
    group: str


def lean_network(ec2: Any) -> Network:
    """build_topology's `shop` VPC without the second VPC and the extra groups (moto is slow to build: this is
    most of a run's time)."""
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)

    def subnets(first: int) -> tuple[str, ...]:
        return tuple(
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.20.{first + i}.0/24", AvailabilityZone=zone)["Subnet"][
                "SubnetId"
            ]
            for i, zone in enumerate(ZONES)
        )

    def route(found: tuple[str, ...], **target: str) -> None:
        table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", **target)
        for subnet in found:
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)

    public, private, isolated = subnets(0), subnets(10), subnets(20)
    # The NAT gateway in a public subnet of its own: a subnet holding one is never a workload's home.
    egress = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.30.0/24", AvailabilityZone=ZONES[0])["Subnet"]["SubnetId"]
    route((*public, egress), GatewayId=igw)
    nat = ec2.create_nat_gateway(SubnetId=egress, ConnectivityType="public")["NatGateway"]["NatGatewayId"]
    route(private, NatGatewayId=nat)
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc_id)["GroupId"]
    return Network(public, private, isolated, group)


def ecs_scenario() -> Setup:
    """A Fargate service in isolated subnets: moved to public subnets with a public IP."""
    clients = _clients()
    topo = lean_network(clients["ec2"])
    created = ecs_service(clients["ecs"], "checkout", awsvpc(topo.isolated, (topo.group,), False))
    arn = created["responseElements"]["service"]["serviceArn"]

    def state() -> Any:
        network = ecs_network(clients["ecs"], arn)
        return (tuple(sorted(network["subnets"])), network.get("assignPublicIp"))

    return Setup(
        load_sample("ecs/CreateService", **created),
        "placement",
        state,
        lambda found: found == (tuple(sorted(topo.public)), "ENABLED"),
    )


def lambda_scenario() -> Setup:
    """A function in public subnets (no internet for it there): moved to the NAT subnets."""
    clients = _clients()
    topo = lean_network(clients["ec2"])
    created = lambda_function(clients["lambda"], clients["iam"], "orders", topo.public, (topo.group,))

    def state() -> Any:
        config = clients["lambda"].get_function(FunctionName="orders")["Configuration"]
        return tuple(sorted(config["VpcConfig"]["SubnetIds"]))

    return Setup(
        load_sample("lambda/CreateFunction20150331", **created),
        "placement",
        state,
        lambda found: found == tuple(sorted(topo.private)),
    )


def job_definition_scenario() -> Setup:
    """A Fargate job definition without a public IP: revised with one."""
    clients = _clients()
    topo = lean_network(clients["ec2"])
    compute_environment(clients["batch"], clients["iam"], "jobs", topo.public, (topo.group,))
    registered = job_definition(clients["batch"], clients["iam"], "nightly", public_ip="DISABLED")

    def revisions() -> list[dict[str, Any]]:
        found = clients["batch"].describe_job_definitions(jobDefinitionName="nightly", status="ACTIVE")
        return sorted(found["jobDefinitions"], key=lambda item: item["revision"])

    def state() -> Any:
        latest = revisions()[-1]
        return latest["containerProperties"].get("networkConfiguration", {}).get("assignPublicIp")

    return Setup(
        load_sample("batch/RegisterJobDefinition", **registered),
        "placement",
        state,
        lambda found: found == "ENABLED",
        lambda: Counter({"job definition revisions made": len(revisions()) - 1}),
    )


def compute_environment_scenario() -> Setup:
    """A Fargate compute environment in isolated subnets: moved to public subnets."""
    clients = _clients()
    topo = lean_network(clients["ec2"])
    created = compute_environment(clients["batch"], clients["iam"], "jobs", topo.isolated, (topo.group,))

    def state() -> Any:
        found = clients["batch"].describe_compute_environments(computeEnvironments=["jobs"])
        return tuple(sorted(found["computeEnvironments"][0]["computeResources"]["subnets"]))

    return Setup(
        load_sample("batch/CreateComputeEnvironment", **created),
        "placement",
        state,
        lambda found: found == tuple(sorted(topo.public)),
    )


def autoscaling_scenario() -> Setup:
    """An Auto Scaling group in isolated subnets: moved to public subnets that map public IPs on launch."""
    clients = _clients()
    topo = lean_network(clients["ec2"])
    for subnet in topo.public:
        clients["ec2"].modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    created = autoscaling_group(clients["autoscaling"], clients["ec2"], "workers", topo.isolated, (topo.group,))

    def state() -> Any:
        found = clients["autoscaling"].describe_auto_scaling_groups(AutoScalingGroupNames=["workers"])
        return tuple(sorted(found["AutoScalingGroups"][0]["VPCZoneIdentifier"].split(",")))

    return Setup(
        load_sample("autoscaling/CreateAutoScalingGroup", **created),
        "placement",
        state,
        lambda found: found == tuple(sorted(topo.public)),
    )


SCENARIOS: dict[str, Callable[[], Setup]] = {
    "default VPC (subnet, gateway, route missing)": default_vpc_scenario,
    "ECS service moved": ecs_scenario,
    "Lambda function moved": lambda_scenario,
    "job definition revised": job_definition_scenario,
    "compute environment moved": compute_environment_scenario,
    "Auto Scaling group moved": autoscaling_scenario,
}


def _ledger_table() -> Any:
    dynamodb = _clients()["dynamodb"]
    dynamodb.create_table(
        TableName="ledger",
        AttributeDefinitions=[
            {"AttributeName": "resource", "AttributeType": "S"},
            {"AttributeName": "at", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "resource", "KeyType": "HASH"}, {"AttributeName": "at", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return dynamodb


def _invoke(setup: Setup, region: AwsRegion) -> list[dict[str, Any]]:
    regions = lambda _name: region  # noqa: E731
    if setup.function == "default-vpc":
        reports = on_default_vpc_event(setup.event, regions, home=HOME)
    else:
        reports = on_placement_event(setup.event, regions, delays=(0, 0), sleep=lambda _: None, home=HOME)
    return [report.to_dict() for report in reports]


@dataclass
class Run:
    """What one run did and left."""

    scenario: str
    kind: str | None
    at: int
    fired: str | None
    calls: list[str]
    invocations: list[str]
    reports: list[dict[str, Any]] | None
    before: Any
    after: Any
    compliant_after: bool
    made: Counter[str]
    ledger: list[dict[str, str]]

    def problems(self) -> list[str]:
        """Every way this run broke a promise: lost or extra reports, an outcome the end state contradicts,
        something made twice or left detached, a ledger that does not tell what happened."""
        if self.reports is None:
            return ["lost report: every invocation raised"]
        if len(self.reports) != 1:
            return [f"{len(self.reports)} reports for one resource"]
        (report,) = self.reports
        found = [*self._outcome_problems(report), *self._duplicates(report), *self._ledger_problems(report)]
        return [f"{problem} (outcome {report['outcome']}: {report['reason']})" for problem in found]

    def _outcome_problems(self, report: dict[str, Any]) -> list[str]:
        outcome = report["outcome"]
        if outcome == "remediated" and not self.compliant_after:
            return ["remediated, but the end state is not the target"]
        if outcome == "blocked" and self.after != self.before:
            return ["blocked, but something changed"]
        unverified = "cannot be verified" in report["reason"] or "cannot be read back" in report["reason"]
        if outcome == "failed" and self.compliant_after and not unverified:
            return ["failed, but the change is in place"]
        if outcome not in ("remediated", "blocked", "failed"):
            return [f"{outcome}, for a resource that needed a change"]
        return []

    def _duplicates(self, report: dict[str, Any]) -> list[str]:
        problems = [f"{count} {what}" for what, count in self.made.items() if what != "detached" and count > 1]
        if self.made.get("detached") and "left detached" not in report["reason"]:
            problems.append("an internet gateway left detached and not reported")
        return problems

    def _ledger_problems(self, report: dict[str, Any]) -> list[str]:
        # By time; at one instant, the intent first (its sort key carries a suffix).
        mine = sorted(
            (item for item in self.ledger if item.get("event_id") == report["event_id"]),
            key=lambda i: (i["at"].split("#", 1)[0], i["decision"] != INTENT),
        )
        decisions = [item for item in mine if item["decision"] != INTENT]
        if not mine:
            # Only a check refused before any plan leaves nothing: the ledger itself may be what was refused.
            return [] if report["outcome"] == "blocked" else ["nothing in the ledger"]
        if mine[-1]["decision"] == INTENT:
            return ["an intent left open"]
        if decisions[-1]["decision"] != report["outcome"]:
            return [f"the ledger says {decisions[-1]['decision']}"]
        return []

    @property
    def half_done(self) -> bool:
        """Something changed, the target is not reached, and the report does not say `failed`."""
        return (
            self.reports is not None
            and self.after != self.before
            and not self.compliant_after
            and all(report["outcome"] != "failed" for report in self.reports)
        )


def run(scenario: str, kind: str | None = None, at: int = -1) -> Run:
    """Build the scenario, invoke its function with the fault at call `at`, retry as Lambda does, read back.

    Runs inside `simulated_account()`: each run starts from an empty account.
    """
    reset_account()
    dynamodb = _ledger_table()
    setup = SCENARIOS[scenario]()
    before = setup.state()
    injector = Injector(kind, at)
    invocations: list[str] = []
    reports = None
    with injecting(injector) as clients:
        region = AwsRegion(SETTINGS, clients, memory_ledger=MemoryLedger())
        for _ in range(1 + LAMBDA_RETRIES):
            try:
                reports = _invoke(setup, region)
            except Exception as exc:  # what Lambda would see: the invocation failed, it retries later
                invocations.append(f"raised {type(exc).__name__}: {exc}")
                injector.clear()
                continue
            invocations.append("returned")
            break
    after = setup.state()
    ledger = [
        {key: value.get("S", "") for key, value in item.items()}
        for item in dynamodb.scan(TableName="ledger")["Items"]
        if not item["resource"]["S"].startswith("report-group/")
    ]
    return Run(
        scenario,
        kind,
        at,
        injector.fired,
        injector.calls,
        invocations,
        reports,
        before,
        after,
        setup.compliant(after),
        setup.made(),
        ledger,
    )


_MOCK: list[Any] = []


@contextmanager
def simulated_account() -> Iterator[None]:
    """One moto mock for many runs (starting one costs more than a run), with Batch's shim."""
    with mock_aws() as mock, batch_applies_compute_resources():
        _MOCK.append(mock)
        try:
            yield
        finally:
            _MOCK.pop()


def reset_account() -> None:
    """An empty account for the next run."""
    _MOCK[-1].reset()


_CLEAN_CALLS: dict[str, int] = {}


def matrix(scenario: str, kind: str) -> list[Run]:
    """The scenario with the fault at each call its clean run makes (counted once per process), one run per call."""
    with simulated_account():
        if scenario not in _CLEAN_CALLS:
            clean = run(scenario)
            assert not clean.problems(), clean.problems()
            _CLEAN_CALLS[scenario] = len(clean.calls)
        return [run(scenario, kind, at) for at in range(_CLEAN_CALLS[scenario])]
