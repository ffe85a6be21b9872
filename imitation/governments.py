"""A province and the governments under it, for discovery: one starting row finds them all.

江西省人民政府 (www.jiangxi.gov.cn) links its three cities three ways: 南昌 in a
``<select onchange="window.open(this.value)">`` menu, 九江 in a 设区市政府 link list, 赣州 only on
its 地方政府 page (by its short name). Each city links two counties — 南昌 in a county menu, 九江
in its 友情链接, 赣州 in a 区县政府 box — and each county has a department site of its own
(教育局, linked by that bare name from a 部门网站 box) and a department column on the county portal
(卫生健康局, in the 部门信息公开 directory). Every government and department publishes a report
or two. The neighbouring 湖南省人民政府 (linked in the province's footer) and 长沙市人民政府
(in 南昌's) publish reports too, which a crawl from 江西 must never fetch.

    farm = build_government_farm()
    with GovFarmServer(farm.hosts) as server:
        ...  # crawl farm.start_csv(); farm.reports: what must be found, under which site
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from html import escape
from itertools import count

from imitation.documents import seed_report
from imitation.farm_builder import FarmState, SiteBuilder
from imitation.farm_files import DocumentStore
from imitation.farm_portal import plain_list_pages
from imitation.model import Routes

PROVINCE = ("江西省人民政府", "360000", "www.jiangxi.gov.cn")
# city name, code, host, how the province links it, its counties (name, code, host)
CITIES = (
    (
        "南昌市",
        "360100",
        "www.nc.gov.cn",
        "select",
        (("南昌县", "360121", "www.ncx.gov.cn"), ("进贤县", "360124", "www.jinxian.gov.cn")),
    ),
    (
        "九江市",
        "360400",
        "www.jiujiang.gov.cn",
        "list",
        (("武宁县", "360423", "www.wuning.gov.cn"), ("修水县", "360424", "www.xiushui.gov.cn")),
    ),
    (
        "赣州市",
        "360700",
        "www.ganzhou.gov.cn",
        "page",
        (("信丰县", "360722", "www.jxxf.gov.cn"), ("大余县", "360723", "www.dayu.gov.cn")),
    ),
)
NEIGHBOURS = (
    ("湖南省人民政府", "430000", "www.hunan.gov.cn"),
    ("长沙市人民政府", "430100", "www.changsha.gov.cn"),
)
COLUMN = "/zwgk/nb/list.html"
SEEDS = ("000", "001", "002", "003", "004")


@dataclass(frozen=True)
class ExpectedFind:
    """A report a crawl from the province must archive, and the site it belongs to."""

    url: str
    site_name: str
    region_code: str
    level: str


@dataclass
class GovernmentFarm:
    hosts: dict[str, Routes]
    start: dict[str, str]  # the one sites-list row: the province
    reports: list[ExpectedFind] = field(default_factory=list)
    # Governments (name → region code) and departments the crawl must discover.
    governments: dict[str, str] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    outside_hosts: tuple[str, ...] = ()

    def start_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(self.start), lineterminator="\n")
        writer.writeheader()
        writer.writerow(self.start)
        return out.getvalue()


class _Builder:
    """Builds the farm's sites one by one, keeping the answer key beside them."""

    def __init__(self):
        self.store, self.state = DocumentStore(), FarmState()
        self.farm = GovernmentFarm(hosts={}, start={})
        self.seeds = iter(SEEDS * 20)
        self.pages = count(1001)
        self.builders: list[SiteBuilder] = []

    def site(self, host: str, name: str, code: str, level: str, friends=()) -> SiteBuilder:
        b = SiteBuilder(
            host=host,
            name=name,
            region_code=code,
            level=level,
            platform="plain",
            store=self.store,
            state=self.state,
            nav=[("首页", "/"), ("政府信息公开", "/zwgk/index.html"), ("新闻中心", "/xwzx/")],
            friends=list(friends),
        )
        self.builders.append(b)
        return b

    def reports(
        self,
        b: SiteBuilder,
        agency: str,
        place: str,
        code: str,
        level: str,
        *,
        column: str,
        years=(2022,),
        directory: str | None = None,
        outside: bool = False,
    ) -> None:
        """``agency``'s reports in a list at ``column``; their pages in ``directory`` (default
        the column's own)."""
        directory = directory or column.rsplit("/", 1)[0] + "/"
        items = []
        for year in years:
            report = seed_report(next(self.seeds), agency=agency, year=year, place=place)
            path = f"{directory}{year + 1}/{next(self.pages)}.html"
            items.append(b.report(path, report, content="html-table", date=f"{year + 1}-01-20"))
            if not outside:
                self.farm.reports.append(ExpectedFind(b.url(path), agency, code, level))
        b.column(column, items, plain_list_pages)

    def government(
        self,
        host,
        name,
        place,
        code,
        level,
        *,
        boxes="",
        friends=(),
        departments=(),
        nav_extra=(),
        outside=False,
    ) -> SiteBuilder:
        """A government's portal: home (with ``boxes``), 政府信息公开, its 年报 column."""
        b = self.site(host, name, code, level, friends)
        b.nav.extend(nav_extra)
        self.reports(
            b, name, place, code, level, column=COLUMN, years=(2022, 2023), outside=outside
        )
        directory = '<li><a href="/zwgk/bm/index.html">部门信息公开</a></li>' if departments else ""
        b.page(
            "/zwgk/index.html",
            "政府信息公开",
            f'<div class="xxgk"><h3>政府信息公开</h3><ul><li><a href="{COLUMN}">政府信息公开年报</a>'
            f'</li><li><a href="/zwgk/zn.html">政府信息公开指南</a></li>{directory}</ul></div>',
        )
        b.page(
            "/zwgk/zn.html",
            "政府信息公开指南",
            f"<p>{escape(name)}办公室负责政府信息公开工作。</p>",
        )
        b.page("/xwzx/", "新闻中心", f"<ul><li>{escape(place)}召开全体会议</li></ul>")
        b.page(
            "/",
            "首页",
            f'{boxes}<div class="zwgk"><h3>政务公开</h3><ul>'
            f'<li><a href="/zwgk/index.html">政府信息公开</a></li></ul></div>',
        )
        if not outside:
            self.farm.governments[name] = code
        return b

    def county(self, name: str, code: str, host: str, city: str, city_host: str, n: int):
        domain = host.removeprefix("www.")
        education, health = f"{name}教育局", f"{name}卫生健康局"
        b = self.government(
            host,
            f"{name}人民政府",
            name,
            code,
            "county",
            boxes=f'<div class="bmwz"><h3>部门网站</h3><ul><li><a href="http://jyj.{domain}/">'
            "教育局</a></li></ul></div>",
            friends=[
                (f"{city}人民政府", f"http://{city_host}/"),
                (PROVINCE[0], f"http://{PROVINCE[2]}/"),
            ],
            departments=True,
        )
        # The health bureau's column on the county portal; one county keeps its report pages
        # outside the column (/art/…), as many CMSs do.
        b.page(
            "/zwgk/bm/index.html",
            "部门信息公开",
            f'<div class="bmml"><h3>部门信息公开目录</h3><ul><li><a href="/zwgk/bm/wjj/index.html">'
            f"{health}</a></li></ul></div>",
        )
        b.page(
            "/zwgk/bm/wjj/index.html",
            health,
            f'<h2>{health}</h2><ul><li><a href="/zwgk/bm/wjj/nb/list.html">政府信息公开年报</a></li>'
            '<li><a href="/zwgk/index.html">政府信息公开</a></li></ul>',
        )
        self.reports(
            b,
            health,
            name,
            code,
            "county",
            column="/zwgk/bm/wjj/nb/list.html",
            directory="/art/" if n == 0 else None,
        )
        self.farm.departments[health] = code
        # The education bureau's own site.
        d = self.site(
            f"jyj.{domain}", education, code, "county", [(f"{name}人民政府", f"http://{host}/")]
        )
        self.reports(d, education, name, code, "county", column=COLUMN)
        d.page("/", "首页", f'<ul><li><a href="{COLUMN}">政府信息公开年报</a></li></ul>')
        d.page("/zwgk/index.html", "政府信息公开", f'<a href="{COLUMN}">政府信息公开年报</a>')
        d.page("/xwzx/", "新闻中心", "<ul><li>教育工作会议召开</li></ul>")
        self.farm.departments[education] = code


