"""Targeted messy inputs for the report parser: layouts, number forms, extra and missing cells."""

from __future__ import annotations

import pytest

from extract.format import cell_keys
from extract.parse import parse_report
from extract.parse.normalize import cell_value, read_number

# Printed request-row labels in table order (group labels on the first row of their group).
REQUEST_LABELS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "三、本年度办理结果 （一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "（三）不予公开 1.属于国家秘密",
    "denied_law_prohibited": "2.其他法律行政法规禁止公开",
    "denied_three_security": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_query": "8.属于行政查询事项",
    "unavailable_not_held": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "（五）不予处理 1.信访举报投诉类申请",
    "rejected_repeat": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_excessive": "4.无正当理由大量反复申请",
    "rejected_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other_overdue_correction": "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_overdue_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
REQUEST_HEADER = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况\n"
                  "自然人 法人或其他组织 总计\n商业企业 科研机构 社会公益组织 法律服务机构 其他")
ACTIVE = {
    "2019": """第二十条第（一）项
信息内容 本年新制作数量 本年新公开数量 对外公开总数量
规章 0 0 0
规范性文件 1 1 5
第二十条第（五）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政许可 118 +28 146
其他对外管理服务事项 0 0 0
第二十条第（六）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政处罚 66 －22 44
行政强制 0 0 0
第二十条第（八）项
信息内容 上一年项目数量 本年增/减
行政事业性收费 1 0
第二十条第（九）项
信息内容 采购项目数量 采购总金额
政府集中采购 3 425 万元""",
    "2021": """第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 0 0 0
行政规范性文件 1 2 43
第二十条第（五）项
信息内容 本年处理决定数量
行政许可 17
第二十条第（六）项
信息内容 本年处理决定数量
行政处罚 8
行政强制 0
第二十条第（八）项
信息内容 本年收费金额（单位：万元）
行政事业性收费 66.28""",
}
OTHER_PARTS = ("other_overdue_correction", "other_overdue_fee", "other_other")
APPEALS_HEADER = ("行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n"
                  "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计")


def request_rows(version: str) -> list[str]:
    rows = [row for row in REQUEST_LABELS if not (version == "2019" and row.startswith("other_"))]
    return [row for row in rows if not (version == "2021" and row == "other")]


def values_for(version: str, seed: int = 1) -> dict[str, list[int]]:
    """Distinct numbers per row, so a shifted number shows; each row adds up to its total."""
    rows = {}
    for i, row in enumerate(request_rows(version)):
        counts = [seed + i, i % 2, 0, 0, 0, 1]
        rows[row] = counts + [sum(counts)]
    return rows


def requests_text(version: str, values: dict[str, list], *, sep: str = " ",
                  header: str = REQUEST_HEADER) -> str:
    lines = [header]
    for row in request_rows(version):
        cells = [str(v) for v in values[row]]
        lines.append(REQUEST_LABELS[row] + sep + sep.join(cells))
    return "\n".join(lines)


def report_text(version: str = "2021", *, year: int = 2021, requests: str | None = None,
                active: str | None = None, appeals: str | None = None, intro: str = "",
                closing: str = "某县卫生健康局\n2022 年 1 月 20 日") -> str:
    appeals = appeals if appeals is not None else APPEALS_HEADER + "\n" + " ".join(
        ["0", "1", "0", "0", "1", "0", "0", "0", "2", "2", "0", "0", "0", "0", "0"])
    return "\n".join([
        f"某县卫生健康局{year}年政府信息公开工作年度报告",
        f"本报告所列数据的统计期限自 {year} 年 1 月 1 日起，至 {year} 年 12 月 31 日止。",
        "一、总体情况", intro or "我局认真贯彻落实《条例》。",
        "二、主动公开政府信息情况", active if active is not None else ACTIVE[version],
        "三、收到和处理政府信息公开申请情况",
        requests if requests is not None else requests_text(version, values_for(version)),
        "四、政府信息公开行政复议、行政诉讼情况", appeals,
        "五、存在的主要问题及改进情况", "一是公开意识有待加强。",
        "六、其他需要报告的事项", "无。", closing,
    ])


def row_values(report, row: str) -> list:
    return [report.cells[key].value for key in cell_keys("requests", report.format_version)
            if key[1] == row]


def assert_rows(report, version: str, values: dict[str, list]) -> None:
    for row in request_rows(version):
        assert row_values(report, row) == values[row], row


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
    lines = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况\t\t\t\t\t\t",
             "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计",
             "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t"]
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
    requests = requests.replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形） ",
                                "（二）部分公开（区分处理的，只计这一情形，\n不计其他情形）\n")
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
    printed = {row: [str(v).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                     for v in nums] for row, nums in values.items()}
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


@pytest.mark.parametrize("heading, printed, expected, note", [
    ("采购总金额", "3940元", 0.394, "3940元 → 0.394万元"),
    ("采购总金额", "1,250,000元", 125, "1,250,000元 → 125万元"),
    ("采购总金额", "12.5", 12.5, None),
    ("采购总金额", "425万元", 425, None),
    ("采购总金额（元）", "662800", 66.28, "662800 → 66.28万元"),
])
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

