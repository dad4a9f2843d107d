"""The HTML report of a demo-like account, as a person opens it: read as a file, and in a real headless Chromium."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from tests.support.browser import chromium
from tests.support.html_report import ReportedAccount, demo_like_report
from tests.support.page_reader import read_page
from vpc_remediator.domain.report import OUTCOMES_BY_IMPORTANCE


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> ReportedAccount:
    return demo_like_report(tmp_path_factory.mktemp("html") / "report.html")


def test_every_workload_is_drawn_in_each_subnet_it_runs_in(account: ReportedAccount) -> None:
    page = read_page(account.page)
    # The scenario's workloads with subnets: services, a task, a task set, a compute environment, two functions.
    assert len(account.runs_in) >= 8
    for arn, subnets in account.runs_in.items():
        for subnet in subnets:
            assert arn in page.in_subnet.get(subnet, set()), f"{arn} not drawn in {subnet}"


def test_findings_have_a_row_per_resource_most_important_first(account: ReportedAccount) -> None:
    page = read_page(account.page)
    resources = {report["resource"] for report in account.reports}
    assert {row["data-resource"] for row in page.finding_rows} == resources
    assert len(page.finding_rows) == len(resources)
    rank = [outcome.value for outcome in OUTCOMES_BY_IMPORTANCE]
    order = [rank.index(row["data-outcome"]) for row in page.finding_rows]
    assert order == sorted(order)
    assert page.finding_rows[0]["data-outcome"] == "blocked"  # the service behind a group open on port 22


def test_money_shows_every_nat_gateway_and_what_the_needs_nat_workloads_would_cost(account: ReportedAccount) -> None:
    text = account.page.read_text(encoding="utf-8")
    money = text.split('id="money"', 1)[1].split('id="findings-section"', 1)[0]
    assert len(account.nat_gateways) == 2  # the shop VPC's and the one created in the NAT gateway act
    for gateway in account.nat_gateways:
        assert re.search(rf"<code>{gateway}</code>.*?\$32\.85</td>", money), gateway
    [needs_nat] = [report for report in account.reports if report["outcome"] == "needs-nat"]
    advice = needs_nat["details"]["nat_advice"]
    assert f"would cost ${advice['nat_gateway']['monthly']:,.2f} a month" in money
    for alternative in advice["alternatives"]:
        assert alternative["title"].replace("&", "&amp;") in money
    assert "9 always-on public IPs</strong> cost as much as one NAT gateway" in money
    assert "table of 2026-11-26" in money  # the prices' source and date


def test_the_page_loads_nothing_and_runs_only_its_own_script(account: ReportedAccount) -> None:
    page = read_page(account.page)
    assert all(url.startswith("https://") and ".console.aws.amazon.com/" in url for url in page.urls), page.urls
    [script] = page.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page.policy
    assert "default-src 'none'" in page.policy


def test_in_chromium_the_map_draws_every_workload_and_the_table_filters(
    account: ReportedAccount, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By  # noqa: PLC0415  (after the browser check: may be skipped)
    from selenium.webdriver.support.ui import Select  # noqa: PLC0415

    with chromium() as browser:
        browser.get(account.page.as_uri())
        for arn, subnets in account.runs_in.items():
            for subnet in subnets:
                marks = browser.find_elements(By.CSS_SELECTOR, f'[data-subnet="{subnet}"] [data-resource="{arn}"]')
                assert marks and marks[0].is_displayed(), f"{arn} not shown in {subnet}"
        moves = browser.find_elements(By.CSS_SELECTOR, ".moves li")
        arrows = browser.find_elements(By.CSS_SELECTOR, "svg.arrows path:not(.head)")
        assert moves and len(arrows) == len(moves)  # the script drew an arrow for every move

        rows = browser.find_elements(By.CSS_SELECTOR, "#findings tbody tr")
        browser.find_element(By.ID, "findings-filter").send_keys("edge-hook")
        shown = [row for row in rows if row.is_displayed()]
        assert [row.get_attribute("data-resource") for row in shown] == [
            "arn:aws:lambda:us-east-1:123456789012:function:edge-hook"
        ]
        assert browser.find_element(By.ID, "findings-count").text == f"1 of {len(rows)}"
        browser.find_element(By.ID, "findings-filter").clear()
        Select(browser.find_element(By.ID, "findings-outcome")).select_by_value("skipped")
        shown = [row for row in rows if row.is_displayed()]
        expected = sum(1 for report in account.reports if report["outcome"] == "skipped")
        assert len(shown) == expected and all(row.get_attribute("data-outcome") == "skipped" for row in shown)

        Select(browser.find_element(By.ID, "findings-outcome")).select_by_value("")
        kind_header = browser.find_element(By.CSS_SELECTOR, '#findings button[data-column="1"]')
        kinds = [row.find_elements(By.TAG_NAME, "td")[1].text for row in rows]
        assert kinds != sorted(kinds)  # most important first, not by kind
        kind_header.click()
        in_order = browser.find_elements(By.CSS_SELECTOR, "#findings tbody tr")
        assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in in_order] == sorted(kinds)
        kind_header.click()
        in_order = browser.find_elements(By.CSS_SELECTOR, "#findings tbody tr")
        assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in in_order] == sorted(kinds, reverse=True)

        # Printed, every finding shows its actions and their undo commands.
        assert browser.print_page()
        assert browser.execute_script("return [...document.querySelectorAll('#findings details')].every(d => d.open)")

        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
        height = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(1400, height)
        screenshot = tmp_path / "report.png"
        assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes().startswith(b"\x89PNG") and screenshot.stat().st_size > 50_000
