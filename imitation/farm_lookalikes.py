"""Pages that sit in a 年报 column next to the real reports and look like them from the title:
政府工作报告, 法治政府建设年度报告, 年度工作总结, 部门决算/预算, the notice about compiling the
reports, the disclosure guide, a 图解 of a report. None of them is an annual report."""

from __future__ import annotations

from collections.abc import Callable

from imitation.farm_builder import SiteBuilder
from imitation.model import ListItem

# kind -> (title template, reason, text template)
LOOKALIKES = {
    "work_report": (
        "{year}年{place}政府工作报告",
        "government_work_report",
        (
            "——{year}年1月10日在{place}第十八届人民代表大会第三次会议上\n{place}人民政府\n各位代表：\n"
            "现在，我代表{place}人民政府，向大会报告政府工作，请予审议，并请政协委员提出意见。\n"
            "一、{prev}年工作回顾\n过去一年，全{unit}地区生产总值增长5.2%，一般公共预算收入增长6.1%。"
        ),
    ),
    "rule_of_law": (
        "{gov}{prev}年法治政府建设年度报告",
        "rule_of_law_report",
        (
            "{prev}年，{gov}深入学习贯彻习近平法治思想，全面推进依法行政。\n一、主要举措和成效\n"
            "（一）依法全面履行政府职能。（二）完善依法行政制度体系。\n二、存在的不足和原因\n三、下一年度工作安排"
        ),
    ),
    "summary": (
        "{office}{prev}年度工作总结",
        "work_summary",
        (
            "{prev}年，{office}在{gov}的正确领导下，圆满完成各项工作任务。\n一、主要工作完成情况\n"
            "（一）政务公开工作。全年主动公开政府信息1234条，受理依申请公开15件。\n二、存在的问题\n三、{year}年工作打算"
        ),
    ),
    "final_accounts": (
        "{office}{prev}年部门决算",
        "final_accounts",
        (
            "第一部分 部门概况\n第二部分 {prev}年度部门决算表\n收入支出决算总表\t本年收入合计\t1523.46\n"
            "第三部分 {prev}年度部门决算情况说明\n第四部分 名词解释"
        ),
    ),
    "budget": (
        "{office}{year}年部门预算",
        "budget",
        "一、部门职责及机构设置情况\n二、{year}年部门预算安排情况\n收支预算总表\t合计\t1688.00\n三、名词解释",
    ),
    "notice": (
        "关于做好{prev}年政府信息公开工作年度报告编制发布工作的通知",
        "compilation_notice",
        (
            "各镇人民政府（街道办事处），{gov}各部门：\n根据《中华人民共和国政府信息公开条例》规定，现就做好{prev}年政府信息公开"
            "工作年度报告编制发布工作通知如下：\n一、严格按照《中华人民共和国政府信息公开工作年度报告格式》编制，"
            "主动公开政府信息情况、收到和处理政府信息公开申请情况等表格不得漏项。\n二、请于{year}年1月31日前在门户网站"
            "政府信息公开年报栏目发布，并报送{office}。\n{office}\n{year}年1月5日"
        ),
    ),
    "guide": (
        "{gov}政府信息公开指南",
        "guide",
        (
            "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。\n"
            "一、主动公开\n二、依申请公开\n三、政府信息公开工作年度报告：每年1月31日前公布上一年度报告。"
        ),
    ),
    "interpretation": (
        "图解：{gov}{prev}年政府信息公开工作年度报告",
        "interpretation",
        (
            "一图读懂{gov}{prev}年政府信息公开工作年度报告。\n主动公开信息数量同比增长。\n"
            "（本图解为报告的通俗解读，报告全文请见政府信息公开年报栏目。）"
        ),
    ),
}


def lookalikes(
    b: SiteBuilder,
    kinds: list[tuple[str, int]],
    *,
    place: str,
    unit: str,
    path_for: Callable[[str], str],
    crumbs=(),
) -> list[ListItem]:
    """One decoy page per ``(kind, year)``; ``path_for(date)`` gives each page its CMS path.

    ``year`` is the year the page came out in; the reports and summaries it talks about are of
    the year before, as in real columns.
    """
    items = []
    gov, office = f"{place}人民政府", f"{place}人民政府办公室"
    for index, (kind, year) in enumerate(kinds):
        if kind not in LOOKALIKES:
            raise ValueError(f"unknown look-alike kind {kind!r}; kinds are {', '.join(LOOKALIKES)}")
        title_template, reason, text_template = LOOKALIKES[kind]
        fields = {
            "place": place,
            "unit": unit,
            "gov": gov,
            "office": office,
            "year": year,
            "prev": year - 1,
        }
        day = (
            f"{year}-01-{10 + index:02d}"
            if kind in ("notice", "work_report")
            else f"{year}-0{2 + index % 7}-15"
        )
        items.append(
            b.decoy(
                path_for(day),
                title_template.format(**fields),
                reason,
                text_template.format(**fields),
                date=day,
                crumbs=crumbs,
            )
        )
    return items
