"""Generated extraction databases for bench/publish_scale.py: national size in about a minute.

Rows are made by SQL (small key tables crossed with each other), not one Python call per row.
Agencies are the departments of real counties (as the imitation sites name them) (codes from nianbao.regions, so the
place names resolve), each reporting every year 2008–2025 until the wanted number of reports;
values are pseudo-random but stable (SQLite's ``random()`` is not seeded, so they are derived
from the row numbers instead).
"""

from __future__ import annotations

from pathlib import Path

from extract import db as store
from imitation.reportgen.places import COUNTY_DEPARTMENTS as DEPARTMENTS
from nianbao import format as report_format

YEARS = range(2008, 2026)
PHRASES = (
    "本机关认真贯彻落实政府信息公开条例",
    "全年共收到政府信息公开申请",
    "依申请公开工作规范有序",
    "未发生因政府信息公开引起的行政复议",
    "行政复议和行政诉讼情况如下",
    "主动公开政策文件和规范性文件",
    "加强政策解读和回应关切",
    "政务公开平台建设持续推进",
    "存在的主要问题是公开内容不够全面",
    "下一步将进一步加强培训",
    "不予公开的主要理由是涉及第三方合法权益",
    "信访举报投诉类申请按规定处理",
)
CHECK_RULES = (
    "requests_balance",
    "requests_row_total",
    "requests_outcome_total",
    "requests_other_split",
    "appeals_totals",
)
# Cells generated per report: the request table's two commonest columns, every appeal cell, the
# active table's 2021 rows. (A real report has ~200 cells; the per-report pages read a report's
# cells by primary key, so their cost does not depend on how many other reports' cells exist.)
REQUEST_COLS = ("natural_person", "total")


def _counties(wanted: int) -> list[tuple[str, str]]:
    """``wanted`` counties spread evenly over the country (every province gets its share, so
    a province filter selects about what it would in a national archive)."""
    from nianbao.regions import _index  # the package has no public "all regions" listing

    counties = sorted(
        (region.code, region.name)
        for region in _index().by_code.values()
        if region.level == "county" and not region.name.endswith(("区", "市辖区"))
    )
    if wanted > len(counties):
        raise ValueError(f"at most {len(counties)} counties")
    step = len(counties) / wanted
    return [counties[int(i * step)] for i in range(wanted)]


def _cell_keys() -> list[tuple[str, str, str, str]]:
    """(version, tbl, row, col) of every generated cell."""
    keys = []
    for version in report_format.VERSIONS:
        for row in report_format.row_keys("requests", version):
            keys += [(version, "requests", row, col) for col in REQUEST_COLS]
        keys += [
            (version, "appeals", "cases", col) for col in report_format.col_keys("appeals", version)
        ]
        keys += [
            (version, "active", tbl_row, col)
            for (_, tbl_row, col) in report_format.cell_keys("active", version)
        ]
    return keys


