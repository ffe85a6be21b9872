"""Targeted messy inputs for the report parser: layouts, page furniture, number forms, extra and
missing cells."""

from __future__ import annotations

import pytest

from extract.parse import parse_report
from extract.parse.normalize import cell_value, read_number
from tests.report_text import (
    ACTIVE,
    REQUEST_HEADER,
    REQUEST_LABELS,
    assert_rows,
    report_text,
    request_rows,
    requests_text,
    row_values,
    values_for,
)

# --- layouts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_clean_space_separated_report(version):
    report = parse_report(report_text(version, year=2020 if version == "2019" else 2021))
    assert report.format_version == version
    assert report.problems == []
    assert_rows(report, version, values_for(version))
    assert report.value("appeals.cases.suit_direct_total") == 2
    if version == "2019":  # signed deltas, a full-width minus, money with its unit
        assert report.value("active.licensing.change") == 28
        cell = report.cells[("active", "penalty", "change")]
        assert (cell.value, cell.raw) == (-22, "－22")
        cell = report.cells[("active", "procurement", "amount_wan_yuan")]
        assert (cell.value, cell.raw) == (425, "425 万元")


def test_tab_linearised_table_with_rowspan_blanks_and_fillers():
    values = values_for("2021")
    lines = [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况\t\t\t\t\t\t",
        "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计",
        "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t",
    ]
    for row in request_rows("2021"):
        label = REQUEST_LABELS[row]
        # Rowspan group labels print only in their first row: below it, an empty cell.
        cells = label.split(" ") if " " in label else ["", label]
        lines.append("\t".join(cells + [""] + [str(v) for v in values[row]] + [""]))
    report = parse_report(report_text("2021", requests="\n".join(lines)))
    assert_rows(report, "2021", values)
    assert report.problems == []


def test_blank_cells_read_as_zero_when_the_table_leaves_zeros_empty():
    values = values_for("2021")
    printed = {row: ["" if v == 0 else str(v) for v in nums] for row, nums in values.items()}
    requests = requests_text("2021", printed, sep="\t")
    report = parse_report(report_text("2021", requests=requests))
    assert_rows(report, "2021", values)
    cell = report.cells[("requests", "new", "research")]
    assert (cell.value, cell.raw, cell.note) == (0, "", "blank read as 0")


def test_row_printed_without_numbers():
    values = values_for("2021")
    printed = {row: ["" if v == 0 else str(v) for v in nums] for row, nums in values.items()}
    printed["denied_query"] = []  # every cell blank, and the reader dropped the empty cells
    values["denied_query"] = [0] * 7
    report = parse_report(report_text("2021", requests=requests_text("2021", printed, sep="\t")))
    assert_rows(report, "2021", values)
    # Where zeros are printed, a row without numbers is not read as zeros.
    numbers = values_for("2021")
    numbers["denied_query"] = []
    report = parse_report(report_text("2021", requests=requests_text("2021", numbers)))
    assert row_values(report, "denied_query") == [None] * 7
    assert report.cells[("requests", "denied_query", "total")].note == "row printed without numbers"


def test_wrapped_labels_and_numbers_on_the_next_line():
    requests = requests_text("2019", values_for("2019"))
    requests = requests.replace(
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形） ",
        "（二）部分公开（区分处理的，只计这一情形，\n不计其他情形）\n",
    )
    requests = requests.replace("三、本年度办理结果 ", "三、\n本年\n度办\n理结\n果\n")
    requests = requests.replace("2.其他法律行政法规禁止公开 ", "2.其他法律行政法规禁止公\n开\n")
    report = parse_report(report_text("2019", year=2020, requests=requests))
    assert_rows(report, "2019", values_for("2019"))


def test_one_number_per_line():
    values = values_for("2019")
    lines = [REQUEST_HEADER]
    for row in request_rows("2019"):
        lines += ["\t" + REQUEST_LABELS[row]] + [f"\t{v}" for v in values[row]]
    report = parse_report(report_text("2019", year=2020, requests="\n".join(lines)))
    assert_rows(report, "2019", values)


# --- page furniture --------------------------------------------------------------------------


def test_page_numbers_and_repeated_header_inside_the_table():
    values = values_for("2021")
    # 0+1+0+0+1 = 2 and 0 + 2 = 2: the page number '2' after this row looks like a 小计 cell.
    values["unavailable_not_held"] = [0, 0, 1, 0, 0, 1, 2]
    requests = requests_text("2021", values)
    cut = REQUEST_LABELS["denied_third_party"]
    requests = requests.replace(cut, f"- 3 -\n{REQUEST_HEADER}\n{cut}")
    cut = REQUEST_LABELS["unavailable_needs_creation"]
    requests = requests.replace(cut, f"2\n{REQUEST_HEADER}\n{cut}")
    cut = REQUEST_LABELS["rejected_repeat"]
    requests = requests.replace(cut, f"6\n某县卫生健康局2021年政府信息公开工作年度报告\n{cut}")
    total = REQUEST_LABELS["total"]
    requests = requests.replace(f"{total} ", f"{total}\n第 4 页\n{REQUEST_HEADER}\n")
    report = parse_report(report_text("2021", requests=requests))
    assert_rows(report, "2021", values)
    assert report.problems == []


