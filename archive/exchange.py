"""One HTTP exchange as it crossed the wire: the unit the crawler hands to the archive."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone


@dataclass
class Exchange:
    """A request and its response, kept as bytes so the archive can be byte-faithful.

    ``response_head`` is the status line and every header line exactly as received, up to and
    including the blank line. ``response_body`` is the payload as the server sent it: content
    coding (gzip, br ...) kept, only transfer chunking undone. The archive writer, not the
    capturer, rewrites a chunked head (``X-Orig-Transfer-Encoding`` and ``Content-Length``), so
    every source of exchanges (plain downloads, the browser) gets the same treatment.
    """

    url: str
    request_bytes: bytes
    response_head: bytes
    response_body: bytes
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    remote_ip: str | None = None


@dataclass
class CaptureLocation:
    """Where an exchange landed: enough to read its response record back and to cite it."""

    filename: str
    offset: int
    length: int
    response_id: str
    request_id: str
    payload_digest: str
    date: str
