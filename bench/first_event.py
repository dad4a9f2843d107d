"""Cold start with the first event: Lambda's init, then one invocation, in a fresh interpreter, against a moto server.

Each built function gets the event it exists for, in an account shaped so that the event takes its usual path, with
the environment the template gives it (Slack on: idempotency table, reports queue, ledger, webhook secret). Cloud
Custodian's Lambda entry point dispatches the DefaultVpcFunction's event, in the same account state, in the same run.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench import events_bench
from bench.cli_imports import LocalReceiver, built_functions, load_sample, make_default_vpc_work
from bench.cold_start import (
    BUILD,
    CUSTODIAN,
    CUSTODIAN_POLICY,
    PEAK_RSS_SOURCE,
    WORK,
    custodian_python,
    importable_here,
)
from bench.deployed import Deployment
from bench.events_bench import Account
from bench.moto_server import REGION, MotoServer
from bench.notifier_bench import burst

STACK_NAME = "vpc-remediator"

# What Lambda's bootstrap does for one cold invocation: import the handler (the init phase), then call it once with
# the event and a context. Each phase is timed; the peak memory is read after each. Like Lambda's runtime, a handler
# on the root logger writes to stdout before the handler is imported (Custodian logs through it).
CHILD = (
    """
import importlib, json, logging, sys, time, types
PEAK_RSS
handler_path, event_path, out_path, function_name = sys.argv[1:5]
root = logging.StreamHandler(sys.stdout)
root.setFormatter(logging.Formatter("[%(levelname)s] %(asctime)s %(message)s"))
logging.getLogger().addHandler(root)
start = time.perf_counter()
module, _, attribute = handler_path.rpartition(".")
handler = getattr(importlib.import_module(module), attribute)
init_ms = (time.perf_counter() - start) * 1000
init_rss_kb = peak_rss_kb()
context = types.SimpleNamespace(
    function_name=function_name,
    memory_limit_in_mb=256,
    invoked_function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}",
    aws_request_id="00000000-0000-4000-8000-000000000000",
    get_remaining_time_in_millis=lambda: 900_000,
)
with open(event_path) as stream:
    event = json.load(stream)
start = time.perf_counter()
result = handler(event, context)
first_event_ms = (time.perf_counter() - start) * 1000
with open(out_path, "w") as stream:
    json.dump(
        {"init_ms": init_ms, "first_event_ms": first_event_ms, "init_rss_kb": init_rss_kb,
         "max_rss_kb": peak_rss_kb(), "result": result},
        stream,
        default=str,
    )
"""
).replace("PEAK_RSS", PEAK_RSS_SOURCE)

# Custodian's Lambda: c7n's mu packs the policy into config.json and a module calling handler.dispatch_event. The
# execution options are what mu keeps of a default run's options: none, so no account id and an STS call at start.
CUSTODIAN_ENTRY = "c7n.handler.dispatch_event"
CUSTODIAN_CONFIG = {"execution-options": {}, "policies": CUSTODIAN_POLICY["policies"]}
CUSTODIAN_NAME = f"Cloud Custodian {CUSTODIAN_ENTRY} ({CUSTODIAN})"


def _scenario(name: str) -> events_bench.Scenario:
    return next(s for s in [*events_bench.SCENARIOS, *events_bench.PLACEMENT_SCENARIOS] if s.name == name)


DEFAULT_VPC_DELETED = _scenario("default VPC deleted")
SERVICE_ISOLATED = _scenario("ECS service isolated → public subnets + public IP")


def _nat_gateway_created(account: Account) -> dict[str, Any]:
    topo, ec2 = account.topology, account.ec2
    subnet = topo.edge_public[0]
    gateway = ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="public")["NatGateway"]
    created = {"natGatewayId": gateway["NatGatewayId"], "subnetId": subnet, "vpcId": topo.edge_vpc_id}
    return load_sample(
        "ec2/CreateNatGateway",
        {"CreateNatGatewayRequest": {"SubnetId": subnet, "ConnectivityType": "public"}},
        responseElements={"CreateNatGatewayResponse": {"natGateway": {**created, "connectivityType": "public"}}},
    )


def _scheduled_sweep(account: Account) -> dict[str, Any]:
    SERVICE_ISOLATED.prepare(account)
    return load_sample("events/Scheduled_sweep")


def _reports_batch(account: Account) -> dict[str, Any]:
    """What SQS hands the notifier: one record holding one report, as the functions queue them."""
    body = json.dumps(burst(1)[0].to_dict())
    queue = f"{STACK_NAME}-ReportsQueue"
    record = {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "AQEB" + uuid.uuid4().hex,
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(int(time.time() * 1000)),
            "SenderId": "AROAEXAMPLE:vpc-remediator-PlacementFunction",
            "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000)),
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:{queue}",
        "awsRegion": REGION,
    }
    return {"Records": [record]}


@dataclass(frozen=True)
class FirstEvent:
    """The event a function's cold start handles: how the account is shaped, and what the handler must answer."""

    event: str
    prepare: Callable[[Account], dict[str, Any]]
    expect: str


