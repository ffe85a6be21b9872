"""www.anqiu.gov.cn — 安丘市人民政府 on TRS WCM.

TRS publishes static files: a column is ``/xxgk/XXGK/XXGKNB/index.html`` (+ ``index_1.html`` …)
and an article ``./202201/t20220127_6016733.html`` next to it, with its files named
``P020220127…pdf`` in the same month directory. Quirks here: robots.txt disallowing a staging
directory that holds a copy of a report, an old 年报 URL that 301s to the new column, an endless
活动日历, and the reports of 昌乐县 and 潍坊市 reposted in the column.
"""

from __future__ import annotations

from itertools import count

from imitation.documents import seed_report
from imitation.farm_builder import FarmState, SiteBuilder, site_nav
from imitation.farm_files import Attachment, DocumentStore
from imitation.farm_lookalikes import lookalikes
from imitation.farm_portal import Department, Portal, build_portal, calendar_trap
from imitation.model import ListItem
from imitation.platforms import trs

HOST = "www.anqiu.gov.cn"
GOV = "安丘市人民政府"
COLUMN = "/xxgk/XXGK/XXGKNB/"


def build(store: DocumentStore, state: FarmState) -> SiteBuilder:
    b = SiteBuilder(
        host=HOST,
        name=GOV,
        region_code="370784",
        level="county",
        platform="trs",
        store=store,
        state=state,
        nav=site_nav(("政务公开", "/xxgk/"), ("新闻中心", "/xwzx/")),
        friends=[
            ("中国政府网", "http://www.gov.cn/"),
            ("山东省人民政府", "http://www.shandong.gov.cn/"),
            ("潍坊市人民政府", "http://www.weifang.gov.cn/"),
            ("昌乐县人民政府", "http://www.changle.gov.cn/"),
        ],
    )
    ids = count(5812301)

    def article(directory: str, day: str) -> str:
        return f"{directory}{day[:7].replace('-', '')}/t{day.replace('-', '')}_{next(ids)}.html"

    def relative(items: list[ListItem], directory: str) -> list[ListItem]:
        # TRS writes list links relative to the column: ./202201/t20220127_6016733.html
        return [
            ListItem(i.title, "./" + i.href.removeprefix(directory), i.date)
            if i.href.startswith(directory)
            else i
            for i in items
        ]

    def pdf_path(page: str, day: str) -> str:
        return f"{page.rsplit('/', 1)[0]}/P0{day.replace('-', '')}{next(ids)}.pdf"

    crumbs = [("政府信息公开", "/xxgk/"), ("政府信息公开年报", COLUMN)]
    r2019 = seed_report("001", agency=GOV, year=2019)
    r2020 = seed_report("001", agency=GOV, year=2020)
    r2021 = seed_report("003", agency=GOV, year=2021, place="安丘市")
    r2022 = seed_report("002", agency=GOV, year=2022, place="安丘市")
    r2023 = seed_report("003", agency=GOV, year=2023, place="安丘市")
    p2020 = article(COLUMN, "2021-01-28")
    p2021 = article(COLUMN, "2022-01-27")
    items = [
        b.report(
            article(COLUMN, "2020-01-20"),
            r2019,
            content="html-table",
            date="2020-01-20",
            crumbs=crumbs,
        ),
        b.report(
            p2020,
            r2020,
            content="html-text",
            date="2021-01-28",
            crumbs=crumbs,
            attachments=[
                Attachment(
                    "pdf",
                    f"{r2020.title}.pdf",
                    "./" + pdf_path(p2020, "2021-01-28").rsplit("/", 1)[1],
                )
            ],
        ),
        b.report(
            p2021,
            r2021,
            content="attachment",
            date="2022-01-27",
            crumbs=crumbs,
            attachments=[
                Attachment(
                    "docx",
                    f"{r2021.title}.docx",
                    pdf_path(p2021, "2022-01-27").replace(".pdf", ".docx"),
                ),
                Attachment("pdf", f"{r2021.title}.pdf", pdf_path(p2021, "2022-01-27")),
            ],
        ),
        b.report(
            article(COLUMN, "2023-01-29"),
            r2022,
            content="html-table",
            date="2023-01-29",
            crumbs=crumbs,
        ),
        b.report(
            article(COLUMN, "2024-01-26"),
            r2023,
            content="html-table",
            date="2024-01-26",
            crumbs=crumbs,
        ),
        b.reposted_report(
            article(COLUMN, "2021-02-02"), seed_report("000"), date="2021-02-02", crumbs=crumbs
        ),
        b.reposted_report(
            article(COLUMN, "2022-02-10"),
            seed_report("003", agency="潍坊市人民政府", place="潍坊市"),
            date="2022-02-10",
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
                ("interpretation", 2022),
            ],
            place="安丘市",
            unit="市",
            path_for=lambda day: article(COLUMN, day),
            crumbs=crumbs,
        ),
    ]

    health = Department(
        "安丘市卫生健康局", "/xxgk/bmxxgk/swsjkj/index.html", "/xxgk/bmxxgk/swsjkj/nb/"
    )
    education = Department("安丘市教育局", "/xxgk/bmxxgk/sjyj/index.html", "/xxgk/bmxxgk/sjyj/nb/")
    finance = Department("安丘市财政局", "/xxgk/bmxxgk/sczj/index.html", "/xxgk/bmxxgk/sczj/nb/")
    native = seed_report("001")
    h2019 = seed_report("001", year=2019)
    p_h2019 = article(health.column, "2020-01-21")
    health.items = relative(
        [
            b.report(
                article(health.column, "2021-01-28"),
                native,
                content="html-table",
                date="2021-01-28",
                attachments=[
                    Attachment(
                        "xls",
                        "2020年政府信息公开工作年度报告附表.xls",
                        "/upload/2021/01/nbfb2020.xls",
                    )
                ],
            ),
            b.report(
                p_h2019,
                h2019,
                content="attachment",
                date="2020-01-21",
                attachments=[
                    Attachment(
                        "docx",
                        f"{h2019.title}.docx",
                        "./"
                        + pdf_path(p_h2019, "2020-01-21")
                        .rsplit("/", 1)[1]
                        .replace(".pdf", ".docx"),
                    )
                ],
            ),
            b.report(
                article(health.column, "2022-01-25"),
                seed_report("001", year=2021),
                content="html-text",
                date="2022-01-25",
            ),
        ],
        health.column,
    )
    education.items = relative(
        [
            b.report(
                article(education.column, "2022-01-20"),
                seed_report("002", agency="安丘市教育局", year=2021, place="安丘市"),
                content="html-table",
                date="2022-01-20",
            ),
        ],
        education.column,
    )
    finance.items = relative(
        lookalikes(
            b,
            [("final_accounts", 2022), ("budget", 2023)],
            place="安丘市",
            unit="市",
            path_for=lambda day: article(finance.column, day),
        ),
        finance.column,
    )

    staging = "/xxgk/test/nb2021.html"
    b.decoy(
        staging,
        f"（测试）{r2021.title}",
        "robots_disallowed",
        "测试页面，请勿转载。\n" + r2021.text[:400],
        date="2022-01-26",
    )
    b.expected.disallowed.append(b.url(staging))
    b.robots("User-agent: *\nDisallow: /xxgk/test/\nDisallow: /search.jsp\n")
    b.redirect("/zwgk/nb/", b.url(COLUMN))
    calendar = calendar_trap(b, "/hdjl/rl.jsp")
    portal = Portal(
        place="安丘市",
        unit="市",
        disclosure="/xxgk/",
        annual_column=COLUMN,
        directory="/xxgk/bmxxgk/",
        news="/xwzx/",
        news_article="/xwzx/jryw/202302/t2023020{n}_60{n}1234.html",
        home_extra=[
            ("年报专栏", "/zwgk/nb/"),
            ("活动日历", calendar),
            ("旧版网站", b.dead_link("/old/index.html")),
        ],
        # The disclosure page browses by date through the same endless calendar.
        disclosure_extra=[("测试栏目", staging), ("信息公开目录", calendar)],
    )
    b.column(COLUMN, relative(items, COLUMN), trs.list_pages)
    build_portal(b, portal, [health, education, finance], trs.list_pages)
    return b
