"""The extraction database: schema, idempotent writes, and merging parse results into reports.

These tests feed parse results straight into ``parsed_documents`` (no WARC, no parser), so they
pin down the merge rules and the cross-year checks on their own.
"""

from __future__ import annotations

import json

import pytest

from extract import db as store
from extract import document_store
from extract.document_rows import PARSED_FROM_DOCUMENT
from extract.grouping import choose_source, group_candidates, report_id_for
from extract.merge import report_region, resolve_reports
from extract.summary import Summary
from imitation.seeds import GOLD_DIR
from nianbao.format import parse_key


def gold(prefix: str) -> dict:
    path = next(GOLD_DIR.glob(f"{prefix}_*.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def gold_cells(prefix: str, **changes) -> list[list]:
    """Gold cells as parsed_documents stores them; ``changes`` maps 'tbl.row.col' → new value."""
    values = dict(gold(prefix)["cells"])
    for key, value in changes.items():
        values[key.replace("__", ".")] = value
    return [[*parse_key(key), value, str(value), None, 0] for key, value in sorted(values.items())]


def add_candidate(
    db,
    record_id,
    *,
    url,
    cells,
    agency="聊城市卫生健康委员会",
    year=2021,
    version="2021",
    page_url=None,
    digest=None,
    source_type="html",
    captured_at="2022-02-01T00:00:00Z",
    site_code="371500",
    site_level="city",
    narrative=(),
    published=None,
):
    document = {
        "record_id": record_id,
        "url": url,
        "warc_filename": "a.warc.gz",
        "warc_offset": len(record_id),
        "payload_digest": digest or f"sha1:{record_id}",
        "captured_at": captured_at,
        "http_status": 200,
        "content_type": "text/html",
        "kind": "report",
        "source_type": source_type,
        "title": None,
        "page_url": page_url or url,
        "site_name": "聊城市人民政府",
        "is_report": 0,
        "reason": None,
    }
    parsed = {
        **{k: document[k] for k in PARSED_FROM_DOCUMENT},
        "site_region_code": site_code,
        "site_level": site_level,
        "title": f"{agency}{year}年政府信息公开工作年度报告",
        "agency": agency,
        "year": year,
        "format_version": version,
        "published": published,
        "page_published": None,
        "cells_read": sum(1 for c in cells if c[3] is not None),
        "problems": "[]",
        "sections": json.dumps({"1": "总体情况……"}, ensure_ascii=False),
        "cells": json.dumps(cells, ensure_ascii=False),
        "narrative": json.dumps([list(f) for f in narrative], ensure_ascii=False),
    }
    with db.atomic():
        document_store.upsert_documents(db, [document])
        document_store.upsert_parsed(db, [parsed])


@pytest.fixture
def db(tmp_path):
    database = store.open_database(tmp_path / "t.db")
    yield database
    database.close()


def rows(db, sql, params=()):
    return list(db.query(sql, list(params)))


def test_schema_has_the_public_tables_keys_and_indexes(db):
    assert {
        "reports",
        "cells",
        "checks",
        "narrative",
        "documents",
        "errors",
        "processed_warcs",
    } <= set(db.table_names())
    assert db.table("cells").pks == ["report_id", "tbl", "row", "col"]
    assert db.table("checks").pks == ["report_id", "rule"]
    for table in ("cells", "checks", "narrative", "documents"):
        assert any(
            fk.other_table == "reports" and fk.column == "report_id"
            for fk in db.table(table).foreign_keys
        )

    def indexed(table):
        return [tuple(index.columns) for index in db.table(table).indexes]

    assert ("agency", "year") in indexed("reports")
    assert ("year", "region_code") in indexed("reports")
    assert ("rule", "ok") in indexed("checks")
    assert ("url",) in indexed("documents") and ("payload_digest",) in indexed("documents")


def test_schema_migrates_an_older_database(tmp_path):
    path = tmp_path / "old.db"
    old = store.sqlite_utils.Database(path)
    old.table("reports").create({"id": str, "title": str}, pk="id")
    old.close()
    database = store.open_database(path)
    assert {"copies", "section_6", "parse_problems"} <= set(database.table("reports").columns_dict)
    store.ensure_schema(database)  # a second time changes nothing and does not fail
    database.close()


def test_errors_and_documents_are_upserts(db):
    error = {
        "warc_filename": "a.warc.gz",
        "offset": 10,
        "url": "http://x/",
        "stage": "document",
        "reason": "bad PDF",
    }
    document_store.record_errors(db, [error])
    document_store.record_errors(db, [error])
    assert db.table("errors").count == 1


def test_identical_payload_on_two_sites_is_one_report_with_both_copies(db):
    cells = gold_cells("003")
    add_candidate(
        db, "a", url="http://www.liaocheng.gov.cn/r.html", cells=cells, digest="sha1:SAME"
    )
    add_candidate(
        db,
        "b",
        url="http://wjw.liaocheng.gov.cn/r.html",
        cells=cells,
        digest="sha1:SAME",
        captured_at="2022-02-02T00:00:00Z",
    )
    summary = Summary()
    resolve_reports(db, summary)
    [report] = rows(db, "select * from reports")
    assert report["id"] == report_id_for("sha1:SAME")
    assert report["copies"] == 2 and report["source_url"] == "http://www.liaocheng.gov.cn/r.html"
    documents = {d["record_id"]: d for d in rows(db, "select * from documents")}
    assert documents["a"]["role"] == "source" and documents["a"]["reason"] is None
    assert documents["b"]["role"] == "copy"
    assert documents["b"]["reason"] == "duplicate of http://www.liaocheng.gov.cn/r.html"
    assert {d["report_id"] for d in documents.values()} == {report["id"]}
    assert summary.reports == 1 and summary.reports_by_source_type["html"] == 1


def test_page_and_its_attachment_merge_and_the_more_complete_wins(db):
    page = "http://www.liaocheng.gov.cn/art/r.html"
    cells = gold_cells("003")
    fewer = [c if c[0] != "appeals" else [*c[:3], None, None, "unreadable", 0] for c in cells]
    add_candidate(db, "page", url=page, cells=fewer, published="2022-01-28")
    add_candidate(
        db,
        "pdf",
        url="http://www.liaocheng.gov.cn/r.pdf",
        page_url=page,
        cells=cells,
        source_type="pdf",
        agency=None,
    )
    resolve_reports(db)
    [report] = rows(db, "select * from reports")
    assert report["source_type"] == "pdf" and report["page_url"] == page
    # Filled in from the page where the attachment has nothing.
    assert report["agency"] == "聊城市卫生健康委员会" and report["published"] == "2022-01-28"
    assert report["cells_read"] == len(cells)
    assert db.table("cells").count_where("report_id = ?", [report["id"]]) == len(cells)


def test_equally_complete_copies_prefer_html_over_pdf():
    base = {
        "agency": "甲局",
        "year": 2021,
        "format_version": "2021",
        "cells": [],
        "cells_read": 5,
        "problems": [],
        "captured_at": "2022",
    }
    html = {
        **base,
        "record_id": "h",
        "url": "u1",
        "page_url": "p",
        "payload_digest": "d1",
        "source_type": "html",
    }
    pdf = {
        **base,
        "record_id": "p",
        "url": "u2",
        "page_url": "p",
        "payload_digest": "d2",
        "source_type": "pdf",
    }
    [group] = group_candidates([pdf, html])
    assert choose_source(group)["record_id"] == "h"


def test_same_agency_year_with_different_numbers_stays_two_reports(db):
    add_candidate(db, "a", url="http://a/r.html", cells=gold_cells("003"))
    add_candidate(db, "b", url="http://b/r.html", cells=gold_cells("003", requests__new__total=14))
    add_candidate(db, "c", url="http://c/r.pdf", cells=gold_cells("003"), source_type="pdf")
    resolve_reports(db)
    copies = sorted(r["copies"] for r in rows(db, "select copies from reports"))
    assert copies == [1, 2]


def test_a_later_better_copy_replaces_the_source_and_leaves_no_orphans(db):
    page = "http://www.liaocheng.gov.cn/art/r.html"
    cells = gold_cells("003")
    partial = [c for c in cells if c[0] != "appeals"]
    add_candidate(db, "page", url=page, cells=partial)
    resolve_reports(db)
    [first] = rows(db, "select id from reports")
    add_candidate(
        db,
        "pdf",
        url="http://www.liaocheng.gov.cn/r.pdf",
        page_url=page,
        cells=cells,
        source_type="pdf",
    )
    resolve_reports(db)
    [second] = rows(db, "select id, copies, source_type from reports")
    assert second["id"] != first["id"] and second["copies"] == 2 and second["source_type"] == "pdf"
    for table in ("cells", "checks", "narrative"):
        assert (
            rows(db, f"select count(*) n from {table} where report_id = ?", [first["id"]])[0]["n"]
            == 0
        )
    assert {d["report_id"] for d in rows(db, "select report_id from documents")} == {second["id"]}
    resolve_reports(db)  # nothing unresolved: nothing changes
    assert db.table("reports").count == 1


def test_checks_rows_with_detail_and_the_failure_count(db):
    add_candidate(
        db, "a", url="http://a/r.html", cells=gold_cells("003", requests__total__natural_person=12)
    )
    resolve_reports(db)
    checks = {c["rule"]: c for c in rows(db, "select * from checks")}
    assert set(checks) == {
        "requests_balance",
        "requests_row_total",
        "requests_outcome_total",
        "requests_other_split",
        "appeals_totals",
        "narrative_agrees",
        "requests_carry_chain",
        "active_in_force_chain",
    }
    assert checks["requests_balance"]["ok"] == 0
    assert (
        "natural_person: new 13 + carried_over 0 != total 12 + carried_forward 0"
        in checks["requests_balance"]["detail"]
    )
    assert checks["appeals_totals"]["ok"] == 1
    assert checks["requests_carry_chain"]["ok"] is None
    assert "no 2020 report of 聊城市卫生健康委员会" in checks["requests_carry_chain"]["detail"]
    assert rows(db, "select checks_failed from reports")[0]["checks_failed"] == 3


def test_cross_year_checks_are_recomputed_when_the_other_year_arrives(db):
    add_candidate(db, "y2021", url="http://a/2021.html", cells=gold_cells("003"))
    resolve_reports(db)
    cells_2022 = gold_cells(
        "003",
        requests__carried_over__total=2,
        requests__new__total=11,
        requests__new__natural_person=11,
        requests__carried_over__natural_person=2,
    )
    add_candidate(db, "y2022", url="http://a/2022.html", cells=cells_2022, year=2022)
    summary = Summary()
    resolve_reports(db, summary)
    chain = {
        r["year"]: r
        for r in rows(
            db,
            "select r.year, c.ok, c.detail from checks c join reports r on r.id = c.report_id "
            "where c.rule = 'requests_carry_chain'",
        )
    }
    assert chain[2021]["ok"] is None
    assert chain[2022]["ok"] == 0
    assert "(2021)" in chain[2022]["detail"]
    assert "total: carried_over 2 != last year's carried_forward 0" in chain[2022]["detail"]
    assert summary.checks_failed["requests_carry_chain"] == 1
    in_force = rows(
        db,
        "select ok, detail from checks c join reports r on r.id = c.report_id "
        "where rule = 'active_in_force_chain' and r.year = 2022",
    )[0]
    assert in_force["ok"] is not None and "(2021)" in in_force["detail"]


def test_narrative_disagreement_is_stored_and_flagged(db):
    narrative = [
        ("requests.new.total", 13, "共受理依申请公开13件"),
        ("requests.carried_forward.total", 4, "结转4件"),
    ]
    add_candidate(db, "a", url="http://a/r.html", cells=gold_cells("003"), narrative=narrative)
    resolve_reports(db)
    stored = rows(
        db, "select key, narrative_value, table_value, agrees, quote from narrative order by seq"
    )
    assert [(r["key"], r["agrees"]) for r in stored] == [
        ("requests.new.total", 1),
        ("requests.carried_forward.total", 0),
    ]
    assert stored[1]["table_value"] == 0 and stored[1]["quote"] == "结转4件"
    check = rows(db, "select ok, detail from checks where rule = 'narrative_agrees'")[0]
    assert check["ok"] == 0 and "text says 4, table 0" in check["detail"]


def test_region_is_refined_from_the_agency_name():
    assert report_region("370700", "city", "安丘市卫生健康局") == ("370784", "county")
    assert report_region("371500", "city", "聊城市卫生健康委员会") == ("371500", "city")
    # A name that does not narrow the site, or a site that is already lower, keeps the site.
    assert report_region("370725", "county", "潍坊市卫生健康委员会") == ("370725", "county")
    assert report_region(None, None, "安丘市卫生健康局") == ("370784", "county")
    assert report_region(None, None, None) == (None, None)


def test_values_keep_their_type(db):
    add_candidate(db, "a", url="http://a/r.html", cells=gold_cells("003"))
    resolve_reports(db)
    values = {
        (r["row"], r["col"]): r["value"] for r in rows(db, "select row, col, value from cells")
    }
    assert isinstance(values[("new", "total")], int)
    fees = gold("003")["cells"]["active.fees.amount_wan_yuan"]
    assert values[("fees", "amount_wan_yuan")] == fees and isinstance(fees, float)


def test_a_report_that_cannot_be_stored_is_an_error_and_the_run_goes_on(db):
    add_candidate(
        db,
        "bad",
        url="http://a/bad.html",
        cells=gold_cells("003", requests__new__total=10**30),
        agency="甲局",
    )
    add_candidate(db, "good", url="http://b/good.html", cells=gold_cells("003"))
    summary = Summary()
    resolve_reports(db, summary)
    assert [r["agency"] for r in rows(db, "select agency from reports")] == ["聊城市卫生健康委员会"]
    [error] = rows(db, "select * from errors")
    assert (
        error["stage"] == "db"
        and error["url"] == "http://a/bad.html"
        and "OverflowError" in error["reason"]
    )
    assert summary.errors_by_stage["db"] == 1 and summary.reports == 1
    assert db.table("cells").count_where("report_id not in (select id from reports)") == 0
    assert "run_reports" not in db.table_names()  # bookkeeping stays in the temp schema
    resolve_reports(db)  # not retried forever
    assert db.table("errors").count == 1


def test_an_attachment_that_names_nothing_takes_agency_and_year_from_its_page(db):
    page = "http://www.hy.gov.cn/art/2022/1/28/art_1.html"
    page_document = {
        "record_id": "page",
        "url": page,
        "warc_filename": "a.warc.gz",
        "warc_offset": 1,
        "payload_digest": "sha1:P",
        "captured_at": "2022",
        "http_status": 200,
        "content_type": "text/html",
        "kind": "report",
        "source_type": "html",
        "title": "海原县人民政府2021年政府信息公开工作年度报告",
        "page_url": page,
        "site_name": "海原县人民政府",
        "is_report": 0,
        "reason": "no report tables",
    }
    document_store.upsert_documents(db, [page_document])
    add_candidate(
        db,
        "doc",
        url="http://www.hy.gov.cn/download.jsp?f=1.doc",
        page_url=page,
        cells=gold_cells("002"),
        agency=None,
        year=None,
        source_type="doc",
        site_code="640522",
        site_level="county",
    )
    db.execute("update parsed_documents set title = '附件下载'")
    resolve_reports(db)
    [report] = rows(db, "select * from reports")
    assert (report["agency"], report["year"], report["title"]) == (
        "海原县人民政府",
        2021,
        "海原县人民政府2021年政府信息公开工作年度报告",
    )
    carry = rows(db, "select detail from checks where rule = 'requests_carry_chain'")[0]["detail"]
    assert (
        "no 2020 report of 海原县人民政府" in carry
    )  # cross-year checks ran for the page's agency
