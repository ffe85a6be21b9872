"""Flip-book reports: a book's text pages read together as one document.

Flip-book viewers (FlipHTML5 and its Chinese clones) publish a report as images plus a text
version, one page per file: ``…/files/basic-html/page1.html``, ``page2.html`` … No single page
holds the report's tables, so the pages of a book are kept (``book_pages``) as they are read, in
whatever WARC and run they arrive, and joined in page order once the archive has been read.
"""

from __future__ import annotations

import re

from archive import layout
from extract.parse import parse_report

BOOK_PAGE = re.compile(r"^(?P<book>.+?)/files/basic-html/page(?P<page>\d+)\.html?$", re.IGNORECASE)
# The viewer's own page label ('P. 3', 'Page 3'), printed at the top of every text page.
PAGE_LABEL = re.compile(r"^\s*(?:P\.|Page)\s*\d+\s*$", re.IGNORECASE)
REASON = "flip-book page"


def book_page(url: str) -> tuple[str, int] | None:
    """``(book root URL, page number)`` when ``url`` is a flip-book text page.

    >>> book_page("http://x.gov.cn/nb/2021/files/basic-html/page3.html")
    ('http://x.gov.cn/nb/2021', 3)
    """
    match = BOOK_PAGE.match(url.split("?", 1)[0])
    return (match["book"], int(match["page"])) if match else None


def page_row(document: dict, metadata: dict, text: str) -> dict:
    """The ``book_pages`` row of one text page (the document row is recorded as usual)."""
    book, page = book_page(document["url"])
    return {
        "record_id": document["record_id"],
        "book": book,
        "page": page,
        "text": text,
        "site_region_code": metadata.get(layout.SITE_REGION_CODE),
        "site_level": metadata.get(layout.SITE_LEVEL),
        "assembled": 0,
    }


def assemble_books(db, make_parsed_row) -> int:
    """Join the pages of every book with new pages, parse them, stage the reports found.

    ``make_parsed_row(document, metadata, text, report)`` is the pipeline's own row builder, so a
    book becomes a parse candidate like any other document; it is filed under its first page's
    record (URL, digest and WARC location point at that page, which anyone can replay). Returns
    how many books parsed as reports.
    """
    found = 0
    books = [
        row["book"] for row in db.query("select distinct book from book_pages where assembled = 0")
    ]
    for book in books:
        pages = list(
            db.query(
                "select b.*, d.url, d.payload_digest, d.captured_at, d.warc_filename, d.warc_offset,"
                " d.site_name, d.page_url from book_pages b join documents d using (record_id)"
                " where b.book = ? order by b.page",
                [book],
            )
        )
        text = "\n".join(_without_page_label(page["text"]) for page in pages)
        first = pages[0]
        entry = _entry_document(db, book)
        title = entry["title"] if entry else None
        report = parse_report(text, title_hint=title)
        numbers = [page["page"] for page in pages]
        if numbers != list(range(1, len(pages) + 1)):
            report.problems.append(f"flip-book pages archived: {numbers}; some are missing")
        with db.atomic():
            if report.is_report():
                document = {
                    **{
                        k: first[k]
                        for k in (
                            "record_id",
                            "url",
                            "payload_digest",
                            "captured_at",
                            "warc_filename",
                            "warc_offset",
                            "site_name",
                        )
                    },
                    "page_url": entry["url"] if entry else first["url"],
                    "source_type": "flipbook",
                }
                metadata = {
                    layout.SITE_REGION_CODE: first["site_region_code"],
                    layout.SITE_LEVEL: first["site_level"],
                }
                row = make_parsed_row(document, metadata, _BookText(title), report)
                db.table("parsed_documents").upsert(row | {"resolved": 0}, pk="record_id")
                db.execute(
                    "update documents set source_type = 'flipbook', title = ? where record_id = ?",
                    [title, first["record_id"]],
                )
                found += 1
            db.execute("update book_pages set assembled = 1 where book = ?", [book])
    return found


def _without_page_label(text: str) -> str:
    lines = text.splitlines()
    while lines and (not lines[0].strip() or PAGE_LABEL.match(lines[0])):
        lines.pop(0)
    return "\n".join(lines)


class _BookText:
    """What parsed_row reads from a reader's DocumentText, for a joined book."""

    def __init__(self, title: str | None):
        self.title = title
        self.published = None
        self.ocr_engine = None  # a book's pages are HTML text, never OCR'd


def _entry_document(db, book: str) -> dict | None:
    # The viewer page the crawler reached through a link naming the report.
    return next(
        db.query(
            "select url, title from documents where url like ? and url not like ? and kind = 'report'"
            " order by length(url) limit 1",
            [book + "/%", book + "/files/%"],
        ),
        None,
    )
