"""Serving an archived document back from its WARC record, exactly as it was captured.

``/-/original/<record id>`` looks the record up in ``documents`` (or ``reports``), reads that one
record from its WARC file and answers with the payload bytes as archived:

- **Exact bytes.** The body is the stored payload. If the server sent it with a content coding
  (``gzip``, ``br`` …) that coding is still applied in the archive; it is sent as stored, with
  its original ``Content-Encoding``, whenever the request's ``Accept-Encoding`` allows it, so the
  bytes on the wire are the archived bytes and their SHA-1 is the record's
  ``WARC-Payload-Digest`` (also sent as ``X-Archive-Payload-Digest``). A client that does not
  accept the coding gets the decoded bytes instead, marked ``X-Archive-Decoded-From: <coding>``;
  ``?decoded=1`` asks for that explicitly. Bytes that cannot be decoded are sent as stored, as
  an ``application/octet-stream`` download, and so are bytes that would decode to more than
  :data:`MAX_DECODED_BYTES` (the server never inflates past that: :func:`archive.coding.decode_content` streams with a cap).
- **Original type.** ``Content-Type`` is the archived response's own (``text/html;
  charset=GBK`` stays GBK). HTML, PDF, images and plain text open inline; other types (DOC,
  DOCX, WPS, XLS, ZIP …) download under the file name the URL or the original
  ``Content-Disposition`` gave them; ``?download=1`` downloads anything.
- **No script in Datasette's origin.** Every answer carries ``Content-Security-Policy: sandbox``
  (no ``allow-scripts``, no ``allow-same-origin``: the document gets an opaque origin and runs no
  script) plus ``default-src 'none'`` with inline styles and ``data:`` images only, so an
  archived page neither runs its scripts nor fetches anything from the live web, and
  ``X-Content-Type-Options: nosniff``. For faithful replay with page resources, use pywb.
- **Nothing outside the archive.** The record id must be a UUID known to the database; the
  file name comes from the database and is resolved with
  :func:`archive.layout.resolve_archive_path` (no
  absolute paths, no ``..``, no symlink out of the directory); the record read must carry the
  id asked for.
- **Memento headers** (RFC 7089): ``Memento-Datetime`` and ``Link: <original>; rel="original"``.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

from archive.coding import ContentTooLarge, decode_content
from archive.layout import resolve_archive_path
from archive.reader import ArchivedRecord

UUID = re.compile(
    r"^(?:<?urn:uuid:)?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})>?$"
)
CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
INLINE_TYPES = ("text/html", "application/xhtml+xml", "application/pdf", "text/plain", "image/")
# The most a stored body is ever inflated to on the server. Past it the stored (still coded)
# bytes are sent as a download: a 4 KB gzip body can claim gigabytes.
MAX_DECODED_BYTES = 32 * 1024 * 1024


def record_uuid(record_id: str | None) -> str | None:
    """The bare lower-case UUID of ``<urn:uuid:…>``, ``urn:uuid:…`` or ``…``; None if not one."""
    match = UUID.match(record_id or "")
    return match.group(1).lower() if match else None


def original_path(record_id: str) -> str:
    """The site path of a record's preserved copy."""
    return f"/-/original/{record_uuid(record_id) or quote(record_id, safe='')}"


def recorded_archive_dirs(
    conn: sqlite3.Connection, db_path: str | os.PathLike | None = None
) -> list[Path]:
    """Archive directories the extractor recorded in the database, existing ones first.

    The extractor notes where it read each WARC file (``processed_warcs.archive_dir``). A
    relative directory is tried against the working directory, then the database's directory.
    """
    try:
        rows = conn.execute(
            "select distinct archive_dir from processed_warcs where archive_dir is not null"
        ).fetchall()
    except sqlite3.OperationalError:  # a database the extractor did not write
        return []
    found = [path for (value,) in rows for path in _candidates(str(value), db_path)]
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda path: not path.is_dir())


def _candidates(value: str, db_path) -> list[Path]:
    path = Path(value)
    if path.is_absolute() or db_path is None:
        return [path]
    return [Path.cwd() / path, Path(db_path).resolve().parent / path]


def find_archive_file(archive_dirs: list[Path], name: str) -> Path:
    """The first of ``archive_dirs`` that holds ``name``; ValueError if none does."""
    for directory in archive_dirs:
        try:
            return resolve_archive_path(directory, name)
        except (ValueError, OSError):
            continue
    raise ValueError(f"archive file {name!r} is in none of the archive directories")


@dataclass
class Located:
    record_id: str
    warc_filename: str
    warc_offset: int


def locate(conn: sqlite3.Connection, record_id: str) -> Located | None:
    """Where the record is archived, from ``documents`` or ``reports``; None if unknown.

    A revisit record (a later crawl found the payload unchanged) holds no payload: it is
    located at the original it refers to, which is what a reader citing it wants to see.
    """
    row = _located_row(conn, record_id)
    if row is not None and row[3]:
        row = _located_row(conn, row[3]) or row
    if row is None or row[1] is None or row[2] is None:
        return None
    return Located(row[0], row[1], int(row[2]))


def _located_row(conn: sqlite3.Connection, record_id: str) -> tuple | None:
    uuid = record_uuid(record_id)
    if uuid is None:
        return None
    forms = [f"<urn:uuid:{uuid}>", f"urn:uuid:{uuid}", uuid]
    marks = ", ".join("?" * len(forms))
    columns = {row[1] for row in conn.execute("pragma table_info(documents)")}
    revisit_of = (
        "revisit_of" if "revisit_of" in columns else "null"
    )  # databases from before recrawls
    return conn.execute(
        f"select record_id, warc_filename, warc_offset, {revisit_of} from documents where lower(record_id) in ({marks}) "
        f"union all select warc_record_id, warc_filename, warc_offset, null from reports where lower(warc_record_id) in ({marks}) "
        "limit 1",
        forms + forms,
    ).fetchone()


