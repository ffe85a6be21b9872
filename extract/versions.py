"""Reports over successive crawls: versions, first and last seen, gone; and the crawls themselves.

The archive is crawled again and again. What that means for ``reports``:

- ``first_seen``/``last_seen``: the first capture of any of a report's documents, and the last
  capture of the same content — a response, or a revisit record (the crawler writes one when a
  page answers 304 or repeats bytes already archived). Revisits carry their original's payload
  digest, so they are matched by digest and never read again.
- ``gone_at``: when a URL of the report answered 404 or 410, provided nothing of the report was
  seen after. A report no longer linked (so no longer fetched) keeps its ``last_seen``: compare
  with the ``crawls`` table.
- Versions: when one address served a report and later different numbers for the same year,
  grouping.py keeps them apart (:func:`versions_apart`) and both stay in ``reports``, each citable
  down to its own WARC record. Here they are ordered by ``first_seen``: ``version`` 1, 2 …,
  ``superseded_by`` names the next one, ``is_current`` is 1 only for the latest still online.

``crawls`` comes from ``crawls.jsonl`` beside the WARC files (the crawler appends a line when a
run starts and when it ends; the last line of each crawl wins).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path

from archive.layout import CRAWLS_LOG
from extract.db import SCHEMA

logger = logging.getLogger(__name__)

GONE_STATUSES = (404, 410)
# A capture that shows the content: a 2xx response, a 304 revisit, or a resource record.
SEEN = "(coalesce(http_status, 200) between 200 and 299 or http_status = 304)"


def versions_apart(a: dict, b: dict, cells_compatible) -> bool:
    """Two parsed captures of one address whose content and numbers differ: versions, not copies."""
    return (
        a["url"] == b["url"]
        and a["payload_digest"] != b["payload_digest"]
        and not cells_compatible(a, b)
    )


# --- crawls ------------------------------------------------------------------------------------


def import_crawls(db, archive_dir) -> int:
    """Load every ``crawls.jsonl`` under ``archive_dir`` into ``crawls``; returns the crawls known.

    A line that is not a JSON object with a ``crawl_id`` is logged and skipped.
    """
    columns = SCHEMA["crawls"][0]
    rows: dict[str, dict] = {}
    for path in sorted(Path(archive_dir).rglob(CRAWLS_LOG)):
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        ):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                crawl_id = entry["crawl_id"]
            except (ValueError, KeyError, TypeError) as exc:
                logger.warning("%s line %d is not a crawl record (%s); skipped", path, number, exc)
                continue
            rows[crawl_id] = {name: _cell(entry.get(name)) for name in columns}
    if rows:
        with db.atomic():
            db.table("crawls").upsert_all(list(rows.values()), pk="crawl_id")
    return db.table("crawls").count


def _cell(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


# --- reports over time ---------------------------------------------------------------------------


def refresh_versions(db) -> None:
    """Recompute first/last seen, gone and the version columns of every report."""
    first_seen, digests, urls = {}, defaultdict(set), defaultdict(set)
    for row in db.query(
        "select report_id, url, payload_digest, captured_at from documents where report_id is not null"
    ):
        report = row["report_id"]
        first_seen[report] = min(
            filter(None, (first_seen.get(report), row["captured_at"])), default=None
        )
        digests[report].add(row["payload_digest"])
        urls[report].add(row["url"])
    seen = {
        row["payload_digest"]: row["last"]
        for row in db.query(
            f"select payload_digest, max(captured_at) as last from documents where {SEEN} and payload_digest in"
            " (select payload_digest from documents where report_id is not null) group by payload_digest"
        )
    }
    latest = latest_captures(db)
    years = {row["id"]: row["year"] for row in db.query("select id, year from reports")}
    rows = {}
    for report in years:
        last_seen = max(
            (seen[d] for d in digests[report] if d in seen), default=first_seen.get(report)
        )
        gone = [
            latest[url][1]
            for url in urls[report]
            if url in latest
            and latest[url][0] in GONE_STATUSES
            and latest[url][1] > (last_seen or "")
        ]
        rows[report] = {
            "first_seen": first_seen.get(report),
            "last_seen": last_seen,
            "gone_at": min(gone, default=None),
        }
    for lineage in lineages(urls, years):
        ordered = sorted(lineage, key=lambda report: (rows[report]["first_seen"] or "", report))
        for number, report in enumerate(ordered, 1):
            newer = ordered[number] if number < len(ordered) else None
            rows[report].update(
                version=number,
                superseded_by=newer,
                is_current=int(newer is None and rows[report]["gone_at"] is None),
            )
    with db.atomic():
        db.conn.executemany(
            "update reports set first_seen = ?, last_seen = ?, gone_at = ?, version = ?, superseded_by = ?,"
            " is_current = ? where id = ?",
            [
                (
                    r["first_seen"],
                    r["last_seen"],
                    r["gone_at"],
                    r["version"],
                    r["superseded_by"],
                    r["is_current"],
                    report,
                )
                for report, r in rows.items()
            ],
        )


def latest_captures(db) -> dict[str, tuple[int | None, str]]:
    """``url -> (http status, captured_at)`` of the last capture of every URL a report was read from."""
    return {
        row["url"]: (row["http_status"], row["captured_at"])
        for row in db.query(
            "select url, http_status, captured_at from (select url, http_status, captured_at,"
            " row_number() over (partition by url order by captured_at desc, record_id) as n from documents"
            " where url in (select url from documents where report_id is not null)) where n = 1"
        )
    }


def lineages(urls: dict[str, set[str]], years: dict[str, int | None]) -> list[list[str]]:
    """Reports joined when one address carried both (and their years agree): one list each."""
    parent = {report: report for report in years}

    def find(report: str) -> str:
        while parent[report] != report:
            parent[report] = parent[parent[report]]
            report = parent[report]
        return report

    by_url = defaultdict(list)
    for report, addresses in urls.items():
        for url in addresses:
            by_url[url].append(report)
    for reports in by_url.values():
        for a in reports:
            for b in reports:
                if (
                    a in parent
                    and b in parent
                    and (years[a] is None or years[b] is None or years[a] == years[b])
                ):
                    parent[find(a)] = find(b)
    groups = defaultdict(list)
    for report in years:
        groups[find(report)].append(report)
    return list(groups.values())
