"""Count the AWS API calls the remediator makes, with botocore's event hooks on the shared session.

The benchmark counts them; the permission tests check each against template.yaml. Keys are IAM actions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from vpc_remediator.aws.clients import shared_session


class CallCounter:
    """Every `before-call` event of the shared session, by IAM action ("service:Operation")."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls[f"{model.service_model.signing_name}:{model.name}"] += 1


@contextmanager
def counting() -> Iterator[CallCounter]:
    """Count the calls made inside the block."""
    counter = CallCounter()
    events = shared_session().events
    events.register("before-call", counter, unique_id=f"call-counter-{id(counter)}")
    try:
        yield counter
    finally:
        events.unregister("before-call", unique_id=f"call-counter-{id(counter)}")
