"""`make bench`: measure on this machine and write bench/results.md and bench/results.json."""

from __future__ import annotations

import itertools
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    cold_start,
    events_bench,
    faults_bench,
    first_event,
    html_bench,
    notifier_bench,
    organization_bench,
    sweep_bench,
)
from bench.cli_imports import find_python
from vpc_remediator.devkit.scenarios import REGION

RUNTIME_VERSION = "3.13"
OUT = Path("bench")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        # Timings are only as quiet as the machine: the 1-minute load average when the run started.
        "load": f"{os.getloadavg()[0]:.1f}",
    }


def markdown(results: dict[str, Any]) -> str:
    """The results as a readable page, each figure beside its reference."""
    lines = ["# Benchmark results", "", f"Measured by `make bench` on {results['machine']}.", ""]
    cold = results["cold_start"]
    reference = cold["reference"]
    lines += [
        "## Cold start (import and initialisation of the built artifact, fresh interpreter)",
        "",
        f"Python {cold['python']}; median of {reference['runs']} runs each. Reference: {reference['name']}, "
        "imported and initialised with one policy loaded, as its Lambda entry point does on a cold start.",
        "",
        "| function | init ms | ratio to reference | process ms | peak RSS MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, figures in cold["functions"].items():
        ratio = figures["init_ms_median"] / reference["init_ms_median"]
        lines.append(
            f"| {name} | {figures['init_ms_median']:.0f} | {ratio:.2f} | {figures['process_ms_median']:.0f} "
            f"| {figures['max_rss_mb_median']:.1f} |"
        )
    lines.append(
        f"| *{reference['name']}* | {reference['init_ms_median']:.0f} | 1.00 | {reference['process_ms_median']:.0f} "
        f"| {reference['max_rss_mb_median']:.1f} |"
    )
    lines += ["", *first_event_markdown(results["cold_start_first_event"])]
    lines += [
        "",
        "## Per event: AWS API calls and handler time (in-process moto, warm function)",
        "",
        *event_table(results["events"]),
        "",
        "## PlacementFunction per event: AWS API calls and handler time (in-process moto, warm function)",
        "",
        "Each workload exists before its event (the handler finds it on the first describe, no not-found retry). "
        "The ledger table is made in each simulated account, as deployed: its DynamoDB calls are counted. "
        "Not counted in either per-event table: Powertools idempotency (in Lambda, 2 DynamoDB calls per event; "
        "the cold start with the first event counts them).",
        "",
        *event_table(results["placement_events"]),
        "",
        *sweep_markdown(results["sweep"]),
        "",
        *(organization_bench.markdown(results["organization_sweep"]) if "organization_sweep" in results else []),
    ]
    if "html_report" in results:
        lines += ["", *html_bench.markdown(results["html_report"])]
    for section in results.get("extra_sections", []):
        lines += ["", *section]
    notifier = results["notifier"]
    lines += [
        "",
        f"## Notifier: a burst of {notifier['reports']} reports",
        "",
        f"Posted outcomes (compliant and ignored are logged, not posted): {notifier['posted_outcomes']}.",
        "",
        "| Slack messages | delivered to a local receiver | most blocks in one message (limit 50) "
        "| plan ms | deliver ms |",
        "|---:|---:|---:|---:|---:|",
        f"| {notifier['messages']} | {notifier['received']} | {notifier['max_blocks_per_message']} "
        f"| {notifier['plan_ms']:.1f} | {notifier['deliver_ms']:.1f} |",
    ]
    if "crash_consistency" in results:
        lines += ["", *faults_bench.markdown(results["crash_consistency"])]
    return "\n".join(lines) + "\n"


def first_event_markdown(cold: dict[str, Any]) -> list[str]:
    """Init plus the first event of every function beside Custodian's dispatch of the same DeleteVpc event."""
    reference = cold["reference"]
    lines = [
        "## Cold start with the first event (init + first event handled, fresh interpreter, moto server)",
        "",
        f"Python {cold['python']}; median of {reference['runs']} runs each, against a {cold['server']}, with fake "
        "credentials and `AWS_ENDPOINT_URL`. Each function is configured as the template deploys it with Slack on "
        "(idempotency table, reports queue, ledger table, a webhook secret pointing to a local receiver) and "
        "handles the event it exists for, in a fresh account shaped for it. *init*: importing the handler, "
        "Lambda's init phase; *first event*: the handler's call; *total*: the median of each run's sum. AWS calls: "
        "counted by the server's request recorder in a first round, not timed, that also loads the server's "
        "services. "
        f"Reference: {reference['name']}, Custodian's Lambda entry point, dispatching the DefaultVpcFunction's "
        "event in the same account state: its `config.json` as c7n's mu writes it, one CloudTrail-mode policy on "
        "`DeleteVpc` (`aws.vpc`, `IsDefault`), no account id in its options.",
        "",
        "| function | first event | outcome | AWS calls | init ms | first event ms | total ms | total / reference "
        "| process ms | RSS MB after init | peak RSS MB |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [*cold["functions"].items(), (f"*{reference['name']}*", reference)]
    for name, figures in rows:
        lines.append(
            f"| {name} | {figures['event']} | {figures['outcome']} | {figures['api_calls']} "
            f"| {figures['init_ms_median']:.0f} | {figures['first_event_ms_median']:.0f} "
            f"| {figures['total_ms_median']:.0f} | {figures['total_ms_median'] / reference['total_ms_median']:.2f} "
            f"| {figures['process_ms_median']:.0f} | {figures['init_rss_mb_median']:.1f} "
            f"| {figures['max_rss_mb_median']:.1f} |"
        )
    ours = cold["functions"].get("DefaultVpcFunction")
    if ours:
        lines += [
            "",
            f"The same event, not the same work: Custodian's calls were {calls_text(reference['calls'])}; it asks "
            "STS for the account, then resolves the deleted VPC's id, finds nothing to filter and stops (it has no "
            "action that recreates a default VPC). DefaultVpcFunction's were "
            f"{calls_text(ours['calls'])}: it rebuilds the default VPC, checks it, queues its report for Slack and "
            "records the event for idempotency.",
        ]
    return lines


def calls_text(calls: dict[str, int]) -> str:
    """Calls as `ec2:DescribeVpcs` (3), ... in the order given."""
    return ", ".join(f"`{name}`" + (f" ({count})" if count > 1 else "") for name, count in calls.items())


def event_table(rows: list[dict[str, Any]]) -> list[str]:
    """One line per scenario: calls beside the minimum and why, handler time."""
    lines = [
        "| scenario | outcome | API calls | minimum | handler ms median | p95 | why that minimum |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['scenario']} | {row['outcome']} | {row['api_calls']} | {row['minimum']} "
            f"| {row['handler_ms_median']:.1f} | {row['handler_ms_p95']:.1f} | {row['minimum_why']} |"
        )
    return lines


def sweep_markdown(sweep: dict[str, Any]) -> list[str]:
    """The sweep's sizes, their growth, the calls by operation and whether network reads stay per VPC."""
    rows = sweep["sizes"]
    by_size = {row["size"]: row for row in rows}
    sizes = ", ".join(str(row["size"]) for row in rows)
    lines = [
        f"## The sweep: N Lambda functions and N ECS services in {sweep['vpcs']} VPCs (dry run, in-process moto)",
        "",
        f"N = {sizes}. {sweep['account']} Dry run, so every "
        f"run sees the same state; the ledger table is written as deployed. Sweep time: median of {sweep['repeat']} "
        "runs; seeding is not part of it. moto answers ListFunctions and ListServices in one page whatever their "
        "page size: the column *with AWS paging* puts back the pages AWS would return (50 functions, 100 services).",
        "",
        "| N | resources | sweep s | API calls | calls per resource | with AWS paging "
        "| with batch tags and ledger writes | seed s (not in the figure) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['size']} | {row['resources']} | {row['sweep_s']:.2f} | {row['api_calls']} "
            f"| {row['calls_per_resource']:.2f} | {row['api_calls_with_aws_paging']} "
            f"| {row['api_calls_with_batch_apis']} | {row['seed_s']:.1f} |"
        )
    lines += ["", "| growth | resources | sweep time | API calls |", "|---|---:|---:|---:|"]
    for small, big in itertools.pairwise(rows):
        lines.append(
            f"| {big['size']} / {small['size']} | {big['resources'] / small['resources']:.2f} "
            f"| {big['sweep_s'] / small['sweep_s']:.2f} | {big['api_calls'] / small['api_calls']:.2f} |"
        )
    biggest = rows[-1]
    lines += [
        "",
        "Calls by operation, by N:",
        "",
        "| operation | " + " | ".join(str(row["size"]) for row in rows) + " | grows |",
        "|---|" + "---:|" * len(rows) + "---|",
    ]
    for operation in biggest["calls"]:
        counts = " | ".join(str(by_size[row["size"]]["calls"].get(operation, 0)) for row in rows)
        lines.append(f"| {operation} | {counts} | {sweep['growth'].get(operation, 'constant')} |")
    network = {
        op: [row["calls"].get(op, 0) for row in rows] for op in ("ec2:DescribeSubnets", "ec2:DescribeRouteTables")
    }
    constant = all(len(set(counts)) == 1 for counts in network.values())
    verdict = (
        "so calls grow with resources, not with resources times VPCs"
        if constant
        else "so some network reads grow with the workloads: a cache is missing"
    )
    lines += [
        "",
        f"Network reads {'stay' if constant else 'do NOT stay'} per VPC: DescribeSubnets "
        f"{', '.join(map(str, network['ec2:DescribeSubnets']))} and DescribeRouteTables "
        f"{', '.join(map(str, network['ec2:DescribeRouteTables']))} at N = {sizes} ({sweep['vpcs']} VPCs and the "
        f"default VPC), {verdict}. Per resource or per 10 services: "
        f"{biggest['per_resource_calls']} of the {biggest['api_calls']} calls at N = {biggest['size']}.",
    ]
    return lines


def main() -> int:
    """Run every measurement once and write the results."""
    # The functions act on their own region only (Lambda tells them theirs); the simulated account is in REGION.
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    python = find_python(RUNTIME_VERSION) or sys.executable
    results: dict[str, Any] = {"machine": machine()}
    print("bench: cold start", flush=True)
    results["cold_start"] = {"python": RUNTIME_VERSION if python != sys.executable else platform.python_version()}
    results["cold_start"].update(cold_start.measure(python, repeat=7))
    print("bench: cold start with the first event, beside Cloud Custodian (moto server)", flush=True)
    results["cold_start_first_event"] = {"python": results["cold_start"]["python"]}
    results["cold_start_first_event"].update(first_event.measure(python, repeat=7))
    print("bench: per-event calls and time", flush=True)
    results["events"] = events_bench.run(events_bench.SCENARIOS, repeat=30)
    print("bench: PlacementFunction per-event calls and time", flush=True)
    results["placement_events"] = events_bench.run(events_bench.PLACEMENT_SCENARIOS, repeat=30)
    print("bench: the sweep at scale", flush=True)
    results["sweep"] = sweep_bench.run((100, 1000, 2000), repeat=3)
    print("bench: the organization sweep (20 accounts x 2 regions)", flush=True)
    results["organization_sweep"] = organization_bench.run(accounts=20, workloads=200)
    print("bench: the HTML report at scale", flush=True)
    results["html_report"] = html_bench.run((1000, 2000), repeat=3)
    print("bench: notifier burst", flush=True)
    results["notifier"] = notifier_bench.run(500)
    print("bench: crash consistency (the fault matrix, a sweep of 5,000 resources)", flush=True)
    results["crash_consistency"] = faults_bench.run()
    results["machine"] = ", ".join(f"{key} {value}" for key, value in results["machine"].items())
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (OUT / "results.md").write_text(markdown(results))
    print((OUT / "results.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
