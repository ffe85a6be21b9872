"""The list parsers read what real templates write, however they write it (issue 11's cases)."""

from __future__ import annotations

import pytest
import scrapy
from scrapy.http import HtmlResponse, TextResponse

from crawler.browser.detect import script_list_reason
from crawler.listings import family, link_digests, parse_listing
from crawler.listings.scripts import number_setting, object_fields, string_literals, string_setting

ORIGIN = "http://www.example.gov.cn"
FRAME = """<html><head><meta charset="utf-8"><title>{title}_某县人民政府</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/xwzx/">新闻中心</a></div>{body}</body></html>"""


def page(path: str, body: str, *, title: str = "政府信息公开年报", **meta) -> HtmlResponse:
    url = ORIGIN + path
    html = FRAME.format(title=title, body=body)
    return HtmlResponse(
        url=url, body=html.encode(), encoding="utf-8", request=scrapy.Request(url, meta=meta)
    )


def rows(count: int, start: int = 0) -> str:
    return "".join(
        f'<li><a href="./2021{i:02d}/t202101{i % 28 + 1:02d}_{i}.html">某县{2021 - i}年政府信息公开工作年度报告</a>'
        f"<span>2021-01-{i % 28 + 1:02d}</span></li>"
        for i in range(start, start + count)
    )


@pytest.mark.parametrize(
    "script",
    [
        "jpage({totalRecord: 8, perPage: 4})",
        'jpageInit({"url": "/x", "totalRecord": 8, "perPage": 4})',
        "var opts = {'totalRecord':'8', 'perPage':'4'};",
        "var totalRecord = 8; // 共8条\nvar perPage = 4;",
    ],
)
def test_settings_are_read_whatever_their_syntax(script):
    assert number_setting(script, "totalRecord") == 8
    assert number_setting(script, "perPage") == 4


def test_strings_comments_and_concatenation():
    script = "var u = 'http://a.gov.cn//b'; // not 'this'\nvar s = '<a href=\"' + '/f.pdf' + '\">附件</a>';"
    assert string_setting(script, "u") == "http://a.gov.cn//b"
    assert '<a href="/f.pdf">附件</a>' in string_literals(script)
    assert object_fields('{"col": 1, path: \'/\', "webname": "某县"}') == {
        "col": "1",
        "path": "/",
        "webname": "某县",
    }


def hanweb_page(options: str, island_records: int = 4) -> HtmlResponse:
    records = "".join(
        f"<record><![CDATA[<li><a href='/art/2021/1/{i + 1}/art_77_{i}.html'>某县{2020 - i}年政府信息公开工作年度报告</a>"
        f"<span>2021-01-{i + 1:02d}</span></li>]]></record>"
        for i in range(island_records)
    )
    island = f'<div id="u1"><script type="text/xml"><datastore><recordset>{records}</recordset></datastore></script></div>'
    return page("/col/col77/index.html", island + f"<script>{options}</script>")


def test_hanweb_jpage_options_written_as_json_page_through_the_proxy():
    listing = parse_listing(
        hanweb_page(
            'jpageInit({"url": "/module/web/jpage/dataproxy.jsp", "totalRecord": 10, "perPage": 4,'
            ' "groupSize": 1, "params": {"col": 1, "webid": "2", "columnid": "77", "unitid": "u1"}});'
        )
    )
    posts = [(p.method, p.url.split("?")[1]) for p in listing.pages]
    assert posts == [
        ("POST", "startrecord=5&endrecord=8&perpage=4"),
        ("POST", "startrecord=9&endrecord=12&perpage=4"),
    ]
    assert b"columnid=77" in listing.pages[0].body and listing.announced_pages == 3


def test_hanweb_without_a_total_probes_group_after_group():
    column = hanweb_page(
        "var param_u1 = {col:1,webid:2,columnid:77,unitid:'u1'};\n"
        "$('#u1').jpage({perPage:4, groupSize:1, proxyUrl:'/module/web/jpage/dataproxy.jsp', ajaxParam:param_u1});"
    )
    listing = parse_listing(column)
    assert listing.pages == [] and len(listing.probes) == 1
    probe = listing.probes[0]
    assert "startrecord=5&endrecord=8" in probe.url and probe.meta["listing_probe"]

    def answer(records: str, seen) -> TextResponse:
        body = f"<datastore><recordset>{records}</recordset></datastore>".encode()
        request = probe.replace(meta={**probe.meta, "probe_seen": seen})
        request.headers["Referer"] = column.url
        return TextResponse(url=probe.url, body=body, encoding="utf-8", request=request)

    new = "<record><![CDATA[<a href='/art/2021/1/9/art_77_9.html'>某县2016年报告</a>]]></record>"
    following = parse_listing(answer(new, probe.meta["probe_seen"]))
    assert len(following.probes) == 1 and "startrecord=9&endrecord=12" in following.probes[0].url
    assert parse_listing(answer("", probe.meta["probe_seen"])).probes == []
    repeated = parse_listing(answer(new, link_digests(following.links)))
    assert repeated.probes == [] and repeated.pages == []


