"""The Scrapy extension that writes every captured exchange into WARC files.

It listens for :data:`crawler.capture.exchange_captured` (plain downloads now, the browser later)
and hands each exchange, with the crawl's metadata about it (which site row it was found under,
the page that linked it), to :class:`archive.writer.WarcArchive`.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive import layout
from archive.exchange import CaptureLocation
from archive.layout import CaptureKind
from archive.repair import repair_open_file
from archive.writer import WarcArchive
from crawler.capture import exchange_captured
from crawler.discovery.attachments import attachment_filename
from crawler.discovery.scope import in_domains
from crawler.scaleout import open_files_to_repair, warc_prefix
from nianbao import __version__

logger = logging.getLogger(__name__)

#: Sent after an exchange is safely in the archive:
#: ``location=CaptureLocation, request=Request, response=Response``. ``location`` is the record
#: holding the exchange's payload: its response record, or for a revisit the original it refers to.
exchange_archived = object()


class WarcArchiveExtension:
    def __init__(self, crawler, directory: Path):
        self.crawler = crawler
        self.directory = directory
        self.archive: WarcArchive | None = None
        self.crawl_id = ""
        crawler.signals.connect(self.open, signal=signals.spider_opened)
        crawler.signals.connect(self.close, signal=signals.spider_closed)
        crawler.signals.connect(self.record, signal=exchange_captured)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured("ARCHIVE_ENABLED is off: responses are not archived")
        return cls(crawler, Path(crawler.settings.get("ARCHIVE_DIR")))

    def open(self, spider):
        self.directory.mkdir(parents=True, exist_ok=True)
        settings = self.crawler.settings
        # Scaled out, other processes may be writing into this directory: only orphans are repaired.
        for report in map(repair_open_file, open_files_to_repair(self.directory, settings)):
            logger.warning("Repaired %s after an interrupted crawl: %s", report.path, report.reason)
        self.crawl_id, started = crawl_identity(settings.get("JOBDIR"))
        self.archive = WarcArchive(
            self.directory,
            prefix=warc_prefix(settings),  # with this process's host-pid when scaled out
            started=started,
            max_bytes=settings.getint("WARC_MAX_BYTES"),
            warcinfo={
                layout.CRAWL_ID: self.crawl_id,
                "software-crawler": f"nianbao/{__version__} Scrapy",
                "http-header-user-agent": settings.get("USER_AGENT"),
                "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                "sites": str(getattr(spider, "sites_file", "")),
            },
        )
        logger.info("Archiving to %s (crawl %s)", self.directory, self.crawl_id)

    def close(self, spider):
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def record(self, exchange, request, response):
        if self.archive is None:
            return
        metadata = capture_metadata(request, response, getattr(self.crawler, "spider", None))
        metadata[layout.CRAWL_ID] = self.crawl_id
        written, payload = self.write(exchange, metadata, request, response)
        self.crawler.stats.inc_value("archive/records")
        self.crawler.stats.inc_value("archive/bytes", written.length)
        self.crawler.signals.send_catch_log(
            signal=exchange_archived, location=payload, request=request, response=response
        )

    def write(
        self, exchange, metadata, request, response
    ) -> tuple[CaptureLocation, CaptureLocation]:
        """Archive one exchange; returns where it was written and where its payload can be read.

        Both are the response record here. crawler/recrawl.py overrides this to write a revisit
        record for a payload archived before, whose payload is then its original's.
        """
        location = self.archive.write_exchange(exchange, metadata)
        return location, location


def capture_metadata(request, response, spider) -> dict[str, str]:
    """What the extractor needs to know about a capture: its site row, the page that led here."""
    meta = request.meta
    fields: dict[str, str] = {}
    sites = getattr(spider, "sites_by_key", {})
    site = sites.get(meta.get("site_key")) or site_of_url(request.url, sites.values())
    if site is not None:
        fields.update(
            {
                layout.SITE_NAME: site.name,
                layout.SITE_REGION_CODE: site.region_code,
                layout.SITE_LEVEL: site.level,
                layout.SITE_URL: site.url,
            }
        )
    kind = meta.get("kind") or (
        CaptureKind.ROBOTS if request.url.endswith("/robots.txt") else CaptureKind.PAGE
    )
    fields[layout.KIND] = kind
    for key, name in (("via", layout.VIA), ("via_text", layout.VIA_TEXT), ("depth", layout.DEPTH)):
        if meta.get(key) not in (None, ""):
            fields[name] = str(meta[key])
    if kind == CaptureKind.ATTACHMENT:
        filename = attachment_filename(response.url, response.headers.get(b"Content-Disposition"))
        if filename:
            fields[layout.FILENAME] = filename
    return fields


def site_of_url(url: str, sites):
    """The site a request made outside the spider (robots.txt) belongs to, by its domains."""
    for site in sites:
        if in_domains(url, list(site.domains)):
            return site
    return None


def crawl_identity(jobdir: str | None) -> tuple[str, datetime]:
    """The crawl's id and start time; a resumed job (same JOBDIR) keeps both."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    if not jobdir:
        return uuid.uuid4().hex[:12], now
    path = Path(jobdir) / "crawl.json"
    if path.exists():
        state = json.loads(path.read_text())
        return state["crawl_id"], datetime.fromisoformat(state["started"])
    path.parent.mkdir(parents=True, exist_ok=True)
    crawl_id = uuid.uuid4().hex[:12]
    path.write_text(json.dumps({"crawl_id": crawl_id, "started": now.isoformat()}))
    return crawl_id, now
