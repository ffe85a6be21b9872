"""The parts every imitated portal shares: home page, news, 领导之窗, 互动交流, the 信息公开 page with
its columns, the 部门信息公开 directory and each department's page with its own 年报 column.

Site modules give the names and paths; this module lays them out the way county portals do, with
plenty of ordinary links around the few that lead to reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from imitation.farm_builder import SiteBuilder
from imitation.model import ListItem, Reply, Req, html_reply

NEWS_TEMPLATES = (
    "{place}召开全{unit}经济运行调度会议",
    "{place}开展安全生产大检查专项行动",
    "{place}2023年重点项目集中开工",
    "{place}举办全{unit}政务公开业务培训班",
    "{place}部署春季农业生产工作",
    "{place}召开优化营商环境工作推进会",
)
SERVICE_LINKS = (
    ("个人办事", "http://zwfw.example-province.gov.cn/grbs/"),
    ("法人办事", "http://zwfw.example-province.gov.cn/frbs/"),
    ("办件查询", "http://zwfw.example-province.gov.cn/bjcx/"),
)


@dataclass
class Department:
    name: str  # the agency's full name, e.g. 安丘市卫生健康局
    page: str  # path of its page in the directory
    column: str  # path of its own 年报 column
    items: list[ListItem] = field(default_factory=list)


@dataclass
class Portal:
    """Where a portal keeps its main pages."""

    place: str  # 安丘市
    unit: str  # 市 or 县, as in 全市/全县
    disclosure: str  # 信息公开 page
    annual_column: str  # 政府信息公开年报 column
    directory: str  # 部门信息公开 directory
    news: str  # 新闻中心 list page
    news_article: str  # article path template with {n}
    home_extra: list[tuple[str, str]] = field(default_factory=list)
    disclosure_extra: list[tuple[str, str]] = field(default_factory=list)
    home_headers: list[tuple[str, str]] = field(default_factory=list)


def build_portal(
    b: SiteBuilder, portal: Portal, departments: list[Department], list_pages, *, per_page: int = 5
) -> None:
    """Home, news, leaders, interaction, disclosure, directory and department pages."""
    news = _news(b, portal)
    columns = [
        (
            "政府信息公开指南",
            _simple(
                b,
                sibling(portal.disclosure, "zn.html"),
                "政府信息公开指南",
                f"为了更好地提供政府信息公开服务，根据《条例》编制本指南。{portal.place}人民政府办公室负责本机关政府信息公开日常工作。",
            ),
        ),
        (
            "政府信息公开制度",
            _simple(
                b,
                sibling(portal.disclosure, "zd.html"),
                "政府信息公开制度",
                "主动公开制度、依申请公开制度、保密审查制度、考核评议制度。",
            ),
        ),
        (
            "法定主动公开内容",
            _simple(
                b,
                sibling(portal.disclosure, "fdzdgknr.html"),
                "法定主动公开内容",
                "机构职能、政策文件、规划信息、财政信息、行政执法、人事信息。",
            ),
        ),
        ("政府信息公开年报", portal.annual_column),
        (
            "依申请公开",
            _simple(
                b,
                sibling(portal.disclosure, "ysqgk.html"),
                "依申请公开",
                "申请人可通过在线申请、信函申请、当面申请等方式提出政府信息公开申请。",
            ),
        ),
        ("部门信息公开", portal.directory),
        *portal.disclosure_extra,
    ]
    dept_links = "".join(f'<li><a href="{d.page}">{escape(d.name)}</a></li>' for d in departments)
    column_links = "".join(
        f'<li><a href="{href}">{escape(label)}</a></li>' for label, href in columns
    )
    b.page(
        portal.disclosure,
        "政府信息公开",
        f'<div class="xxgk-nav"><h3>政府信息公开</h3><ul>{column_links}</ul></div>'
        f'<div class="bmxxgk"><h3>部门信息公开</h3><ul>{dept_links}</ul></div>',
        crumbs=[("政府信息公开", portal.disclosure)],
    )
    b.page(
        portal.directory,
        "部门信息公开",
        f'<div class="bmml"><h3>部门信息公开目录</h3><ul>{dept_links}</ul></div>',
        crumbs=[("政府信息公开", portal.disclosure), ("部门信息公开", portal.directory)],
    )
    for dept in departments:
        b.page(
            dept.page,
            dept.name,
            f'<div class="dept"><h2>{escape(dept.name)}</h2><ul>'
            f'<li><a href="{sibling(dept.page, "jgzn.html")}">机构职能</a></li>'
            f'<li><a href="{dept.column}">政府信息公开年报</a></li></ul>'
            f"<p>{escape(dept.name)}是{escape(portal.place)}人民政府工作部门。</p></div>",
            crumbs=[("部门信息公开", portal.directory), (dept.name, dept.page)],
        )
        _simple(
            b,
            sibling(dept.page, "jgzn.html"),
            f"{dept.name}机构职能",
            f"{dept.name}负责贯彻执行有关方针政策和法律法规，拟订本行业发展规划并组织实施。",
        )
        b.column(dept.column, dept.items, list_pages, per_page=per_page)
    leaders = _simple(
        b,
        "/ldzc/index.html",
        "领导之窗",
        f"{portal.place}人民政府领导分工：市长主持政府全面工作；副市长分管发展改革、财政、卫生健康等工作。",
    )
    interaction = _simple(b, "/hdjl/index.html", "互动交流", "领导信箱 在线访谈 征集调查 常见问题")
    site_map = "".join(
        f'<li><a href="{href}">{escape(label)}</a></li>' for label, href in b.nav + columns
    )
    b.page("/wzdt.html", "网站地图", f'<div class="wzdt"><ul>{site_map}</ul></div>')
    _simple(b, "/lxwm.html", "联系我们", f"{b.name}办公室 电话：0000-12345678（工作日 8:30-17:30）")
    b.route(
        "/css/style.css",
        lambda req: Reply(
            headers=[("Content-Type", "text/css")],
            body=b"body{font-family:SimSun,serif}.nav li{float:left}",
        ),
    )
    _home(b, portal, news, columns, leaders, interaction)


def _home(b: SiteBuilder, portal: Portal, news, columns, leaders: str, interaction: str) -> None:
    news_links = "".join(
        f'<li><a href="{href}">{escape(title)}</a><span>{day}</span></li>'
        for title, href, day in news
    )
    disclosure = "".join(
        f'<li><a href="{href}">{escape(label)}</a></li>' for label, href in columns[:5]
    )
    services = "".join(
        f'<li><a href="{href}" target="_blank">{label}</a></li>' for label, href in SERVICE_LINKS
    )
    extra = "".join(
        f'<li><a href="{href}">{escape(label)}</a></li>' for label, href in portal.home_extra
    )
    body = f"""<div class="banner"><img src="/images/banner.jpg" alt=""></div>
