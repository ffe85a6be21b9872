"""The published site: metadata for every table and column, canned queries, charts, home page."""

from __future__ import annotations

import asyncio
import json

import pytest
import sqlite_utils

from extract.db import SCHEMA
from publish.serve import METADATA_PATH, build_datasette
from tests.test_publish_fixtures import build_published

METADATA = json.loads(METADATA_PATH.read_text(encoding="utf-8"))
TABLES = METADATA["databases"]["nianbao"]["tables"]
QUERIES = METADATA["databases"]["nianbao"]["queries"]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return build_published(tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="module")
def datasette(published):
    return build_datasette(published.db_path, archive_dir=published.archive_dir)


def get(datasette, path):
    return asyncio.run(datasette.client.get(path, follow_redirects=True))


def query(datasette, name, **params) -> list[dict]:
    response = get(
        datasette,
        f"/nianbao/{name}.json?_shape=objects&" + "&".join(f"{k}={v}" for k, v in params.items()),
    )
    assert response.status_code == 200, response.text
    return response.json()["rows"]


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def test_every_table_view_and_column_is_described_in_chinese_and_english(published):
    db = sqlite_utils.Database(published.db_path)
    names = db.table_names() + db.view_names()
    shown = [n for n in names if not n.startswith("reports_fts_") and n != "sqlite_stat1"]
    assert set(SCHEMA) <= set(shown)
    for name in shown:
        assert name in TABLES, f"{name} has no metadata"
        meta = TABLES[name]
        assert has_cjk(meta["description"]) and any(
            c.isascii() and c.isalpha() for c in meta["description"]
        ), name
        columns = [
            c.name for c in (db.table(name) if name in db.table_names() else db.view(name)).columns
        ]
        missing = [c for c in columns if c not in meta["columns"]]
        assert not missing, f"{name}: undescribed columns {missing}"
        for column, text in meta["columns"].items():
            assert has_cjk(text) or column in ("content_type",), f"{name}.{column}"
    db.close()


def test_units_are_named_where_numbers_are_counts_or_money():
    assert "件" in TABLES["report_requests_summary"]["columns"]["new"]
    assert "万元" in TABLES["report_active_table"]["columns"]["amount_wan_yuan"]
    assert "万元" in TABLES["cells"]["columns"]["value"]


def test_reports_table_page_has_sort_facets_and_label(datasette):
    data = get(datasette, "/nianbao/reports.json").json()
    assert "sorted by year descending" in data["human_description_en"]
    assert set(data["facet_results"]) == {"year", "checks_failed"}
    summary = get(datasette, "/nianbao/report_requests_summary.json").json()
    assert set(summary["facet_results"]) == {
        "year",
        "province",
        "level",
        "format_version",
        "checks_failed",
    }
    provinces = {
        row["value"]: row["count"] for row in summary["facet_results"]["province"]["results"]
    }
    assert provinces == {"山东省": 5, "黑龙江省": 1, "宁夏回族自治区": 1}
    cells = get(datasette, "/nianbao/cells.json?_labels=on&report_id=changle2020&_size=1").json()
    assert (
        cells["rows"][0]["report_id"]["label"] == "昌乐县卫生健康局2020年政府信息公开工作年度报告"
    )


def test_agency_requests_year_by_year(datasette):
    rows = query(datasette, "agency_requests_by_year", agency="昌乐县卫生健康局")
    assert [(row["年度 year"], row["新收 new"]) for row in rows] == [
        (2019, 2),
        (2020, 0),
        (2022, 7),
    ]
    partial = query(datasette, "agency_requests_by_year", agency="市卫生健康")
    assert {row["机关 agency"] for row in partial} == {
        "安丘市卫生健康局",
        "聊城市卫生健康委员会",
    } and not query(datasette, "agency_requests_by_year", agency="")


def test_a_place_over_the_years_and_agencies_side_by_side(datasette):
    rows = query(datasette, "place_requests_by_year", place="昌乐")
    assert [(r["年度 year"], r["报告份数 reports"], r["新收 new"]) for r in rows] == [
        (2019, 1, 2),
        (2020, 1, 0),
        (2022, 1, 7),
    ]
    side = query(datasette, "compare_agencies", agencies="昌乐县 安丘市", year="2020", place="")
    assert {row["机关 agency"] for row in side} == {"昌乐县卫生健康局", "安丘市卫生健康局"}
    region = query(datasette, "compare_agencies", agencies="", year="2020", place="潍坊")
    assert {row["机关 agency"] for row in region} == {"昌乐县卫生健康局", "安丘市卫生健康局"}


