"""Full-text search of the reports in Chinese: FTS5 ``trigram`` for terms of 3+ characters, a
substring scan for shorter ones.

Chinese is written without spaces, so a word tokenizer (``unicode61``) sees a whole sentence as
one token and finds nothing. Two ways around that: segment the text into words first (jieba)
and index the words, or index every 3-character sequence (FTS5's ``trigram`` tokenizer, SQLite
3.34+). Trigram matching is substring matching: a query finds every report that contains it,
whatever a segmenter would have made of the surrounding text. Measured on the test fixture
(the five real reports in ``imitation/seeds``, 32 queries, 141 report–query pairs where the text
contains the query): trigram over the indexed text found 141, jieba-segmented text in a
``unicode61`` index (query segmented the same way, searched as a phrase) found 130 — it never
finds 第三方合法权益 or 公开出版物, which it cuts differently inside a sentence than alone.
Trigram over the text as extracted found 138: PDF text breaks lines inside words (行政复 | 议),
so the index holds the text with whitespace between CJK characters removed
(:func:`publish.views.normalize_text`). ``tests/test_publish_search.py`` repeats the
measurement (the jieba part when jieba is installed).

Trigram cannot match fewer than three characters, and 复议, 公开 or 信访 are real queries: a
term of one or two characters is matched with ``instr()`` over the indexed text instead (a
scan of the index table rather than an index lookup).

A query is split on whitespace into terms; a report matches when it contains every term.
Double quotes are dropped (each term is already an exact phrase).
"""

from __future__ import annotations

import html
import re

from publish.views import FTS_TABLE

MIN_TRIGRAM = 3
MAX_TERMS = 8


def split_terms(query: str | None) -> list[str]:
    """The distinct terms of a query, in order; at most :data:`MAX_TERMS`."""
    terms = [term for term in re.split(r"\s+", (query or "").replace('"', " ")) if term]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def fts_phrase(term: str) -> str:
    """A term as an FTS5 phrase string (quoted, inner quotes doubled)."""
    return '"' + term.replace('"', '""') + '"'


def match_clause(
    query: str, rowid_column: str = "rowid", prefix: str = "nianbao_q"
) -> tuple[str | None, dict]:
    """SQL that is true for the rows whose report contains every term of ``query``.

    Returns ``(sql, params)`` to AND into a ``where`` over a table whose ``rowid_column`` holds
    the report's rowid (the index's rowid is the report's), or ``(None, {})`` for no terms.
    A long term tests membership in the index's matches (integers: cheap to collect even
    when every report matches); a short one looks up this row's text only, so a scan in the
    page's order stops as soon as it has a page of matches. The ``+`` keeps SQLite from
    driving the query from these terms instead of from the page's sort order.
    """
    clauses, params = [], {}
    for i, term in enumerate(split_terms(query)):
        name = f"{prefix}{i}"
        if len(term) >= MIN_TRIGRAM:
            clauses.append(
                f"+{rowid_column} in (select rowid from [{FTS_TABLE}] where [{FTS_TABLE}] match :{name})"
            )
            params[name] = fts_phrase(term)
        else:
            clauses.append(
                f"exists (select 1 from [{FTS_TABLE}] f where f.rowid = {rowid_column} and "
                f"(instr(lower(f.title), :{name}) or instr(lower(f.agency), :{name}) "
                f"or instr(lower(f.body), :{name})))"
            )
            params[name] = term.lower()
    if not clauses:
        return None, {}
    return " and ".join(clauses), params


def snippet(text: str, terms: list[str], width: int = 40) -> str:
    """HTML: the text around the first occurrence of a term, escaped, every term in ``<mark>``."""
    lowered = text.lower()
    positions = [p for p in (lowered.find(term.lower()) for term in terms) if p >= 0]
    if not positions:
        return html.escape(text[: 2 * width]) + ("…" if len(text) > 2 * width else "")
    first = min(positions)
    start, end = max(0, first - width), min(len(text), first + width)
    piece = text[start:end]
    pattern = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    out, last = [], 0
    for found in re.finditer(pattern, piece, flags=re.IGNORECASE):
        out.append(html.escape(piece[last : found.start()]))
        out.append(f"<mark>{html.escape(found.group(0))}</mark>")
        last = found.end()
    out.append(html.escape(piece[last:]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


async def search_reports(db, query: str, limit: int = 100) -> list[dict]:
    """Reports matching ``query`` (newest first) with a highlighted snippet; ``db`` is a Datasette
    ``Database``.

    The matches are ordered in the narrow ``report_requests_summary`` (its index on year,
    agency, id and rowid lets a common word stop after ``limit`` rows) and only the shown
    reports' text is read.
    """
    where, params = match_clause(query, rowid_column="s.fts_rowid")
    if where is None:
        return []
    sql = (
        "select s.report_id as id, s.title, s.agency, s.year, s.source_type, s.warc_record_id, "
        "s.fts_rowid "
        f"from report_requests_summary s where {where} "
        f"order by s.year desc, s.agency desc, s.report_id desc limit {int(limit)}"
    )
    rows = [dict(row) for row in (await db.execute(sql, params)).rows]
    if not rows:
        return []
    marks = ", ".join("?" * len(rows))
    bodies = await db.execute(
        f"select rowid, body from [{FTS_TABLE}] where rowid in ({marks})",
        [row["fts_rowid"] for row in rows],
    )
    text = {row["rowid"]: row["body"] or "" for row in bodies.rows}
    terms = split_terms(query)
    return [{**row, "snippet": snippet(text.get(row["fts_rowid"], ""), terms)} for row in rows]