def test_older_trs_pager_without_create_page_html():
    script = """<script>
var countPage = 3//共多少页
var currentPage = 0//所在页从0开始
var nextPage = currentPage+1//下一页
document.write("<a href=\\"index"+"_" + nextPage + "."+"shtml\\">下一页</a>");
</script>"""
    listing = parse_listing(page("/xxgk/nb/index.shtml", "<ul>" + rows(3) + "</ul>" + script))
    assert [p.url for p in listing.pages] == [
        ORIGIN + "/xxgk/nb/index_1.shtml",
        ORIGIN + "/xxgk/nb/index_2.shtml",
    ]
    assert listing.platforms == ["trs"]


def test_pager_drawn_by_a_script_from_pagebar_settings():
    body = (
        '<ul class="list">'
        + rows(10)
        + '</ul><div class="page_base" ms-controller="list_pagebar"></div>'
        "<script>var vm = avalon.define({$id: 'list_pagebar', pagebar: {prepage: 10, recordCount: '20'}});</script>"
    )
    listing = parse_listing(page("/zwgk/nb/index.htm", body))
    assert [p.url for p in listing.pages] == [ORIGIN + "/zwgk/nb/index_1.htm"]
    assert listing.announced_pages == 2


def test_attachments_written_only_inside_script_strings():
    body = (
        '<h1>某县2023年政府信息公开工作年度报告</h1><script>var hasFJ=\'<a href="./P020240903657491913704.pdf">'
        "附件1：年报.pdf</a>';document.write(hasFJ);</script>"
    )
    listing = parse_listing(page("/nb/202409/t20240903_1.html", body, title="某县2023年年报"))
    assert ORIGIN + "/nb/202409/P020240903657491913704.pdf" in [link.url for link in listing.links]


def test_a_frame_is_a_link_named_by_the_page():
    listing = parse_listing(
        page(
            "/a/1.html",
            '<h1>某县2023年政府信息公开工作年度报告</h1><iframe src="/c/1.html"></iframe>',
        )
    )
    assert any(
        link.url == ORIGIN + "/c/1.html" and link.text == "某县2023年政府信息公开工作年度报告"
        for link in listing.links
    )


@pytest.mark.parametrize(
    ("pager", "expected"),
    [
        ("<div>共3页</div>", ["index_1.html", "index_2.html"]),
        ("<div>第1/3页</div>", ["index_1.html", "index_2.html"]),
        ("<div>共7条记录</div>", ["index_1.html", "index_2.html"]),
        ('<div><a href="index_1.html">下页</a></div>', ["index_1.html"]),
    ],
)
def test_generic_pager_from_what_the_page_says(pager, expected):
    listing = parse_listing(page("/gk/nb/index.html", "<ul>" + rows(3) + "</ul>" + pager))
    assert [p.url for p in listing.pages] == [ORIGIN + "/gk/nb/" + name for name in expected]
    assert listing.probes == []


def test_a_list_without_any_pager_probes_its_url_family():
    listing = parse_listing(page("/gk/nb/list.html", "<ul>" + rows(3) + "</ul>"))
    assert [p.url for p in listing.probes] == [
        ORIGIN + "/gk/nb/list_1.html",
        ORIGIN + "/gk/nb/list_2.html",
    ]
    assert family.next_urls(ORIGIN + "/xxgk/tzgg/12.htm") == [ORIGIN + "/xxgk/tzgg/11.htm"]
    assert family.next_urls(ORIGIN + "/list.jsp?cid=3&page=2") == [
        ORIGIN + "/list.jsp?cid=3&page=3"
    ]
    assert family.next_urls(ORIGIN + "/list.jsp?cid=3") == []


def test_an_article_or_the_home_page_is_never_probed():
    article = page(
        "/a/1.html", "<p>一、总体情况 共3页</p>", title="某县2023年政府信息公开工作年度报告"
    )
    assert parse_listing(article).probes == [] and parse_listing(article).pages == []
    home = page("/", "<ul>" + rows(5) + "</ul>", title="首页")
    assert parse_listing(home).probes == []


EXTERNAL_LIST = (
    '<ul class="list" id="doc-list"></ul><script src="/static/js/list.js"></script>'
    '<script>loadList({channel:"ndbg", size:5})</script>'
)


def test_a_report_column_filled_by_an_external_script_goes_to_the_browser():
    response = page("/ndbg/index.html", EXTERNAL_LIST, via_text="政府信息公开年报")
    assert "年报 column" in script_list_reason(response)


def test_the_link_that_led_to_a_page_names_its_column_before_scrapy_ties_them():
    # A downloader middleware sees the answer before it is tied to its request.
    html = FRAME.format(title="列表", body=EXTERNAL_LIST).encode()
    url = ORIGIN + "/ndbg/index.html"
    untied = HtmlResponse(url=url, body=html, encoding="utf-8")
    assert script_list_reason(untied) is None
    request = scrapy.Request(url, meta={"via_text": "年度报告", "kind": "page"})
    assert "年报 column" in script_list_reason(untied, request)


def test_ordinary_pages_do_not_go_to_the_browser():
    news = page("/xwzx/index.html", EXTERNAL_LIST, title="新闻中心", via_text="新闻中心")
    assert script_list_reason(news) is None
    read = page("/ndbg/index.html", "<ul>" + rows(4) + "</ul><script src='/a.js'></script>")
    assert script_list_reason(read) is None
