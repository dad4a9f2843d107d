"""The few HTML helpers every part of the report uses: every text and attribute goes through `esc`."""

from __future__ import annotations

import html


def esc(value: object) -> str:
    """Text or attribute value escaped for HTML (quotes too, so it is safe inside an attribute)."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_href(url: str | None) -> str | None:
    """The URL when it is an https link, else None: a report never links anywhere else (no javascript:, no data:)."""
    if url and url.startswith("https://"):
        return url
    return None


def css_token(value: str) -> str:
    """A value reduced to letters, digits and dashes, for a class name built from an outcome or an egress class."""
    return "".join(char if char.isalnum() or char == "-" else "-" for char in value.lower())
