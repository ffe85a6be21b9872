"""A spreadsheet's tables and its article's prose, one report.

Some agencies publish the report's text as an article and attach the three statistical tables
as a workbook. The workbook is the report's source (it holds the cells), but it holds none of
the sections: those are in the article that links to it. When a report's source is a
spreadsheet, the article page is read again from the archive (it was no report on its own: no
tables) and its sections, narrative figures, agency and dates fill what the workbook lacks.
"""

from __future__ import annotations

import logging
from pathlib import Path

from archive.reader import decode_content, read_record
from extract.documents import DocumentError, read_document
from extract.parse import parse_report

logger = logging.getLogger(__name__)

SPREADSHEET_TYPES = ("xls", "xlsx")


def with_article_text(db, source: dict) -> dict:
    """``source`` (a parsed_documents candidate), completed from its article when it is a
    spreadsheet attached to a page; otherwise ``source`` unchanged."""
    if source.get("source_type") not in SPREADSHEET_TYPES or source["page_url"] == source["url"]:
        return source
    article = _article(db, source["page_url"])
    if article is None:
        return source
    completed = dict(source)
    own = source.get("sections") or {}
    completed["sections"] = {
        **{str(n): text for n, text in article.sections.items() if text},
        **{n: text for n, text in own.items() if text and n not in ("1", "5", "6")},
    }  # the prose sections are the article's; what the workbook prints under 2–4 stays
    if not source.get("narrative"):
        completed["narrative"] = [[f.key, f.value, f.quote] for f in article.narrative]
    for column in ("agency", "published"):
        completed[column] = source.get(column) or getattr(article, column)
    return completed


def _article(db, page_url: str):
    """The article page's parse, read back from its WARC record, or None."""
    row = next(
        db.query(
            "select d.warc_filename, d.warc_offset, d.content_type, p.archive_dir "
            "from documents d join processed_warcs p on p.filename = d.warc_filename "
            "where d.url = ? and d.http_status = 200 and d.source_type = 'html' "
            "order by d.captured_at desc limit 1",
            [page_url],
        ),
        None,
    )
    if row is None:
        return None
    try:
        record = read_record(Path(row["archive_dir"], row["warc_filename"]), row["warc_offset"])
        body = decode_content(record.payload or b"", record.http_header("Content-Encoding"))
        text = read_document(body, content_type=row["content_type"], url=page_url)
    except (OSError, ValueError, DocumentError) as error:
        logger.warning("article %s of a spreadsheet report unreadable: %s", page_url, error)
        return None
    return parse_report(text.text, title_hint=text.title)
