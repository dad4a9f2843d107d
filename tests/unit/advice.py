"""NAT advice as a report's JSON carries it (details.nat_advice)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from vpc_remediator.domain.nat import advise
from vpc_remediator.domain.network import VpcNetwork
from vpc_remediator.domain.workload import Profile


def advice_dict(
    network: VpcNetwork,
    zones: Iterable[str],
    profile: Profile,
    region: str | None,
    *,
    subnet_ids: Iterable[str] = (),
    name: str | None = None,
) -> dict[str, Any]:
    """advise(), as the JSON a report carries."""
    advice = advise(network, zones, profile, region, subnet_ids=subnet_ids, name=name).view()
    loaded: dict[str, Any] = json.loads(json.dumps(asdict(advice)))
    return loaded
