"""Rebuild the digest index (:mod:`archive.digest_index`) from the WARC files of an archive, the
truth it is derived from: ``python -m archive.digest_index rebuild DIR``."""

from __future__ import annotations

import argparse
import logging
import os
from dataclasses import astuple
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive import layout
from archive.digest_index import INDEX_NAME, DigestIndex, StoredPayload
from archive.reader import parse_warc_fields

logger = logging.getLogger(__name__)


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
        prog="python -m archive.digest_index",
        description="The digest index beside the archive: what each URL answered last, "
        "where each payload landed first.",
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