def test_agencies_with_most_requests_in_a_province_and_year(datasette):
    rows = query(datasette, "top_agencies_by_requests", province="山东", year="2020")
    assert [row["agency"] for row in rows] == ["安丘市卫生健康局", "昌乐县卫生健康局"]
    assert {
        row["province"]
        for row in query(datasette, "top_agencies_by_requests", province="", year="")
    } == {"山东省", "黑龙江省", "宁夏回族自治区"}


def test_outcomes_by_region_add_up(datasette):
    rows = {
        row["province"]: row
        for row in query(datasette, "outcomes_by_region", year="2021", province="")
    }
    assert set(rows) == {"山东省", "黑龙江省"}
    shandong = rows["山东省"]
    assert shandong["办理总计 total"] == 13
    parts = (
        "予以公开 granted",
        "部分公开 partly",
        "不予公开 refused",
        "无法提供 unavailable",
        "不予处理 not processed",
        "其他处理 other",
    )
    assert sum(shandong[p] for p in parts) == 13
    cities = query(datasette, "outcomes_by_region", year="", province="山东")
    assert {row["city"] for row in cities} == {"潍坊市", "聊城市"}


def test_reports_that_do_not_add_up(datasette):
    rows = query(datasette, "inconsistent_reports", year="", place="")
    assert [(row["report_id"], row["检查 check"]) for row in rows] == [
        ("changle2022", "申请收支平衡")
    ]
    assert "本年新收 + 上年结转" in rows[0]["应当成立 must hold"]
    assert not query(datasette, "inconsistent_reports", year="", place="聊城")


def test_late_reports_follow_article_49(datasette):
    rows = query(datasette, "late_reports", year="")
    assert [(row["report_id"], row["deadline"], row["days_late"]) for row in rows] == [
        ("changle2022", "2023-01-31", 20)
    ]


def test_missing_years(datasette):
    rows = query(datasette, "missing_reports", agency="卫生健康")
    missing = {(row["agency"], row["missing_year"]) for row in rows}
    assert ("昌乐县卫生健康局", 2021) in missing
    assert ("聊城市卫生健康委员会", 2022) in missing and ("安丘市卫生健康局", 2019) not in missing
    assert not any(
        agency == "昌乐县卫生健康局" and year in (2019, 2020, 2022) for agency, year in missing
    )


def test_canned_queries_render_with_report_links(datasette):
    page = get(datasette, "/nianbao/agency_requests_by_year?agency=昌乐县卫生健康局").text
    assert 'href="/-/cite/changle2022"' in page and 'href="/nianbao/reports/changle2022"' in page


@pytest.mark.parametrize("chart", ["requests-by-year", "outcomes-by-year", "outcome-share"])
def test_chart_queries_run_with_and_without_filters(datasette, chart):
    config = METADATA["plugins"]["datasette-dashboards"]["nianbao"]["charts"][chart]
    from datasette_dashboards import replace_opts_in_query

    for options in ({}, {"agency": "昌乐县卫生健康局"}, {"province": "山东省"}):
        sql = replace_opts_in_query(config["query"], options)
        response = get(
            datasette,
            "/nianbao.json?_shape=objects&sql="
            + _quote(sql)
            + "".join(f"&{k}={_quote(v)}" for k, v in options.items()),
        )
        assert response.status_code == 200, response.text
        assert response.json()["rows"], (chart, options)
    by_year = replace_opts_in_query(
        METADATA["plugins"]["datasette-dashboards"]["nianbao"]["charts"]["requests-by-year"][
            "query"
        ],
        {"agency": "x"},
    )
    rows = get(
        datasette,
        "/nianbao.json?_shape=objects&agency="
        + _quote("昌乐县卫生健康局")
        + "&sql="
        + _quote(by_year),
    ).json()["rows"]
    assert [(r["year"], r["new"]) for r in rows] == [(2019, 2), (2020, 0), (2022, 7)]


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def test_dashboard_page_and_home_page(datasette):
    dashboard = get(datasette, "/-/dashboards/nianbao")
    assert dashboard.status_code == 200
    assert "vega-lite.min.js" in dashboard.text and "requests-by-year" in dashboard.text
    home = get(datasette, "/").text
    assert 'action="/-/search"' in home and 'href="/-/dashboards/nianbao"' in home
    assert "_memory" not in home
    assert 'href="/-/search"' in home  # the menu


def test_plugin_leaves_other_datasette_instances_alone():
    """Registered once per process, the plugin must not break a Datasette serving something else."""
    from datasette.app import Datasette

    from publish.serve import register_plugin

    register_plugin()
    instance = Datasette(memory=True)
    assert get(instance, "/").status_code == 200
    assert get(instance, "/_memory.json?sql=select+1").status_code == 200
    assert get(instance, "/-/search?q=abc").status_code == 404
    assert get(instance, "/-/original/00000000-0000-4000-8000-000000000000").status_code == 404
