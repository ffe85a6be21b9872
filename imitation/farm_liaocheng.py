"""wjw.liaocheng.gov.cn — 聊城市卫生健康委员会 on VSB (博达).

VSB lists are ``/xxgk/zfxxgknb.htm`` then ``/xxgk/zfxxgknb/4.htm`` counting down; articles are
``/info/1141/23456.htm``; attachments come from ``/system/_content/download.jsp?urltype=news.
DownloadAttachUrl&owner=…&wbfileid=…`` (name percent-encoded in ``filename=``) and from an older
``/download.jsp?id=…`` that writes the name as raw GBK bytes. One of those refuses requests
without the report page as ``Referer``. nginx gzips every page; ``/zwgk.jsp`` 302s with a
relative ``Location``.
"""

from __future__ import annotations

from itertools import count

from imitation.documents import seed_report
from imitation.farm_builder import FarmState, SiteBuilder, site_nav
from imitation.farm_files import Attachment, DocumentStore
from imitation.farm_lookalikes import lookalikes
from imitation.farm_portal import Department, Portal, build_portal
from imitation.platforms import vsb

HOST = "wjw.liaocheng.gov.cn"
AGENCY = "聊城市卫生健康委员会"
COLUMN = "/xxgk/zfxxgknb.htm"


def build(store: DocumentStore, state: FarmState) -> SiteBuilder:
    b = SiteBuilder(
        host=HOST,
        name=AGENCY,
        region_code="371500",
        level="city",
        platform="vsb",
        store=store,
        state=state,
        page_options={"gzip": True},
        nav=site_nav(("信息公开", "/xxgk.htm"), ("卫健要闻", "/xwzx.htm")),
        friends=[
            ("国家卫生健康委员会", "http://www.nhc.gov.cn/"),
            ("山东省卫生健康委员会", "http://wsjkw.shandong.gov.cn/"),
            ("聊城市人民政府", "http://www.liaocheng.gov.cn/"),
        ],
    )
    ids = count(23456)

    def article(day: str) -> str:
        return f"/info/1141/{next(ids)}.htm"

    def vsb_download() -> str:
        return (
            f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1524{next(ids)}"
            f"&wbfileid={next(ids) * 7}"
        )

    def legacy_download() -> str:
        return f"/download.jsp?id={next(ids) % 1000}"

    crumbs = [("信息公开", "/xxgk.htm"), ("政府信息公开年报", COLUMN)]
    r2020 = seed_report("000", agency=AGENCY, year=2020, place="聊城市")
    r2021 = seed_report("003")
    r2023 = seed_report("002", agency=AGENCY, year=2023, place="聊城市")
    items = [
        b.report(
            article("2020-01-31"),
            seed_report("001", agency=AGENCY, year=2019, place="聊城市"),
            content="html-table",
            date="2020-01-31",
            crumbs=crumbs,
        ),
        b.report(
            article("2021-01-29"),
            r2020,
            content="attachment",
            date="2021-01-29",
            crumbs=crumbs,
            attachments=[
                Attachment(
                    "zip",
                    f"{r2020.title}.zip",
                    legacy_download(),
                    name_source="gbk",
                    link_text="年报全文及附表（压缩包）",
                    needs_referer=True,
                )
            ],
        ),
        b.report(
            article("2022-01-28"),
            r2021,
            content="html-text",
            date="2022-01-28",
            crumbs=crumbs,
            attachments=[
                Attachment(
                    "pdf",
                    f"{r2021.title}.pdf",
                    vsb_download(),
                    name_source="percent",
                    link_text="附件【PDF】",
                )
            ],
        ),
        b.report(
            article("2023-01-20"),
            seed_report("003", year=2022),
            content="html-table",
            date="2023-01-20",
            crumbs=crumbs,
        ),
        b.report(
            article("2024-01-19"),
            r2023,
            content="attachment",
            date="2024-01-19",
            crumbs=crumbs,
            attachments=[
                Attachment(
                    "docx",
                    f"{r2023.title}.docx",
                    legacy_download(),
                    name_source="gbk",
                    link_text="下载附件",
                )
            ],
        ),
        b.reposted_report(
            article("2022-03-01"),
            seed_report("001", agency="山东省卫生健康委员会", year=2021, place="山东省"),
            date="2022-03-01",
            crumbs=crumbs,
        ),
        *lookalikes(
            b,
            [
                ("rule_of_law", 2023),
                ("summary", 2022),
                ("final_accounts", 2022),
                ("notice", 2022),
                ("work_report", 2023),
                ("guide", 2020),
                ("budget", 2023),
            ],
            place="聊城市",
            unit="市",
            path_for=article,
            crumbs=crumbs,
        ),
    ]

    enforcement = Department("聊城市卫生健康综合执法支队", "/zsdw/zfzd.htm", "/zsdw/zfzd/nb.htm")
    enforcement.items = [
        b.report(
            article("2022-01-26"),
            seed_report("003", agency="聊城市卫生健康综合执法支队"),
            content="html-table",
            date="2022-01-26",
        ),
    ]
    b.redirect("/zwgk.jsp", "xxgk.htm", status=302)
    portal = Portal(
        place="聊城市",
        unit="市",
        disclosure="/xxgk.htm",
        annual_column=COLUMN,
        directory="/zsdw.htm",
        news="/xwzx.htm",
        news_article="/info/1021/1000{n}.htm",
        home_extra=[("政务公开", "/zwgk.jsp"), ("健康聊城专题", b.dead_link("/ztzl/jklc.htm"))],
    )
    b.column(COLUMN, items, vsb.list_pages)
    build_portal(b, portal, [enforcement], vsb.list_pages)
    return b
