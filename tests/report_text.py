"""Report text for parser tests: the printed labels of each table, and whole reports made of them.

Every request row gets distinct numbers that add up to its total, so a number shifted into the
wrong cell shows.
"""

from __future__ import annotations

from nianbao.format import cell_keys

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
REQUEST_HEADER = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况\n"
    "自然人 法人或其他组织 总计\n商业企业 科研机构 社会公益组织 法律服务机构 其他"
)
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
APPEALS_HEADER = (
    "行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n"
    "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计"
)


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


def requests_text(
    version: str, values: dict[str, list], *, sep: str = " ", header: str = REQUEST_HEADER
) -> str:
    lines = [header]
    for row in request_rows(version):
        cells = [str(v) for v in values[row]]
        lines.append(REQUEST_LABELS[row] + sep + sep.join(cells))
    return "\n".join(lines)


def report_text(
    version: str = "2021",
    *,
    year: int = 2021,
    requests: str | None = None,
    active: str | None = None,
    appeals: str | None = None,
    intro: str = "",
    closing: str = "某县卫生健康局\n2022 年 1 月 20 日",
) -> str:
    appeals = (
        appeals
        if appeals is not None
        else APPEALS_HEADER
        + "\n"
        + " ".join(["0", "1", "0", "0", "1", "0", "0", "0", "2", "2", "0", "0", "0", "0", "0"])
    )
    return "\n".join(
        [
            f"某县卫生健康局{year}年政府信息公开工作年度报告",
            f"本报告所列数据的统计期限自 {year} 年 1 月 1 日起，至 {year} 年 12 月 31 日止。",
            "一、总体情况",
            intro or "我局认真贯彻落实《条例》。",
            "二、主动公开政府信息情况",
            active if active is not None else ACTIVE[version],
            "三、收到和处理政府信息公开申请情况",
            requests if requests is not None else requests_text(version, values_for(version)),
            "四、政府信息公开行政复议、行政诉讼情况",
            appeals,
            "五、存在的主要问题及改进情况",
            "一是公开意识有待加强。",
            "六、其他需要报告的事项",
            "无。",
            closing,
        ]
    )


def row_values(report, row: str) -> list:
    return [
        report.cells[key].value
        for key in cell_keys("requests", report.format_version)
        if key[1] == row
    ]


def assert_rows(report, version: str, values: dict[str, list]) -> None:
    for row in request_rows(version):
        assert row_values(report, row) == values[row], row