def _select(prompt: str, options: list[tuple[str, str]]) -> str:
    items = "".join(f'<option value="{href}">{escape(text)}</option>' for text, href in options)
    return (
        f'<div class="select-box"><select onchange="window.open(this.value)">'
        f'<option value="">{escape(prompt)}</option>{items}</select></div>'
    )


def _box(heading: str, links: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<li><a href="{href}" target="_blank">{escape(t)}</a></li>' for t, href in links
    )
    return f'<div class="links"><h3>{escape(heading)}</h3><ul>{items}</ul></div>'


def build_government_farm() -> GovernmentFarm:
    builder = _Builder()
    farm = builder.farm
    for name, code, host in NEIGHBOURS:
        builder.government(
            host, name, name.removesuffix("人民政府"), code, "province", outside=True
        )
    province_name, province_code, province_host = PROVINCE
    by_way = {}
    for city, code, host, way, counties in CITIES:
        by_way[way] = (city, host)
        county_links = [(county, f"http://{county_host}/") for county, _, county_host in counties]
        friends = [(PROVINCE[0], f"http://{province_host}/")]
        boxes = ""
        if way == "select":
            boxes = _select("县区政府网站", county_links)
            friends.append((NEIGHBOURS[1][0], f"http://{NEIGHBOURS[1][2]}/"))
        elif way == "list":
            friends = [(f"{c}人民政府", href) for c, href in county_links] + friends
        else:
            boxes = _box("区县政府", county_links)
        builder.government(
            host, f"{city}人民政府", city, code, "city", boxes=boxes, friends=friends
        )
        for n, (county, county_code, county_host) in enumerate(counties):
            builder.county(county, county_code, county_host, city, host, n)
    select_city, list_city, page_city = by_way["select"], by_way["list"], by_way["page"]
    p = builder.government(
        province_host,
        province_name,
        "江西省",
        province_code,
        "province",
        boxes=_select("市县政府网站", [(select_city[0], f"http://{select_city[1]}/")])
        + _box("设区市政府", [(f"{list_city[0]}人民政府", f"http://{list_city[1]}/")]),
        friends=[
            (NEIGHBOURS[0][0], f"http://{NEIGHBOURS[0][2]}/"),
            ("中国政府网", "http://www.gov.cn/"),
        ],
        nav_extra=[("地方政府", "/dfzf/index.html")],
    )
    p.page(
        "/dfzf/index.html",
        "地方政府",
        _box("地方政府网站", [(page_city[0].removesuffix("市"), f"http://{page_city[1]}/")]),
    )
    farm.governments.pop(province_name)
    farm.start = {
        "name": province_name,
        "region_code": province_code,
        "level": "province",
        "url": f"http://{province_host}/",
        "allowed_domains": "",
        "robots": "obey",
    }
    farm.outside_hosts = tuple(host for _, _, host in NEIGHBOURS)
    # Routes are complete only now (a builder replaces its dict as routes are added).
    farm.hosts = {b.host: b.routes for b in builder.builders}
    return farm