@pytest.mark.parametrize("header", [REQUEST_HEADER + " 小计", REQUEST_HEADER.replace("其他", "其他组织")],
                         ids=["named", "found-by-sums"])
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
    requests = requests.replace("（五）不予处理 1.信访举报投诉类申请", "（五）不予处理 8 8 8 8 8 8 8\n1.信访举报投诉类申请")
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


# --- template version, year, dates, agency ----------------------------------------------------

def test_2021_other_is_the_sum_of_its_parts():
    values = values_for("2021")
    report = parse_report(report_text("2021", requests=requests_text("2021", values)))
    parts = [values[row] for row in OTHER_PARTS]
    assert row_values(report, "other") == [sum(column) for column in zip(*parts)]
    assert all(report.cells[("requests", "other", col)].derived
               for col in ("natural_person", "total"))


def test_2019_template_printed_for_a_2021_report():
    report = parse_report(report_text("2019", year=2021, closing="某县卫生健康局\n2022 年 2 月 1 日"))
    assert (report.format_version, report.year, report.published) == ("2019", 2021, "2022-02-01")
    assert_rows(report, "2019", values_for("2019"))


def test_dates_agency_and_title():
    report = parse_report(report_text(closing="某县卫生健康局\n二〇二二年一月二十日"))
    assert (report.published, report.agency) == ("2022-01-20", "某县卫生健康局")
    report = parse_report(report_text(closing="某县医疗保障局  2022年2月3日\n- 9 -"))
    assert (report.published, report.agency) == ("2022-02-03", "某县医疗保障局")
    assert report.title == "某县卫生健康局2021年政府信息公开工作年度报告"
    report = parse_report(report_text(closing="3"), title_hint="某县医疗保障局2021年政府信息公开工作年度报告")
    assert (report.published, report.agency) == (None, "某县医疗保障局")
    assert report.title == "某县医疗保障局2021年政府信息公开工作年度报告"
    # A hint that is a page's label, not the title; an agency named only by the hint.
    text = report_text(closing="无")
    assert parse_report(text, title_hint="附件1").title == "某县卫生健康局2021年政府信息公开工作年度报告"
    text = text.replace("某县卫生健康局2021年政府信息公开工作年度报告", "2021年政府信息公开工作年度报告")
    assert parse_report(text, title_hint="某县卫生健康局").agency == "某县卫生健康局"


@pytest.mark.parametrize("period, title_year", [
    ("", "2021"),  # the title's year when no period is printed
    ("统计期限为 2021 年 1 月 1 日至 12 月 31 日。", ""),  # a period without its second year
])
def test_statistics_year(period, title_year):
    text = report_text().replace("某县卫生健康局2021年", f"某县卫生健康局{title_year}年")
    old_period = "本报告所列数据的统计期限自 2021 年 1 月 1 日起，至 2021 年 12 月 31 日止。"
    assert parse_report(text.replace(old_period, period)).year == 2021


# --- narrative and non-reports ----------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("本年度共收到政府信息公开申请 12 件，上年结转 2 件。",
     {("requests.new.total", 12), ("requests.carried_over.total", 2)}),
    ("2021年，我局没有收到政府信息公开申请。", {("requests.new.total", 0)}),
    ("全年因政府信息公开被申请行政复议1件，被提起行政诉讼2件。", {("appeals.cases.review_total", 1)}),
    ("全年未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。",
     {("appeals.cases.review_total", 0), ("appeals.cases.suit_direct_total", 0),
      ("appeals.cases.suit_after_review_total", 0)}),
    ("未经复议直接起诉的行政诉讼3件。", {("appeals.cases.suit_direct_total", 3)}),
    ("收到行政复议申请1件。", {("appeals.cases.review_total", 1)}),
])
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
    appeals = "\n".join([
        "行政复议\t\t\t\t\t行政诉讼" + "\t" * 10,
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t",
        "\t" * 6 + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
        "\t2\t5\t\t7\t\t2\t\t\t\t2\t\t\t\t5\t5",
    ])
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
    active = "\n".join(line for line in ACTIVE["2021"].splitlines()
                       if not line.startswith(("第二十条", "信息内容")))
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
        "（六）其他处理 9 9 9 9 9 9 9\n" + REQUEST_LABELS["other_overdue_correction"].split(" ", 1)[1])
    report = parse_report(report_text("2021", requests=requests))
    assert_rows(report, "2021", values)
    assert any("（六）其他处理 prints 9" in problem for problem in report.problems)


def test_empty_appeals_table_alone_is_no_report():
    text = "某局2021年行政复议决定书\n" + APPEALS_HEADER + "\n申请人不服……"
    assert not parse_report(text).is_report()
    report = parse_report(report_text(appeals=APPEALS_HEADER))  # beside the other tables
    assert report.value("appeals.cases.review_total") == 0
