"""www.hy.gov.cn — 海原县人民政府 on Hanweb (大汉) JCMS.

Columns are ``/col/col5812/index.html`` with the list in a datastore XML island and later pages
from ``POST /module/web/jpage/dataproxy.jsp`` (one endpoint shared by every column); articles
are ``/art/2021/1/28/art_5812_1234567.html``; files come from ``/module/download/downfile.jsp
?classid=0&filename=…`` whose real name is only in ``Content-Disposition: attachment;
filename*=UTF-8''…``. The Tomcat behind it sends every page chunked, sets two cookies on the home
page, puts ``;jsessionid=`` in menu links, and one report page answers 500 on first request.
"""

from __future__ import annotations

from itertools import count

from imitation.documents import seed_report
from imitation.farm_builder import FarmState, SiteBuilder, site_nav
from imitation.farm_files import Attachment, DocumentStore
from imitation.farm_lookalikes import lookalikes
from imitation.farm_portal import Department, Portal, build_portal
from imitation.platforms import hanweb

HOST = "www.hy.gov.cn"
GOV = "海原县人民政府"
SESSION = ";jsessionid=8E1F0C2B7A9D4E6F5A3B2C1D0E9F8A7B"
COLUMN = "/col/col5812/index.html"
DOWNFILE = "/module/download/downfile.jsp"


def build(store: DocumentStore, state: FarmState) -> SiteBuilder:
    b = SiteBuilder(
        host=HOST,
        name=GOV,
        region_code="640522",
        level="county",
        platform="hanweb",
        store=store,
        state=state,
        page_options={"chunked": True},
        nav=site_nav(
            ("政务公开", f"/col/col5800/index.html{SESSION}"),
            ("新闻中心", f"/col/col5801/index.html{SESSION}"),
        ),
        friends=[
            ("中国政府网", "http://www.gov.cn/"),
            ("宁夏回族自治区人民政府", "http://www.nx.gov.cn/"),
            ("中卫市人民政府", "http://www.nxzw.gov.cn/"),
        ],
    )
    ids = count(1234567)

    def article(column: str, day: str) -> str:
        year, month, dom = (int(part) for part in day.split("-"))
        col = column.split("/")[2].removeprefix("col")
        return f"/art/{year}/{month}/{dom}/art_{col}_{next(ids)}.html"

    def downfile(kind: str, day: str) -> str:
        return f"{DOWNFILE}?classid=0&filename={day[2:].replace('-', '')}{next(ids)}.{kind}"

    crumbs = [("政务公开", "/col/col5800/index.html"), ("政府信息公开年报", COLUMN)]
    r2021 = seed_report("002", agency=GOV, year=2021, place="海原县")
    items = [
        b.report(
            article(COLUMN, "2020-01-22"),
            seed_report("004", agency=GOV, year=2019),
            content="html-table",
            date="2020-01-22",
            crumbs=crumbs,
        ),
        b.report(
            article(COLUMN, "2021-01-29"),
            seed_report("004", agency=GOV),
            content="html-text",
            date="2021-01-29",
            crumbs=crumbs,
            flaky=True,
        ),
        b.report(
            article(COLUMN, "2022-01-28"),
            r2021,
            content="attachment",
            date="2022-01-28",
            crumbs=crumbs,
            attachments=[
                Attachment(
                    "doc",
                    f"{r2021.title}.doc",
                    downfile("doc", "2022-01-28"),
                    name_source="rfc5987",
                    link_text="附件下载",
                )
            ],
        ),
        b.report(
            article(COLUMN, "2023-01-30"),
            seed_report("003", agency=GOV, year=2022, place="海原县"),
            content="html-table",
            date="2023-01-30",
            crumbs=crumbs,
        ),
        b.report(
            article(COLUMN, "2024-01-25"),
            seed_report("002", agency=GOV, year=2023, place="海原县"),
            content="html-text",
            date="2024-01-25",
            crumbs=crumbs,
        ),
        b.reposted_report(
            article(COLUMN, "2022-02-08"),
            seed_report("003", agency="中卫市人民政府", place="中卫市"),
            date="2022-02-08",
            crumbs=crumbs,
        ),
        *lookalikes(
            b,
            [
                ("work_report", 2023),
                ("rule_of_law", 2023),
                ("notice", 2022),
                ("summary", 2023),
                ("final_accounts", 2022),
                ("guide", 2021),
            ],
            place="海原县",
            unit="县",
            path_for=lambda day: article(COLUMN, day),
            crumbs=crumbs,
        ),
    ]

    health = Department("海原县卫生健康局", "/col/col5830/index.html", "/col/col5831/index.html")
    education = Department("海原县教育局", "/col/col5840/index.html", "/col/col5841/index.html")
    native = seed_report("004")
    e2022 = seed_report("002", agency="海原县教育局", year=2022, place="海原县")
    health.items = [
        b.report(
            article(health.column, "2021-01-26"),
            native,
            content="html-table",
            date="2021-01-26",
            attachments=[
                Attachment(
                    "doc",
                    f"{native.title}.doc",
                    downfile("doc", "2021-01-26"),
                    name_source="rfc5987",
                    link_text=f"{native.title}（word版）",
                )
            ],
        ),
        b.report(
            article(health.column, "2022-01-24"),
            seed_report("004", year=2021),
            content="html-text",
            date="2022-01-24",
        ),
    ]
    education.items = [
        b.report(
            article(education.column, "2023-01-18"),
            e2022,
            content="attachment",
            date="2023-01-18",
            attachments=[
                Attachment(
                    "pdf",
                    f"{e2022.title}.pdf",
                    downfile("pdf", "2023-01-18"),
                    name_source="rfc5987",
                    link_text="点击下载",
                )
            ],
        ),
    ]
    b.robots("User-agent: *\nDisallow:\n")
    portal = Portal(
        place="海原县",
        unit="县",
        disclosure="/col/col5800/index.html",
        annual_column=COLUMN + SESSION,
        directory="/col/col5820/index.html",
        news="/col/col5801/index.html",
        news_article="/art/2023/2/{n}/art_5801_77{n}.html",
        home_extra=[("政民互动", b.dead_link("/module/idea/que_index.jsp"))],
        home_headers=[
            ("Set-Cookie", "JSESSIONID=8E1F0C2B7A9D4E6F5A3B2C1D0E9F8A7B; Path=/; HttpOnly"),
            ("Set-Cookie", "SERVERID=a1b2c3d4e5f6|1674972000|1674972000; Path=/"),
        ],
    )
    b.column(COLUMN, items, hanweb.list_pages)
    build_portal(b, portal, [health, education], hanweb.list_pages)
    return b
