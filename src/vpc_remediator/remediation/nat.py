"""NAT advice for reports: the one call the placement use cases make when they build a `needs-nat` report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vpc_remediator.domain.nat import advise
from vpc_remediator.domain.network import VpcNetwork
from vpc_remediator.domain.workload import WorkloadKind


def nat_advice_details(
    network: VpcNetwork,
    zones: Iterable[str],
    workload_kind: WorkloadKind,
    region: str | None,
    *,
    subnet_ids: Iterable[str] = (),
    name: str | None = None,
) -> dict[str, Any]:
    """What goes into report.details["nat_advice"]: cost of a NAT gateway in `zones` and the cheaper alternatives.

    `network` is the workload's VPC as NetworkReader.vpc() reads it; `zones` the AZs of the workload's subnets;
    `subnet_ids` (optional) lets the advice say why the current subnets give no egress; `name` (optional) is put
    into the commands it suggests (a Lambda function's name).
    """
    return advise(network, zones, workload_kind, region, subnet_ids=subnet_ids, name=name).to_dict()
