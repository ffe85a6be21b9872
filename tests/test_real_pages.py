"""The list parsers on real government pages (tests/real_pages/, provenance in its README)."""

from __future__ import annotations

import re
from pathlib import Path

import scrapy
from scrapy.http import HtmlResponse

from crawler.listings import parse_listing
from crawler.listings.columns import page_column_kind
from nianbao.titles import TitleKind, classify_title

PAGES = Path(__file__).parent / "real_pages"
# Where the page sat (its links are relative: ./YYYYMM/t….html, ../, ../../).
ORDOS_URL = "http://egb.ordos.gov.cn/xxgk/xxgknb/"
ORDOS_ITEMS = 10
ORDOS_REPORTS = {
    "鄂尔多斯市2019年政府信息公开工作年度报告",
    "鄂尔多斯市人民政府办公室2019年政府信息公开工作年度报告",
    "鄂尔多斯市2018年政府信息公开年度报告",
    "内蒙古自治区2018年政府信息公开工作年度报告",
}


def response(url: str, html: str, **meta) -> HtmlResponse:
    return HtmlResponse(
        url=url, body=html.encode("utf-8"), encoding="utf-8", request=scrapy.Request(url, meta=meta)
    )


def ordos_page() -> str:
    return (PAGES / "ordos_egb_xxgknb_index.html").read_text(encoding="utf-8")


def as_served(html: str) -> str:
    """The page as the server sent it: without the pager the browser's script wrote after it."""
    return re.sub(r"(//跳转页数脚本结束\s*</script>).*?(</td>)", r"\1\2", html, flags=re.S)


def items_of(listing) -> list:
    return [link for link in listing.links if re.search(r"/\d{6}/t\d{8}_\d+\.html$", link.url)]


def check_ordos(listing) -> None:
    items = items_of(listing)
    assert len(items) == ORDOS_ITEMS and all(link.date for link in items)
    reports = {link.text for link in items if classify_title(link.text) is TitleKind.REPORT}
    assert reports == ORDOS_REPORTS
    assert [page.url for page in listing.pages] == [ORDOS_URL + "index_1.html"]


def test_every_item_and_the_next_page_of_a_saved_trs_list():
    listing = parse_listing(response(ORDOS_URL, ordos_page(), via_text="信息公开年报"))
    check_ordos(listing)


def test_the_same_list_as_served_reaches_its_next_page_from_the_script_alone():
    served = as_served(ordos_page())
    assert 'href="index_1.html"' not in served  # only the script knows the next page now
    listing = parse_listing(response(ORDOS_URL, served))
    check_ordos(listing)
    assert listing.platforms == ["trs"] and listing.announced_pages == 2


def test_the_page_is_known_as_a_report_column_by_its_breadcrumb():
    assert page_column_kind(response(ORDOS_URL, ordos_page())) == "report"


# 平潭综合实验区, 政府信息公开年报 (Fujian's TRS platform): the first 10 of 20 reports are in
# the page, the pager is an empty avalon element the script fills from its pagebar settings.
PINGTAN_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
PINGTAN_YEARS = range(2016, 2026)


def pingtan_listing():
    html = (PAGES / "pingtan_zfxxgknb_index.html").read_text(encoding="utf-8")
    return parse_listing(response(PINGTAN_URL, html, via_text="政府信息公开年报"))


def test_every_item_with_its_date_of_a_fujian_trs_list():
    items = [
        link
        for link in pingtan_listing().links
        if re.search(r"/zfxxgknb/\d{6}/t\d{8}_\d+\.htm$", link.url)
    ]
    assert [link.text for link in items] == [
        f"平潭综合实验区{year}年度政府信息公开工作年度报告" for year in reversed(PINGTAN_YEARS)
    ]
    assert all(classify_title(link.text) is TitleKind.REPORT for link in items)
    # The date sits in the row's second <dd>, beside the <dd> holding the link.
    assert items[0].date == "2026-03-10" and items[-1].date == "2017-01-18"
    assert all(link.date for link in items)


def test_the_next_page_of_a_fujian_trs_list_from_its_pagebar_settings():
    listing = pingtan_listing()
    assert listing.announced_pages == 2  # recordCount '20' / prepage 10
    assert [page.url for page in listing.pages] == [PINGTAN_URL + "index_1.htm"]


def test_the_fujian_list_is_known_as_a_report_column():
    html = (PAGES / "pingtan_zfxxgknb_index.html").read_text(encoding="utf-8")
    assert page_column_kind(response(PINGTAN_URL, html)) == "report"
