"""Which links the spider follows, and how soon.

A link is rated by its text first (report titles, report-year columns,
disclosure columns, agency directories, agency names, pagination), then by
hints in its URL, because many portal links are icons with no text. The rest
of a portal (news, services, interaction, accessibility, social media) is
not followed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from crawler.discovery.scope import in_domains
from nianbao.titles import TitleKind, classify_title, normalize_title

__all__ = [
    "PRIORITY_AGENCY",
    "PRIORITY_AGENCY_DIRECTORY",
    "PRIORITY_DISCLOSURE_COLUMN",
    "PRIORITY_PAGINATION",
    "PRIORITY_REPORT",
    "PRIORITY_REPORT_COLUMN",
    "PRIORITY_URL_HINT",
    "link_priority",
]

PRIORITY_REPORT = 100
PRIORITY_REPORT_COLUMN = 80
PRIORITY_DISCLOSURE_COLUMN = 60
PRIORITY_AGENCY_DIRECTORY = 50
PRIORITY_AGENCY = 40
# An icon or image link whose URL points into a disclosure section.
PRIORITY_URL_HINT = 30
PRIORITY_PAGINATION = 20

_NOT_WEB = ("mailto:", "javascript:", "tel:", "sms:", "data:", "weixin:", "about:")

# Portal sections that never lead to disclosure reports.
_BLOCKED_TEXT = re.compile(
    r"新闻|要闻|动态|资讯|快讯|图片|视频|直播|领导之窗|领导信息|领导活动|办事|服务|互动|交流|咨询|"
    r"投诉|信箱|留言|建议|征集|调查|访谈|登录|注册|无障碍|繁體|繁体|简体|english|长者|关怀|适老|"
    r"微信|微博|抖音|头条|公众号|客户端|app|网站地图|联系我们|关于我们|隐私|版权|网站声明|"
    r"搜索|收藏|打印|关闭|返回|分享|纠错|中国政府网|友情链接|网站导航|走进|概况|旅游|招商|"
    r"招聘|人事任免|天气|专题专栏",
    re.IGNORECASE,
)
_BLOCKED_URL = re.compile(
    r"weibo\.com|weixin\.qq\.com|mp\.weixin|douyin|toutiao|qq\.com|baidu\.com|"
    r"/(?:login|logout|register|search|english|en|wza|accessibility)(?:/|\.|$)|"
    r"\.(?:css|js|ico|apk|exe|mp4|mp3|flv|swf)(?:$|\?)",
    re.IGNORECASE,
)
_DIRECTORY_TEXT = re.compile(
    r"^(?:县直|市直|区直|旗直|省直)?(?:部门|单位|乡镇|镇街|街道|乡镇街道|乡镇\(街道\)|镇\(街道\)|"
    r"部门单位|县直部门|市直部门|区直部门|政府部门|工作部门|直属单位|机构)(?:信息公开|政务公开|公开|目录|列表|导航)?$"
)
_YEAR_ONLY = re.compile(r"^20[0-9]{2}(?:年度|年|度)?$")
_PAGINATION_TEXT = re.compile(
    r"^(?:下一?页|上一?页|后页|前页|尾页|末页|最后一?页|第?[0-9]{1,4}页?|\[[0-9]{1,4}\]|»|›|>|>>|<|<<|next|prev(?:ious)?|"
    r"last|更多|查看更多|more|更多>>|more>>|\.\.\.|…)$",
    re.IGNORECASE,
)
# "More" leads to a column's full list: rated by where it points.
_MORE_TEXT = re.compile(r"^(?:查看)?更多(?:>>|»|>)?$|^more(?:>>|»|>)?$|^(?:>>|»)$", re.IGNORECASE)
_REPORT_URL = re.compile(r"gknb|ndbg|nianbao|annualreport|xxgknb|zfxxgknb|/nb/", re.IGNORECASE)
_DISCLOSURE_URL = re.compile(
    r"/(?:xxgk|zwgk|zfxxgk|xxgkml|gkml|zwgkml|xxgkzl|bmxxgk|xzxxgk|zfxxgkzl|govinfo|openness|gk)(?:[/_.?]|$)|xxgkml|zfxxgk",
    re.IGNORECASE,
)
_PAGINATION_URL = re.compile(
    r"(?:index|list|default)_[0-9]+\.s?html?$|[?&](?:page|pageno|pagenum|pageindex|currentpage|curpage|pn|p|"
    r"cpage|startrecord)=[0-9]+|/page/[0-9]+/?$",
    re.IGNORECASE,
)


def _clean_text(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def link_priority(text: str, url: str, *, domains: Sequence[str] | None = None) -> int | None:
    """How soon to follow a link (higher = sooner), or None not to follow it.

    ``text`` is the anchor's text (or an image's alt/title), ``url`` the
    absolute URL. With ``domains`` (see :mod:`crawler.discovery.scope`),
    links to other hosts are not followed. Attachment links are rated by
    their text like any other; deciding to download them is
    :func:`crawler.discovery.attachments.is_attachment_link`'s job.

    >>> link_priority("昌乐县卫生健康局2020年政府信息公开工作年度报告", "http://x.gov.cn/a/1.html")
    100
    >>> link_priority("政府信息公开年报", "http://x.gov.cn/col/col9/")
    80
    >>> link_priority("", "http://x.gov.cn/xxgk/index.html")
    30
    >>> link_priority("2020年政府工作报告", "http://x.gov.cn/a/2.html") is None
    True
    >>> link_priority("新闻中心", "http://x.gov.cn/xwzx/") is None
    True
    """
    return _link_priority(text, url, None if domains is None else tuple(domains))


@lru_cache(maxsize=8192)  # every page of a site repeats its menus' links
def _link_priority(text: str, url: str, domains: tuple[str, ...] | None) -> int | None:
    url = (url or "").strip()
    if not url or url.lower().startswith(_NOT_WEB) or url.startswith("#"):
        return None
    if domains is not None and not in_domains(url, domains):
        return None
    try:
        path_and_query = unquote(urlsplit(url)._replace(scheme="", netloc="").geturl())
    except ValueError:
        return None
    if _BLOCKED_URL.search(url):
        return None
    cleaned = _clean_text(text)

    kind = classify_title(cleaned) if cleaned else TitleKind.OTHER
    if kind is TitleKind.REPORT:
        return PRIORITY_REPORT
    if kind is TitleKind.LOOKALIKE:
        return None
    if kind is TitleKind.COLUMN:
        normalized = normalize_title(cleaned)
        if "年报" in normalized or "年度报告" in normalized:
            return PRIORITY_REPORT_COLUMN
        if _DIRECTORY_TEXT.match(re.sub(r"(?:信息公开|政务公开)$", "", normalized) or normalized):
            return PRIORITY_AGENCY_DIRECTORY
        return PRIORITY_DISCLOSURE_COLUMN
    if _DIRECTORY_TEXT.match(cleaned):
        return PRIORITY_AGENCY_DIRECTORY
    if kind is TitleKind.AGENCY:
        return PRIORITY_AGENCY
    if _BLOCKED_TEXT.search(cleaned):
        return None

    report_url = bool(_REPORT_URL.search(path_and_query))
    if _YEAR_ONLY.match(normalize_title(cleaned)):
        # "2021年度" in a list of reports by year; elsewhere just an archive link.
        return PRIORITY_REPORT_COLUMN if report_url else PRIORITY_PAGINATION
    more = bool(_MORE_TEXT.match(cleaned))
    if _PAGINATION_TEXT.match(cleaned) and not more:
        return PRIORITY_PAGINATION
    if report_url:
        return PRIORITY_REPORT_COLUMN
    # A disclosure URL counts only for links without words (icons, "more"):
    # worded links under /xxgk/ are individual documents, mostly not reports.
    if more or not _has_cjk(cleaned):
        if _DISCLOSURE_URL.search(path_and_query):
            return PRIORITY_URL_HINT
        if more or _PAGINATION_URL.search(path_and_query):
            return PRIORITY_PAGINATION
    return None
