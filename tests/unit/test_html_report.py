"""The HTML report's pure parts: where workloads are drawn, the moves, the money, escaping, from reports to a page."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tests.support.page_reader import read_text
from tests.unit.fakes import network
from vpc_remediator.cli.html.egress_map import MARKS_PER_SUBNET, vpc_section
from vpc_remediator.cli.html.layout import Move, VpcMap, vpc_maps
from vpc_remediator.cli.html.markup import safe_href
from vpc_remediator.cli.html.money import money_of
from vpc_remediator.cli.html.write import render
from vpc_remediator.domain.details import PlacementDetails, SubnetView
from vpc_remediator.domain.nat import advise
from vpc_remediator.domain.network import NatGateway, Route, RouteTable, Subnet, VpcNetwork
from vpc_remediator.domain.report import Action, Outcome, Report
from vpc_remediator.workloads.registry import kind_named

ACCOUNT, REGION = "123456789012", "us-east-1"


def subnets(*ids: str, classified: bool = True, vpc: VpcNetwork | None = None) -> tuple[SubnetView, ...]:
    """The subnets as a report carries them, classified in `vpc` (the shop VPC by default)."""
    vpc = vpc or network()
    if not classified:
        return tuple(SubnetView(subnet_id) for subnet_id in ids)
    return tuple(
        SubnetView(subnet_id, egress.zone, egress.egress.value)
        for subnet_id in ids
        if (egress := vpc.egress(subnet_id))
    )


def workload(
    name: str,
    outcome: Outcome,
    before: Sequence[str],
    after: Sequence[str] | None = None,
    *,
    kind: str = "ecs-service",
    vpc_id: str | None = "vpc-1",
    reason: str = "why",
) -> Report:
    arn = (
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
        if kind == "lambda-function"
        else f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/shop/{name}"
    )
    details = PlacementDetails(
        name=name,
        vpc_id=vpc_id,
        subnets_before=subnets(*before, classified=vpc_id is not None),
        subnets_after=subnets(*after) if after is not None else None,
    )
    return Report(arn, kind, outcome, reason, account=ACCOUNT, region=REGION, details=details)


def edge() -> VpcNetwork:
    """vpc-2: public subnets only, no NAT gateway (where Lambda functions need one)."""
    return VpcNetwork(
        "vpc-2",
        (Subnet("edge-a", "vpc-2", "a"), Subnet("edge-b", "vpc-2", "b")),
        (RouteTable("rtb-edge", (Route("0.0.0.0/0", "igw-2"),), is_main=True),),
    )


def needs_nat(name: str, zones: Sequence[str]) -> Report:
    ids = [f"edge-{zone}" for zone in zones]
    advice = advise(edge(), zones, kind_named("lambda-function").profile, REGION, subnet_ids=ids, name=name).view()
    before = subnets(*ids, vpc=edge())
    details = PlacementDetails(
        name=name, vpc_id="vpc-2", subnets_before=before, subnets_after=before, nat_advice=advice
    )
    report = workload(name, Outcome.NEEDS_NAT, ids, kind="lambda-function", vpc_id="vpc-2")
    return Report(report.resource, report.kind, report.outcome, "needs NAT", region=REGION, details=details)


def shop_with_nat() -> VpcNetwork:
    shop = network()
    return VpcNetwork(shop.vpc_id, shop.subnets, shop.route_tables, (NatGateway("nat-1", "pub-a", "a"),))


def marks(vpc: VpcMap) -> dict[str, set[str]]:
    """subnet id → names of the workloads drawn in it."""
    return {
        cell.egress.id: {mark.name for mark in cell.workloads}
        for _, by_zone in vpc.rows
        for cells in by_zone
        for cell in cells
    }


def test_a_workload_is_drawn_where_it_runs_now_moved_or_not() -> None:
    reports = [
        workload("orders", Outcome.REMEDIATED, ["pub-a", "pub-b"], ["nat-a", "nat-b"], kind="lambda-function"),
        workload("checkout", Outcome.WOULD_REMEDIATE, ["iso-a", "iso-b"], ["pub-a", "pub-b"]),
        workload("admin", Outcome.BLOCKED, ["pub-a"], ["pub-a"]),
    ]
    [shop] = vpc_maps(reports, {"vpc-1": network()})
    drawn = marks(shop)
    # A change that landed: the new subnets. A dry run's plan: where it still is.
    assert drawn["nat-a"] == drawn["nat-b"] == {"orders"}
    assert drawn["iso-a"] == drawn["iso-b"] == {"checkout"}
    assert drawn["pub-a"] == {"admin"} and drawn["pub-b"] == set()
    assert [egress for egress, _ in shop.rows] == ["public", "private-nat", "isolated"]


def test_moves_go_zone_by_zone_and_count_the_workloads_that_share_them() -> None:
    reports = [
        workload("checkout", Outcome.WOULD_REMEDIATE, ["iso-a", "iso-b"], ["pub-a", "pub-b"]),
        workload("cart", Outcome.SKIPPED, ["iso-a", "iso-b"], ["pub-a", "pub-b"]),
        workload("orders", Outcome.REMEDIATED, ["pub-a"], ["nat-a", "nat-b"], kind="lambda-function"),
    ]
    [shop] = vpc_maps(reports, {"vpc-1": network()})
    assert set(shop.moves) == {
        Move("iso-a", "pub-a", "proposed", 2),
        Move("iso-b", "pub-b", "proposed", 2),
        # The target in the source's own zone when there is one, else every target.
        Move("pub-a", "nat-a", "moved", 1),
    }


def test_a_workload_whose_report_names_no_vpc_is_placed_by_its_subnets() -> None:
    exempt = workload("legacy", Outcome.SKIPPED, ["iso-a"], vpc_id=None)
    maps = vpc_maps([exempt], {"vpc-2": edge(), "vpc-1": network()})
    assert [vpc.vpc_id for vpc in maps] == ["vpc-1", "vpc-2"]  # the one with a workload first
    assert marks(maps[0])["iso-a"] == {"legacy"}


def test_a_vpc_with_workloads_to_look_at_comes_before_a_compliant_one() -> None:
    reports = [workload("fine", Outcome.COMPLIANT, ["pub-a"]), needs_nat("edge-hook", ["a"])]
    maps = vpc_maps(reports, {"vpc-1": network(), "vpc-2": edge()})
    assert [vpc.vpc_id for vpc in maps] == ["vpc-2", "vpc-1"]


def test_a_crowded_subnet_counts_its_workloads_by_kind_outcome_and_move_and_still_names_each() -> None:
    crowd = MARKS_PER_SUBNET + 5
    reports = [workload(f"svc-{index}", Outcome.COMPLIANT, ["pub-a"]) for index in range(crowd)]
    reports += [workload(f"move-{index}", Outcome.WOULD_REMEDIATE, ["pub-a"], ["nat-a"]) for index in range(3)]
    [shop] = vpc_maps(reports, {"vpc-1": network()})
    text = vpc_section(shop)
    page = read_text(text)
    assert page.in_subnet["pub-a"] == {report.resource for report in reports}
    cell = text.split('data-subnet="pub-a"', 1)[1].split('data-subnet="', 1)[0]
    # The most important outcome first.
    assert re.findall(r'<span class="count">(\d+) &times;</span> <span class="kind">ecs-service</span>', cell) == [
        "3",
        str(crowd),
    ]
    assert cell.count("would move to nat-a") == 1


def test_money_prices_the_nat_gateways_there_are_and_one_per_zone_the_needs_nat_workloads_use() -> None:
    reports = [needs_nat("edge-hook", ["a"]), needs_nat("edge-sync", ["a", "b"])]
    figures = money_of(REGION, reports, {"vpc-1": shop_with_nat(), "vpc-2": edge()})
    assert [(item.gateway_id, item.vpc_id, str(item.monthly)) for item in figures.existing] == [
        ("nat-1", "vpc-1", "32.850")
    ]
    [needed] = figures.needed
    assert (needed.vpc_id, needed.zones, str(needed.monthly)) == ("vpc-2", ("a", "b"), "65.700")
    assert [name for name, _ in needed.workloads] == ["edge-hook", "edge-sync"]
    assert figures.break_even == 9 and str(figures.public_ip_monthly) == "3.650"


def test_a_region_missing_from_the_price_table_is_priced_as_us_east_1_and_says_so() -> None:
    page = render(
        [Report("arn:aws:ec2:mars-1:1:vpc/vpc-9", "default-vpc", Outcome.COMPLIANT, "ok", region="mars-1")],
        {},
        dry_run=True,
    )
    assert "us-east-1 prices (mars-1 is not in the price table)" in page


HOSTILE = '"><img src=x onerror=alert(1)><script>alert(1)</script>'


def test_every_text_from_a_report_is_escaped_and_no_script_but_the_page_s_own_runs() -> None:
    hostile = workload("evil" + HOSTILE, Outcome.WOULD_REMEDIATE, ["iso-a"], ["pub-a"], reason=HOSTILE, vpc_id="vpc-1")
    hostile = Report(
        hostile.resource + HOSTILE,
        hostile.kind,
        hostile.outcome,
        hostile.reason,
        actions=(Action("ecs:UpdateService", {"note": HOSTILE}, undo=f"aws ecs update-service {HOSTILE}"),),
        account=HOSTILE,
        region=REGION,
        details=hostile.details,
    )
    text = render([hostile], {"vpc-1": network()}, dry_run=True, notes=[HOSTILE])
    page = read_text(text)
    assert "img" not in page.tags
    assert not [name for name in page.attribute_names if name.startswith("on")]
    assert len(page.scripts) == 1 and "alert(1)" not in page.scripts[0]
    assert text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 6  # name, resource, reason, undo, account, note
    assert page.in_subnet["iso-a"] == {hostile.resource}  # the attribute kept its whole value


def test_links_are_https_only() -> None:
    assert safe_href("https://us-east-1.console.aws.amazon.com/ecs/v2/home") is not None
    for url in ("javascript:alert(1)", "data:text/html,x", "http://example.com", "", None):
        assert safe_href(url) is None


def test_the_header_says_account_region_version_and_whether_it_was_a_dry_run() -> None:
    sweep = Report(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:sweep", "sweep", Outcome.NEEDS_NAT, "swept 3")
    stamped = Report(sweep.resource, "sweep", sweep.outcome, sweep.reason, account=ACCOUNT, region=REGION)
    text = render([stamped], {}, dry_run=True, generated_at="2026-11-27T09:00:00+00:00")
    header = text.split("</header>", 1)[0]
    for fact in (ACCOUNT, REGION, "2026-11-27T09:00:00+00:00", "dry run: nothing was changed", "swept 3"):
        assert fact in header
    assert "0.1.0" in header or "unknown" in header
    assert 'id="findings"' in text and 'data-resource="' not in text  # the sweep's summary is not a finding
    assert "changes applied" in render([stamped], {}, dry_run=False).split("</header>", 1)[0]
