"""The events/ samples, with the ids of a simulated account substituted in (demo and tests)."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

from vpc_remediator.cli.local import find_project_file


def events_dir() -> Path:
    """The project's events/ folder."""
    return find_project_file("events")


def load_sample(name: str, request: dict[str, Any] | None = None, **detail: Any) -> dict[str, Any]:
    """events/<name>.json with request parameters and detail fields replaced, and fresh event ids."""
    event: dict[str, Any] = json.loads((events_dir() / f"{name}.json").read_text(encoding="utf-8"))
    event = copy.deepcopy(event)
    event["id"] = str(uuid.uuid4())
    if "eventID" in event["detail"]:
        event["detail"]["eventID"] = str(uuid.uuid4())
    if request is not None:
        event["detail"]["requestParameters"] = request
    event["detail"].update(detail)
    return event
