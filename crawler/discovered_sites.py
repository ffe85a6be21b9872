"""What discovery found, kept for review and for the extractor.

Each site the spider's discovery mode admits (see :mod:`crawler.discovery.found_sites`) is written
into the WARC at once, as a ``metadata`` record of ``application/warc-fields`` (target
``urn:nianbao:discovered:<start code>:<url>``), and each start as one too
(``urn:nianbao:discovery:<start code>``), so the extractor's ``discovered_sites`` table can say
what was found and which divisions under the start have no portal found. When the crawl ends, each
start's finds are written to ``discovered-<code>.csv`` in the sites format plus ``found_on`` and
``link_text``, ready to review, correct and reuse as a sites list (``DISCOVERY_SITES_DIR``,
default the crawl's ``ARCHIVE_DIR``: a crawl does not write into the repository).
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.record_parts import encode_warc_fields
from crawler.archiving import WarcArchiveExtension
from crawler.discovery.found_sites import found_row, sites_csv
from crawler.scaleout import process_name, scaled_out

logger = logging.getLogger(__name__)

#: Sent by the spider for each site discovery admits: ``found=Found``.
site_discovered = object()

START_URN = "urn:nianbao:discovery:"
FOUND_URN = "urn:nianbao:discovered:"


class DiscoveredSitesExtension:
    def __init__(self, crawler, directory: Path):
        self.crawler = crawler
        self.directory = directory
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.found, signal=site_discovered)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("DISCOVERY_ENABLED"):
            raise NotConfigured("DISCOVERY_ENABLED is off")
        return cls(
            crawler, Path(settings.get("DISCOVERY_SITES_DIR") or settings.get("ARCHIVE_DIR"))
        )

    def opened(self, spider):
        for discovery in self._discoveries(spider):
            self._record(f"{START_URN}{discovery.region.code}", start_fields(discovery))

    def found(self, found):
        discovery = found.discovery
        self.crawler.stats.inc_value(f"discovery/found/{found.kind}")
        fields = {**start_fields(discovery), **found_fields(found)}
        self._record(f"{FOUND_URN}{discovery.region.code}:{found.site.url}", fields)
        logger.info(
            "Discovered %s (%s %s) at %s, linked from %s as %r",
            found.site.name,
            found.site.level,
            found.site.region_code,
            found.site.url,
            found.found_on,
            found.link_text,
        )

    def closed(self, spider):
        registry = getattr(spider, "found_sites", None)
        if registry is None:
            return
        for reason, count in sorted(registry.refused.items()):
            self.crawler.stats.set_value(f"discovery/refused/{reason}", count)
        for discovery in registry.discoveries.values():
            # Scaled out, each process writes the sites it knows, under its own name; the
            # WARC records hold every process's finds (the discovered_sites table).
            suffix = f"-{process_name()}" if scaled_out(self.crawler.settings) else ""
            path = self.directory / f"discovered-{discovery.region.code}{suffix}.csv"
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                path.write_text(sites_csv(discovery), encoding="utf-8")
            except OSError as exc:
                logger.error("Could not write the discovered sites to %s: %s", path, exc)
                continue
            logger.info(
                "Discovery from %s (%s): %d sites found, written to %s",
                discovery.site.name,
                discovery.region.code,
                len(discovery.found),
                path,
            )

    def _discoveries(self, spider):
        registry = getattr(spider, "found_sites", None)
        return list(registry.discoveries.values()) if registry else []

    def _record(self, uri: str, fields: dict[str, str]) -> None:
        extension = self._archive_extension()
        if extension is None or extension.archive is None:
            return
        fields = {**fields, "crawl-id": extension.crawl_id}
        try:
            extension.archive.write_resource(
                uri,
                encode_warc_fields({k: v for k, v in fields.items() if v}),
                "application/warc-fields",
                record_type="metadata",
                fields={"Nianbao-Record": "discovery"},
            )
        except (OSError, ValueError, TypeError) as exc:
            logger.error("Could not archive the discovery record %s: %s", uri, exc)

    def _archive_extension(self) -> WarcArchiveExtension | None:
        for extension in self.crawler.extensions.middlewares:
            if isinstance(extension, WarcArchiveExtension):
                return extension
        return None


class FoundSitesMiddleware:
    """Downloader middleware: a request of a site this process has not found itself (a
    scaled-out crawl shares one queue) registers that site from the row the request carries,
    before the per-site policy and the spider look the site up."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        row = request.meta.get("found_site")
        spider = self.crawler.spider
        sites = getattr(spider, "sites_by_key", None)
        if not row or sites is None or request.meta.get("site_key") in sites:
            return None
        for found in spider.found_sites.restore([row]):
            sites[found.site.key] = found.site
        return None


def start_fields(discovery) -> dict[str, str]:
    return {
        "start-region-code": discovery.region.code,
        "start-name": discovery.site.name,
        "start-url": discovery.site.url,
    }


def found_fields(found) -> dict[str, str]:
    """The found site's row of ``discovered-<code>.csv`` as WARC fields, with its kind and depth."""
    row = {name.replace("_", "-"): value for name, value in found_row(found).items()}
    row["link-text"] = " ".join(row["link-text"].split())
    return {**row, "kind": found.kind, "depth": str(found.depth)}
