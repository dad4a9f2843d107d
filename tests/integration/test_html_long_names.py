"""A very long name in the HTML report, as a person sees it in headless Chromium: it wraps in its own box."""

from __future__ import annotations

from pathlib import Path

from tests.support.browser import chromium
from tests.unit.fakes import network
from vpc_remediator.cli.html.write import render
from vpc_remediator.domain.details import PlacementDetails, SubnetView
from vpc_remediator.domain.report import Action, Outcome, Report

LONG = "orders-" + "x" * 240  # ECS allows 255 letters, digits, hyphens and underscores, without a space


def test_a_long_name_stays_inside_its_subnet_and_the_page_is_not_wider_than_the_window(tmp_path: Path) -> None:
    details = PlacementDetails(
        name=LONG,
        vpc_id="vpc-1",
        subnets_before=(SubnetView("iso-a", "a", "isolated"),),
        subnets_after=(SubnetView("pub-a", "a", "public"),),
    )
    arn = f"arn:aws:ecs:us-east-1:123456789012:service/shop/{LONG}"
    action = Action("ecs:UpdateService", {"service": arn}, undo=f"aws ecs update-service --service {arn}")
    report = Report(arn, "ecs-service", Outcome.WOULD_REMEDIATE, f"{LONG} is isolated", (action,), details=details)
    page = tmp_path / "report.html"
    page.write_text(render([report], {"vpc-1": network()}, dry_run=True), encoding="utf-8")

    with chromium() as browser:
        browser.get(page.as_uri())
        browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        overflowing = browser.execute_script(
            "return [...document.querySelectorAll('.subnet, #findings td')]"
            ".filter(box => box.scrollWidth > box.clientWidth + 1).map(box => box.className || box.cellIndex)"
        )
        assert overflowing == []
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
