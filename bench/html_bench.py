"""The HTML report at scale: its size and the time to build it for a sweep of 2,000 (and 4,000) workloads, and the
time headless Chromium takes to open it.

The account is the sweep benchmark's (bench/sweep_bench.py: N functions and N services over 10 VPCs, in-process moto),
swept once in dry run; the report is built from that sweep's own reports and the networks read through the same
reader the `audit --html` command uses.
"""

from __future__ import annotations

import gzip
import os
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moto import mock_aws

from bench import sweep_bench
from bench.cli_imports import LocalRuntime, counting, read_networks, render
from bench.events_bench import LEDGER_TABLE, REGION
from vpc_remediator import bootstrap
from vpc_remediator.bootstrap import region_for
from vpc_remediator.remediation.entry import on_sweep_event

WORK = Path("bench/.work")
CHROMIUM = "/usr/bin/chromium"


def _open_in_chromium(page: Path, repeat: int) -> dict[str, Any]:
    """Median time from navigation to the load event (the page's script, arrows included, has run), and errors."""
    if not (shutil.which(CHROMIUM) and shutil.which("chromedriver")):
        return {"skipped": f"{CHROMIUM} or chromedriver missing (make browser installs them as root)"}
    from selenium import webdriver  # noqa: PLC0415
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415
    from tests.support.browser import FLAGS  # noqa: PLC0415  (the browser test's own flags)

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
        try:
            loads = []
            for _ in range(repeat):
                driver.get(page.resolve().as_uri())
                loads.append(driver.execute_script("return performance.getEntriesByType('navigation')[0].loadEventEnd"))
            errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
            rows = driver.execute_script("return document.querySelectorAll('#findings tbody tr').length")
            arrows = driver.execute_script("return document.querySelectorAll('svg.arrows path:not(.head)').length")
        finally:
            driver.quit()
    return {
        "load_ms": statistics.median(loads),
        "load_ms_runs": loads,
        "console_errors": len(errors),
        "rows": rows,
        "arrows": arrows,
    }


def measure(size: int, repeat: int) -> dict[str, Any]:
    """Seed and sweep an account of `size` functions and `size` services, then build and open its report."""
    with mock_aws():
        bootstrap.reset()
        sweep_bench.seed(size)
        outcome = on_sweep_event(sweep_bench.scheduled_event(), region_for, out_of_time=lambda: False)
        reports = outcome.reports
        with counting() as counter:
            start = time.perf_counter()
            networks, notes = read_networks(reports)
            read_s = time.perf_counter() - start
    if notes:
        raise RuntimeError(f"networks not read: {notes}")
    render_s = []
    for _ in range(repeat):
        start = time.perf_counter()
        page = render(reports, networks, dry_run=True)
        render_s.append(time.perf_counter() - start)
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"report-{size * 2}-workloads.html"
    path.write_text(page, encoding="utf-8")
    data = page.encode("utf-8")
    return {
        "workloads": size * 2,
        "reports": len(reports),
        "vpcs": len(networks),
        "read_networks_s": read_s,
        "read_networks_calls": sum(counter.calls.values()),
        "render_s": statistics.median(render_s),
        "render_s_runs": render_s,
        "bytes": len(data),
        "gzip_bytes": len(gzip.compress(data)),
        "browser": _open_in_chromium(path, repeat),
    }


def run(sizes: tuple[int, ...] = (1000, 2000), repeat: int = 3) -> dict[str, Any]:
    """Every size: N functions and N services, dry run, the ledger table written as deployed."""
    # A simulated account only: fake credentials, the scenario's region.
    account = {"LEDGER_TABLE": LEDGER_TABLE, "AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "bench"}
    LocalRuntime(
        stack_name="vpc-remediator", dry_run=True, extra_env={**account, "AWS_SECRET_ACCESS_KEY": "bench"}
    ).configure()
    rows = []
    for size in sizes:
        print(f"bench: the HTML report of {size * 2} workloads", flush=True)
        rows.append(measure(size, repeat))
    # This section may be measured on its own (python -c "from bench import html_bench; ..."): it keeps its own date.
    measured = f"{datetime.now(UTC).isoformat(timespec='seconds')}, load {os.getloadavg()[0]:.1f}"
    return {"account": sweep_bench.ACCOUNT, "repeat": repeat, "sizes": rows, "measured": measured}


def markdown(html: dict[str, Any]) -> list[str]:
    """The report's size, build time and opening time, by size."""
    lines = [
        "## The HTML report (`audit --html`) of a sweep at scale",
        "",
        f"The sweep benchmark's account, N functions and N services over 10 VPCs: {html['account']} Swept once in "
        "dry run; the "
        "report built from that sweep's reports and its VPCs' networks. *read networks*: the same reader as "
        "`audit --html` (in-process moto); *build*: reports and networks to the page's text (pure, median of "
        f"{html['repeat']}); *open*: headless Chromium, navigation to the load event (the page's script, arrows "
        f"included, has run), median of the same count. Measured {html.get('measured', 'with the rest')}.",
        "",
        "| workloads | reports | VPCs | read networks s | API calls | build s | size MB | gzip MB "
        "| open in Chromium ms | console errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in html["sizes"]:
        browser = row["browser"]
        opened = f"{browser['load_ms']:.0f}" if "load_ms" in browser else browser.get("skipped", "")
        lines.append(
            f"| {row['workloads']} | {row['reports']} | {row['vpcs']} | {row['read_networks_s']:.2f} "
            f"| {row['read_networks_calls']} | {row['render_s']:.2f} | {row['bytes'] / 1e6:.2f} "
            f"| {row['gzip_bytes'] / 1e6:.2f} | {opened} | {browser.get('console_errors', '')} |"
        )
    return lines
