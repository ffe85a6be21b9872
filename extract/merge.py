"""Write the merged reports: each group of candidates (:mod:`extract.grouping`) becomes one row of
``reports`` with its cells, checks and narrative, taken from its best copy; then the cross-year
checks of every agency touched are recomputed.
"""

from __future__ import annotations

import logging

from extract import checks
from extract import report_store as store
from extract.article import with_article_text
from extract.document_store import record_errors
from extract.grouping import agree, best_title, group_candidates, report_id_for, source_rank
from extract.parse import NarrativeFigure
from nianbao.agencies import report_agency
from nianbao.regions import is_within, leading_regions, region_by_code
from nianbao.titles import report_year

logger = logging.getLogger(__name__)


def resolve_reports(db, summary=None) -> None:
    """Merge every unresolved parse result with its copies and (re)write the affected reports.

    Takes one unresolved candidate at a time with everything connected to it (same digest,
    page, agency+year, or already in one report with it), regroups that set and rewrites its
    reports; a report whose source changed gets a new id and the old one is deleted. Then the
    cross-year checks of every agency touched are recomputed. ``summary`` (a pipeline Summary)
    is told the reports written, the checks failing on the reports touched, and any failure.
    """
    # The reports this run wrote or rechecked, kept in SQLite rather than in memory.
    db.execute("create temp table if not exists run_reports (id text primary key)")
    db.execute("delete from temp.run_reports")
    agencies: set[str] = set()
    while True:
        seed = next(
            db.query(
                "select record_id from parsed_documents where resolved = 0 order by record_id limit 1"
            ),
            None,
        )
        if seed is None:
            break
        component = connected_candidates(db, seed["record_id"])
        old_ids = {c["current_report_id"] for c in component if c["current_report_id"]}
        try:
            with db.atomic():
                written = [write_group(db, group) for group in group_candidates(component)]
                for stale in old_ids - {report["id"] for report in written}:
                    store.delete_report(db, stale)
                store.mark_resolved(db, [c["record_id"] for c in component])
                _remember(db, [report["id"] for report in written])
        except Exception as exc:  # noqa: BLE001 — one bad report (an unstorable value, a bug) must not stop the run
            _record_failure(db, component, exc, summary)
            continue
        if summary is not None:
            summary.reports_by_source_type.update(
                report["source_type"] or "unknown"
                for report in written
                if report["id"] not in old_ids
            )
        # A deleted report's agency may have lost a year; a written one's may have gained one.
        agencies.update(c["agency"] for c in component if c["agency"])
        agencies.update(report["agency"] for report in written if report["agency"])
    for agency in sorted(agencies):
        with db.atomic():
            _remember(db, recheck_agency(db, agency))
    if summary is not None:
        failing = db.query(
            "select rule, count(*) as n from checks join temp.run_reports r on r.id = checks.report_id "
            "where ok = 0 group by rule"
        )
        summary.checks_failed.update({row["rule"]: row["n"] for row in failing})


def _remember(db, report_ids: list[str]) -> None:
    # Plain SQL: sqlite-utils' table helpers only look for tables in the main schema.
    db.conn.executemany(
        "insert or ignore into temp.run_reports (id) values (?)", [(i,) for i in report_ids]
    )


def _record_failure(db, component: list[dict], exc: Exception, summary) -> None:
    reason = f"writing the report failed: {type(exc).__name__}: {exc}"
    logger.warning("%s (documents %s)", reason, ", ".join(c["url"] for c in component))
    with db.atomic():
        record_errors(
            db,
            [
                {
                    "warc_filename": c["warc_filename"],
                    "offset": c["warc_offset"],
                    "url": c["url"],
                    "stage": "db",
                    "reason": reason,
                }
                for c in component
            ],
        )
        # Left unresolved it would be retried forever; the errors rows say what happened.
        store.mark_resolved(db, [c["record_id"] for c in component])
    if summary is not None:
        for c in component:
            summary.add_error(f"{c['warc_filename']}@{c['warc_offset']} {c['url']}", "db", reason)


