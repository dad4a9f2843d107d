"""Read a written HTML report as a browser's parser would: which workloads each subnet cell shows, the findings' rows,
the scripts, every URL, tag and attribute name, and the Content-Security-Policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class PageReader(HTMLParser):
    """What the page shows: workloads by the subnet cell they are drawn in, the findings' rows, scripts and links."""

    in_subnet: dict[str, set[str]] = field(default_factory=dict)
    finding_rows: list[dict[str, str]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    policy: str = ""
    tags: set[str] = field(default_factory=set)
    attribute_names: set[str] = field(default_factory=set)
    _open: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _in_script: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.add(tag)
        self.attribute_names |= set(attributes)
        self.urls += [attributes[name] for name in ("href", "src", "action") if name in attributes]
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy":
            self.policy = attributes["content"]
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if "data-resource" in attributes and tag == "li":
            subnet = next((a["data-subnet"] for _, a in reversed(self._open) if "data-subnet" in a), None)
            if subnet:
                self.in_subnet.setdefault(subnet, set()).add(attributes["data-resource"])
        if tag == "tr" and "data-outcome" in attributes:
            self.finding_rows.append(attributes)
        if tag not in ("meta", "input", "br", "link"):
            self._open.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        while self._open:
            opened, _ = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def read_text(text: str) -> PageReader:
    """A page's text, read."""
    reader = PageReader()
    reader.feed(text)
    reader.close()
    return reader


def read_page(path: Path) -> PageReader:
    """The page at `path`, read."""
    return read_text(path.read_text(encoding="utf-8"))