FIRST_EVENTS = {
    "DefaultVpcFunction": FirstEvent(
        "ec2/DeleteVpc: the default VPC deleted", DEFAULT_VPC_DELETED.prepare, "remediated"
    ),
    "PlacementFunction": FirstEvent(
        "ecs/CreateService: a service in isolated subnets", SERVICE_ISOLATED.prepare, str(SERVICE_ISOLATED.expect)
    ),
    "NatGatewayFunction": FirstEvent("ec2/CreateNatGateway", _nat_gateway_created, "skipped"),
    # The sweep's summary and the service's report.
    "SweepFunction": FirstEvent(
        "events/Scheduled_sweep: two VPCs, one ECS service to fix", _scheduled_sweep, "2 remediated"
    ),
    "NotifierFunction": FirstEvent("an SQS batch of one report", _reports_batch, "1 Slack message"),
}
CUSTODIAN_EVENT = FirstEvent(FIRST_EVENTS["DefaultVpcFunction"].event, DEFAULT_VPC_DELETED.prepare, "dispatched")


def outcome(result: Any, slack_messages: int) -> str:
    """A handler's answer in a few words: the reports' outcomes, the notifier's Slack messages, Custodian's return."""
    if isinstance(result, list):
        counts = Counter(str(report.get("outcome")) for report in result)
        return ", ".join(f"{count} {name}" if count > 1 else name for name, count in counts.items()) or "no report"
    if isinstance(result, dict) and "batchItemFailures" in result:
        failures = len(result["batchItemFailures"])
        return f"{slack_messages} Slack message" + (f", {failures} not delivered" if failures else "")
    return "dispatched" if result is True else f"returned {result!r}"


@dataclass(frozen=True)
class Subject:
    """One measured cold start: an interpreter, the handler Lambda would call, where and with what environment."""

    name: str
    python: str
    handler: str
    python_path: str
    cwd: Path
    first: FirstEvent
    environment: Callable[[Deployment], dict[str, str]]


