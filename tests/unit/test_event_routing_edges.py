"""Routing edges: CloudTrail names that only start like a placement call, and fields of the wrong JSON type."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from vpc_remediator.domain.errors import InvalidEventError
from vpc_remediator.events import default_vpc_relevance, parse_event, placement_refs

EVENTS = Path(__file__).resolve().parents[2] / "events"


def sample(name: str, **detail: Any) -> dict[str, Any]:
    event: dict[str, Any] = copy.deepcopy(json.loads((EVENTS / f"{name}.json").read_text()))
    event["detail"].update(detail)
    return event


@pytest.mark.parametrize("name", ["CreateFunctionUrlConfig20211031", "UpdateFunctionConfigurationWhatever"])
def test_a_lambda_call_that_only_starts_like_create_function_is_not_a_placement(name: str) -> None:
    refs, why_not = placement_refs(parse_event(sample("lambda/CreateFunction20150331", eventName=name)))
    assert refs == []
    assert why_not is not None


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("lambda/CreateFunction20150331", placement_refs),
        ("ec2/DeleteVpc", default_vpc_relevance),
    ],
)
def test_a_non_string_event_name_is_an_invalid_event(name: str, check: Any) -> None:
    with pytest.raises(InvalidEventError):
        check(parse_event(sample(name, eventName=["CreateFunction20150331", "DeleteVpc"])))
