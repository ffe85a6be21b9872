"""`python -m publish prepare`: publication tables in the printed shape, labels, regions, idempotence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from extract import db as store
from nianbao.format import row_keys
from publish.prepare import prepare
from publish.tables import TABLES
from publish.views import label_rows, normalize_text
from tests.test_publish_fixtures import build_published, seed

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    published = build_published(tmp_path_factory.mktemp("views"))
    prepare(published.db_path)
    database = sqlite_utils.Database(published.db_path)
    yield database
    database.close()


def rows(db, sql, params=()):
    return [dict(row) for row in db.query(sql, list(params))]


def test_summary_has_one_row_per_report_with_the_request_tables_totals(db):
    summary = {row["report_id"]: row for row in rows(db, "select * from report_requests_summary")}
    assert set(summary) == {row["id"] for row in rows(db, "select id from reports")}
    _, gold = seed("003")  # 聊城市卫生健康委员会 2021
    cells = gold["cells"]
    liaocheng = summary["liaocheng2021"]
    assert liaocheng["new"] == cells["requests.new.total"] == 13
    assert liaocheng["granted"] == cells["requests.granted.total"]
    assert liaocheng["denied"] == sum(
        v for k, v in cells.items() if k.startswith("requests.denied_") and k.endswith(".total")
    )
    assert liaocheng["unavailable"] == sum(
        v
        for k, v in cells.items()
        if k.startswith("requests.unavailable_") and k.endswith(".total")
    )
    assert liaocheng["total"] == cells["requests.total.total"]
    assert (liaocheng["province"], liaocheng["city"], liaocheng["level"]) == (
        "山东省",
        "聊城市",
        "city",
    )
    assert summary["suibin2021"]["province"] == "黑龙江省"


def test_request_table_rows_come_in_printed_order_with_seven_columns(db):
    table = rows(db, "select * from report_requests_table where report_id = 'anqiu2020'")
    assert [row["row"] for row in table] == row_keys("requests", "2019")
    assert table[0]["label"] == "一、本年新收政府信息公开申请数量"
    _, gold = seed("001")
    for row in table:
        for col in (
            "natural_person",
            "business",
            "research",
            "nonprofit",
            "legal_services",
            "other_org",
            "total",
        ):
            assert row[col] == gold["cells"].get(f"requests.{row['row']}.{col}")
    liaocheng = [
        row["row"]
        for row in rows(
            db, "select row from report_requests_table where report_id = 'liaocheng2021'"
        )
    ]
    assert liaocheng == [r for r in row_keys("requests", "2021") if r in set(liaocheng)]
    assert "other_overdue_fee" in liaocheng


def test_appeals_and_active_tables(db):
    _, gold = seed("003")
    appeals = rows(db, "select * from report_appeals_table where report_id = 'liaocheng2021'")
    assert len(appeals) == 1
    assert appeals[0]["review_total"] == gold["cells"]["appeals.cases.review_total"]
    active = rows(db, "select * from report_active_table where report_id = 'liaocheng2021'")
    assert [row["row"] for row in active] == row_keys("active", "2021")
    fees = next(row for row in active if row["row"] == "fees")
    assert fees["amount_wan_yuan"] == gold["cells"]["active.fees.amount_wan_yuan"]
    assert fees["label"].startswith("第二十条第（八）项")
    old = rows(
        db, "select row, label, previous from report_active_table where report_id = 'anqiu2020'"
    )
    assert [row["row"] for row in old] == row_keys("active", "2019")
    assert next(r for r in old if r["row"] == "procurement")["label"].endswith("政府集中采购")


def test_labels_cover_every_key_of_the_format():
    keys = {(row["tbl"], row["axis"], row["key"], row["version"]) for row in label_rows()}
    assert ("requests", "row", "other_other", "") in keys
    assert ("active", "col", "total_published", "2019") in keys and (
        "active",
        "col",
        "in_force",
        "2021",
    ) in keys
    labels = {row["key"]: row["label"] for row in label_rows() if row["tbl"] == "requests"}
    assert (
        labels["other"] == "三/（六）其他处理"
        and labels["other_other"] == "三/（六）其他处理/3.其他"
    )


def test_prepare_is_idempotent_and_picks_up_new_reports(tmp_path):
    published = build_published(tmp_path)
    first = prepare(published.db_path)
    again = prepare(published.db_path)
    assert first == again and first["indexed"] == 7 and set(first["tables"]) == set(TABLES)
    db = store.open_database(published.db_path)
    db.table("reports").insert(
        {
            "id": "new1",
            "agency": "某局",
            "year": 2023,
            "region_code": "110101",
            "section_1": "新增报告的正文行政复议",
        }
    )
    db.close()
    assert prepare(published.db_path)["indexed"] == 8
    database = sqlite_utils.Database(published.db_path)
    assert (
        database.execute(
            "select count(*) from reports_fts where reports_fts match '\"新增报告\"'"
        ).fetchone()[0]
        == 1
    )
    assert (
        database.execute("select province from regions where code = '110101'").fetchone()[0]
        == "北京市"
    )


def test_prepare_on_an_empty_database_creates_the_schema_and_tables(tmp_path):
    path = tmp_path / "empty.db"
    sqlite_utils.Database(path).close()
    assert prepare(path)["indexed"] == 0
    database = sqlite_utils.Database(path)
    assert set(TABLES) | {"reports"} <= set(database.table_names())


def test_cli_prepare(tmp_path):
    published = build_published(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "publish", "prepare", str(published.db_path)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "7 reports indexed" in result.stdout


def test_normalize_text_joins_wrapped_cjk_lines_only():
    assert (
        normalize_text("政府信息公开行政复\n\n议 2 件\nAnnual  report")
        == "政府信息公开行政复议 2 件 Annual report"
    )
    assert normalize_text(None) == ""
