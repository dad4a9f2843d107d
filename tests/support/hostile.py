"""Hypothesis strategies for hostile input: any JSON, and the project's own event samples with parts replaced by it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

EVENTS = Path(__file__).resolve().parents[2] / "events"
SAMPLES = sorted(path.relative_to(EVENTS).with_suffix("").as_posix() for path in EVENTS.rglob("*.json"))

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    # The values the rules compare against, so that mutations reach past the first check.
    | st.sampled_from(["aws.ec2", "AWS API Call via CloudTrail", "123456789012", "us-east-1", "", "true", "omitted"])
)
# Any JSON value, a few levels deep.
JSON = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def sample(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return event


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    result = copy.deepcopy(document)
    target = result
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return result


def _removed(document: Any, path: tuple[Any, ...]) -> Any:
    result = copy.deepcopy(document)
    target = result
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return result


@st.composite
def mutated_events(draw: st.DrawFn, names: list[str] | None = None) -> Any:
    """A real sample with one to three of its values (anywhere in it) replaced by any JSON, or removed."""
    event: Any = sample(draw(st.sampled_from(names or SAMPLES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(event)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        event = _replaced(event, path, draw(JSON)) if draw(st.booleans()) else _removed(event, path)
    return event


# Generated events: mostly mutated samples (they reach the rules), some arbitrary JSON (it must not reach them).
EVENTS_STRATEGY = st.one_of(mutated_events(), mutated_events(), mutated_events(), JSON)
