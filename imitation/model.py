"""The contract between the imitation government sites and the platforms they imitate.

A site is a set of routes, ``(METHOD, path) -> handler``; a handler takes the request and returns
the exact reply to send. Platform modules (``imitation/platforms/*.py``) each provide
``list_pages(column_path, items, per_page) -> Routes``: the list pages of one column as that CMS
serves them (first page at ``column_path``), including any API or POST endpoint it pages through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs


@dataclass
class Req:
    method: str
    host: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes = b""

    def header(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return default

    @property
    def args(self) -> dict[str, str]:
        """Query-string and form fields, last one wins."""
        fields = {k: v[-1] for k, v in parse_qs(self.query, keep_blank_values=True).items()}
        if self.body and "form-urlencoded" in (self.header("Content-Type") or ""):
            body = self.body.decode("utf-8", "replace")
            fields.update({k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()})
        return fields


@dataclass
class Reply:
    status: int = 200
    reason: str = "OK"
    # Header lines exactly as sent, order and repeats kept. The server adds Content-Length
    # (or Transfer-Encoding: chunked) itself unless one is given here.
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunked: bool = False
    gzip: bool = False
    # Seconds to wait before answering, for politeness/throughput benchmarks.
    delay: float = 0.0


@dataclass
class ListItem:
    title: str
    href: str
    date: str = "2021-01-22"


Handler = Callable[[Req], Reply]
Routes = dict[tuple[str, str], Handler]


def html_reply(
    html: str, *, charset: str | None = "utf-8", encoding: str = "utf-8", **kwargs
) -> Reply:
    """An HTML page; ``charset=None`` leaves the charset out of Content-Type (the GBK trap)."""
    content_type = "text/html" if charset is None else f"text/html; charset={charset}"
    return Reply(headers=[("Content-Type", content_type)], body=html.encode(encoding), **kwargs)
