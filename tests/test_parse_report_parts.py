"""The report parser on the rest of a report: template version, year, dates and agency, the
narrative's figures, text that is no report, and tables printed in the less common ways."""

from __future__ import annotations

import pytest

from extract.parse import parse_report
from nianbao.format import cell_keys
from tests.report_text import (
    ACTIVE,
    APPEALS_HEADER,
    OTHER_PARTS,
    REQUEST_HEADER,
    REQUEST_LABELS,
    assert_rows,
    report_text,
    request_rows,
    requests_text,
    row_values,
    values_for,
)

# --- template version, year, dates, agency ----------------------------------------------------


def test_2021_other_is_the_sum_of_its_parts():
    values = values_for("2021")
    report = parse_report(report_text("2021", requests=requests_text("2021", values)))
    parts = [values[row] for row in OTHER_PARTS]
    assert row_values(report, "other") == [sum(column) for column in zip(*parts)]
    assert all(
        report.cells[("requests", "other", col)].derived for col in ("natural_person", "total")
    )


def test_2019_template_printed_for_a_2021_report():
    report = parse_report(
        report_text("2019", year=2021, closing="某县卫生健康局\n2022 年 2 月 1 日")
    )
    assert (report.format_version, report.year, report.published) == ("2019", 2021, "2022-02-01")
    assert_rows(report, "2019", values_for("2019"))


def test_dates_agency_and_title():
    report = parse_report(report_text(closing="某县卫生健康局\n二〇二二年一月二十日"))
    assert (report.published, report.agency) == ("2022-01-20", "某县卫生健康局")
    report = parse_report(report_text(closing="某县医疗保障局  2022年2月3日\n- 9 -"))
    assert (report.published, report.agency) == ("2022-02-03", "某县医疗保障局")
    assert report.title == "某县卫生健康局2021年政府信息公开工作年度报告"
    report = parse_report(
        report_text(closing="3"), title_hint="某县医疗保障局2021年政府信息公开工作年度报告"
    )
    assert (report.published, report.agency) == (None, "某县医疗保障局")
    assert report.title == "某县医疗保障局2021年政府信息公开工作年度报告"
    # A hint that is a page's label, not the title; an agency named only by the hint.
    text = report_text(closing="无")
    assert (
        parse_report(text, title_hint="附件1").title
        == "某县卫生健康局2021年政府信息公开工作年度报告"
    )
    text = text.replace(
        "某县卫生健康局2021年政府信息公开工作年度报告", "2021年政府信息公开工作年度报告"
    )
    assert parse_report(text, title_hint="某县卫生健康局").agency == "某县卫生健康局"


@pytest.mark.parametrize(
    "period, title_year",
    [
        ("", "2021"),  # the title's year when no period is printed
        ("统计期限为 2021 年 1 月 1 日至 12 月 31 日。", ""),  # a period without its second year
    ],
)
def test_statistics_year(period, title_year):
    text = report_text().replace("某县卫生健康局2021年", f"某县卫生健康局{title_year}年")
    old_period = "本报告所列数据的统计期限自 2021 年 1 月 1 日起，至 2021 年 12 月 31 日止。"
    assert parse_report(text.replace(old_period, period)).year == 2021


# --- narrative and non-reports ----------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "本年度共收到政府信息公开申请 12 件，上年结转 2 件。",
            {("requests.new.total", 12), ("requests.carried_over.total", 2)},
        ),
        ("2021年，我局没有收到政府信息公开申请。", {("requests.new.total", 0)}),
        (
            "全年因政府信息公开被申请行政复议1件，被提起行政诉讼2件。",
            {("appeals.cases.review_total", 1)},
        ),
        (
            "全年未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。",
            {
                ("appeals.cases.review_total", 0),
                ("appeals.cases.suit_direct_total", 0),
                ("appeals.cases.suit_after_review_total", 0),
            },
        ),
        ("未经复议直接起诉的行政诉讼3件。", {("appeals.cases.suit_direct_total", 3)}),
        ("收到行政复议申请1件。", {("appeals.cases.review_total", 1)}),
    ],
)
def test_narrative_figures(sentence, expected):
    report = parse_report(report_text(intro=sentence))
    assert {(figure.key, figure.value) for figure in report.narrative} == expected
    assert all(figure.quote for figure in report.narrative)


def test_text_that_is_not_a_report():
    report = parse_report("通知公告\n关于做好2021年春节期间疫情防控工作的通知\n各乡镇、各部门：……")
    assert not report.is_report()
    assert (report.format_version, report.cells) == (None, {})
    assert "none of the three tables found" in report.problems


