"""The tag this stack puts on what it creates, naming the event it was made for: a retry of that event finds it
instead of creating it again (the calls it makes have no client token)."""

from __future__ import annotations

MADE_FOR_EVENT = "vpc-remediator:made-for-event"
# Tag values may be 256 characters long; an event id is far shorter, anything else is cut.
MAX_TAG_VALUE = 256


def made_for(token: str | None) -> str:
    """The tag's value for an event id (the sweep's event id too)."""
    return (token or "unknown")[:MAX_TAG_VALUE]
