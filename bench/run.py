"""`make bench`: measure on this machine and write bench/results.md and bench/results.json."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cold_start, events_bench, notifier_bench
from vpc_remediator.cli.interpreters import find_python

RUNTIME_VERSION = "3.13"
OUT = Path("bench")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
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
    lines += [
        "",
        "## Per event: AWS API calls and handler time (in-process moto, warm function)",
        "",
        "| scenario | outcome | API calls | minimum | handler ms median | p95 | why that minimum |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for row in results["events"]:
        lines.append(
            f"| {row['scenario']} | {row['outcome']} | {row['api_calls']} | {row['minimum']} "
            f"| {row['handler_ms_median']:.1f} | {row['handler_ms_p95']:.1f} | {row['minimum_why']} |"
        )
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
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run every measurement once and write the results."""
    python = find_python(RUNTIME_VERSION) or sys.executable
    results: dict[str, Any] = {"machine": machine()}
    print("bench: cold start", flush=True)
    results["cold_start"] = {"python": RUNTIME_VERSION if python != sys.executable else platform.python_version()}
    results["cold_start"].update(cold_start.measure(python, repeat=7))
    print("bench: per-event calls and time", flush=True)
    results["events"] = events_bench.run(events_bench.SCENARIOS, repeat=30)
    print("bench: notifier burst", flush=True)
    results["notifier"] = notifier_bench.run(500)
    results["machine"] = ", ".join(f"{key} {value}" for key, value in results["machine"].items())
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (OUT / "results.md").write_text(markdown(results))
    print((OUT / "results.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
