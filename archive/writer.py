"""Writing captured HTTP exchanges into rotating, gzip-per-record WARC 1.1 files with warcio.

warcio builds the records, digests and gzip members; the one thing it is not allowed to do is
re-serialise an HTTP head (it normalises ``Name:value`` spacing and %-encodes non-ASCII bytes).
:class:`archive.record_parts.RawHead` hands warcio the head exactly as received instead, so the response record's
block is the bytes that crossed the wire, apart from the documented de-chunking rewrite.

Files are named as :mod:`archive.layout` says (``{prefix}-{started}-{serial}.warc.gz``); the file
being written carries an extra ``.open`` suffix until it is complete. After a crash, run
:func:`archive.repair.repair_open_files` before starting a new :class:`WarcArchive` there.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from datetime import datetime, timezone
from importlib.metadata import version
from io import BytesIO
from pathlib import Path

from warcio.recordloader import ArcWarcRecord

from archive.exchange import CaptureLocation, Exchange
from archive.http_head import dechunked_head, split_message
from archive.layout import OPEN_SUFFIX, warc_file_name, warc_file_pattern
from archive.record_parts import (
    REVISIT_PROFILES,
    RawHead,
    Warc11Writer,
    as_utc,
    encode_warc_fields,
    new_record_id,
    warc_date,
)
from nianbao import __version__

logger = logging.getLogger(__name__)

WARC_VERSION = "WARC/1.1"
WARC_CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"

# Header fields the writer owns: letting a caller set them would break digests or linkage.
_RESERVED_WARC_FIELDS = {
    "warc-type",
    "warc-record-id",
    "warc-date",
    "warc-target-uri",
    "content-length",
    "content-type",
    "warc-block-digest",
    "warc-payload-digest",
    "warc-concurrent-to",
    "warc-refers-to",
    "warc-filename",
}
_EXTRA_RECORD_TYPES = ("resource", "metadata", "conversion")


class WarcArchive:
    """Rotating WARC writer for a crawl; use as a context manager or call :meth:`close`."""

    def __init__(
        self,
        directory: str | os.PathLike,
        *,
        prefix: str = "nianbao",
        started: datetime,
        max_bytes: int = 500_000_000,
        warcinfo: dict[str, str] | None = None,
    ):
        if not prefix or "/" in prefix or os.sep in prefix:
            raise ValueError(f"archive prefix must be a plain name: {prefix!r}")
        if max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive: {max_bytes}")
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.started = as_utc(started)
        self.max_bytes = max_bytes
        self.warcinfo_fields = dict(warcinfo or {})
        encode_warc_fields(self.warcinfo_fields)  # refuse bad fields now, not at the first write
        self._serial = self._next_free_serial()
        self._file = None
        self._name: str | None = None
        self._closed = False
        # warcio flushes after every record; the sink defers that to one flush per group, so
        # a crash can only tear the group being written (repair then cuts it off).
        self._sink = _DeferredFlush()
        self._warc = Warc11Writer(self._sink, gzip=True, warc_version=WARC_VERSION)

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` file being written, or None between files."""
        return self.directory / (self._name + OPEN_SUFFIX) if self._name else None

    def write_exchange(
        self, exchange: Exchange, metadata: dict[str, str] | None = None
    ) -> CaptureLocation:
        """Archive one exchange as request, response and (optional) metadata records.

        The three records are written and flushed together, never split across files.
        Returns the location of the response record.
        """
        date = warc_date(exchange.started)
        request_id, response_id = new_record_id(), new_record_id()
        request_head, request_body = split_message(exchange.request_bytes)
        response_head = dechunked_head(exchange.response_head, len(exchange.response_body))
        common = {"WARC-Date": date, "WARC-Target-URI": exchange.url}
        http_common = dict(common)
        if exchange.remote_ip:
            http_common["WARC-IP-Address"] = exchange.remote_ip
        # Build (and so validate) every record before the first byte is written.
        records = [
            self._http_record(
                "request",
                request_head,
                request_body,
                {"WARC-Record-ID": request_id, **http_common, "WARC-Concurrent-To": response_id},
            ),
            self._http_record(
                "response",
                response_head,
                exchange.response_body,
                {"WARC-Record-ID": response_id, **http_common},
            ),
        ]
        if metadata is not None:
            records.append(self._metadata_record(metadata, common, concurrent_to=response_id))
        spans = self._write_group(records)
        _, offset, length = spans[1]
        return CaptureLocation(
            filename=spans[1][0],
            offset=offset,
            length=length,
            response_id=response_id,
            request_id=request_id,
            date=date,
            payload_digest=records[1].rec_headers.get_header("WARC-Payload-Digest"),
        )

    def write_revisit(
        self,
        exchange: Exchange,
        *,
        profile: str,
        refers_to: str,
        refers_to_uri: str,
        refers_to_date: str,
        payload_digest: str,
        metadata: dict[str, str] | None = None,
        with_request: bool = True,
    ) -> CaptureLocation:
        """Archive an exchange whose payload is archived already: request, revisit, metadata.

        The revisit's block is the response head only, byte for byte (a 304's own head; a
        chunked 200's head de-chunked as in :meth:`write_exchange`). ``refers_to`` is the record
        id of the response holding the payload, ``refers_to_uri``/``refers_to_date`` its
        WARC-Target-URI and WARC-Date: pywb finds originals by those two, not by record id.
        ``profile``: a key of :data:`REVISIT_PROFILES`. ``with_request=False`` leaves the request
        record out: a third of what an unchanged URL adds, and the only record of the
        conditional request that was sent. Returns the revisit record's location.
        """
        if profile not in REVISIT_PROFILES:
            raise ValueError(f"profile must be one of {sorted(REVISIT_PROFILES)}: {profile!r}")
        if not (refers_to and refers_to_uri and refers_to_date and payload_digest):
            raise ValueError(
                "a revisit must name its original (record id, URI, date) and its digest"
            )
        date, request_id, revisit_id = warc_date(exchange.started), new_record_id(), new_record_id()
        request_head, request_body = split_message(exchange.request_bytes)
        common = {"WARC-Date": date, "WARC-Target-URI": exchange.url}
        http_common = {
            **common,
            **({"WARC-IP-Address": exchange.remote_ip} if exchange.remote_ip else {}),
        }
        revisit = self._warc.create_revisit_record(
            exchange.url,
            payload_digest,
            refers_to_uri,
            refers_to_date,
            http_headers=RawHead(
                dechunked_head(exchange.response_head, len(exchange.response_body))
            ),
            warc_headers_dict={
                "WARC-Record-ID": revisit_id,
                **http_common,
                "WARC-Refers-To": refers_to,
            },
        )
        # warcio always names identical-payload-digest; a 304 is the other profile.
        revisit.rec_headers.replace_header("WARC-Profile", REVISIT_PROFILES[profile])
        records = [revisit]
        if with_request:
            request = self._http_record(
                "request",
                request_head,
                request_body,
                {"WARC-Record-ID": request_id, **http_common, "WARC-Concurrent-To": revisit_id},
            )
            records.insert(0, request)
        if metadata is not None:
            records.append(self._metadata_record(metadata, common, concurrent_to=revisit_id))
        filename, offset, length = self._write_group(records)[records.index(revisit)]
        return CaptureLocation(
            filename=filename,
            offset=offset,
            length=length,
            response_id=revisit_id,
            request_id=request_id if with_request else "",
            date=date,
            payload_digest=payload_digest,
        )

    def write_resource(
        self,
        uri: str,
        payload: bytes,
        content_type: str,
        *,
        refers_to: str | None = None,
        record_type: str = "resource",
        fields: dict[str, str] | None = None,
        date: datetime | None = None,
    ) -> CaptureLocation:
        """Archive a standalone record (e.g. a rendered DOM beside the response it came from).

        ``refers_to`` is the record id it derives from (``WARC-Refers-To``); ``fields`` are
        extra WARC header fields that say what it is, e.g. ``{"WARC-Resource-Type":
        "rendered-dom"}``. The returned location's ``response_id`` is this record's id and
        ``request_id`` is empty.
        """
        if record_type not in _EXTRA_RECORD_TYPES:
            raise ValueError(f"record_type must be one of {_EXTRA_RECORD_TYPES}: {record_type!r}")
        if not content_type:
            raise ValueError("a resource record needs a content type")
        extra = dict(fields or {})
        encode_warc_fields(extra)
        clashes = sorted(name for name in extra if name.lower() in _RESERVED_WARC_FIELDS)
        if clashes:
            raise ValueError(f"fields set by the writer cannot be overridden: {clashes}")
        record_id = new_record_id()
        stamp = warc_date(date or datetime.now(timezone.utc))
        headers = {"WARC-Record-ID": record_id, "WARC-Date": stamp, "WARC-Target-URI": uri}
        if refers_to:
            headers["WARC-Refers-To"] = refers_to
        headers.update(extra)
        record = self._plain_record(record_type, bytes(payload), content_type, headers)
        [(filename, offset, length)] = self._write_group([record])
        return CaptureLocation(
            filename=filename,
            offset=offset,
            length=length,
            response_id=record_id,
            request_id="",
            date=stamp,
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        )

    def close(self) -> None:
        """Finish the current file (fsync, drop ``.open``). Safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        self._finish_file()

    def _write_group(self, records: list[ArcWarcRecord]) -> list[tuple[str, int, int]]:
        if self._closed:
            raise ValueError("write to a closed WarcArchive")
        if self._file is None:
            self._start_file()
        spans = self._write_records(records)
        if self._file.tell() >= self.max_bytes:
            self._finish_file()
        return spans

    def _write_records(self, records: list[ArcWarcRecord]) -> list[tuple[str, int, int]]:
        """Write records as one unit: one flush at the end, rolled back whole on failure."""
        start = self._file.tell()
        spans = []
        try:
            for record in records:
                offset = self._file.tell()
                self._warc.write_record(record)
                spans.append((self._name, offset, self._file.tell() - offset))
            self._file.flush()
        except BaseException:
            self._roll_back(start)
            raise
        return spans

    def _roll_back(self, group_start: int) -> None:
        """Cut a half-written group off, so the file never holds a torn group while we live."""
        try:
            self._file.seek(group_start)
            self._file.truncate()
            self._file.flush()
        except OSError:
            # Leave the file `.open`: repair_open_files will cut the tear on the next start.
            self._file.close()
            self._file = self._name = self._sink.target = None
            self._serial += 1

    def _start_file(self) -> None:
        self._name = warc_file_name(self.prefix, self.started, self._serial)
        self._file = open(self.directory / (self._name + OPEN_SUFFIX), "xb")
        self._sink.target = self._file
        self._write_records([self._warcinfo_record()])

    def _finish_file(self) -> None:
        if self._file is None:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.rename(self.current_path, self.directory / self._name)
        self._file = self._name = None
        self._sink.target = None
        self._serial += 1

    def _next_free_serial(self) -> int:
        stamp = f"{self.started:%Y%m%d%H%M%S}"
        pattern = warc_file_pattern(re.escape(self.prefix))
        serials = []
        for entry in os.listdir(self.directory):
            if (match := pattern.fullmatch(entry)) and match["stamp"] == stamp:
                serials.append(int(match["serial"]))
                if match["open"]:
                    logger.warning("%s was never finished: run repair_open_files first", entry)
        return max(serials, default=-1) + 1

    def _warcinfo_record(self) -> ArcWarcRecord:
        info = {
            "software": f"nianbao/{__version__} warcio/{version('warcio')}",
            "format": "WARC File Format 1.1",
            "conformsTo": WARC_CONFORMS_TO,
            "hostname": socket.gethostname(),
            "isPartOf": f"{self.prefix}-{self.started:%Y%m%d%H%M%S}",
            **self.warcinfo_fields,
        }
        headers = {
            "WARC-Record-ID": new_record_id(),
            "WARC-Filename": self._name,
            "WARC-Date": warc_date(datetime.now(timezone.utc)),
        }
        return self._plain_record(
            "warcinfo", encode_warc_fields(info), "application/warc-fields", headers
        )

    def _http_record(self, rec_type: str, head: bytes, body: bytes, headers: dict) -> ArcWarcRecord:
        return self._warc.create_warc_record(
            headers["WARC-Target-URI"],
            rec_type,
            payload=BytesIO(body),
            length=len(body),
            warc_headers_dict={"WARC-Type": rec_type, **headers},
            http_headers=RawHead(head, is_request=rec_type == "request"),
        )

    def _metadata_record(self, metadata: dict[str, str], common: dict, concurrent_to: str):
        """A capture's ``metadata`` record (warc-fields), beside the record it describes."""
        return self._plain_record(
            "metadata",
            encode_warc_fields(metadata),
            "application/warc-fields",
            {"WARC-Record-ID": new_record_id(), **common, "WARC-Concurrent-To": concurrent_to},
        )

    def _plain_record(
        self, rec_type: str, block: bytes, content_type: str, headers: dict
    ) -> ArcWarcRecord:
        return self._warc.create_warc_record(
            headers.get("WARC-Target-URI", ""),
            rec_type,
            payload=BytesIO(block),
            length=len(block),
            warc_content_type=content_type,
            warc_headers_dict={"WARC-Type": rec_type, **headers},
        )


class _DeferredFlush:
    """File-like sink that passes writes through but ignores warcio's per-record flush()."""

    target = None

    def write(self, data: bytes) -> int:
        return self.target.write(data)

    def flush(self) -> None:
        pass
