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

import argparse
import logging
import os
import sqlite3
import sys
from dataclasses import asdict, astuple, dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive import layout
from archive.reader import parse_warc_fields

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


# --- rebuilding from the WARC files ------------------------------------------------------------


def rebuild(archive_dir: str | os.PathLike, *, running: str | None = None) -> DigestIndex:
    """Index every finished WARC file of ``archive_dir`` afresh into ``ARCHIVE_DIR/index.sqlite``.

    Built beside and renamed over the old index, so a reader never sees half an index. Every
    crawl found counts as ended except ``running``. A damaged file is indexed up to its damage
    (logged). Revisits are applied once every response is known: file order does not matter.
    """
    root = Path(archive_dir)
    root.mkdir(parents=True, exist_ok=True)
    # Per process: crawl processes sharing the directory may each find the index missing.
    building = root / f"{INDEX_NAME}.building-{os.getpid()}"
    for leftover in root.glob(building.name + "*"):
        leftover.unlink()
    index = DigestIndex(building)
    # Every full response by record id, so a revisit resolves to the very record it names.
    index.db.execute(
        "CREATE TEMP TABLE records (record_id TEXT PRIMARY KEY, digest TEXT, uri TEXT,"
        " date TEXT, filename TEXT, offset INTEGER, length INTEGER, crawl_id TEXT)"
    )
    revisits, crawls = [], set()
    files = layout.list_warcs(root)
    index.db.execute("BEGIN")
    for path in files:
        revisits += _index_file(index, path, layout.warc_name(root, path), crawls)
    for url, method, date, status, record_id, crawl_id, headers, digest, refers_to in revisits:
        original = _record(index, refers_to) or index.stored_payload(digest)
        if original is None:
            logger.warning(
                "Revisit %s of %s refers to a payload not in %s; left out of the index",
                record_id,
                url,
                root,
            )
            continue
        index.add_revisit(
            url,
            method=method,
            date=date,
            status=status,
            record_id=record_id,
            crawl_id=crawl_id,
            http_headers=headers,
            original=original,
        )
    for crawl_id in crawls - {running, ""}:
        index.crawl_ended(crawl_id, "before the index was rebuilt")
    index.db.execute("COMMIT")
    index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    index.close()
    for suffix in ("-wal", "-shm"):
        # A stale journal beside the new file would be replayed into it.
        (root / (INDEX_NAME + suffix)).unlink(missing_ok=True)
        Path(str(building) + suffix).unlink(missing_ok=True)
    os.replace(building, root / INDEX_NAME)
    logger.info("Rebuilt the digest index of %s from %d WARC files", root, len(files))
    return DigestIndex(root / INDEX_NAME)


def _index_file(index: DigestIndex, path: Path, name: str, crawls: set[str]) -> list[tuple]:
    """Add the responses of one file (``name`` under the archive directory); return its revisits."""
    methods: dict[str, str] = {}  # response record id -> method of its concurrent request
    revisits, crawl_id = [], ""
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                headers = record.rec_headers
                if record.rec_type == "warcinfo":
                    crawl_id = parse_warc_fields(record.content_stream().read()).get(
                        layout.CRAWL_ID, ""
                    )
                    crawls.add(crawl_id)
                _read_whole(records, record)  # the HTTP head is parsed already
                if record.rec_type == "warcinfo":
                    continue
                if record.rec_type == "request" and record.http_headers is not None:
                    methods[headers.get_header("WARC-Concurrent-To")] = record.http_headers.protocol
                    continue
                if record.rec_type not in ("response", "revisit") or record.http_headers is None:
                    continue
                record_id, digest = (
                    headers.get_header("WARC-Record-ID"),
                    headers.get_header("WARC-Payload-Digest"),
                )
                url, date = headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date")
                method = methods.pop(record_id, "GET")
                http_headers = list(record.http_headers.headers)
                status = _status(record.http_headers.get_statuscode())
                if record.rec_type == "revisit":
                    revisits.append(
                        (
                            url,
                            method,
                            date,
                            status,
                            record_id,
                            crawl_id,
                            http_headers,
                            digest,
                            headers.get_header("WARC-Refers-To"),
                        )
                    )
                    continue
                stored = StoredPayload(
                    digest,
                    url,
                    date,
                    record_id,
                    name,
                    records.get_record_offset(),
                    records.get_record_length(),
                    crawl_id,
                )
                if digest:
                    index.add_response(
                        stored, method=method, status=status, http_headers=http_headers
                    )
                    index.db.execute(
                        "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (record_id, *astuple(stored)[:3], *astuple(stored)[4:]),
                    )
            # A member cut within its first bytes reads as the end of the file: the rest is damage.
            if records.offset < os.fstat(stream.fileno()).st_size:
                raise EOFError("bytes at the end are not a record")
        except Exception as exc:  # noqa: BLE001 — warcio raises many kinds; keep what was read
            logger.warning(
                "%s is damaged after byte %s (%s: %s); indexed up to there",
                path,
                records.offset,
                type(exc).__name__,
                exc,
            )
    return revisits


def _read_whole(records: ArchiveIterator, record) -> None:
    """Read a record to its end; raise EOFError if it is torn (warcio reads torn gzip silently)."""
    records.read_to_end(record)
    decompressor = records.reader.decompressor
    if decompressor is not None and not decompressor.eof:
        raise EOFError("gzip member is truncated")


def _record(index: DigestIndex, record_id: str | None) -> StoredPayload | None:
    row = index.db.execute("SELECT * FROM records WHERE record_id = ?", (record_id,)).fetchone()
    return StoredPayload(*row[1:4], record_id, *row[4:]) if row else None


def _status(code) -> int | None:
    try:
        return int(code)
    except (TypeError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m archive.digest_index", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser(
        "rebuild", help="index every WARC file of DIR afresh (DIR/index.sqlite)"
    )
    command.add_argument("archive_dir", metavar="DIR")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not Path(args.archive_dir).is_dir():
        parser.error(f"not a directory: {args.archive_dir}")
    index = rebuild(args.archive_dir)
    counts = index.counts()
    index.close()
    print(
        f"{counts['urls']} URLs, {counts['payloads']} payloads indexed in {Path(args.archive_dir) / INDEX_NAME}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
