"""What the WARC writer builds records from: the HTTP head exactly as received, ``warc-fields``
blocks, WARC dates and record ids, the revisit profiles of WARC 1.1, and warcio's writer held to
WARC 1.1 where it strays."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive.http_head import parse_head, parse_status_line

# WARC 1.1 section 6.7: why a revisit carries no payload of its own.
REVISIT_PROFILES = {
    "identical-payload-digest": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    "server-not-modified": "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
}


class RawHead(StatusAndHeaders):
    """A warcio ``StatusAndHeaders`` whose serialisation is the raw head it was made from.

    warcio reads ``statusline``/``headers`` (a latin-1 parsed view) and writes
    ``headers_buff``; keeping ``headers_buff`` fixed makes the written block byte-exact.
    """

    def __init__(self, raw: bytes, *, is_request: bool = False):
        start_line, headers = parse_head(raw)
        if is_request:
            if " " not in start_line:
                raise ValueError(f"not an HTTP request line: {start_line!r}")
            super().__init__(start_line, headers, is_http_request=True)
        else:
            protocol, _code, _reason = parse_status_line(start_line)
            super().__init__(start_line[len(protocol) + 1 :], headers, protocol=protocol)
        self.headers_buff = bytes(raw)

    def compute_headers_buffer(self, header_filter=None):
        """Keep the head as received; warcio would otherwise rebuild it from the parsed view."""


def encode_warc_fields(fields: dict[str, str]) -> bytes:
    """Serialise ``application/warc-fields``: one ``name: value`` line each, UTF-8, CRLF.

    Raises ``ValueError``/``TypeError`` for anything that would not read back as the same
    fields: names with a colon or blanks, line breaks in values, non-string values.
    """
    lines = []
    for name, value in fields.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError(f"warc-fields need str names and values, got {name!r}: {value!r}")
        if not name or re.search(r"[:\s]", name):
            raise ValueError(f"invalid warc-fields name: {name!r}")
        if "\r" in value or "\n" in value:
            raise ValueError(f"warc-fields value for {name!r} contains a line break")
        lines.append(f"{name}: {value}\r\n")
    return "".join(lines).encode("utf-8")


def warc_date(moment: datetime) -> str:
    """WARC-Date for a moment: UTC, microsecond precision (WARC/1.1). Naive datetimes are refused."""
    return datetime_to_iso_date(as_utc(moment).replace(tzinfo=None), use_micros=True)


def new_record_id() -> str:
    return StatusAndHeadersParser.make_warc_id()


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"datetime must be timezone-aware (UTC is assumed nowhere): {moment!r}")
    return moment.astimezone(timezone.utc)


class Warc11Writer(WARCWriter):
    """warcio's writer, without a payload digest where WARC 1.1 forbids one."""

    # §5.9: WARC-Payload-Digest "shall not be used on records without a well-defined payload";
    # a metadata record's warc-fields block has none (warcio gave it one all the same, the
    # block digest again).
    NO_PAYLOAD_DIGEST_TYPES = (*WARCWriter.NO_PAYLOAD_DIGEST_TYPES, "metadata")