def generate(path: Path, reports: int) -> dict:
    """Write ``reports`` reports with cells, checks, documents and text to a new database."""
    db = store.open_database(path)
    conn = db.conn
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    needed = -(-reports // len(YEARS))
    counties = _counties(-(-needed // len(DEPARTMENTS)))
    agencies = [
        (i, code, name + department)
        for i, ((code, name), department) in enumerate(
            (county, department) for county in counties for department in DEPARTMENTS
        )
    ]
    with conn:
        conn.execute("create temp table agencies (n integer primary key, code text, agency text)")
        conn.executemany("insert into agencies values (?, ?, ?)", agencies[:needed])
        conn.execute("create temp table years (year integer primary key)")
        conn.executemany("insert into years values (?)", [(y,) for y in YEARS])
        conn.execute("create temp table phrases (n integer primary key, text text)")
        conn.executemany("insert into phrases values (?, ?)", list(enumerate(PHRASES)))
        conn.execute(
            "create temp table keys (version text, tbl text, row text, col text, k integer)"
        )
        conn.executemany(
            "insert into keys values (?, ?, ?, ?, ?)",
            [(*key, i) for i, key in enumerate(_cell_keys())],
        )
        _reports(conn, reports, len(PHRASES))
        conn.execute(
            "insert into cells (report_id, tbl, row, col, value, raw, note, derived) "
            "select r.id, k.tbl, k.row, k.col, (r.rowid * 7 + k.k * 13) % 40, null, null, 0 "
            "from reports r join keys k on k.version = r.format_version order by r.id, k.k"
        )
        conn.execute(
            "insert into checks (report_id, rule, ok, detail) "
            "select r.id, c.rule, (r.rowid + c.n) % 11 != 0, "
            "case when (r.rowid + c.n) % 11 = 0 then 'total: new 5 + carried_over 1 != total 4 + "
            "carried_forward 0' else '' end from reports r cross join "
            "(select 0 as n, 'requests_balance' as rule union all select 1, 'requests_row_total' "
            "union all select 2, 'requests_outcome_total' union all select 3, "
            "'requests_other_split' union all select 4, 'appeals_totals') c order by r.id, c.rule"
        )
        conn.execute(
            "update reports set checks_failed = (select count(*) from checks c "
            "where c.report_id = reports.id and c.ok = 0)"
        )
        conn.execute(
            "insert into documents (record_id, url, warc_filename, warc_offset, payload_digest, "
            "captured_at, http_status, content_type, kind, source_type, title, page_url, "
            "site_name, is_report, report_id, role) select warc_record_id, source_url, "
            "warc_filename, warc_offset, payload_digest, captured_at, 200, 'text/html', 'page', "
            "'html', title, page_url, site_name, 1, id, 'source' from reports"
        )
    counts = {
        table: conn.execute(f"select count(*) from {table}").fetchone()[0]
        for table in ("reports", "cells", "checks", "documents")
    }
    db.close()
    return counts


def _reports(conn, reports: int, phrases: int) -> None:
    def text(seed: str, count: int) -> str:
        return (
            "(select group_concat(text, '，') from phrases where n in ("
            + ", ".join(f"({seed} + {i * 5}) % {phrases}" for i in range(count))
            + "))"
        )

    seed = "(a.n * 31 + y.year)"
    conn.execute(
        f"""
insert into reports (id, title, agency, year, format_version, region_code, published,
  page_published, source_url, page_url, source_type, captured_at, warc_filename, warc_record_id,
  warc_offset, payload_digest, site_name, level, section_1, section_2, section_3, section_4,
  section_5, section_6, copies, cells_read, checks_failed)
select
  printf('r%07d', a.n * 100 + y.year - 2000),
  a.agency || y.year || '年政府信息公开工作年度报告',
  a.agency, y.year, case when y.year >= 2021 then '2021' else '2019' end, a.code,
  printf('%d-%02d-%02d', y.year + 1, 1 + (a.n + y.year) % 3, 1 + (a.n * 7 + y.year) % 28),
  null,
  printf('http://www.gov%d.gov.cn/xxgk/%d/report.html', a.n / 20, y.year),
  printf('http://www.gov%d.gov.cn/xxgk/%d/report.html', a.n / 20, y.year),
  'html', printf('%d-02-15T08:00:00Z', y.year + 1), 'nianbao-00000.warc.gz',
  printf('<urn:uuid:%08x-0000-4000-8000-%012x>', a.n, y.year), 0,
  printf('sha1:%032d', a.n * 100 + y.year - 2000), a.agency, 'county',
  a.agency || {text(seed, 4)}, {text(seed + " + 1", 3)}, {text(seed + " + 2", 4)},
  {text(seed + " + 3", 2)}, {text(seed + " + 4", 2)}, {text(seed + " + 5", 1)},
  1, 0, 0
from agencies a cross join years y
order by a.n, y.year
limit {int(reports)}"""
    )
