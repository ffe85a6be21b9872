"""/-/report/<id>: a report laid out as printed, failing checks explained, and every plugin
route answering with HTML and JSON."""

from __future__ import annotations

import asyncio
import re

import pytest

from nianbao.format import col_keys, row_keys
from publish import layout, originals, rules
from publish.serve import build_datasette
from tests.test_publish_fixtures import build_published, seed


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return build_published(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def datasette(published):
    return build_datasette(published.db_path, archive_dir=published.archive_dir)


def get(datasette, path):
    return asyncio.run(datasette.client.get(path, follow_redirects=True))


def test_report_page_heading_facts_and_key_figures(datasette):
    page = get(datasette, "/-/report/changle2022").text
    assert "<h1>昌乐县卫生健康局2022年政府信息公开工作年度报告</h1>" in page
    assert "山东省 · 潍坊市 · 昌乐县" in page
    assert "2023-02-20" in page and "2023-01-31" in page and "逾期 20 天" in page
    data = get(datasette, "/-/report/changle2022.json").json()
    assert data["place"] == {
        "province": "山东省",
        "city": "潍坊市",
        "county": "昌乐县",
        "place": "昌乐县",
    }
    assert data["days_late"] == 20 and data["key_figures"]["new"] == 7
    assert data["format_version"] in ("2019", "2021")


def test_tables_follow_the_reports_own_template(datasette):
    data = get(datasette, "/-/report/anqiu2020.json").json()  # a 2019-template report
    requests = data["tables"]["requests"]
    assert [row["row"] for row in requests["rows"]] == row_keys("requests", "2019")
    assert requests["columns"][0] == ["自然人", "法人或其他组织", "总计"]
    _, gold = seed("001")
    for row in requests["rows"]:
        for col, value in row["cells"].items():
            assert value == gold["cells"].get(f"requests.{row['row']}.{col}"), (row["row"], col)
    assert [g["title"] for g in data["tables"]["active"]][0] == "第二十条第（一）项"
    appeals = data["tables"]["appeals"]
    assert appeals["columns"][0] == ["行政复议", "行政诉讼"]
    assert set(appeals["rows"][0]["cells"]) == set(col_keys("appeals", "2019"))


def test_failing_check_cells_are_highlighted_and_explained_in_chinese(datasette):
    page = get(datasette, "/-/report/changle2022").text
    assert (
        "申请收支平衡" in page and "本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理" in page
    )
    rows = re.findall(r'<tr data-row="(\w+)">((?:(?!</tr>).)*?)</tr>', page, re.S)
    marked = {row for row, body in rows if 'data-col="total" class="num failing' in body}
    assert marked == {"new", "carried_over", "total", "carried_forward"}
    data = get(datasette, "/-/report/changle2022.json").json()
    new_row = next(r for r in data["tables"]["requests"]["rows"] if r["row"] == "new")
    assert new_row["failing"] == {"total": ["申请收支平衡"]}
    assert get(datasette, "/-/report/anqiu2020").text.count("num failing") == 0


def test_report_page_links_original_citation_other_years_and_copies(datasette, published):
    page = get(datasette, "/-/report/changle2020").text
    uuid = originals.record_uuid(published.captures["changle2020"].record_id)
    assert f'href="/-/archived/{uuid}"' in page and 'href="/-/cite/changle2020"' in page
    assert 'href="/-/report/changle2019"' in page and 'href="/-/report/changle2022"' in page
    data = get(datasette, "/-/report/changle2020.json").json()
    assert [y["year"] for y in data["other_years"]] == [2019, 2020, 2022]
    assert data["copies"][0]["role"] == "source"


def test_unknown_report_is_404_in_html_and_json(datasette):
    assert get(datasette, "/-/report/nope").status_code == 404
    assert get(datasette, "/-/report/nope.json").status_code == 404


def test_archived_wrapper_has_a_banner_and_frames_the_original(datasette, published):
    capture = published.captures["anqiu2020"]
    uuid = originals.record_uuid(capture.record_id)
    page = get(datasette, f"/-/archived/{uuid}").text
    assert "存档副本 · Archived copy" in page and capture.digest in page and capture.url in page
    assert f'<iframe class="nianbao-original" sandbox="" src="/-/original/{uuid}"' in page
    data = get(datasette, f"/-/archived/{uuid}.json").json()
    assert data["url"] == capture.url and data["original"] == f"/-/original/{uuid}"
    assert data["text"] and "政府信息公开" in data["text"]


@pytest.mark.parametrize(
    "path",
    [
        "/-/report/changle2022",
        "/-/cite/changle2022",
        "/-/search?q=行政复议",
        "/-/archived/{uuid}",
    ],
)
def test_every_plugin_page_has_a_json_twin(datasette, published, path):
    uuid = originals.record_uuid(published.captures["changle2022"].record_id)
    path = path.format(uuid=uuid)
    html = get(datasette, path)
    base, _, query = path.partition("?")
    data = get(datasette, base + ".json" + ("?" + query if query else ""))
    assert html.status_code == data.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert data.headers["content-type"].startswith("application/json") and data.json()


def test_printed_header_merges_shared_headings():
    paths = layout.label_paths(["自然人", "法人或其他组织/商业企业", "法人或其他组织/其他", "总计"])
    rows = layout.header_rows(paths)
    assert [(h.text, h.span, h.depth) for h in rows[0]] == [
        ("自然人", 1, 2),
        ("法人或其他组织", 2, 1),
        ("总计", 1, 2),
    ]
    assert [h.text for h in rows[1]] == ["商业企业", "其他"]


def test_failing_cells_of_each_rule():
    assert rules.failing_cells(
        "requests_row_total", "new: total 5 != natural_person 4 + business 0"
    ) >= {("requests", "new", "total"), ("requests", "new", "natural_person")}
    assert rules.failing_cells("appeals_totals", "review: total 3 != upheld 1 + corrected 1") == {
        ("appeals", "cases", f"review_{o}")
        for o in ("upheld", "corrected", "other", "pending", "total")
    }
    assert rules.failing_cells(
        "requests_carry_chain",
        "against 2021 report r1: total: carried_over 3 != last year's carried_forward 2",
    ) == {("requests", "carried_over", "total")}
    assert rules.failing_cells("requests_balance", "") == set()


def test_checks_table_shows_chinese_rule_names_and_keeps_the_keys(datasette):
    page = get(datasette, "/nianbao/checks?report_id=changle2022").text
    assert "申请收支平衡<br><small>requests_balance</small>" in page
    data = get(datasette, "/nianbao/checks.json?report_id=changle2022&_shape=objects").json()
    assert data["rows"][0]["rule"] == "requests_balance"
