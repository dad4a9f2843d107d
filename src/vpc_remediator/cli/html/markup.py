"""The few HTML helpers every part of the report uses: every text and attribute goes through `esc`."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import urlsplit

# The AWS consoles a report may link to (domain/partition.py's): a region's host, or a partition's one.
_CONSOLE_HOST = re.compile(
    r"([a-z0-9-]+\.)?console\.aws\.amazon\.com|console\.amazonaws\.cn|console\.amazonaws-us-gov\.com"
)
# Characters a browser obeys without showing: bidi overrides and isolates (U+202E prints a name backwards and
# flips the text after it), zero-width ones, controls. A name from a report must read as what it is.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf"})
_KEPT = frozenset("\t\n")


def _visible(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        # A lone surrogate (valid in JSON, "\ud800") cannot be written as UTF-8: the page would not be written.
        return "\ufffd"
    if char not in _KEPT and unicodedata.category(char) in _HIDDEN_CATEGORIES:
        return f"[U+{ord(char):04X}]"
    return char


def esc(value: object) -> str:
    """Text or attribute value escaped for HTML (quotes too, so it is safe inside an attribute), every invisible
    character shown by its code point."""
    text = "" if value is None else str(value)
    if not text.isprintable():
        text = "".join(_visible(char) for char in text)
    return html.escape(text, quote=True)


def safe_href(url: str | None) -> str | None:
    """The URL when it is an https link to an AWS console, else None: a report never links anywhere else."""
    if not url or not url.startswith("https://"):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.username or parts.password or parts.port or not _CONSOLE_HOST.fullmatch(parts.hostname or ""):
        return None
    return url


def css_token(value: str) -> str:
    """A value reduced to letters, digits and dashes, for a class name built from an outcome or an egress class."""
    return "".join(char if char.isalnum() or char == "-" else "-" for char in value.lower())
