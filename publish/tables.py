"""The publication tables: what the pages read, materialised once by ``prepare``.

At national size (hundreds of thousands of reports, tens of millions of cells) a view that
pivots ``cells`` on every page view takes seconds; these are plain tables with the indexes
their facets, filters and canned queries use, rebuilt from the extractor's tables by
:func:`publish.prepare.prepare`:

- ``report_requests_summary`` — one wide row per report: title, agency, place names
  (province / city / county), year, template, publication date, deadline and days late,
  the request table's key figures (its 总计 column), the appeals totals and failed checks.
- ``report_requests_table`` — one row per report and request-table row, in printed order.
- ``report_appeals_table`` — one row per report, the fifteen appeal cells.
- ``report_active_table`` — one row per report and active-disclosure row, in printed order.

Every statement is set-based SQL over ``cells`` read in primary-key order, so the build is one
pass per table (about a minute for 200,000 reports, see bench/publish_scale.py).
"""

from __future__ import annotations

from nianbao import format as report_format

REQUEST_COLS = report_format.col_keys("requests", "2021")
APPEAL_COLS = report_format.col_keys("appeals", "2021")
# Every column the active table has in either template: the current (2021) template's first,
# so a recent report does not lead with five empty 2019 columns.
ACTIVE_COLS = list(
    dict.fromkeys(
        col
        for version in reversed(report_format.VERSIONS)
        for group in report_format.active_groups(version)
        for col in group["cols"]
    )
)
KEY_FIGURES = (
    "new",
    "carried_over",
    "granted",
    "partial",
    "denied",
    "unavailable",
    "rejected",
    "other",
    "total",
    "carried_forward",
)


def _pivot(columns: list[str], alias: str = "c") -> str:
    return ",\n  ".join(
        f"max(case when {alias}.col = '{col}' then {alias}.value end) as [{col}]" for col in columns
    )


def _outcome_sum(prefix: str) -> str:
    return f"sum(case when c.row like '{prefix}\\_%' escape '\\' then c.value end)"


def _row_value(row: str) -> str:
    return f"max(case when c.row = '{row}' then c.value end)"


# name -> (select that fills it, indexes). Each select runs as `create table NAME as SELECT`.
TABLES: dict[str, tuple[str, list[list[str]]]] = {
    "report_requests_summary": (
        f"""
select
  r.id as report_id, r.title, r.agency, r.year, g.province, g.city, g.county, g.name as place,
  r.region_code, r.level, r.format_version, r.source_type,
  coalesce(r.page_published, r.published) as published_on,
  nianbao_deadline(r.year, r.agency) as deadline,
  nianbao_days_late(r.year, coalesce(r.page_published, r.published), r.agency) as days_late,
  {_row_value("new")} as new,
  {_row_value("carried_over")} as carried_over,
  {_row_value("granted")} as granted,
  {_row_value("partial")} as partial,
  {_outcome_sum("denied")} as denied,
  {_outcome_sum("unavailable")} as unavailable,
  {_outcome_sum("rejected")} as rejected,
  {_row_value("other")} as other,
  {_row_value("total")} as total,
  {_row_value("carried_forward")} as carried_forward,
  (select a.value from cells a where a.report_id = r.id and a.tbl = 'appeals' and a.row = 'cases'
     and a.col = 'review_total') as review_total,
  (select sum(a.value) from cells a where a.report_id = r.id and a.tbl = 'appeals'
     and a.row = 'cases' and a.col in ('suit_direct_total', 'suit_after_review_total')) as suit_total,
  r.checks_failed, r.copies, r.warc_record_id,
  r.rowid as fts_rowid
from reports r
left join cells c on c.report_id = r.id and c.tbl = 'requests' and c.col = 'total'
left join regions g on g.code = r.region_code
group by r.id""",
        [
            ["report_id"],
            # Newest first, as search and inconsistent_reports list them: read in this order,
            # with the search index's rowid at hand, a page of matches ends the scan.
            ["year", "agency", "report_id", "fts_rowid"],
            # Everything the charts and place queries read: they scan this, not the table.
            [
                "year",
                "province",
                "city",
                "county",
                "agency",
                *KEY_FIGURES,
            ],
            ["year", "province"],
            ["province", "year"],
            ["city", "year"],
            ["county", "year"],
            ["agency", "year"],
            ["level"],
            ["format_version"],
            ["source_type"],
            ["checks_failed"],
            ["days_late"],
            ["year", "new"],
            ["fts_rowid"],
        ],
    ),
    "report_requests_table": (
        f"""
select
  c.report_id, r.agency, r.year, r.format_version, l.seq, c.row, l.label,
  {_pivot(REQUEST_COLS)}
from cells c
join reports r on r.id = c.report_id
left join cell_labels l on l.tbl = 'requests' and l.axis = 'row' and l.key = c.row and l.version = ''
where c.tbl = 'requests'
group by c.report_id, c.row""",
        [["report_id", "seq"], ["year", "row"], ["agency", "year"]],
    ),
    "report_appeals_table": (
        f"""
select
  c.report_id, r.agency, r.year,
  {_pivot(APPEAL_COLS)}
from cells c
join reports r on r.id = c.report_id
where c.tbl = 'appeals'
group by c.report_id""",
        [["report_id"], ["year"], ["agency", "year"]],
    ),
    "report_active_table": (
        f"""
select
  c.report_id, r.agency, r.year, r.format_version, l.seq, c.row, l.label,
  {_pivot(ACTIVE_COLS)}
from cells c
join reports r on r.id = c.report_id
left join cell_labels l on l.tbl = 'active' and l.axis = 'row' and l.key = c.row
  and l.version = coalesce(r.format_version, '2021')
where c.tbl = 'active'
group by c.report_id, c.row""",
        [["report_id", "seq"], ["year", "format_version"], ["agency", "year"]],
    ),
}

# Indexes on the extractor's own tables that the pages need: the facets of /nianbao/reports,
# failed checks, a report's copies. Added by prepare, never dropped.
SOURCE_INDEXES: dict[str, list[list[str]]] = {
    "reports": [
        ["year"],
        ["level"],
        ["format_version"],
        ["source_type"],
        ["checks_failed"],
        ["region_code"],
    ],
    "checks": [["ok", "rule"]],
    "documents": [["source_type"], ["role"], ["is_report"], ["http_status"], ["captured_at"]],
    "narrative": [["agrees"]],
}
