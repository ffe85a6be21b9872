"""link_priority: which links to follow, and in which order."""

import pytest

from crawler.discovery.links import (
    PRIORITY_AGENCY,
    PRIORITY_AGENCY_DIRECTORY,
    PRIORITY_DISCLOSURE_COLUMN,
    PRIORITY_PAGINATION,
    PRIORITY_REPORT,
    PRIORITY_REPORT_COLUMN,
    PRIORITY_URL_HINT,
    link_priority,
)

BASE = "http://www.anqiu.gov.cn"


def test_priorities_are_ordered():
    assert (
        PRIORITY_REPORT
        > PRIORITY_REPORT_COLUMN
        > PRIORITY_DISCLOSURE_COLUMN
        > PRIORITY_AGENCY_DIRECTORY
        > PRIORITY_AGENCY
        > PRIORITY_URL_HINT
        > PRIORITY_PAGINATION
        > 0
    )


@pytest.mark.parametrize(
    "text, url, expected",
    [
        (
            "安丘市卫生健康局2020年政府信息公开工作年度报告",
            "/art/2021/1/28/art_1_2.html",
            PRIORITY_REPORT,
        ),
        ("2021年度政府信息公开工作报告", "/xxgk/1.html", PRIORITY_REPORT),
        ("昌乐县2020年政府信息公开年报.pdf", "/P020210128.pdf", PRIORITY_REPORT),
        ("政府信息公开年报", "/col/col123/index.html", PRIORITY_REPORT_COLUMN),
        ("年度报告", "/zwgk/ndbg/", PRIORITY_REPORT_COLUMN),
        ("年报", "/col/col9/", PRIORITY_REPORT_COLUMN),
        ("2021年年报", "/col/col10/", PRIORITY_REPORT_COLUMN),
        ("2021年度", "/xxgk/gknb/2021/", PRIORITY_REPORT_COLUMN),
        ("2021", "/zfxxgknb/2021/index.html", PRIORITY_REPORT_COLUMN),
        ("查看", "/xxgkAnnualReport.jsp?fbtime=2017", PRIORITY_REPORT_COLUMN),
        ("政府信息公开", "/xxgk/", PRIORITY_DISCLOSURE_COLUMN),
        ("政务公开", "/zwgk/index.html", PRIORITY_DISCLOSURE_COLUMN),
        ("信息公开指南", "/xxgk/gkzn/", PRIORITY_DISCLOSURE_COLUMN),
        ("法定主动公开内容", "/col/col11/", PRIORITY_DISCLOSURE_COLUMN),
        ("部门信息公开", "/xxgk/bm/", PRIORITY_AGENCY_DIRECTORY),
        ("乡镇信息公开", "/xxgk/xz/", PRIORITY_AGENCY_DIRECTORY),
        ("部门", "/xxgk/bm/", PRIORITY_AGENCY_DIRECTORY),
        ("乡镇（街道）", "/xxgk/xz/", PRIORITY_AGENCY_DIRECTORY),
        ("县直部门", "/xxgk/xzbm/", PRIORITY_AGENCY_DIRECTORY),
        ("安丘市卫生健康局", "/xxgk/wjj/", PRIORITY_AGENCY),
        ("景芝镇", "/xxgk/jzz/", PRIORITY_AGENCY),
        ("县文化和旅游局", "/xxgk/wlj/", PRIORITY_AGENCY),
        ("", "/xxgk/index.html", PRIORITY_URL_HINT),
        ("more", "/zwgk/zcwj/", PRIORITY_URL_HINT),
        ("", "/xxgkml/list.jsp?id=3", PRIORITY_URL_HINT),
        ("下一页", "/xxgk/gknb/index_1.html", PRIORITY_PAGINATION),
        ("2", "/col/col9/index.html?uid=1&pageNum=2", PRIORITY_PAGINATION),
        ("尾页", "/list_5.html", PRIORITY_PAGINATION),
        ("更多>>", "/col/col9/", PRIORITY_PAGINATION),
        ("", "/news/index_2.html", PRIORITY_PAGINATION),
    ],
)
def test_followed_links(text, url, expected):
    assert link_priority(text, BASE + url) == expected


@pytest.mark.parametrize(
    "text, url",
    [
        ("2020年政府工作报告", "/zwgk/zfgzbg/1.html"),
        (
            "关于做好2020年政府信息公开工作年度报告编制发布和报送工作的通知",
            "/xxgk/tz/1.html",
        ),
        ("2021年政府网站工作年度报表", "/xxgk/bb/1.html"),
        ("新闻中心", "/xwzx/"),
        ("政务动态", "/zwgk/zwdt/"),
        ("领导之窗", "/ldzc/"),
        ("办事服务", "/bsfw/"),
        ("互动交流", "/hdjl/"),
        ("登录", "/login.jsp"),
        ("无障碍", "/wza/"),
        ("繁體", "/big5/"),
        ("English", "/english/"),
        ("官方微博", "https://weibo.com/anqiu"),
        ("", "https://mp.weixin.qq.com/s/abc"),
        ("首页", "/"),
        ("机构职能", "/xxgk/jgzn/"),
        ("", "/zt/index.html"),
        ("", "javascript:void(0)"),
        ("联系我们", "mailto:xx@anqiu.gov.cn"),
        ("", "#top"),
        ("", ""),
        ("", "/static/main.js"),
    ],
)
def test_not_followed(text, url):
    target = url if not url.startswith("/") else BASE + url
    assert link_priority(text, target) is None


def test_domains_filter_external_governments():
    domains = ["anqiu.gov.cn"]
    assert link_priority("潍坊市人民政府", "http://www.weifang.gov.cn/", domains=domains) is None
    assert link_priority("中国政府网", "http://www.gov.cn/", domains=domains) is None
    assert (
        link_priority("政府信息公开", "http://xxgk.anqiu.gov.cn/", domains=domains)
        == PRIORITY_DISCLOSURE_COLUMN
    )
    # without domains the caller filters hosts itself
    assert link_priority("潍坊市人民政府", "http://www.weifang.gov.cn/") == PRIORITY_AGENCY


def test_text_with_whitespace_and_full_width_characters():
    assert link_priority(" 政府信息公开\n 年报 ", BASE + "/a/") == PRIORITY_REPORT_COLUMN
    assert link_priority("２０２１年度政府信息公开工作报告", BASE + "/a/1.html") == PRIORITY_REPORT
