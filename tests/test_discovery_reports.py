"""report_year, report_agency, is_report_page and in_scope."""

import json

import pytest

from crawler.discovery.reports import is_report_page
from imitation.seeds import SEEDS_DIR as SEEDS
from imitation.seeds import seed_texts
from nianbao.agencies import in_scope, report_agency
from nianbao.titles import normalize_title, report_year


@pytest.mark.parametrize(
    "title, year",
    [
        ("昌乐县卫生健康局2020年政府信息公开工作年度报告", 2020),
        ("2021年度政府信息公开工作报告", 2021),
        ("关于2019年政府信息公开工作年度报告", 2019),
        ("XX县人民政府2022年政府信息公开年报", 2022),
        ("２０２１年度政府信息公开工作报告", 2021),
        ("二〇二〇年政府信息公开工作年度报告", 2020),
        ("二零一九年度政府信息公开工作年度报告", 2019),
        ("二O二二年政府信息公开工作年度报告", 2022),
        ("海原县卫生健康局 2020 年政府信息公开 公开工作年度报告", 2020),
        # the publication date is not the statistics year
        ("聊城市卫生健康委员会2021年度政府信息公开工作报告（2022年1月28日）", 2021),
        ("2022-01-20 昌乐县2021年政府信息公开工作年度报告", 2021),
        ("2022年1月发布：昌乐县2021年政府信息公开工作年度报告", 2021),
        ("政府信息公开工作年度报告（2020年度）", 2020),
        ("2020政府信息公开工作年度报告", 2020),
        ("城口县2020年政府信息公开工作年度报告_城口县人民政府", 2020),
    ],
)
def test_report_year(title, year):
    assert report_year(title) == year


@pytest.mark.parametrize(
    "title",
    [
        "政府信息公开年报",
        "信息公开工作年度报告",
        "政府信息公开年报（2022年1月20日）",
        "第20210号",
        "",
    ],
)
def test_report_year_none_without_a_statistics_year(title):
    assert report_year(title) is None


def test_normalize_title_keeps_non_year_numerals():
    assert normalize_title("一二三年") == "一二三年"
    assert normalize_title("二〇二一 年") == "2021年"


@pytest.mark.parametrize(
    "title, agency",
    [
        ("昌乐县卫生健康局2020年政府信息公开工作年度报告", "昌乐县卫生健康局"),
        ("聊城市卫生健康委员会2021年度政府信息公开工作报告", "聊城市卫生健康委员会"),
        ("安丘市人民政府办公室2020年政府信息公开工作年度报告", "安丘市人民政府办公室"),
        ("营丘镇人民政府2021年政府信息公开工作年度报告", "营丘镇人民政府"),
        ("安丘市卫健局2020年度政府信息公开工作年度报告", "安丘市卫健局"),
        ("海原县卫生健康局 2020 年政府信息公开 公开工作年度报告", "海原县卫生健康局"),
        ("XX县人民政府2022年政府信息公开年报", "XX县人民政府"),
        ("聊城市人民政府关于2020年政府信息公开工作年度报告", "聊城市人民政府"),
        ("2021年昌乐县宝城街道办事处政府信息公开工作年度报告", "昌乐县宝城街道办事处"),
        ("《昌乐县审计局2021年政府信息公开工作年度报告》", "昌乐县审计局"),
        (
            "昌乐县卫生健康局2020年政府信息公开工作年度报告_昌乐县人民政府",
            "昌乐县卫生健康局",
        ),
    ],
)
def test_report_agency(title, agency):
    assert report_agency(title) == agency


@pytest.mark.parametrize(
    "title",
    [
        "2021年度政府信息公开工作报告",
        "关于2019年政府信息公开工作年度报告",
        "全县2021年政府信息公开工作年度报告",
        "我局2021年政府信息公开工作年度报告",
        "新闻中心",
    ],
)
def test_report_agency_none_when_no_body_is_named(title):
    assert report_agency(title) is None


def _seed_texts():
    for path in seed_texts():
        gold = json.loads((SEEDS / "gold" / (path.stem + ".json")).read_text(encoding="utf-8"))
        yield path.read_text(encoding="utf-8"), gold


def test_seed_reports_are_report_pages_without_a_title():
    seeds = list(_seed_texts())
    assert len(seeds) == 5
    for text, _gold in seeds:
        assert is_report_page("", text)


