"""`vpc-remediator handle` and `demo` as a user runs them: a real process against a moto server on 127.0.0.1."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.support.default_vpc import default_vpc_picture
from tests.support.terminal import ROOT, cli_environment, run_on_a_terminal, run_piped
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.receiver import LocalReceiver
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import delete_default_vpc, make_default_vpc_work
from vpc_remediator.devkit.scenarios.placement import (
    EXEMPT,
    awsvpc,
    build_topology,
    compute_environment,
    ecs_network,
    ecs_service,
    job_definition,
    lambda_function,
)

EVENTS = ROOT / "events"


@pytest.fixture
def moto_server() -> Iterator[str]:
    # Port 0: the system picks a free port when the server binds it, so parallel test processes never race for one.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    # moto keeps its accounts in process-wide state: start every test from a fresh one.
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def server_ec2(moto_server: str) -> Any:
    client = boto3.client("ec2", region_name=REGION, endpoint_url=moto_server)
    make_default_vpc_work(client)
    return client


def run_cli(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_piped(list(args), cli_environment(AWS_ENDPOINT_URL=endpoint))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """One run of `vpc-remediator demo` (as make demo runs it) for the tests that read its output or its HTML report."""
    page = tmp_path_factory.mktemp("demo") / "demo-report.html"
    result = run_piped(["demo", "--html", str(page)], cli_environment(), timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def reports(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_handle_recreates_a_deleted_default_vpc_and_prints_the_report(moto_server: str, server_ec2: Any) -> None:
    delete_default_vpc(server_ec2)
    result = run_cli(moto_server, "handle", "--json", str(EVENTS / "ec2/DeleteVpc.json"))
    assert result.returncode == 0, result.stderr
    (report,) = reports(result.stdout)
    picture = default_vpc_picture(server_ec2)
    assert report["outcome"] == "remediated"
    assert {"resource", "kind", "outcome", "reason", "actions", "event_id", "account", "region"} <= set(report)
    assert picture["vpc"] and report["resource"].endswith(picture["vpc"])
    assert len(picture["zones"]) == len(server_ec2.describe_availability_zones()["AvailabilityZones"])
    assert picture["route_target"] == picture["igws"][0]


def test_handle_dry_run_changes_nothing(moto_server: str, server_ec2: Any) -> None:
    delete_default_vpc(server_ec2)
    result = run_cli(moto_server, "handle", "--json", "--dry-run", str(EVENTS / "ec2/DeleteVpc.json"))
    assert result.returncode == 0, result.stderr
    (report,) = reports(result.stdout)
    assert report["outcome"] == "would-remediate"
    assert default_vpc_picture(server_ec2) == {"vpc": None}


def test_handle_ignores_own_role_and_failed_calls_with_a_reason(moto_server: str, server_ec2: Any) -> None:
    delete_default_vpc(server_ec2)
    files = [str(EVENTS / "ec2/DeleteSubnet_own_role.json"), str(EVENTS / "ec2/DeleteSubnet_failed.json")]
    result = run_cli(moto_server, "handle", "--json", *files)
    assert result.returncode == 0, result.stderr
    own, failed = reports(result.stdout)
    assert own["outcome"] == failed["outcome"] == "ignored"
    assert "role" in own["reason"]
    assert "Client.InvalidSubnetID.NotFound" in failed["reason"]
    assert default_vpc_picture(server_ec2) == {"vpc": None}


def test_handle_prints_a_readable_summary_without_json(moto_server: str, server_ec2: Any) -> None:
    result = run_cli(moto_server, "handle", str(EVENTS / "ec2/DeleteRoute.json"))
    assert result.returncode == 0, result.stderr
    assert "default-vpc" in result.stdout
    assert "the default VPC works" in result.stdout


def test_handle_on_a_terminal_colours_the_summary_and_in_a_pipe_does_not(moto_server: str, server_ec2: Any) -> None:
    event = str(EVENTS / "ec2/DeleteRoute.json")
    status, written, stderr = run_on_a_terminal(["handle", event], cli_environment(AWS_ENDPOINT_URL=moto_server))
    piped = run_cli(moto_server, "handle", event)
    assert status == piped.returncode == 0, stderr + piped.stderr
    assert b"\x1b[32m[ok]" in written  # green
    assert "\x1b" not in piped.stdout + piped.stderr
    assert re.sub(rb"\x1b\[[0-9;]*m", b"", written).decode() == piped.stdout


def test_handle_json_is_one_sorted_object_a_line_on_a_terminal_too(moto_server: str, server_ec2: Any) -> None:
    delete_default_vpc(server_ec2)
    env = cli_environment(AWS_ENDPOINT_URL=moto_server)
    status, written, stderr = run_on_a_terminal(["handle", "--json", str(EVENTS / "ec2/DeleteVpc.json")], env)
    assert status == 0, stderr
    (report,) = reports(written.decode())
    assert report["outcome"] == "remediated" and report["actions"] and report["details"]
    # The exact bytes: no colour, no wrapping, keys sorted, json.dumps' separators, one line per report.
    assert written == (json.dumps(report, sort_keys=True, default=str) + "\n").encode()


def test_audit_on_a_terminal_shows_its_progress_over_the_phases_and_a_coloured_table(
    moto_server: str, server_ec2: Any
) -> None:
    delete_default_vpc(server_ec2)
    env = cli_environment(AWS_ENDPOINT_URL=moto_server)
    status, written, _ = run_on_a_terminal(["audit"], env, stderr_too=True)
    assert status == 0, written.decode(errors="replace")
    text = written.decode()
    assert "\x1b[1;36mwould-remediate" in text  # the table's outcome, bold cyan
    plain = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", text)
    assert re.search(r"✓ default-vpc .* 1 resource, 1 page", plain)
    assert re.search(r"✓ sweep .* (\d+)/\1 phases", plain), "the bar ends with every phase done"


def test_handle_names_the_file_that_is_not_an_event(moto_server: str, tmp_path: Path) -> None:
    bad = tmp_path / "not-an-event.json"
    bad.write_text(json.dumps({"hello": "world"}))
    result = run_cli(moto_server, "handle", str(bad))
    assert result.returncode != 0
    assert "not-an-event.json" in result.stderr
    assert "not an EventBridge event" in result.stderr


def test_handle_names_a_file_that_is_not_json(moto_server: str, tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{")
    result = run_cli(moto_server, "handle", str(bad))
    assert result.returncode != 0
    assert "broken.json" in result.stderr


def test_the_demo_into_a_pipe_is_plain_text(demo: subprocess.CompletedProcess[str]) -> None:
    assert "\x1b" not in demo.stdout + demo.stderr
    assert "\n=== Slack" in demo.stdout  # headings in their plain shape


def test_demo_writes_its_html_report_and_says_where(demo: subprocess.CompletedProcess[str]) -> None:
    last = demo.stdout.strip().splitlines()[-1]
    assert last.startswith("The demo account's HTML report (egress map, NAT costs, findings): ")
    page = Path(last.rsplit(": ", 1)[1])
    assert "edge-hook" in page.read_text(encoding="utf-8")


def test_demo_shows_the_default_vpc_recreated_and_repaired(demo: subprocess.CompletedProcess[str]) -> None:
    assert "[FIXED] default-vpc" in demo.stdout
    assert "ec2:CreateDefaultVpc" in demo.stdout
    assert "ec2:CreateDefaultSubnet" in demo.stdout
    after = demo.stdout.rsplit("=== After", 1)[1]
    assert "default VPC: none" not in after
    assert "internet gateway: none" not in after


def test_demo_moves_an_auto_scaling_group_out_of_isolated_subnets(demo: subprocess.CompletedProcess[str]) -> None:
    act = demo.stdout.split("=== autoscaling-group", 1)[1].split("\n=== ", 1)[0]
    assert "[FIXED] autoscaling-group" in act
    assert "autoscaling:UpdateAutoScalingGroup" in act
    before, after = (
        line.split("subnets ", 1)[1] for line in act.splitlines() if line.lstrip().startswith(("before:", "after:"))
    )
    assert before.split(",")[0] not in after


def test_handle_posts_the_reports_of_one_call_to_a_slack_webhook(moto_server: str, server_ec2: Any) -> None:
    delete_default_vpc(server_ec2)
    files = [str(EVENTS / "ec2/DeleteVpc.json"), str(EVENTS / "ec2/DeleteSubnet_own_role.json")]
    with LocalReceiver(replies=[(429, {"Retry-After": "1"})]) as receiver:
        result = run_cli(moto_server, "handle", "--json", "--slack-webhook", receiver.url, *files)
    assert result.returncode == 0, result.stderr
    remediated, ignored = reports(result.stdout)
    assert ignored["outcome"] == "ignored"
    # The ignored report is quiet: one message, for the remediated default VPC, after the rate limit.
    (message,) = receiver.received
    assert receiver.attempts == 2
    assert message["blocks"][0]["text"]["text"].endswith(remediated["resource"].rsplit("/", 1)[1])
    assert "posted 1 of 1 messages" in result.stderr


def test_handle_says_when_slack_did_not_take_a_message(moto_server: str, server_ec2: Any) -> None:
    delete_default_vpc(server_ec2)
    with LocalReceiver(replies=[(404, {})]) as receiver:
        result = run_cli(moto_server, "handle", "--slack-webhook", receiver.url, str(EVENTS / "ec2/DeleteVpc.json"))
    assert result.returncode == 1
    assert "Slack answered 404" in result.stderr
    assert default_vpc_picture(server_ec2)["vpc"] is not None  # the remediation itself stands


def test_demo_posts_its_reports_to_a_local_receiver_and_links_the_first_to_block_kit_builder(
    demo: subprocess.CompletedProcess[str],
) -> None:
    assert "[skipped] nat-gateway" in demo.stdout and "$32.85 a month" in demo.stdout
    slack = demo.stdout.split("=== Slack", 1)[1]
    posted = slack.split("posted ", 1)[1].split(" ", 3)
    assert posted[0] == posted[2] and int(posted[0]) >= 1  # every message arrived
    link = next(line.strip() for line in slack.splitlines() if "block-kit-builder" in line)
    blocks = json.loads(urllib.parse.unquote(link.split("#", 1)[1]))["blocks"]
    assert blocks[0]["type"] == "header"


# Workload placement through the real command ------------------------------------------------------------------------


@pytest.fixture
def placement(moto_server: str) -> dict[str, Any]:
    clients = {
        name: boto3.client(name, region_name=REGION, endpoint_url=moto_server)
        for name in ("ec2", "ecs", "lambda", "iam", "batch")
    }
    return {**clients, "topo": build_topology(clients["ec2"])}


def write_events(tmp_path: Path, events: dict[str, dict[str, Any]]) -> list[str]:
    paths = []
    for name, event in events.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(event))
        paths.append(str(path))
    return paths


def by_resource(output: str) -> dict[str, dict[str, Any]]:
    return {report["resource"]: report for report in reports(output)}


def test_handle_places_ecs_services_and_leaves_exempt_cloudformation_and_exposed_ones_alone(
    moto_server: str, placement: dict[str, Any], tmp_path: Path
) -> None:
    ecs, topo = placement["ecs"], placement["topo"]
    web, ssh = (topo.web_sg,), (topo.ssh_sg,)
    created = {
        "isolated": ecs_service(ecs, "checkout", awsvpc(topo.isolated, web, False)),
        "public": ecs_service(ecs, "web", awsvpc(topo.public, web, False)),
        "ssh": ecs_service(ecs, "admin", awsvpc(topo.public, ssh, False)),
        "exempt": ecs_service(ecs, "legacy", awsvpc(topo.isolated, web, False), tags=EXEMPT),
        "stacked": ecs_service(ecs, "stacked", awsvpc(topo.isolated, web, False)),
    }
    samples = {"exempt": "ecs/CreateService_exempt", "stacked": "ecs/CreateService_cloudformation"}
    events = {name: load_sample(samples.get(name, "ecs/CreateService"), **c) for name, c in created.items()}
    arns = {name: c["responseElements"]["service"]["serviceArn"] for name, c in created.items()}
    before = {name: ecs_network(ecs, arn) for name, arn in arns.items()}

    result = run_cli(moto_server, "handle", "--json", *write_events(tmp_path, events))

    assert result.returncode == 0, result.stderr
    found = by_resource(result.stdout)
    after = {name: ecs_network(ecs, arn) for name, arn in arns.items()}
    assert found[arns["isolated"]]["outcome"] == "remediated"
    assert set(after["isolated"]["subnets"]) == set(topo.public)
    assert after["isolated"]["securityGroups"] == list(web)
    assert after["isolated"]["assignPublicIp"] == "ENABLED"
    assert found[arns["public"]]["outcome"] == "remediated"
    assert after["public"] == {**before["public"], "assignPublicIp": "ENABLED"}
    assert found[arns["ssh"]]["outcome"] == "blocked"
    assert "port 22" in found[arns["ssh"]]["reason"]
    assert found[arns["exempt"]]["outcome"] == found[arns["stacked"]]["outcome"] == "skipped"
    for name in ("ssh", "exempt", "stacked"):
        assert after[name] == before[name], name


def test_handle_moves_a_function_to_nat_subnets_and_reports_needs_nat_without_one(
    moto_server: str, placement: dict[str, Any], tmp_path: Path
) -> None:
    lam, iam, topo = placement["lambda"], placement["iam"], placement["topo"]
    moved = lambda_function(lam, iam, "orders", topo.public, (topo.web_sg,))
    stuck = lambda_function(lam, iam, "edge-hook", topo.edge_public, (topo.edge_sg,))
    events = {
        name: load_sample("lambda/CreateFunction20150331", **c) for name, c in {"moved": moved, "stuck": stuck}.items()
    }

    result = run_cli(moto_server, "handle", "--json", *write_events(tmp_path, events))

    assert result.returncode == 0, result.stderr
    found = by_resource(result.stdout)
    assert found[moved["responseElements"]["functionArn"]]["outcome"] == "remediated"
    config = lam.get_function_configuration(FunctionName="orders")["VpcConfig"]
    assert set(config["SubnetIds"]) == set(topo.private)
    assert config["SecurityGroupIds"] == [topo.web_sg]
    assert found[stuck["responseElements"]["functionArn"]]["outcome"] == "needs-nat"
    assert lam.get_function_configuration(FunctionName="edge-hook")["VpcConfig"]["SubnetIds"] == list(topo.edge_public)


def test_handle_registers_a_job_definition_revision_with_a_public_ip(
    moto_server: str, placement: dict[str, Any], tmp_path: Path
) -> None:
    batch, topo = placement["batch"], placement["topo"]
    compute_environment(batch, placement["iam"], "jobs", topo.public, (topo.web_sg,))
    registered = job_definition(batch, placement["iam"], "nightly", public_ip=None)
    paths = write_events(tmp_path, {"jd": load_sample("batch/RegisterJobDefinition", **registered)})

    result = run_cli(moto_server, "handle", "--json", *paths)

    assert result.returncode == 0, result.stderr
    (report,) = reports(result.stdout)
    assert report["outcome"] == "remediated"
    latest = max(
        batch.describe_job_definitions(jobDefinitionName="nightly")["jobDefinitions"], key=lambda d: d["revision"]
    )
    assert latest["revision"] == 2
    assert latest["containerProperties"]["networkConfiguration"]["assignPublicIp"] == "ENABLED"


def test_handle_dry_run_changes_no_workload(moto_server: str, placement: dict[str, Any], tmp_path: Path) -> None:
    ecs, lam, batch, iam, topo = (placement[k] for k in ("ecs", "lambda", "batch", "iam", "topo"))
    service = ecs_service(ecs, "checkout", awsvpc(topo.isolated, (topo.web_sg,), False))
    function = lambda_function(lam, iam, "orders", topo.public, (topo.web_sg,))
    # A job definition's public IP is checked against the Fargate environments' groups: without one it is refused.
    compute_environment(batch, iam, "jobs", topo.public, (topo.web_sg,))
    registered = job_definition(batch, iam, "nightly", public_ip="DISABLED")
    events = {
        "service": load_sample("ecs/CreateService", **service),
        "function": load_sample("lambda/CreateFunction20150331", **function),
        "jd": load_sample("batch/RegisterJobDefinition", **registered),
    }
    arn = service["responseElements"]["service"]["serviceArn"]
    before = ecs_network(ecs, arn)

    result = run_cli(moto_server, "handle", "--json", "--dry-run", *write_events(tmp_path, events))

    assert result.returncode == 0, result.stderr
    assert [r["outcome"] for r in reports(result.stdout)] == ["would-remediate"] * 3
    assert ecs_network(ecs, arn) == before
    assert lam.get_function_configuration(FunctionName="orders")["VpcConfig"]["SubnetIds"] == list(topo.public)
    assert len(batch.describe_job_definitions(jobDefinitionName="nightly")["jobDefinitions"]) == 1


def test_demo_shows_every_workload_kind_placed(demo: subprocess.CompletedProcess[str]) -> None:
    placement = demo.stdout.split("=== Workload placement", 1)[1]
    for mark in (
        "[FIXED] ecs-service",
        "[BLOCKED] ecs-service",
        "[skipped] ecs-task ",
        "[skipped] ecs-task-set",
        "[FIXED] batch-job-definition",
        "[WOULD FIX] batch-compute-environment",
        "[FIXED] lambda-function",
        "[NEEDS NAT] lambda-function",
    ):
        assert mark in placement, mark
    assert "before:" in placement and "after:" in placement


def test_demo_leaves_the_firewall_routed_service_in_place_and_says_why(demo: subprocess.CompletedProcess[str]) -> None:
    act = demo.stdout.split("through a Network Firewall endpoint", 1)[1].split("===", 1)[0]
    assert "[ok] ecs-service" in act, act
    assert "would bypass" in act
    assert "Gateway Load Balancer or Network Firewall endpoint" in act


def test_demo_shows_a_change_approved_from_slack_then_undone(demo: subprocess.CompletedProcess[str]) -> None:
    act = demo.stdout.split("=== Approve mode", 1)[1].split("\n=== ", 1)[0]
    assert "[AWAITING] ecs-service" in act
    assert "unchanged: subnets" in act
    assert "clicks Approve (signed, confirmed): endpoint answers 200" in act
    assert "worker: remediated" in act and "applied: subnets" in act and "assignPublicIp ENABLED" in act
    assert "Slack chat.update: :white_check_mark: Applied" in act
    assert "endpoint answers 409" in act  # the same button again acts once
    assert "worker: undone" in act and "Slack chat.update: :leftwards_arrow_with_hook: Undone" in act
    assert act.rstrip().endswith("the network is back as it was before the remediation, verified")


def test_the_demo_hub_repairs_two_members_of_its_organization(demo: subprocess.CompletedProcess[str]) -> None:
    act = demo.stdout[demo.stdout.index("Organization mode") : demo.stdout.index("=== Slack")]
    fixed = [line.split()[2] for line in act.splitlines() if line.startswith("[FIXED]")]
    assert [arn.split(":")[2:4] for arn in fixed] == [["ec2", "eu-west-1"], ["lambda", "us-east-1"]]
    # Each in its own member account, neither in the hub's.
    accounts = {arn.split(":")[4] for arn in fixed}
    assert len(accounts) == 2 and "123456789012" not in accounts
