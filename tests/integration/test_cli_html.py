"""`vpc-remediator audit --html FILE` as a user runs it: a real process against a moto server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.support.page_reader import read_page
from tests.support.terminal import cli_environment, run_piped
from vpc_remediator.devkit.scenarios import REGION
from vpc_remediator.devkit.scenarios.default_vpc import make_default_vpc_work
from vpc_remediator.devkit.scenarios.placement import awsvpc, build_topology, ecs_network, ecs_service


@pytest.fixture
def server() -> Iterator[str]:
    # Port 0: the system picks a free port, so parallel test processes never race for one.
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    url = f"http://{host}:{port}"
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()
    try:
        yield url
    finally:
        moto.stop()


def test_audit_html_writes_the_region_s_report_and_changes_nothing(server: str, tmp_path: Path) -> None:
    ec2, ecs = (boto3.client(name, region_name=REGION, endpoint_url=server) for name in ("ec2", "ecs"))
    make_default_vpc_work(ec2)
    topology = build_topology(ec2)
    created = ecs_service(ecs, "checkout", awsvpc(topology.isolated, (topology.web_sg,), public_ip=False))
    arn = created["responseElements"]["service"]["serviceArn"]
    page_path = tmp_path / "out" / "audit.html"

    result = run_piped(
        ["audit", "--json", "--html", str(page_path)], cli_environment(AWS_ENDPOINT_URL=server), timeout=300
    )

    assert result.returncode == 0, result.stderr
    assert f"HTML report: {page_path}" in result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]  # --json's stdout stays JSON lines only
    assert arn in {report["resource"] for report in reports}
    assert set(ecs_network(ecs, arn)["subnets"]) == set(topology.isolated)  # a dry run
    page = read_page(page_path)
    for subnet in topology.isolated:
        assert arn in page.in_subnet[subnet]
    text = page_path.read_text(encoding="utf-8")
    assert f"would move to {', '.join(topology.public)}" in text
    assert "dry run: nothing was changed" in text.split("</header>", 1)[0]
    umask = os.umask(0o022)
    os.umask(umask)
    assert page_path.stat().st_mode & 0o777 == 0o666 & ~umask  # a file to share, with the mode any new file gets
    assert [path.name for path in page_path.parent.iterdir()] == ["audit.html"]  # no temporary file left


def test_audit_html_into_a_folder_it_cannot_write_says_so(server: str, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_piped(
        ["audit", "--html", str(blocker / "audit.html")], cli_environment(AWS_ENDPOINT_URL=server), timeout=300
    )
    assert result.returncode == 1
    assert f"vpc-remediator: error: --html {blocker / 'audit.html'}: cannot write the report" in result.stderr
