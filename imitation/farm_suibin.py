"""www.suibin.gov.cn — 绥滨县人民政府, hand-made static pages and a flip-book.

No CMS: lists are ``list.html``, ``list_2.html`` … with 上一页/下一页 links; articles are
``/zwgk/nb/2022/0125123.html``; uploads keep the time-stamp names an upload form gave them
(``/uploadfiles/2023/01/20230125093012345.wps``). The 2021 report exists only as a FlipHTML5
book the list links to directly; the 2019 one only as a scanned JPG. Files here are WPS, XLS
and JPG.
"""

from __future__ import annotations

from itertools import count

from imitation.documents import seed_report
from imitation.farm_builder import FarmState, SiteBuilder, site_nav
from imitation.farm_files import Attachment, DocumentStore
from imitation.farm_lookalikes import lookalikes
from imitation.farm_portal import Department, Portal, build_portal, plain_list_pages
from imitation.platforms import flipbook

HOST = "www.suibin.gov.cn"
GOV = "绥滨县人民政府"
COLUMN = "/zwgk/nb/list.html"


def build(store: DocumentStore, state: FarmState) -> SiteBuilder:
    b = SiteBuilder(
        host=HOST,
        name=GOV,
        region_code="230422",
        level="county",
        platform="plain",
        store=store,
        state=state,
        nav=site_nav(("政务公开", "/zwgk/index.html"), ("新闻中心", "/xwzx/list.html")),
        friends=[
            ("中国政府网", "http://www.gov.cn/"),
            ("黑龙江省人民政府", "http://www.hlj.gov.cn/"),
            ("鹤岗市人民政府", "http://www.hegang.gov.cn/"),
        ],
    )
    ids = count(123)

    def article(directory: str, day: str) -> str:
        return f"{directory}{day[:4]}/{day[5:7]}{day[8:]}{next(ids)}.html"

    def upload(kind: str, day: str) -> str:
        return f"/uploadfiles/{day[:4]}/{day[5:7]}/{day.replace('-', '')}0930{next(ids)}.{kind}"

    crumbs = [("政务公开", "/zwgk/index.html"), ("政府信息公开年报", COLUMN)]
    r2019 = seed_report("004", agency=GOV, year=2019, place="绥滨县")
    r2022 = seed_report("002", agency=GOV, year=2022)
    r2023 = seed_report("003", agency=GOV, year=2023, place="绥滨县")
    items = [
        b.report(
            article("/zwgk/nb/", "2020-01-21"),
            r2019,
            content="attachment",
            date="2020-01-21",
            crumbs=crumbs,
            attachments=[Attachment("jpg", f"{r2019.title}.jpg", upload("jpg", "2020-01-21"))],
        ),
        b.report(
            article("/zwgk/nb/", "2021-01-27"),
            seed_report("004", agency=GOV, place="绥滨县"),
            content="html-table",
            date="2021-01-27",
            crumbs=crumbs,
        ),
        b.flipbook_report(
            "/zwgk/nb/flipbook/2021/index.html",
            seed_report("002", agency=GOV),
            flipbook.book_pages,
            date="2022-01-26",
        ),
        b.report(
            article("/zwgk/nb/", "2023-01-25"),
            r2022,
            content="html-text",
            date="2023-01-25",
            crumbs=crumbs,
            attachments=[Attachment("wps", f"{r2022.title}.wps", upload("wps", "2023-01-25"))],
        ),
        b.report(
            article("/zwgk/nb/", "2024-01-24"),
            r2023,
            content="html-table",
            date="2024-01-24",
            crumbs=crumbs,
            attachments=[Attachment("xls", f"{r2023.title}附表.xls", upload("xls", "2024-01-24"))],
        ),
        b.reposted_report(
            article("/zwgk/nb/", "2022-02-16"),
            seed_report("003", agency="鹤岗市人民政府", place="鹤岗市"),
            date="2022-02-16",
            crumbs=crumbs,
        ),
        *lookalikes(
            b,
            [
                ("work_report", 2023),
                ("rule_of_law", 2023),
                ("summary", 2022),
                ("final_accounts", 2022),
                ("notice", 2023),
                ("guide", 2022),
            ],
            place="绥滨县",
            unit="县",
            path_for=lambda day: article("/zwgk/nb/", day),
            crumbs=crumbs,
        ),
    ]

    health = Department("绥滨县卫生健康局", "/zwgk/bm/wjj/index.html", "/zwgk/bm/wjj/nb/list.html")
    education = Department("绥滨县教育局", "/zwgk/bm/jyj/index.html", "/zwgk/bm/jyj/nb/list.html")
    health.items = [
        b.report(
            article("/zwgk/bm/wjj/nb/", "2022-01-20"),
            seed_report("002"),
            content="html-text",
            date="2022-01-20",
        ),
        b.report(
            article("/zwgk/bm/wjj/nb/", "2023-01-16"),
            seed_report("002", year=2022),
            content="html-table",
            date="2023-01-16",
        ),
    ]
    # The education bureau's column is empty: "暂无信息".
    portal = Portal(
        place="绥滨县",
        unit="县",
        disclosure="/zwgk/index.html",
        annual_column=COLUMN,
        directory="/zwgk/bm/index.html",
        news="/xwzx/list.html",
        news_article="/xwzx/2023/020{n}.html",
        home_extra=[("县长信箱", b.dead_link("/hdjl/xzxx.jsp"))],
    )
    b.column(COLUMN, items, plain_list_pages)
    build_portal(b, portal, [health, education], plain_list_pages)
    return b
