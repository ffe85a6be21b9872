"""Periodic crawls: ask each URL whether it changed, archive what did not as a revisit, log each run.

A crawl run again over the same ``ARCHIVE_DIR`` must be cheap and must keep every version:

- :mod:`crawler.conditional` sends ``If-None-Match``/``If-Modified-Since`` with the validators
  of the URL's last capture (from :mod:`archive.digest_index`, through
  :meth:`RecrawlArchiveExtension.replayable_capture`), and a ``304`` reaches the spider as the
  archived original, so the walk goes on and every link is found as before.
- :class:`RecrawlArchiveExtension` (the archive extension, extended) writes a 304 as a
  ``revisit`` record (profile server-not-modified, the 304's head as its block), a 200 whose
  payload an earlier crawl archived — at this URL or any other — as an identical-payload-digest
  revisit, and anything else in full (within one crawl, everything is stored as fetched).
  Every capture goes into the digest index. When the run ends its numbers go into the WARC (a
  ``metadata`` record) and ``ARCHIVE_DIR/crawls.jsonl``, which the extractor loads into its
  ``crawls`` table.
- :class:`Recrawl` is the Scrapy add-on (``ADDONS``) that puts both in the crawl, and the parse
  memo (:mod:`crawler.parse_memo`) that replays unchanged pages' readings.
- A ``JOBDIR`` whose crawl finished starts a new crawl when used again; an interrupted one still
  resumes (:mod:`crawler.resume`), so one command can run on a schedule (:func:`crawler.crawl_runs.prepare_job_dir`).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import Counter
from pathlib import Path

from scrapy.utils.misc import load_object

from archive import layout
from archive.digest_index import DigestIndex, StoredPayload, UrlCapture
from archive.exchange import CaptureLocation
from archive.http_head import parse_head
from archive.layout import CaptureKind, payload_digest
from crawler.archiving import WarcArchiveExtension
from crawler.conditional import PREVIOUS_META, ConditionalRequestMiddleware
from crawler.crawl_runs import append_crawl_log, mark_job_finished, now_iso, prepare_job_dir
from crawler.parse_memo import ParseMemoMiddleware

logger = logging.getLogger(__name__)

NOT_MODIFIED, IDENTICAL = "server-not-modified", "identical-payload-digest"
GONE_STATUSES = (404, 410)


class Recrawl:
    """Scrapy add-on: the archive extension that logs runs and writes revisits in place of the
    plain one, and conditional requests. Each reads ``RECRAWL_ENABLED`` itself: off, requests
    stay unconditional and payloads are archived in full, but runs are still logged and a
    finished ``JOBDIR`` still starts afresh."""

    def update_settings(self, settings):
        if WarcArchiveExtension in map(load_object, settings.getdict("EXTENSIONS")):
            settings.replace_in_component_priority_dict(
                "EXTENSIONS", WarcArchiveExtension, RecrawlArchiveExtension
            )
        # After every middleware that sets headers, before resume (950), whose answers need none.
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", ConditionalRequestMiddleware, 930
        )
        # Closest to the spider (DepthMiddleware is 900): replayed requests pass every other one.
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", ParseMemoMiddleware, 950)


def request_method(request_bytes: bytes) -> str:
    return request_bytes.split(b" ", 1)[0].decode("latin-1").upper()


class RecrawlArchiveExtension(WarcArchiveExtension):
    """The WARC extension, writing revisits for payloads it has archived before, and a crawl log."""

    def __init__(self, crawler, directory: Path):
        super().__init__(crawler, directory)
        self.revisits = crawler.settings.getbool("RECRAWL_ENABLED")
        self.revisit_requests = crawler.settings.getbool("RECRAWL_REVISIT_REQUESTS")
        self.index: DigestIndex | None = None
        self.counts: Counter[str] = Counter()
        self.warc_files: set[str] = set()
        # Extensions are built before the scheduler and resume open the job's files: tidy them now.
        prepare_job_dir(crawler.settings.get("JOBDIR"))

    def open(self, spider):
        super().open(spider)
        if self.revisits:
            self.index = DigestIndex.open(self.directory, running=self.crawl_id)
        append_crawl_log(self.directory, {**self.run_fields(spider), "status": "running"})

    def close(self, spider, reason="finished"):
        if self.archive is not None:
            record = {
                **self.run_fields(spider),
                **self.numbers(),
                "status": "finished",
                "finished": now_iso(),
                "reason": reason,
            }
            try:
                self.archive.write_resource(
                    f"urn:nianbao:crawl:{self.crawl_id}",
                    json.dumps(record, ensure_ascii=False).encode(),
                    "application/json",
                    record_type="metadata",
                    fields={"Nianbao-Record": "crawl-log"},
                )
            except (OSError, ValueError) as exc:
                logger.error("The crawl log could not be written into the WARC: %s", exc)
            append_crawl_log(self.directory, record)
        super().close(spider)
        if self.index is not None:
            # Whatever the reason, this process archives no more: its captures may now be referred to.
            self.index.crawl_ended(self.crawl_id, now_iso())
            self.index.close()
            self.index = None
        if reason == "finished":
            mark_job_finished(self.crawler.settings.get("JOBDIR"))

    # --- writing ------------------------------------------------------------------------------

    def write(
        self, exchange, metadata, request, response
    ) -> tuple[CaptureLocation, CaptureLocation]:
        try:
            _, http_headers = parse_head(exchange.response_head)
        except ValueError:
            http_headers = None  # the writer will say what is wrong with this head
        if self.index is None or http_headers is None:
            written, payload = super().write(exchange, metadata, request, response)
            self._count(
                metadata, response.status, "errors" if response.status >= 400 else None, written
            )
            return written, payload
        method, status = request_method(exchange.request_bytes), response.status
        digest = payload_digest(exchange.response_body)
        try:
            previous = self.index.last_capture(exchange.url) if method == "GET" else None
            original, profile = self._original(
                request, status, digest, previous, bool(exchange.response_body)
            )
        except sqlite3.Error as exc:  # the index is a saving, never a reason to lose a capture
            logger.warning("Digest index unusable (%s): %s is archived in full", exc, exchange.url)
            previous, original, profile = None, None, None
        if original is not None:
            written = self.archive.write_revisit(
                exchange,
                profile=profile,
                refers_to=original.record_id,
                refers_to_uri=original.uri,
                refers_to_date=original.date,
                payload_digest=original.digest,
                metadata=metadata,
                with_request=self.revisit_requests,
            )
            self._remember(
                self.index.add_revisit,
                exchange.url,
                method=method,
                date=written.date,
                status=status,
                record_id=written.response_id,
                crawl_id=self.crawl_id,
                http_headers=http_headers,
                original=original,
            )
            self._count(
                metadata,
                status,
                "not_modified" if profile == NOT_MODIFIED else "identical",
                written,
            )
            if status >= 400:  # a 404 page repeated still says the URL is missing, or gone
                self._count(metadata, status, outcome(status, digest, previous), written)
            return written, CaptureLocation(
                filename=original.filename,
                offset=original.offset,
                length=original.length,
                response_id=original.record_id,
                request_id="",
                payload_digest=original.digest,
                date=original.date,
            )
        written, payload = super().write(exchange, metadata, request, response)
        stored = StoredPayload(
            written.payload_digest or digest,
            exchange.url,
            written.date,
            written.response_id,
            written.filename,
            written.offset,
            written.length,
            self.crawl_id,
        )
        self._remember(
            self.index.add_response, stored, method=method, status=status, http_headers=http_headers
        )
        self._count(metadata, status, outcome(status, digest, previous), written)
        return written, payload

    def _remember(self, add, *args, **kwargs) -> None:
        try:
            add(*args, **kwargs)
        except sqlite3.Error as exc:
            # Only a later crawl loses: it fetches (and stores) this URL in full.
            logger.warning("Could not add a capture to the digest index: %s", exc)

    def _original(
        self, request, status, digest, previous, has_body
    ) -> tuple[StoredPayload | None, str | None]:
        """The archived response a revisit can stand on, and the revisit's profile; or (None, None)."""
        if status == 304:
            sent = request.meta.get(PREVIOUS_META)
            stored = UrlCapture.from_meta(sent).payload if sent else None
            # A 304 nobody asked for (or whose original is gone) is archived as it came.
            return (stored, NOT_MODIFIED) if stored and self._referable(stored) else (None, None)
        if not has_body or not (status == 200 or status in GONE_STATUSES):
            # Empty payloads gain nothing from a revisit, and a failure to retry (5xx, 429) is
            # no answer. A missing page is: a site answers each with the same 404 page, and
            # every recrawl asks for them again.
            return None, None
        # The URL's own last capture first; else the first capture of the payload anywhere.
        for stored in (
            previous.payload if previous and previous.digest == digest else None,
            self.index.stored_payload(digest),
        ):
            if stored is not None and stored.digest == digest and self._referable(stored):
                return stored, IDENTICAL
        return None, None

    def _referable(self, stored: StoredPayload) -> bool:
        """An original from a crawl that has ended, still in the archive. Within one crawl (and
        beside sibling processes still crawling) every payload is archived as fetched."""
        return (
            stored.crawl_id != self.crawl_id
            and self.index.has_ended(stored.crawl_id)
            and (self.directory / stored.filename).exists()
        )

    def replayable_capture(self, url: str) -> UrlCapture | None:
        """The URL's last capture if it can back a conditional request: a 200 with validators
        whose payload is still in the archive."""
        if self.index is None:
            return None
        previous = self.index.last_capture(url)
        if (
            previous is None
            or previous.payload is None
            or not (previous.etag or previous.last_modified)
        ):
            return None
        if previous.status not in (200, 304) or previous.crawl_id == self.crawl_id:
            return None
        if not self.index.has_ended(previous.crawl_id) or not self._referable(previous.payload):
            return None
        return previous

    # --- the crawl's numbers ------------------------------------------------------------------

    def _count(self, metadata, status: int, what: str | None, written: CaptureLocation) -> None:
        self.warc_files.add(written.filename)
        if status < 400:
            is_attachment = metadata.get(layout.KIND) == CaptureKind.ATTACHMENT
            self.counts["attachments" if is_attachment else "pages"] += 1
        if what is not None:
            self.counts[what] += 1
            self.crawler.stats.inc_value(f"recrawl/{what}")

    def run_fields(self, spider) -> dict:
        sites = getattr(spider, "sites_by_key", {})
        return {
            "crawl_id": self.crawl_id,
            "started": self.archive.started.isoformat() if self.archive else None,
            "sites_file": str(getattr(spider, "sites_file", "") or ""),
            "sites": len(sites),
            "site_names": [site.name for site in sites.values()],
        }

    def numbers(self) -> dict:
        stats = self.crawler.stats
        return {
            **{
                name: self.counts[name]
                for name in ("pages", "attachments", "new", "changed", "gone")
            },
            "revisits": self.counts["not_modified"] + self.counts["identical"],
            "not_modified": self.counts["not_modified"],
            "identical": self.counts["identical"],
            "errors": self.counts["errors"] + (stats.get_value("downloader/exception_count") or 0),
            "requests": stats.get_value("downloader/request_count") or 0,
            "archived_bytes": stats.get_value("archive/bytes") or 0,
            "warc_files": sorted(self.warc_files),
        }


def outcome(status: int, digest: str, previous: UrlCapture | None) -> str | None:
    """What a full response record says about its URL since the last capture."""
    was_there = previous is not None and previous.status in (200, 304)
    if status == 200:
        if not was_there or not previous.digest:
            return "new"
        return (
            "changed" if previous.digest != digest else None
        )  # None: rewritten, original unreadable
    if status in GONE_STATUSES and was_there:
        return "gone"
    return "errors" if status >= 400 else None
