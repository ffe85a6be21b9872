"""www.changle.gov.cn — 昌乐县人民政府 on the province's jpaas platform.

A column page ``/col/col1229371234/index.html`` is an empty container; its items come from the
JSON API ``/api-gateway/jpaas-publish-server/front/page/build/unit`` (shared by all columns).
Articles are ``/art/2021/1/22/art_1229371234_10001.html``; uploads ``/upload/2021/01/….pdf``.
Quirks: a department's old report page in GBK with no charset anywhere, a PDF sent with
``Content-Encoding: gzip``, a list item whose article was deleted (404).
"""

from __future__ import annotations

from itertools import count

from imitation.documents import seed_report
from imitation.farm_builder import FarmState, SiteBuilder, site_nav
from imitation.farm_files import Attachment, DocumentStore
from imitation.farm_lookalikes import lookalikes
from imitation.farm_portal import Department, Portal, build_portal
from imitation.model import ListItem
from imitation.platforms import jsonapi

HOST = "www.changle.gov.cn"
GOV = "昌乐县人民政府"
COLUMN = "/col/col1229371234/index.html"


def build(store: DocumentStore, state: FarmState) -> SiteBuilder:
    b = SiteBuilder(
        host=HOST,
        name=GOV,
        region_code="370725",
        level="county",
        platform="jsonapi",
        store=store,
        state=state,
        nav=site_nav(
            ("政务公开", "/col/col1229371200/index.html"),
            ("新闻中心", "/col/col1229371201/index.html"),
        ),
        friends=[
            ("中国政府网", "http://www.gov.cn/"),
            ("山东省人民政府", "http://www.shandong.gov.cn/"),
            ("潍坊市人民政府", "http://www.weifang.gov.cn/"),
            ("安丘市人民政府", "http://www.anqiu.gov.cn/"),
        ],
    )
    ids = count(10001)

    def article(column: str, day: str) -> str:
        year, month, dom = (int(part) for part in day.split("-"))
        return f"/art/{year}/{month}/{dom}/art_{column.split('/')[2].removeprefix('col')}_{next(ids)}.html"

    crumbs = [("政务公开", "/col/col1229371200/index.html"), ("政府信息公开年报", COLUMN)]
    r2020 = seed_report("000", agency=GOV)
    r2022 = seed_report("003", agency=GOV, year=2022, place="昌乐县")
    deleted = b.dead_link(article(COLUMN, "2022-02-15"))
    items = [
        b.report(
            article(COLUMN, "2020-01-17"),
            seed_report("000", agency=GOV, year=2019),
            content="html-table",
            date="2020-01-17",
            crumbs=crumbs,
        ),
        b.report(
            article(COLUMN, "2021-01-22"),
            r2020,
            content="html-text",
            date="2021-01-22",
            crumbs=crumbs,
            attachments=[
                Attachment("pdf", f"{r2020.title}.pdf", "/upload/2021/01/20210122nb.pdf", gzip=True)
            ],
        ),
        b.report(
            article(COLUMN, "2022-01-21"),
            seed_report("002", agency=GOV, year=2021, place="昌乐县"),
            content="html-table",
            date="2022-01-21",
            crumbs=crumbs,
        ),
        b.report(
            article(COLUMN, "2023-01-19"),
            r2022,
            content="attachment",
            date="2023-01-19",
            crumbs=crumbs,
            attachments=[
                Attachment("docx", f"{r2022.title}.docx", "/upload/2023/01/20230119nb.docx")
            ],
        ),
        b.report(
            article(COLUMN, "2024-01-23"),
            seed_report("002", agency=GOV, year=2023, place="昌乐县"),
            content="html-table",
            date="2024-01-23",
            crumbs=crumbs,
        ),
        b.reposted_report(
            article(COLUMN, "2021-02-05"), seed_report("001"), date="2021-02-05", crumbs=crumbs
        ),
        ListItem("关于昌乐县2021年政府信息公开工作年度报告的更正说明", deleted, "2022-02-15"),
        *lookalikes(
            b,
            [
                ("work_report", 2023),
                ("rule_of_law", 2022),
                ("summary", 2021),
                ("final_accounts", 2023),
                ("notice", 2023),
                ("interpretation", 2021),
            ],
            place="昌乐县",
            unit="县",
            path_for=lambda day: article(COLUMN, day),
            crumbs=crumbs,
        ),
    ]

    health = Department(
        "昌乐县卫生健康局", "/col/col1229371300/index.html", "/col/col1229371301/index.html"
    )
    education = Department(
        "昌乐县教育局", "/col/col1229371310/index.html", "/col/col1229371311/index.html"
    )
    health.items = [
        b.report(
            article(health.column, "2021-01-22"),
            seed_report("000"),
            content="html-text",
            date="2021-01-22",
        ),
        b.report(
            article(health.column, "2022-01-20"),
            seed_report("000", year=2021),
            content="html-table",
            date="2022-01-20",
        ),
    ]
    education.items = [
        # An old static page: GBK bytes, "Content-Type: text/html" and no <meta charset>.
        b.report(
            "/zwgk/jyj/2020/0115/nb2019.htm",
            seed_report("000", agency="昌乐县教育局", year=2019),
            content="html-text",
            date="2020-01-15",
            charset=None,
        ),
    ]
    b.robots("User-agent: *\nAllow: /\n")
    portal = Portal(
        place="昌乐县",
        unit="县",
        disclosure="/col/col1229371200/index.html",
        annual_column=COLUMN,
        directory="/col/col1229371299/index.html",
        news="/col/col1229371201/index.html",
        news_article="/art/2023/2/{n}/art_1229371201_9{n}.html",
        home_extra=[("旧版网站", b.dead_link("/old/"))],
    )
    b.column(COLUMN, items, jsonapi.list_pages)
    build_portal(b, portal, [health, education], jsonapi.list_pages)
    return b
