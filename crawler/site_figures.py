"""What the crawl understood of each site: its columns, their lists and pagers, the browser.

A crawl that silently finds nothing on a site is the worst outcome for an archive, so every
site gets figures that say how far the crawler got: which disclosure and 年报 columns it found,
how many list pages of each it fetched against how many the pager announced, the items it
saw, which pager it recognised, which pages went to the browser and why, and the reports and
attachments found. :mod:`crawler.progress` keeps them while the crawl runs, warns about the
sites it did not understand, and appends them, one JSON line per site, to
``ARCHIVE_DIR/sites.jsonl`` beside the WARCs (the extractor reads that into its ``sites`` table).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from crawler.listings.columns import page_column_kind

logger = logging.getLogger(__name__)

SITES_LOG = "sites.jsonl"

#: Sent by the spider for every page it read as a list:
#: ``response=TextResponse, figures=ListingFigures``.
listing_parsed = object()


@dataclass(frozen=True)
class ListingFigures:
    """What one page read as a list tells about its column. Plain values, so that a page's
    figures can be kept with the rest of what reading it gave (:mod:`crawler.parse_memo`)."""

    # The page's own column kind ("report", "disclosure"); only for a page that starts a list.
    column_kind: str | None
    paginated: bool
    dated_items: int
    announced_pages: int | None
    platforms: tuple[str, ...]
    probed: bool


def listing_figures(response, listing) -> ListingFigures:
    """The figures of ``listing`` (:class:`crawler.listings.Listing`), read from ``response``."""
    starts_list = not response.meta.get("list_root")
    return ListingFigures(
        column_kind=page_column_kind(response) if starts_list else None,
        paginated=bool(listing.pages or listing.probes or listing.announced_pages),
        dated_items=sum(1 for link in listing.links if link.date),
        announced_pages=listing.announced_pages,
        platforms=tuple(listing.platforms),
        probed=bool(listing.probes),
    )


@dataclass
class ColumnFigures:
    kind: str  # "report" (a 年报 column), "disclosure" (another column) or "list" (paginated)
    name: str
    list_pages: int = 0
    items: int = 0
    announced_pages: int | None = None
    pagers: list[str] = field(default_factory=list)

    def note_pager(self, pager: str) -> None:
        if pager not in self.pagers:
            self.pagers.append(pager)


@dataclass
class SiteFigures:
    pages: int = 0
    reports: int = 0
    attachments: int = 0
    errors: int = 0
    columns: dict[str, ColumnFigures] = field(default_factory=dict)
    browser: list[dict] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.pages} pages, {self.reports} reports, "
            f"{self.attachments} attachments, {self.errors} errors"
        )

    def report_columns(self) -> list[ColumnFigures]:
        return [column for column in self.columns.values() if column.kind == "report"]

    def problems(self) -> list[str]:
        """What suggests the crawler did not understand this site, worst first."""
        found = []
        if self.report_columns() and self.reports == 0:
            found.append("a 年报 column was found but no report")
        if not any(column.kind != "list" for column in self.columns.values()):
            found.append("no disclosure or 年报 column was found")
        for url, column in self.columns.items():
            if column.announced_pages and column.list_pages < column.announced_pages:
                found.append(
                    f"the pager of {url} promised {column.announced_pages} pages,"
                    f" {column.list_pages} were fetched"
                )
        return found

    def record(self, site_key: str, crawl_id: str) -> dict:
        """The JSON line kept in the archive for this site and crawl."""
        columns = [{"url": url, **asdict(column)} for url, column in self.columns.items()]
        return {
            "crawl_id": crawl_id,
            "site_key": site_key,
            "pages": self.pages,
            "reports": self.reports,
            "attachments": self.attachments,
            "errors": self.errors,
            "report_columns": len(self.report_columns()),
            "disclosure_columns": sum(1 for c in self.columns.values() if c.kind == "disclosure"),
            "list_pages": sum(column.list_pages for column in self.columns.values()),
            "items_seen": sum(column.items for column in self.columns.values()),
            "pagers": sorted({pager for c in self.columns.values() for pager in c.pagers}),
            "browser_pages": len(self.browser),
            "columns": columns,
            "browser": self.browser,
            "problems": self.problems(),
        }


def append_site_records(directory: Path, records: list[dict]) -> None:
    """Append one JSON line per site to ``directory/sites.jsonl`` (a reader streams it)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / SITES_LOG, "a", encoding="utf-8") as log:
            for record in records:
                log.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        logger.error("Could not append the per-site figures to %s: %s", directory / SITES_LOG, exc)
