"""The digest index beside the archive: what each URL answered last, where each payload landed first.

A crawl run again over the same archive asks two questions before it fetches or stores anything:
which validators (``ETag``, ``Last-Modified``) did this URL send last time, so the request can be
conditional; and is this payload archived already, under any URL, so that a revisit record can
stand for it. Both are answered from ``ARCHIVE_DIR/index.sqlite``:

``urls``      URL (GET only) → its last capture (date, status, validators, payload digest, the
              record) and the *full* response record that holds its payload — for a revisit,
              the original it refers to, so revisits never refer to revisits.
``payloads``  payload digest → the first full response record holding it.
``crawls``    the crawls that have ended. Only their captures are referred to: within one crawl
              (or beside a crawl still running, scaled out) everything is archived as fetched.

Each row carries the crawl id of its capture (the ``crawl-id`` of its file's warcinfo). The
crawler adds every capture once it is in the WARC (so the index never names a torn record). The
WARC files stay the truth: a missing index is rebuilt from them, ::

    python -m archive.digest_index rebuild data/warc
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

INDEX_NAME = "index.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS payloads (
    digest TEXT PRIMARY KEY, uri TEXT, date TEXT, record_id TEXT,
    filename TEXT, offset INTEGER, length INTEGER, crawl_id TEXT);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY, date TEXT, status INTEGER, etag TEXT, last_modified TEXT,
    digest TEXT, record_id TEXT, crawl_id TEXT, payload_uri TEXT, payload_date TEXT,
    payload_record_id TEXT, payload_filename TEXT, payload_offset INTEGER, payload_length INTEGER,
    payload_crawl_id TEXT);
CREATE TABLE IF NOT EXISTS crawls (crawl_id TEXT PRIMARY KEY, ended TEXT);
"""
_PAYLOAD_COLUMNS = ("uri", "date", "record_id", "filename", "offset", "length", "crawl_id")
# Answers that say nothing new about a URL: a failure to retry, or a 304 stored in full (its
# original was gone). Its last real answer, validators and payload stand.
_NOT_AN_ANSWER = frozenset({304, 408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class StoredPayload:
    """A full response record holding a payload: what a revisit refers to, and where to read it."""

    digest: str
    uri: str
    date: str  # its WARC-Date, exactly as written
    record_id: str
    filename: str  # relative to the archive directory
    offset: int
    length: int
    crawl_id: str  # "" when the file's warcinfo names none (another tool's WARC)


@dataclass(frozen=True)
class UrlCapture:
    """The last capture of a URL, and the record its payload can be read from."""

    url: str
    date: str
    status: int | None
    etag: str | None
    last_modified: str | None
    digest: str | None
    record_id: str
    crawl_id: str
    payload: StoredPayload | None

    def as_meta(self) -> dict:
        """A plain dict (request meta is pickled into the disk queue of a JOBDIR)."""
        return asdict(self)

    @classmethod
    def from_meta(cls, meta: dict) -> UrlCapture:
        payload = meta.get("payload")
        return cls(**{**meta, "payload": StoredPayload(**payload) if payload else None})


class DigestIndex:
    """The SQLite index of one archive directory. Not thread-safe: use it from one thread."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        # WAL and a busy timeout: several crawl processes may share one archive directory.
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    @classmethod
    def open(cls, archive_dir: str | os.PathLike, *, running: str | None = None) -> DigestIndex:
        """The index of ``archive_dir``, rebuilt from its WARC files first if it is missing.

        ``running``: the crawl id of the caller's crawl (a resumed one may have files already),
        which a rebuild must not count as ended.
        """
        path = Path(archive_dir) / INDEX_NAME
        if path.exists():
            return cls(path)
        # rebuild() builds a DigestIndex: importing it at the top would be circular.
        from archive.digest_rebuild import rebuild

        return rebuild(archive_dir, running=running)

    def close(self) -> None:
        self.db.close()

    # --- questions ---------------------------------------------------------------------------

    def last_capture(self, url: str) -> UrlCapture | None:
        row = self.db.execute("SELECT * FROM urls WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        (url, date, status, etag, last_modified, digest, record_id, crawl_id, *payload) = row
        stored = StoredPayload(digest, *payload) if payload[0] and digest else None
        return UrlCapture(
            url, date, status, etag, last_modified, digest, record_id, crawl_id, stored
        )

    def stored_payload(self, digest: str) -> StoredPayload | None:
        row = self.db.execute(
            f"SELECT {', '.join(_PAYLOAD_COLUMNS)} FROM payloads WHERE digest = ?", (digest,)
        ).fetchone()
        return StoredPayload(digest, *row) if row else None

    def has_ended(self, crawl_id: str) -> bool:
        """Whether the captures of ``crawl_id`` may be referred to (a foreign WARC's always may)."""
        if not crawl_id:
            return True
        return (
            self.db.execute(
                "SELECT 1 FROM crawls WHERE crawl_id = ? AND ended IS NOT NULL", (crawl_id,)
            ).fetchone()
            is not None
        )

    def counts(self) -> dict[str, int]:
        return {
            table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("urls", "payloads", "crawls")
        }

    # --- additions ---------------------------------------------------------------------------

    def crawl_ended(self, crawl_id: str, when: str) -> None:
        self.db.execute(
            "INSERT INTO crawls VALUES (?, ?) ON CONFLICT (crawl_id) DO UPDATE SET ended = excluded.ended",
            (crawl_id, when),
        )

    def add_response(
        self,
        stored: StoredPayload,
        *,
        method: str,
        status: int | None,
        http_headers: list[tuple[str, str]],
    ) -> None:
        """A full response record: its payload (if first seen) and, for a GET, its URL."""
        self.db.execute(
            "INSERT INTO payloads VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO UPDATE SET"
            " uri = excluded.uri, date = excluded.date, record_id = excluded.record_id,"
            " filename = excluded.filename, offset = excluded.offset, length = excluded.length,"
            " crawl_id = excluded.crawl_id WHERE excluded.date < payloads.date",
            (stored.digest, *(getattr(stored, column) for column in _PAYLOAD_COLUMNS)),
        )
        if method == "GET" and status not in _NOT_AN_ANSWER:
            self._set_url(
                stored.uri,
                stored.date,
                status,
                http_headers,
                stored.record_id,
                stored.crawl_id,
                stored,
            )

    def add_revisit(
        self,
        url: str,
        *,
        method: str,
        date: str,
        status: int | None,
        record_id: str,
        crawl_id: str,
        http_headers: list[tuple[str, str]],
        original: StoredPayload,
    ) -> None:
        """A revisit record: the URL was seen again, its payload is ``original``'s."""
        if method == "GET":
            self._set_url(url, date, status, http_headers, record_id, crawl_id, original)

    def _set_url(
        self, url, date, status, http_headers, record_id, crawl_id, payload: StoredPayload
    ) -> None:
        etag, last_modified = _header(http_headers, "ETag"), _header(http_headers, "Last-Modified")
        # A 304 need not repeat every validator: the ones it leaves out still hold.
        self.db.execute(
            "INSERT INTO urls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
            " date = excluded.date, status = excluded.status,"
            " etag = CASE WHEN excluded.status = 304 THEN coalesce(excluded.etag, urls.etag) ELSE excluded.etag END,"
            " last_modified = CASE WHEN excluded.status = 304"
            "   THEN coalesce(excluded.last_modified, urls.last_modified) ELSE excluded.last_modified END,"
            " digest = excluded.digest, record_id = excluded.record_id, crawl_id = excluded.crawl_id,"
            " payload_uri = excluded.payload_uri, payload_date = excluded.payload_date,"
            " payload_record_id = excluded.payload_record_id, payload_filename = excluded.payload_filename,"
            " payload_offset = excluded.payload_offset, payload_length = excluded.payload_length,"
            " payload_crawl_id = excluded.payload_crawl_id WHERE excluded.date >= urls.date",
            (
                url,
                date,
                status,
                etag,
                last_modified,
                payload.digest,
                record_id,
                crawl_id,
                *(getattr(payload, column) for column in _PAYLOAD_COLUMNS),
            ),
        )


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


if __name__ == "__main__":
    from archive.digest_rebuild import main

    sys.exit(main())