def _subjects(python: str) -> list[Subject]:
    subjects = []
    for function in built_functions(BUILD):
        if function.name not in FIRST_EVENTS:
            raise KeyError(f"{function.name} has no first event: add one to FIRST_EVENTS in {__name__}")
        subjects.append(
            Subject(
                function.name,
                python,
                function.handler,
                importable_here(function.python_path, python),
                # Lambda runs the handler in its code directory (/var/task).
                Path(function.python_path.split(os.pathsep)[0]),  # the function's own directory, not the overlay
                FIRST_EVENTS[function.name],
                lambda deployment, name=function.name: deployment.environment(name),
            )
        )
    custodian = str(Path(custodian_python(python)).absolute())
    site = subprocess.run(
        [custodian, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    task = (WORK / "custodian-task").resolve()
    task.mkdir(parents=True, exist_ok=True)
    # dispatch_event reads config.json from the working directory, as in Lambda's /var/task.
    (task / "config.json").write_text(json.dumps(CUSTODIAN_CONFIG, indent=2))
    subjects.append(Subject(CUSTODIAN_NAME, custodian, CUSTODIAN_ENTRY, site, task, CUSTODIAN_EVENT, lambda _: {}))
    return subjects


def _prepare(server: MotoServer, template: dict[str, Any], receiver_url: str, subject: Subject) -> Deployment:
    """A fresh account: the stack's tables, queues and webhook secret, a working default VPC, then the event's state."""
    server.reset()
    account = Account(**server.client_options())
    secret = account.client("secretsmanager").create_secret(
        Name=f"{STACK_NAME}/slack-webhook", SecretString=receiver_url
    )
    deployment = Deployment(template, STACK_NAME, {"SlackWebhookSecretArn": secret["ARN"]})
    deployment.create(account.client)
    make_default_vpc_work(account.ec2)
    event = subject.first.prepare(account)
    (WORK / "first-event.json").write_text(json.dumps(event))
    return deployment


def _run(server: MotoServer, receiver: LocalReceiver, subject: Subject, deployment: Deployment) -> dict[str, Any]:
    out = WORK / "first-event-result.json"
    out.unlink(missing_ok=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        # -S below: only the build output and the layer (or Custodian's packages) on the path, as in Lambda.
        "PYTHONPATH": subject.python_path,
        "PYTHONDONTWRITEBYTECODE": "1",
        **server.environment(),
        **subject.environment(deployment),
    }
    command = [subject.python, "-S", "-c", CHILD, subject.handler, str((WORK / "first-event.json").resolve())]
    command += [str(out.resolve()), subject.name]
    received = len(receiver.received)
    start = time.perf_counter()
    finished = subprocess.run(command, env=env, cwd=subject.cwd, capture_output=True, text=True, check=False)
    process_ms = (time.perf_counter() - start) * 1000
    if finished.returncode != 0:
        raise RuntimeError(f"{subject.name}: the first event failed\n{finished.stderr[-3000:]}")
    measured: dict[str, Any] = json.loads(out.read_text())
    measured["process_ms"] = process_ms
    measured["outcome"] = outcome(measured.pop("result"), len(receiver.received) - received)
    return measured


def measure(python: str, repeat: int) -> dict[str, Any]:
    """Median init, first event and their total for every built function and for Custodian, on one moto server.

    The first round is not timed: it counts each subject's AWS calls (moto's request recorder) and loads the server's
    service backends, which a real endpoint has ready. The order of the subjects turns from round to round.
    """
    WORK.mkdir(parents=True, exist_ok=True)
    template = yaml.safe_load((BUILD / "template.yaml").read_text())
    subjects = _subjects(python)
    samples: dict[str, list[dict[str, Any]]] = {subject.name: [] for subject in subjects}
    calls: dict[str, Counter[str]] = {}
    with MotoServer(WORK / "moto-recording.jsonl") as server, LocalReceiver() as receiver:
        for round_ in range(repeat + 1):
            shift = round_ % len(subjects)
            for subject in subjects[shift:] + subjects[:shift]:
                deployment = _prepare(server, template, receiver.url, subject)
                with server.recording() if round_ == 0 else nullcontext(Counter()) as counted:
                    measured = _run(server, receiver, subject, deployment)
                if subject.first.expect and measured["outcome"] != subject.first.expect:
                    raise RuntimeError(f"{subject.name}: expected {subject.first.expect}, got {measured['outcome']}")
                if round_ == 0:
                    calls[subject.name] = counted
                else:
                    samples[subject.name].append(measured)
    results = {subject.name: _summary(subject, samples[subject.name], calls[subject.name]) for subject in subjects}
    reference = results.pop(CUSTODIAN_NAME)
    return {
        "server": f"moto {_moto_version()} server (python -m moto.server on 127.0.0.1, its own process)",
        "functions": results,
        "reference": {"name": CUSTODIAN_NAME, **reference},
    }


def _summary(subject: Subject, runs: list[dict[str, Any]], calls: Counter[str]) -> dict[str, Any]:
    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    return {
        "event": subject.first.event,
        "outcome": runs[0]["outcome"],
        "api_calls": sum(calls.values()),
        "calls": dict(calls.most_common()),
        "init_ms_median": median("init_ms"),
        "first_event_ms_median": median("first_event_ms"),
        # The median of each run's total: not the sum of the two medians.
        "total_ms_median": statistics.median(run["init_ms"] + run["first_event_ms"] for run in runs),
        "process_ms_median": median("process_ms"),
        "init_rss_mb_median": median("init_rss_kb") / 1024,
        "max_rss_mb_median": median("max_rss_kb") / 1024,
        "runs": len(runs),
    }


def _moto_version() -> str:
    from importlib.metadata import version  # noqa: PLC0415

    return version("moto")


if __name__ == "__main__":
    # `python -m bench.first_event [python] [runs]`: this measure alone, printed as JSON.
    interpreter = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    print(json.dumps(measure(interpreter, int(sys.argv[2]) if len(sys.argv) > 2 else 3), indent=2))