<div class="news"><h3><a href="{portal.news}">要闻动态</a></h3><ul>{news_links}</ul></div>
<div class="zwgk"><h3><a href="{portal.disclosure}">政府信息公开</a></h3><ul>{disclosure}</ul></div>
<div class="bsfw"><h3>办事服务</h3><ul>{services}</ul></div>
<div class="hdjl"><h3><a href="{interaction}">互动交流</a></h3><ul><li><a href="{leaders}">领导之窗</a></li>{extra}</ul></div>"""
    b.page("/", "首页", body, extra_headers=portal.home_headers)


def _news(b: SiteBuilder, portal: Portal) -> list[tuple[str, str, str]]:
    news = []
    for n, template in enumerate(NEWS_TEMPLATES, start=1):
        title = template.format(place=portal.place, unit=portal.unit)
        day = (date(2023, 3, 1) - timedelta(days=7 * n)).isoformat()
        path = portal.news_article.format(n=n)
        body = b.article_body(
            title,
            f"<p>{escape(title)}。会议强调，要坚持稳中求进工作总基调，扎实做好各项工作。</p>",
            day,
            f"{portal.place}融媒体中心",
        )
        b.page(path, title, body, crumbs=[("新闻中心", portal.news)])
        news.append((title, path, day))
    links = "".join(
        f'<li><a href="{href}">{escape(title)}</a><span>{day}</span></li>'
        for title, href, day in news
    )
    b.page(
        portal.news,
        "新闻中心",
        f'<ul class="list">{links}</ul>',
        crumbs=[("新闻中心", portal.news)],
    )
    return news


def sibling(path: str, name: str) -> str:
    """The path of ``name`` in the same directory as ``path``."""
    return path.rsplit("/", 1)[0] + "/" + name


def _simple(b: SiteBuilder, path: str, title: str, text: str) -> str:
    b.page(path, title, f'<div class="article"><h1>{escape(title)}</h1><p>{escape(text)}</p></div>')
    return path


def plain_list_pages(column_path: str, items: list[ListItem], per_page: int = 5):
    """A hand-made static list (no CMS): ``list.html``, ``list_2.html`` … with 上一页/下一页 links."""
    directory = column_path.rsplit("/", 1)[0] + "/"
    count = max(1, -(-len(items) // per_page))
    names = ["list.html"] + [f"list_{n}.html" for n in range(2, count + 1)]
    routes = {}
    for index, name in enumerate(names):
        chunk = items[index * per_page : (index + 1) * per_page]
        rows = (
            "".join(
                f'<tr><td><a href="{escape(i.href)}">{escape(i.title)}</a></td><td>{i.date}</td></tr>'
                for i in chunk
            )
            or '<tr><td colspan="2">暂无信息</td></tr>'
        )
        prev = f'<a href="{names[index - 1]}">上一页</a>' if index else ""
        nxt = f'<a href="{names[index + 1]}">下一页</a>' if index + 1 < count else ""
        html = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>'
            f'<body><table class="list">{rows}</table><div class="page">{prev} {nxt} '
            f"第{index + 1}页/共{count}页</div></body></html>"
        )
        routes[("GET", directory + name)] = _static(html)
    routes[("GET", column_path)] = routes[("GET", directory + "list.html")]
    return routes


def _static(html: str):
    def handler(req: Req) -> Reply:
        return html_reply(html)

    return handler


def calendar_trap(b: SiteBuilder, path: str, start: str = "2024-01-01") -> str:
    """An 活动日历 whose every day links to the next: endless unless a crawler limits it."""

    def day_page(req: Req) -> Reply:
        try:
            day = date.fromisoformat(req.args.get("date") or start)
        except ValueError:
            day = date.fromisoformat(start)
        following = (day + timedelta(days=1)).isoformat()
        html = b.render(
            f"活动日历 {day}",
            f'<div class="rili"><h2>{day:%Y年%m月%d日}</h2><p>今日无活动安排。</p>'
            f'<a href="{path}?date={following}">下一页</a></div>',
        )
        return html_reply(html, **b.page_options)

    b.route(path, day_page)
    b.expected.traps.append(b.url(path))
    return f"{path}?date={start}"
