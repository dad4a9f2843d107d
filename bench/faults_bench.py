"""Crash consistency: the fault-injection matrix (tests/support/faults.py) as a table, and a sweep of 5,000
non-compliant resources through the sweep handler with Powertools idempotency on (a simulated table)."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import boto3
from moto import mock_aws
from tests.support.faults import FAULT_KINDS, SCENARIOS, matrix
from tests.support.many import ACCOUNT, ManyWorkloads

from bench.cli_imports import LocalRuntime, load_sample

REGION = "us-east-1"
DYNAMODB_ITEM_LIMIT = 400 * 1024


def _figures(runs: list[Any]) -> dict[str, int]:
    problems = [run.problems() for run in runs]
    return {
        "runs": len(runs),
        "retried": sum(1 for run in runs if run.invocations[0] != "returned"),
        "half_done": sum(1 for run in runs if run.half_done),
        "lost_reports": sum(1 for run in runs if run.reports is None),
        "duplicate_writes": sum(1 for found in problems if any(" made" in item for item in found)),
        "untrue_reports": sum(1 for found in problems if found),
    }


def fault_matrix() -> dict[str, Any]:
    """Every scenario by fault kind: the fault at each call of the clean run, Lambda's retries after."""
    LocalRuntime(stack_name="vpc-remediator").configure()
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    rows = []
    started = time.perf_counter()
    for scenario in SCENARIOS:
        for kind in FAULT_KINDS:
            began = time.perf_counter()
            runs = matrix(scenario, kind)
            rows.append({"scenario": scenario, "fault": kind, **_figures(runs), "s": time.perf_counter() - began})
    return {"rows": rows, "total_s": time.perf_counter() - started}


def big_sweep(count: int = 5000) -> dict[str, Any]:
    """The sweep handler over `count` non-compliant services (in memory) with idempotency on a simulated table."""
    LocalRuntime(stack_name="vpc-remediator", extra_env={"IDEMPOTENCY_TABLE": "idempotency"}).configure()
    from vpc_remediator.handlers import _runtime, sweep  # noqa: PLC0415  (after the environment is set)

    os.environ["POWERTOOLS_IDEMPOTENCY_DISABLED"] = "false"
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    account = ManyWorkloads(count)
    original = sweep.region_for
    sweep.region_for = lambda name=None: account  # type: ignore[assignment]
    _runtime._guarded.cache_clear()
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name=REGION)
            client.create_table(
                TableName="idempotency",
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                BillingMode="PAY_PER_REQUEST",
            )
            from vpc_remediator.cli.local import LocalContext  # noqa: PLC0415

            context = LocalContext(
                "SweepFunction", invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:sweep"
            )
            began = time.perf_counter()
            failed, error = 0, None
            try:
                returned = sweep.lambda_handler(load_sample("events/Scheduled_sweep"), context)
            except Exception as exc:  # an invocation that raises is retried, then goes to the failed-events queue
                failed, returned, error = 1, [], f"{type(exc).__name__}: {exc}"
            seconds = time.perf_counter() - began
            items = client.scan(TableName="idempotency")["Items"]
    finally:
        sweep.region_for = original
        os.environ["POWERTOOLS_IDEMPOTENCY_DISABLED"] = "true"
        _runtime._guarded.cache_clear()
    summaries = [report for report in returned if report.get("kind") == "sweep"]
    return {
        "resources": count,
        "seconds": seconds,
        "summaries": len(summaries),
        "reports": len(returned),
        "failed_invocations": failed,
        "error": error,
        "record_status": items[0]["status"]["S"] if items else None,
        "record_bytes": len(json.dumps(items[0])) if items else 0,
        "reports_bytes": len(json.dumps(returned)),
        "item_limit_bytes": DYNAMODB_ITEM_LIMIT,
    }


def markdown(results: dict[str, Any]) -> list[str]:
    """The two tables of results.md."""
    faults = results["matrix"]
    lines = [
        "## Crash consistency: a fault at every AWS call (in-process moto)",
        "",
        "Throttling, a 500, AccessDenied (at `before-call`, as botocore raises them once its retries are spent) and a "
        "read timeout (at `before-send`, after the request landed) at each call index of the clean run, then Lambda's "
        "retries with the fault gone. *Untrue reports*: an outcome the end state contradicts, a ledger that does not "
        "match, anything made twice or left detached unreported. The goal is zero in the last four columns.",
        "",
        "| scenario | fault | runs | retried | half-done | lost reports | duplicate writes | untrue reports |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in faults["rows"]:
        lines.append(
            f"| {row['scenario']} | {row['fault']} | {row['runs']} | {row['retried']} | {row['half_done']} "
            f"| {row['lost_reports']} | {row['duplicate_writes']} | {row['untrue_reports']} |"
        )
    total = sum(row["runs"] for row in faults["rows"])
    lines += ["", f"{total} runs in {faults['total_s']:.0f} s (one process).", ""]
    big = results["big_sweep"]
    lines += [
        "## A sweep of 5,000 non-compliant resources (idempotency on, in-memory account)",
        "",
        "| resources | seconds | summary reports | reports | failed invocations | idempotency record | record bytes "
        "| the reports' bytes | DynamoDB item limit |",
        "|---:|---:|---:|---:|---:|---|---:|---:|---:|",
        f"| {big['resources']} | {big['seconds']:.1f} | {big['summaries']} | {big['reports']} "
        f"| {big['failed_invocations']} | {big['record_status']} | {big['record_bytes']} | {big['reports_bytes']} "
        f"| {big['item_limit_bytes']} |",
    ]
    return lines


def run() -> dict[str, Any]:
    """Both measurements."""
    return {"matrix": fault_matrix(), "big_sweep": big_sweep()}