# --- the HTTP answer --------------------------------------------------------------------------


def _codings(value: str | None) -> list[str]:
    return [
        c.strip().lower()
        for c in (value or "").split(",")
        if c.strip() and c.strip().lower() != "identity"
    ]


def accepts(accept_encoding: str | None, coding: str) -> bool:
    """Whether an ``Accept-Encoding`` header allows ``coding`` (q=0 refuses; ``*`` counts)."""
    allowed: dict[str, float] = {}
    for item in (accept_encoding or "").split(","):
        token, _, params = item.strip().partition(";")
        quality = 1.0
        match = re.search(r"q\s*=\s*([0-9.]+)", params)
        if match:
            try:
                quality = float(match.group(1))
            except ValueError:
                quality = 0.0
        if token.strip():
            allowed[token.strip().lower()] = quality
    aliases = {"x-gzip": "gzip", "gzip": "x-gzip"}
    for name in (coding, aliases.get(coding), "*"):
        if name in allowed:
            return allowed[name] > 0
    return False


def _ascii(value: str) -> str:
    """A header value safe to send: printable ASCII only (non-ASCII percent-encoded)."""
    return re.sub(r"[^\x20-\x7e]", lambda m: quote(m.group(0), safe=""), value)


def _text_of(raw: bytes, charset: str | None = None) -> str:
    """Bytes of a file name as text: the declared charset, else UTF-8, else GB18030 (GBK)."""
    for encoding in filter(None, (charset, "utf-8", "gb18030")):
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", "replace")


def decode_filename(value: str, charset: str | None = None) -> str:
    """A file name from a header or URL: %-escapes and raw GBK/UTF-8 bytes decoded.

    HTTP headers are read as UTF-8, else Latin-1, so a GBK name arrives as Latin-1 mojibake
    (ÁÄ³ÇÊÐ…): its code points are the original bytes, decoded again here.
    """
    raw = value.encode("latin-1") if all(ord(c) < 256 for c in value) else value.encode()
    return _text_of(unquote_to_bytes(raw), charset)


def download_name(record: ArchivedRecord) -> str:
    """The file name the original response gave (Content-Disposition), else the URL's last part."""
    disposition = record.http_header("Content-Disposition") or ""
    extended = re.search(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", disposition)
    plain = re.search(r'filename\s*=\s*"?([^";]+)"?', disposition)
    if extended:  # RFC 5987: charset'language'%-encoded bytes
        name = decode_filename(extended.group(2).strip(), extended.group(1).strip() or None)
    elif plain:
        name = decode_filename(plain.group(1).strip())
    else:
        name = ""
    if not name:
        name = decode_filename(urlsplit(record.target_uri or "").path.rsplit("/", 1)[-1])
    name = re.sub(r'[\x00-\x1f\x7f"\\/]+', "_", name).strip(". ") or "original"
    return name[:150]


def content_disposition(kind: str, name: str) -> str:
    """RFC 6266 ``Content-Disposition`` with an ASCII fallback and the UTF-8 ``filename*``."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", name) or "original"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def memento_datetime(warc_date: str | None) -> str | None:
    if not warc_date:
        return None
    try:
        moment = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    except ValueError:
        return None
    return format_datetime(moment, usegmt=True) if moment.tzinfo else None


def original_response(
    record: ArchivedRecord,
    accept_encoding: str | None = None,
    *,
    decoded: bool = False,
    download: bool = False,
) -> tuple[int, dict[str, str], bytes, str]:
    """``(status, headers, body, content_type)`` answering a request for ``record``'s payload."""
    body = record.payload or b""
    content_type = (record.content_type or "").strip() or "application/octet-stream"
    if not re.fullmatch(r"[\x20-\x7e]+", content_type):
        content_type = "application/octet-stream"
    headers = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "public, max-age=31536000, immutable",
        "Vary": "Accept-Encoding",
        "X-Archive-Record-ID": _ascii(record.record_id or ""),
        "X-Archive-File": _ascii(f"{record.filename}; offset={record.offset}"),
    }
    if record.payload_digest:
        headers["X-Archive-Payload-Digest"] = _ascii(record.payload_digest)
    if record.http_status is not None:
        headers["X-Archive-Status"] = str(record.http_status)
    if record.target_uri:
        headers["Link"] = f'<{_ascii(record.target_uri)}>; rel="original"'
    if (moment := memento_datetime(record.date)) is not None:
        headers["Memento-Datetime"] = moment

    original_coding = record.http_header("Content-Encoding") if record.http_headers else None
    codings = _codings(original_coding)
    if codings and body:
        if not decoded and all(accepts(accept_encoding, coding) for coding in codings):
            headers["Content-Encoding"] = ", ".join(codings)
        else:
            try:
                body = decode_content(body, ", ".join(codings), limit=MAX_DECODED_BYTES)
                headers["X-Archive-Decoded-From"] = ", ".join(codings)
            except ValueError as error:  # too large, an unknown coding or a damaged body
                headers["X-Archive-Content-Encoding"] = _ascii(original_coding or "")
                if isinstance(error, ContentTooLarge):
                    headers["X-Archive-Not-Decoded"] = f"larger than {MAX_DECODED_BYTES} bytes"
                content_type, download = "application/octet-stream", True

    media_type = content_type.split(";")[0].strip().lower()
    inline = not download and any(
        media_type == t or (t.endswith("/") and media_type.startswith(t)) for t in INLINE_TYPES
    )
    headers["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", download_name(record)
    )
    headers["Content-Length"] = str(len(body))
    return 200, headers, body, content_type