def connected_candidates(db, seed_record_id: str) -> list[dict]:
    """The seed candidate and every candidate linked to it, transitively, by digest, page,
    agency+year or a shared current report."""
    found: dict[str, dict] = {}
    seen: dict[str, set] = {"digest": set(), "page": set(), "agency_year": set(), "report": set()}
    where, params = "p.record_id = ?", [seed_record_id]
    while where:
        new = [
            row
            for row in store.candidates_where(db, where, params)
            if row["record_id"] not in found
        ]
        found.update((row["record_id"], row) for row in new)
        keys = {
            "digest": {row["payload_digest"] for row in new},
            "page": {row["page_url"] for row in new if row["page_url"]},
            "agency_year": {
                (row["agency"], row["year"]) for row in new if row["agency"] and row["year"]
            },
            "report": {row["current_report_id"] for row in new if row["current_report_id"]},
        }
        conditions, params = [], []
        for kind, column in (
            ("digest", "p.payload_digest"),
            ("page", "p.page_url"),
            ("report", "d.report_id"),
        ):
            fresh = sorted(keys[kind] - seen[kind])
            if fresh:
                conditions.append(f"{column} in ({','.join('?' * len(fresh))})")
                params += fresh
        for agency, year in sorted(keys["agency_year"] - seen["agency_year"]):
            conditions.append("(p.agency = ? and p.year = ?)")
            params += [agency, year]
        for kind in seen:
            seen[kind] |= keys[kind]
        where = " or ".join(conditions)
    return list(found.values())


def write_group(db, group: list[dict]) -> dict:
    """Write one merged report from its copies; returns its ``reports`` row."""
    ranked = sorted(group, key=source_rank)
    ranked[0] = source = with_article_text(db, ranked[0])  # a workbook's prose is its article's
    report_id = report_id_for(source["payload_digest"])

    def first(column: str):
        # The source's own value, else the best other copy's (a page may print the date, its PDF not).
        return next((c[column] for c in ranked if c.get(column) not in (None, "")), None)

    site = next((c for c in ranked if c.get("site_region_code")), source)
    # An attachment linked as '附件下载' names nothing: its page's title still does.
    page_title = (
        _page_title(db, source["page_url"]) if source["page_url"] != source["url"] else None
    )
    title = best_title([c["title"] for c in ranked] + [page_title])
    agency = first("agency") or (report_agency(title) if title else None)
    year = first("year") or (report_year(title) if title else None)
    region_code, level = report_region(site.get("site_region_code"), site.get("site_level"), agency)
    values = {(c[0], c[1], c[2]): c[3] for c in source["cells"]}
    sections = source["sections"]
    report = {
        "id": report_id,
        "title": title,
        "agency": agency,
        "year": year,
        "format_version": source["format_version"],
        "region_code": region_code,
        "published": first("published"),
        "source_url": source["url"],
        "page_url": source["page_url"],
        "source_type": source["source_type"],
        "captured_at": source["captured_at"],
        "warc_filename": source["warc_filename"],
        "warc_record_id": source["record_id"],
        "warc_offset": source["warc_offset"],
        "payload_digest": source["payload_digest"],
        "site_name": site.get("site_name"),
        "level": level,
        **{f"section_{n}": sections.get(str(n)) for n in range(1, 7)},
        "copies": len(group),
        "cells_read": source["cells_read"],
        "parse_problems": "\n".join(source["problems"]) or None,
        "page_published": first("page_published"),
    }
    cells = [
        {
            "report_id": report_id,
            "tbl": tbl,
            "row": row,
            "col": col,
            "value": value,
            "raw": raw,
            "note": note,
            "derived": derived,
            # How the cell was read: 'ocr' (with the engine's confidence) or 'text'; rows
            # parsed before these marks existed have neither.
            "source": marks[0] if marks else None,
            "confidence": marks[1] if len(marks) > 1 else None,
        }
        for tbl, row, col, value, raw, note, derived, *marks in source["cells"]
    ]
    comparisons, narrative_result = checks.compare_narrative(
        [NarrativeFigure(*figure) for figure in source["narrative"]], values
    )
    narrative = [
        {
            "report_id": report_id,
            "seq": seq,
            "key": c.key,
            "narrative_value": c.narrative_value,
            "table_value": c.table_value,
            "agrees": None if c.agrees is None else int(c.agrees),
            "quote": c.quote,
        }
        for seq, c in enumerate(comparisons)
    ]
    results = checks.report_checks(values, source["format_version"]) + [narrative_result]
    if report["agency"] is None or report["year"] is None:
        # Without both there is no other year to compare with; recheck_agency never sees it.
        missing = "agency" if report["agency"] is None else "year"
        results += [
            checks.CheckResult(rule, None, f"cannot compute: the report's {missing} is unknown")
            for rule in checks.CROSS_YEAR_RULES
        ]
    store.write_report(db, report, cells, narrative)
    store.write_checks(db, report_id, results)
    store.link_documents(
        db,
        report_id,
        source["record_id"],
        f"duplicate of {source['url']}",
        [c["record_id"] for c in group],
    )
    return report


