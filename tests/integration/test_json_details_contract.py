"""`--json` is a contract: the details keys 946c605 emitted for the same inputs are still there, and no others."""

from __future__ import annotations

import pytest

from tests.integration.test_placement import SETTINGS, World, handle, one, service_event, world
from vpc_remediator.cli.samples import load_sample
from vpc_remediator.devkit.scenarios.placement import EXEMPT, compute_environment, lambda_function

__all__ = ["world"]  # the simulated account fixture


@pytest.mark.parametrize("where", ["public", "private"])
def test_lambda_reports_keep_their_public_ip_keys_in_json(world: World, where: str) -> None:
    subnets = world.topo.public if where == "public" else world.topo.private
    created = lambda_function(world.lam, world.iam, f"fn-{where}", subnets, (world.topo.web_sg,))
    report = one(load_sample("lambda/CreateFunction20150331", **created))
    assert report["details"]["assign_public_ip_before"] is None
    assert report["details"]["assign_public_ip_after"] is None


def test_compute_environment_reports_keep_their_public_ip_keys_in_json(world: World) -> None:
    created = compute_environment(world.batch, world.iam, "ce-public", world.topo.public, (world.topo.web_sg,))
    (report,) = handle(load_sample("batch/CreateComputeEnvironment", **created), SETTINGS)
    assert {"assign_public_ip_before", "assign_public_ip_after"} <= set(report["details"])


def test_an_exempt_report_lists_its_subnets_by_id_only(world: World) -> None:
    event = service_event(world, "exempt", world.topo.isolated, public_ip=False, tags=EXEMPT)
    report = one(event)
    assert report["outcome"] == "skipped"
    assert all(set(subnet) == {"id"} for subnet in report["details"]["subnets_before"])