def test_page_number_between_header_lines_and_after_a_row():
    active = ACTIVE["2019"].replace("本年新公开数量", "本年新\n6\n公开数量")
    active = active.replace("行政强制 0 0 0", "行政强制 0 0 0\n7")
    report = parse_report(report_text("2019", year=2020, active=active))
    assert report.value("active.regulations.made") == 0
    assert report.value("active.coercion.decisions") == 0
    assert report.problems == []


# --- number forms ----------------------------------------------------------------------------


def test_fullwidth_digits_keep_their_raw_text():
    values = values_for("2021")
    printed = {
        row: [str(v).translate(str.maketrans("0123456789", "０１２３４５６７８９")) for v in nums]
        for row, nums in values.items()
    }
    report = parse_report(report_text("2021", requests=requests_text("2021", printed)))
    assert_rows(report, "2021", values)
    assert report.cells[("requests", "new", "total")].raw == "２"  # 1 + 0 + 0 + 0 + 0 + 1


def test_zero_markers_are_zero_with_a_note():
    values = values_for("2019")
    printed = {row: [str(v) for v in nums] for row, nums in values.items()}
    printed["granted"][2:5] = ["—", "/", "无"]
    printed["partial"][2] = "-"
    report = parse_report(report_text("2019", year=2020, requests=requests_text("2019", printed)))
    assert_rows(report, "2019", values)
    cell = report.cells[("requests", "granted", "research")]
    assert (cell.value, cell.raw, cell.note) == (0, "—", "'—' read as 0")


@pytest.mark.parametrize(
    "heading, printed, expected, note",
    [
        ("采购总金额", "3940元", 0.394, "3940元 → 0.394万元"),
        ("采购总金额", "1,250,000元", 125, "1,250,000元 → 125万元"),
        ("采购总金额", "12.5", 12.5, None),
        ("采购总金额", "425万元", 425, None),
        ("采购总金额（元）", "662800", 66.28, "662800 → 66.28万元"),
    ],
)
def test_money_is_stored_in_wan_yuan(heading, printed, expected, note):
    active = ACTIVE["2019"].replace("采购总金额", heading).replace("425 万元", printed)
    report = parse_report(report_text("2019", year=2020, active=active))
    cell = report.cells[("active", "procurement", "amount_wan_yuan")]
    assert (cell.value, cell.raw, cell.note) == (expected, printed, note)


def test_read_number_forms():
    assert read_number("1,234").value == 1234
    assert read_number("＋5").value == 5
    assert read_number("12件").value == 12
    assert read_number("12%") is None
    assert read_number("规章") is None
    with pytest.raises(ValueError, match="not a number"):
        cell_value("规章", money=False)


# --- extra and missing cells -----------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [REQUEST_HEADER + " 小计", REQUEST_HEADER.replace("其他", "其他组织")],
    ids=["named", "found-by-sums"],
)
def test_subtotal_column(header):
    values = {row: [5, 1, 2, 0, 0, 1, 9] for row in request_rows("2021")}
    printed = {row: nums[:6] + [4] + nums[6:] for row, nums in values.items()}
    requests = requests_text("2021", printed, header=header)
    report = parse_report(report_text("2021", requests=requests))
    assert_rows(report, "2021", values)
    # Without 小计 in the header the column is told by its sums, and that is reported.
    assert any("subtotal column" in p for p in report.problems) == ("小计" not in header)


def test_subtotal_rows_under_a_group_are_left_out():
    values = values_for("2019")
    requests = requests_text("2019", values)
    after = REQUEST_LABELS["denied_query"] + " " + " ".join(map(str, values["denied_query"]))
    requests = requests.replace(after, after + "\n小计 9 9 9 9 9 9 9")
    requests = requests.replace(
        "（五）不予处理 1.信访举报投诉类申请", "（五）不予处理 8 8 8 8 8 8 8\n1.信访举报投诉类申请"
    )
    report = parse_report(report_text("2019", year=2020, requests=requests))
    assert_rows(report, "2019", values)


def test_missing_cell_nulls_the_row_and_nothing_shifts():
    values = values_for("2021")
    printed = dict(values, granted=values["granted"][:3] + values["granted"][4:])
    report = parse_report(report_text("2021", requests=requests_text("2021", printed)))
    assert row_values(report, "granted") == [None] * 7
    note = report.cells[("requests", "granted", "total")].note
    assert "prints 6 numbers for 7 columns" in note
    assert any("row granted prints 6 numbers" in problem for problem in report.problems)
    values.pop("granted")
    for row in values:
        assert row_values(report, row) == values[row], row


def test_blank_total_beside_counts_is_a_missing_number():
    values = values_for("2021")
    printed = {row: ["" if v == 0 else str(v) for v in nums] for row, nums in values.items()}
    printed["partial"] = printed["partial"][1:] + [""]  # one number dropped, a filler at the end
    report = parse_report(report_text("2021", requests=requests_text("2021", printed, sep="\t")))
    assert row_values(report, "partial") == [None] * 7