def _page_title(db, page_url: str | None) -> str | None:
    if not page_url:
        return None
    row = next(
        db.query(
            "select title from documents where url = ? and title is not null limit 1", [page_url]
        ),
        None,
    )
    return row["title"] if row else None


def recheck_agency(db, agency: str) -> list[str]:
    """(Re)compute the cross-year checks of every report of ``agency``; returns their ids."""
    reports = list(
        db.query(
            "select id, year, region_code, format_version, cells_read from reports "
            "where agency = ? and year is not null order by year, id",
            [agency],
        )
    )
    values: dict[str, dict] = {}

    def cells_of(report_id: str) -> dict:
        if report_id not in values:
            values[report_id] = store.report_cell_values(db, report_id)
        return values[report_id]

    written = []
    for report in reports:
        earlier = [
            r
            for r in reports
            if r["year"] == report["year"] - 1 and agree(r["region_code"], report["region_code"])
        ]
        last = min(earlier, key=lambda r: (-(r["cells_read"] or 0), r["id"])) if earlier else None
        if last is None:
            label = f"no {report['year'] - 1} report of {agency} in the database"
            last_values = last_version = None
        else:
            label = f"report {last['id']} ({last['year']})"
            last_values, last_version = cells_of(last["id"]), last["format_version"]
        this_values = cells_of(report["id"])
        results = [
            checks.requests_carry_chain(this_values, last_values, label),
            checks.active_in_force_chain(
                this_values, report["format_version"], last_values, last_version, label
            ),
        ]
        store.write_checks(db, report["id"], results)
        written.append(report["id"])
    return written


_LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


def report_region(
    site_code: str | None, site_level: str | None, agency: str | None
) -> tuple[str | None, str | None]:
    """The report's region: the site's, narrowed to a lower division the agency's name starts
    with (潍坊市's portal carrying 昌乐县卫生健康局's report → 昌乐县)."""
    chain = leading_regions(agency) if agency else []
    site = region_by_code(site_code) if site_code else None
    if site is None:
        # No usable site code: trust the agency's name only when it names one place.
        if chain and len(chain[-1]) == 1:
            return chain[-1][0].code, chain[-1][0].level
        return site_code, site_level
    best = site
    for candidates in chain:
        inside = [region for region in candidates if is_within(region, site.code)]
        if inside and _LEVEL_ORDER[inside[0].level] > _LEVEL_ORDER[best.level]:
            best = inside[0]
    if best is site:
        return site_code, site_level or site.level
    return best.code, best.level