def test_seed_headings_give_year_and_agency():
    for text, gold in _seed_texts():
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        heading = next(
            first + second
            for first, second in zip(lines, lines[1:] + [""])
            if report_year(first + second) is not None
        )
        assert report_year(heading) == gold["year"], heading
        agency = report_agency(heading)
        # 安丘市卫健局 is the heading's abbreviation of 安丘市卫生健康局
        assert agency is not None and agency[:3] == gold["agency"][:3], heading


REPORT_BODY = """一、总体情况
2021年，我局认真贯彻落实《条例》……
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
六、其他需要报告的事项"""


def test_report_page_with_title_and_markers():
    assert is_report_page(
        "昌乐县卫生健康局2021年政府信息公开工作年度报告_昌乐县人民政府", REPORT_BODY
    )


def test_lookalike_title_is_never_a_report_page():
    notice = "关于做好2021年政府信息公开工作年度报告编制发布工作的通知"
    assert not is_report_page(notice, REPORT_BODY)


def test_report_page_found_by_heading_split_over_two_lines():
    text = "昌乐县卫生健康局\n2020 年政府信息公开工作年度报告\n" + REPORT_BODY
    assert is_report_page("详细信息", text)


def test_page_with_report_title_but_no_markers_and_long_text_is_not_a_report():
    news = "我县召开政府信息公开工作会议。" * 200
    assert not is_report_page("2021年政府信息公开工作年度报告", news)


def test_short_cover_page_with_attachment():
    cover = "发布时间：2021-01-22 来源：县卫生健康局\n附件：昌乐县卫生健康局2020年年报.pdf"
    assert is_report_page("昌乐县卫生健康局2020年政府信息公开工作年度报告", cover)
    assert is_report_page(
        "昌乐县卫生健康局2020年政府信息公开工作年度报告",
        "发布时间：2021-01-22",
        has_attachment=True,
    )
    assert not is_report_page(
        "昌乐县卫生健康局2020年政府信息公开工作年度报告", "发布时间：2021-01-22"
    )
    assert not is_report_page(
        "昌乐县卫生健康局2020年政府信息公开工作年度报告", cover, has_attachment=False
    )


def test_markers_without_a_report_title_are_not_enough():
    assert not is_report_page("政府信息公开", "正文：" + REPORT_BODY[5:].replace("年度报告", ""))


@pytest.mark.parametrize(
    "agency, site, expected",
    [
        ("安丘市卫生健康局", "安丘市人民政府", True),
        ("安丘市卫健局", "安丘市人民政府", True),
        ("县卫生健康局", "安丘市人民政府", True),
        ("景芝镇人民政府", "安丘市人民政府", True),
        ("安丘市景芝镇人民政府", "安丘市人民政府", True),
        ("山东省潍坊市安丘市卫生健康局", "安丘市人民政府", True),
        (None, "安丘市人民政府", True),
        ("昌乐县卫生健康局", "安丘市人民政府", False),
        ("潍坊市卫生健康委员会", "安丘市人民政府", False),
        ("山东省卫生健康委员会", "安丘市人民政府", False),
        ("海原县卫生健康局", "安丘市人民政府", False),
        ("聊城市卫生健康委员会", "聊城市卫生健康委员会", True),
        ("聊城市东昌府区卫生健康局", "聊城市卫生健康委员会", True),
        ("潍坊市卫生健康委员会", "聊城市卫生健康委员会", False),
        ("山东省卫生健康委员会", "聊城市卫生健康委员会", False),
        ("绥滨县卫生健康局", "绥滨县人民政府", True),
        ("萝北县卫生健康局", "绥滨县人民政府", False),
        # a former county name still resolves (会理县 became 会理市 in 2021)
        ("会理县卫生健康局", "会理市人民政府", True),
        ("会理县卫生健康局", "西昌市人民政府", False),
        # 朝阳区 exists in Beijing and Changchun: the same name is the same site
        ("朝阳区卫生健康委员会", "朝阳区人民政府", True),
        ("县卫生健康局", "国家卫生健康委员会", True),
        ("中共昌乐县委宣传部", "安丘市人民政府", False),
    ],
)
def test_in_scope(agency, site, expected):
    assert in_scope(agency, site) is expected