def test_missing_table_is_reported_and_null():
    report = parse_report(report_text(appeals="本年度无行政复议、行政诉讼。"))
    assert report.tables_found() == ["active", "requests"]
    assert report.value("appeals.cases.review_total") is None
    assert report.cells[("appeals", "cases", "review_total")].note == "table not found"


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="str"):
        parse_report(b"bytes")
    with pytest.raises(ValueError, match="table.row.col"):
        parse_report(report_text()).value("requests.new")


def test_appeals_read_by_header_position_when_a_converter_adds_a_column():
    # A DOC table converted with one empty grid column between the review and suit groups.
    appeals = "\n".join(
        [
            "行政复议\t\t\t\t\t行政诉讼" + "\t" * 10,
            "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t",
            "\t" * 6 + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
            "\t2\t5\t\t7\t\t2\t\t\t\t2\t\t\t\t5\t5",
        ]
    )
    report = parse_report(report_text(appeals=appeals))
    values = [report.cells[key].value for key in cell_keys("appeals", "2021")]
    assert values == [0, 2, 5, 0, 7, 2, 0, 0, 0, 2, 0, 0, 0, 5, 5]


def test_appeals_split_over_two_labelled_runs():
    appeals = APPEALS_HEADER + "\n行政复议 0 1 0 0 1\n行政诉讼 0 0 0 2 2 0 0 0 0 0"
    report = parse_report(report_text(appeals=appeals))
    assert report.value("appeals.cases.review_total") == 1
    assert report.value("appeals.cases.suit_direct_total") == 2


def test_version_from_the_year_when_the_tables_name_no_template():
    text = report_text(active="", requests="")
    report = parse_report(text)
    assert (report.format_version, report.tables_found()) == ("2021", ["appeals"])
    assert any("template version taken from the year (2021)" in p for p in report.problems)
    assert report.value("appeals.cases.suit_direct_total") == 2


def test_cells_separated_by_vertical_bars():
    # antiword and Markdown-style converters draw '|' between cells, and rules of dashes.
    values = values_for("2019")
    lines = [REQUEST_HEADER, "|-----------|------|------|"]
    for row in request_rows("2019"):
        lines.append("| " + REQUEST_LABELS[row] + " | " + " | ".join(map(str, values[row])) + " |")
    report = parse_report(report_text("2019", year=2020, requests="\n".join(lines)))
    assert_rows(report, "2019", values)


def test_active_table_without_clause_or_header_rows():
    active = "\n".join(
        line
        for line in ACTIVE["2021"].splitlines()
        if not line.startswith(("第二十条", "信息内容"))
    )
    report = parse_report(report_text("2021", active=active))
    assert report.value("active.normative_documents.in_force") == 43
    assert report.value("active.fees.amount_wan_yuan") == 66.28


def test_subtotal_row_is_no_subtotal_column_when_rows_print_nothing():
    # Every row left empty but the last: the header must not run on into the row labels.
    lines = [REQUEST_HEADER.replace(" ", "\t")]
    for row in request_rows("2019"):
        lines.append(REQUEST_LABELS[row].replace(" ", "\t"))
        if row == "denied_query":
            lines.append("小计")
    lines[-1] += "\t\t\t3\t\t\t\t\t\t3"
    report = parse_report(report_text("2019", year=2020, requests="\n".join(lines)))
    assert row_values(report, "carried_forward") == [3, 0, 0, 0, 0, 0, 3]
    assert row_values(report, "granted") == [0] * 7


def test_2021_report_printing_other_as_one_row():
    values = values_for("2021")
    lines = requests_text("2021", values).splitlines()
    parts = [REQUEST_LABELS[row] for row in OTHER_PARTS]
    lines = [line for line in lines if not line.startswith(tuple(parts))]
    lines.insert(-2, "（六）其他处理 4 0 0 0 0 0 4")
    report = parse_report(report_text("2021", requests="\n".join(lines)))
    assert row_values(report, "other") == [4, 0, 0, 0, 0, 0, 4]
    assert not report.cells[("requests", "other", "total")].derived
    assert row_values(report, "other_other") == [None] * 7
    assert any("printed as one row" in problem for problem in report.problems)


def test_2021_printed_other_total_is_compared_with_its_parts():
    values = values_for("2021")
    requests = requests_text("2021", values).replace(
        REQUEST_LABELS["other_overdue_correction"],
        "（六）其他处理 9 9 9 9 9 9 9\n"
        + REQUEST_LABELS["other_overdue_correction"].split(" ", 1)[1],
    )
    report = parse_report(report_text("2021", requests=requests))
    assert_rows(report, "2021", values)
    assert any("（六）其他处理 prints 9" in problem for problem in report.problems)


def test_empty_appeals_table_alone_is_no_report():
    text = "某局2021年行政复议决定书\n" + APPEALS_HEADER + "\n申请人不服……"
    assert not parse_report(text).is_report()
    report = parse_report(report_text(appeals=APPEALS_HEADER))  # beside the other tables
    assert report.value("appeals.cases.review_total") == 0
