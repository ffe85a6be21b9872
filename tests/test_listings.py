"""List-page parsers against imitations of each CMS platform and against snippets of real pages."""

from __future__ import annotations

import json
import math

import pytest
import scrapy
from scrapy.http import HtmlResponse, JsonResponse, Response, TextResponse, XmlResponse

from crawler.listings import MAX_PAGES, Link, Listing, generic, parse_listing
from crawler.listings import hanweb as hanweb_parser
from imitation.model import ListItem, Req
from imitation.platforms import flipbook, hanweb, jsonapi, trs, vsb
from imitation.platforms.endpoints import merge_routes
from imitation.platforms.offline import ORIGIN, crawl_list, fetch, to_req

DEPARTMENTS = "发展和改革委员会 教育局 科学技术局 公安局 民政局 司法局 财政局 人力资源和社会保障局 自然资源局 生态环境局".split()


def make_items(count: int, column: int = 4655) -> list[ListItem]:
    """Report items with long and short titles (long ones get cut on TRS pages)."""
    items = []
    for i in range(count):
        year = 2021 - i // 10
        title = (
            f"某某市{DEPARTMENTS[i % 10]}{year}年政府信息公开工作年度报告"
            if i % 3
            else f"{year}年度报告（{i}）"
        )
        items.append(
            ListItem(
                title,
                f"/art/{year}/1/{i % 28 + 1}/art_{column}_{1000 + i}.html",
                f"{year}-01-{i % 28 + 1:02d}",
            )
        )
    return items


def html_response(url: str, body: str, request: scrapy.Request | None = None) -> HtmlResponse:
    return HtmlResponse(
        url=url, body=body.encode("utf-8"), encoding="utf-8", request=request or scrapy.Request(url)
    )


def assert_items_found(links: list[Link], items: list[ListItem]) -> None:
    item_links = {link.url: link for link in links if "/art/" in link.url}
    assert set(item_links) == {ORIGIN + item.href for item in items}
    for item in items:
        link = item_links[ORIGIN + item.href]
        assert (link.text, link.date) == (item.title, item.date)


def assert_well_formed(crawl) -> None:
    for listing in crawl.listings:
        keys = [(page.method, page.url, page.body) for page in listing.pages]
        assert len(keys) == len(set(keys)), "a listing asked for the same page twice"
        assert len(listing.pages) <= MAX_PAGES
        for page in listing.pages:
            assert page.callback is None and page.meta["listing_platform"] in listing.platforms
    # Different urls for one page (index.html and ./, paramJson and none) would show up here.
    digests = crawl.body_digests()
    assert len(digests) == len(set(digests)), "the same page was fetched twice"


@pytest.mark.parametrize(
    ("module", "column_path", "options", "count", "per_page", "fetches"),
    [
        (trs, "/zwgk/ndbg/index.html", {}, 23, 5, 5),
        (trs, "/zwgk/ndbg/index.html", {"variant": "variables"}, 23, 5, 5),
        (trs, "/zwgk/fdzdgknr/fg.shtml", {"variant": "page_div"}, 23, 5, 5),
        (hanweb, "/col/col4655/index.html", {}, 23, 5, 2),
        (hanweb, "/col/col4655/index.html", {}, 100, 5, 1 + math.ceil((100 - 15) / 15)),
        (vsb, "/xxgk/ndbg.htm", {}, 23, 5, 5),
        (vsb, "/xxgk/ndbg.htm", {"variant": "fanye"}, 23, 5, 5),
        (vsb, "/xxgk/ndbg.htm", {}, 61, 5, 13),
        (jsonapi, "/col/col1229292680/index.html", {}, 23, 5, 1 + 5),
        (jsonapi, "/col/col1229292680/index.html", {}, 4, 5, 1 + 1),
    ],
)
def test_round_trip_finds_every_item_once(module, column_path, options, count, per_page, fetches):
    items = make_items(count)
    crawl = crawl_list(
        module.list_pages(column_path, items, per_page, **options), ORIGIN + column_path
    )
    assert_items_found(crawl.links, items)
    assert len(crawl.fetched) == fetches
    assert_well_formed(crawl)
    assert crawl.listings[0].platforms == [module.__name__.rsplit(".", 1)[1]]


def test_hanweb_pages_are_posts_with_the_jpage_form():
    crawl = crawl_list(
        hanweb.list_pages("/col/col4655/index.html", make_items(40), 5),
        ORIGIN + "/col/col4655/index.html",
    )
    posts = crawl.page_requests
    assert [(p.method, p.url.split("?")[1]) for p in posts] == [
        ("POST", "startrecord=16&endrecord=30&perpage=5"),
        ("POST", "startrecord=31&endrecord=45&perpage=5"),
    ]
    fields = to_req(posts[0]).args
    assert (
        fields["columnid"] == "4655"
        and fields["path"] == "/"
        and fields["webname"] == "某某市人民政府"
    )
    assert posts[0].headers["Referer"] == (ORIGIN + "/col/col4655/index.html").encode()


def test_flipbook_round_trip_from_the_mobile_entry():
    texts = [f"第{n}页：政府信息公开工作年度报告正文" for n in range(1, 13)]
    routes = flipbook.book_pages("/flipbook/2021ndbg/", texts)
    crawl = crawl_list(routes, ORIGIN + "/flipbook/2021ndbg/mobile/index.html")
    fetched = [request.url for request in crawl.fetched]
    assert fetched[1] == ORIGIN + "/flipbook/2021ndbg/mobile/javascript/config.js"
    assert fetched[2:] == [
        ORIGIN + f"/flipbook/2021ndbg/files/basic-html/page{n}.html" for n in range(1, 13)
    ]
    assert_well_formed(crawl)
    assert texts[6] in crawl.responses[2 + 6].text


def test_flipbook_from_any_text_page_asks_for_all_pages():
    routes = flipbook.book_pages("/flipbook/2021ndbg/index.html", ["正文"] * 30)
    url = ORIGIN + "/flipbook/2021ndbg/files/basic-html/page17.html"
    listing = parse_listing(fetch(routes, scrapy.Request(url)))
    assert listing.platforms == ["flipbook"]
    assert len(listing.pages) == 29 and url not in {page.url for page in listing.pages}


def test_generic_parser_alone_on_a_plain_page():
    body = """<html><head><base href="http://www.example.gov.cn/zwgk/"></head><body>
    <a href="#main">跳到正文</a><a href="javascript:void(0)">打印</a><a href="mailto:a@example.gov.cn">信箱</a>
    <ul><li><a href="ndbg/2021.html#top">2021年 年度报告</a>  <span>[2022-01-20]</span></li>
        <li><a href="/ndbg/2020.pdf" title="2020年政府信息公开工作年度报告">2020年政府信息...</a><em>2021年1月22日</em></li></ul>
    <p><a href="https://www.gov.cn/">中国政府网</a> <a href="/lxwm/">联系我们</a></p>
    </body></html>"""
    listing = parse_listing(html_response(ORIGIN + "/zwgk/ndbg/list.html", body))
    assert listing.links == [
        Link(ORIGIN + "/zwgk/ndbg/2021.html", "2021年 年度报告", "2022-01-20"),
        Link(ORIGIN + "/ndbg/2020.pdf", "2020年政府信息公开工作年度报告", "2021-01-22"),
        Link("https://www.gov.cn/", "中国政府网", None),
        Link(ORIGIN + "/lxwm/", "联系我们", None),
    ]
    assert listing.pages == [] and listing.platforms == ["generic"]


def test_generic_follows_forward_pager_links_only_when_no_platform_claims_the_page():
    body = """<div class="list"><a href="/art/1.html">一</a></div>
    <div class="pager"><a href="list_1.html">首页</a><a href="list_1.html">上一页</a><a href="list_3.html">下一页</a>
    <a href="list_9.html">尾页</a><a href="list_3.html">&gt;</a></div>"""
    listing = parse_listing(html_response(ORIGIN + "/zwgk/list_2.html", body))
    assert [page.url for page in listing.pages] == [
        ORIGIN + "/zwgk/list_3.html",
        ORIGIN + "/zwgk/list_9.html",
    ]
    assert {page.meta["listing_platform"] for page in listing.pages} == {"generic"}
    claimed = parse_listing(
        html_response(
            ORIGIN + "/zwgk/index.html",
            body + '<script>createPageHTML(3, 0, "index", "html");</script>',
        )
    )
    assert [page.url for page in claimed.pages] == [
        ORIGIN + "/zwgk/index_1.html",
        ORIGIN + "/zwgk/index_2.html",
    ]


def test_an_unknown_page_yields_no_bogus_pages():
    body = """<div class="crumb"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 正文</div>
    <h1>某某市2021年政府信息公开工作年度报告</h1><p>一、总体情况 …… 共3页附件</p>
    <a href="/u/cms/2021/report.pdf">附件1</a> <a href="javascript:window.print()">下一页</a>
    <script>var currentPage = 1; function createPageHTML(){}</script>"""
    listing = parse_listing(html_response(ORIGIN + "/art/2021/1/22/art_1_1.html", body))
    assert listing.pages == [] and listing.platforms == ["generic"]
    assert ORIGIN + "/u/cms/2021/report.pdf" in {link.url for link in listing.links}


def test_trs_page_with_a_single_page_yields_none():
    routes = trs.list_pages("/zwgk/ndbg/index.html", make_items(3), 5)
    response = fetch(routes, scrapy.Request(ORIGIN + "/zwgk/ndbg/index.html"))
    assert "createPageHTML(1, 0" in response.text
    listing = parse_listing(response)
    assert listing.platforms == ["trs"] and listing.pages == []


def test_trs_entered_at_the_directory_does_not_ask_for_index_html():
    routes = trs.list_pages("/zwgk/ndbg/", make_items(23), 5)
    listing = parse_listing(fetch(routes, scrapy.Request(ORIGIN + "/zwgk/ndbg/")))
    assert [page.url.rsplit("/", 1)[1] for page in listing.pages] == [
        f"index_{n}.html" for n in range(1, 5)
    ]


def test_trs_real_call_variants():
    # ndrc.gov.cn style, seen from the fourth page: every other page, the first included.
    ndrc = parse_listing(
        html_response(
            ORIGIN + "/xxgk/zcfb/index_3.html",
            '<script>createPageHTML(9, 3, "index", "html");</script>',
        )
    )
    assert [p.url.rsplit("/", 1)[1] for p in ndrc.pages] == [
        "index.html",
        "index_1.html",
        "index_2.html",
    ] + [f"index_{n}.html" for n in range(4, 9)]
    # csrc.gov.cn style: container id first, pages counted from 1 in the file name.
    csrc = parse_listing(
        html_response(
            ORIGIN + "/csrc/c106256/fg.shtml",
            "<script>createPageHTML('page_div',5, 1,'fg','shtml',89);</script>",
        )
    )
    assert [p.url.rsplit("/", 1)[1] for p in csrc.pages] == [f"fg_{n}.shtml" for n in range(2, 6)]


def test_trs_page_count_is_capped():
    listing = parse_listing(
        html_response(
            ORIGIN + "/zwgk/index.html",
            '<script>createPageHTML(5000, 0, "index", "html");</script>',
        )
    )
    assert len(listing.pages) == MAX_PAGES - 1 and listing.pages[-1].url.endswith(
        f"index_{MAX_PAGES - 1}.html"
    )


def test_malformed_datastore_still_yields_what_it_can():
    body = """<div id="8"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=2&path=/&columnid=77&unitid=8&webname=x&permissiontype=0"></a>]]></nextgroup>
    <recordset><record><![CDATA[<li><a href="/art/2021/1/1/art_77_1.html" title="一号报告">一号报告</a><span>2021-01-01</span></li>]]></record>
    <record><![CDATA[<li><a href="/art/2021/1/2/art_77_2.html">二号报告 & 附件</a><span>2021-01-02</span></li>]]></record>
    <record><![CDATA[<li><a href="/art/2021/1/3/art_77_3.html">三号报告</a><span>2021-01-0"""
    scripts = "<script>$('#8').jpage({perPage:2,totalRecord:9,groupSize:2,proxyUrl:'/module/web/jpage/dataproxy.jsp'});</script>"
    listing = parse_listing(
        html_response(ORIGIN + "/col/col77/index.html", body + "</script></div>" + scripts)
    )
    assert [link.url.rsplit("_", 1)[1] for link in listing.links if "/art/" in link.url] == [
        "1.html",
        "2.html",
        "3.html",
    ]
    assert listing.links[1].text == "二号报告 & 附件"
    # No jpage param object: the form comes from the nextgroup link; three records were read.
    assert [p.url.split("?")[1] for p in listing.pages] == [
        "startrecord=4&endrecord=7&perpage=2",
        "startrecord=8&endrecord=11&perpage=2",
    ]
    assert to_req(listing.pages[0]).args["columnid"] == "77"


def test_hanweb_proxy_answer_modelled_on_a_real_one():
    # jshrss.jiangsu.gov.cn answers dataproxy.jsp like this; the title is cut with an ellipsis.
    xml = """<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>1928</totalrecord><totalpage>20</totalpage>
    <recordset><record><![CDATA[<li class="cf"><a target="_blank" href="/art/2026/9/16/art_77278_11830771.html" title="省人力资源社会保障厅关于印发职称评审管理办法的通知">省人力资源社会保障厅关于印发…</a><span>2026-09-16</span></li>]]></record></recordset></datastore>"""
    url = "http://jshrss.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1801&endrecord=1900&perpage=100"
    form = {
        "col": "1",
        "appid": "1",
        "webid": "67",
        "path": "/",
        "columnid": "77278",
        "unitid": "303271",
    }
    request = scrapy.FormRequest(
        url,
        formdata=form,
        headers={"Referer": "http://jshrss.example.gov.cn/col/col77278/index.html"},
    )
    listing = parse_listing(XmlResponse(url=url, body=xml.encode(), request=request))
    assert listing.links == [
        Link(
            "http://jshrss.example.gov.cn/art/2026/9/16/art_77278_11830771.html",
            "省人力资源社会保障厅关于印发职称评审管理办法的通知",
            "2026-09-16",
        )
    ]
    assert [p.url.split("?")[1] for p in listing.pages] == [
        "startrecord=1901&endrecord=2000&perpage=100"
    ]
    assert listing.pages[0].body == request.body


def test_hanweb_inline_ajax_param():
    page = """<script type="text/xml"><datastore><recordset></recordset></datastore></script>
    <script>$('#1').jpage({perPage:15,totalRecord:50,proxyUrl:'/module/web/jpage/dataproxy.jsp',
    ajaxParam:{col:1,appid:1,webid:9,path:'/',columnid:123,sourceContentType:1,unitid:'77',webname:'某县',permissiontype:0}});</script>"""
    listing = hanweb_parser.parse(html_response(ORIGIN + "/col/col123/index.html", page))
    assert [p.url.split("?")[1].split("&")[0] for p in listing.pages] == [
        "startrecord=1",
        "startrecord=46",
    ]
    assert to_req(listing.pages[0]).args["webname"] == "某县"


def test_vsb_real_pager_snippet():
    # A VSB pager as served (zcyzc.htm, 31 pages): every page is asked for, newest file first.
    pager = """<div class="pb_sys_common pb_sys_normal pb_sys_style1"><span class="p_pages"><span class="p_first_d p_fun_d">首页</span>
    <span class="p_prev_d p_fun_d">上页</span><span class="p_no_d">1</span><span class="p_no"><a href="zcyzc/30.htm">2</a></span>
    <span class="p_dot">...</span><span class="p_no"><a href="zcyzc/1.htm">31</a></span><span class="p_next p_fun"><a href="zcyzc/30.htm">下页</a></span>
    <span class="p_last p_fun"><a href="zcyzc/1.htm">尾页</a></span></span> <span class="p_t">共31页</span></div>"""
    listing = parse_listing(html_response(ORIGIN + "/xwzx/zcyzc.htm", pager))
    assert listing.platforms == ["vsb"]
    assert [p.url for p in listing.pages] == [
        ORIGIN + f"/xwzx/zcyzc/{n}.htm" for n in range(30, 0, -1)
    ]


def test_vsb_total_from_the_next_link_alone():
    pager = """<span class="p_pages"><span class="p_no_d">1</span><span class="p_next p_fun"><a href="jwtz/139.htm">下页</a></span>
    <span class="p_last p_fun"><a href="jwtz/1.htm">尾页</a></span></span>"""
    listing = parse_listing(html_response(ORIGIN + "/jwtz.htm", pager))
    assert len(listing.pages) == 139 and listing.pages[0].url == ORIGIN + "/jwtz/139.htm"
    sub_page = parse_listing(
        html_response(
            ORIGIN + "/jwtz/57.htm",
            '<span class="p_pages"><a href="../jwtz.htm">首页</a><a href="58.htm">上页</a><a href="56.htm">下页</a></span>',
        )
    )
    assert [p.url for p in sub_page.pages] == [
        ORIGIN + "/jwtz.htm",
        ORIGIN + "/jwtz/58.htm",
        ORIGIN + "/jwtz/56.htm",
    ]


def test_jpaas_answer_modelled_on_miit():
    html = (
        '<ul class="page-content"><li class="cf"><a href="/gxsj/tjfx/art/2021/art_1.html" target="_blank">2021年报告</a><span>2021-01-22</span></li></ul>'
        '<script>$("#page").pagination({ rows: "24", count: "100" });</script>'
    )
    url = (
        "https://www.miit.example.gov.cn"
        + jsonapi.API_PATH
        + "?webId=8d82&pageId=b594&parseType=buildstatic&pageType=column&tagId=x&tplSetId=2097"
    )
    listing = parse_listing(
        JsonResponse(
            url=url,
            body=json.dumps({"success": True, "data": {"html": html}}).encode(),
            request=scrapy.Request(url),
        )
    )
    assert listing.links == [
        Link(
            "https://www.miit.example.gov.cn/gxsj/tjfx/art/2021/art_1.html",
            "2021年报告",
            "2021-01-22",
        )
    ]
    assert [json.loads(to_req(p).args["paramJson"]) for p in listing.pages] == [
        {"pageNo": n, "pageSize": "24"} for n in (2, 3, 4, 5)
    ]


def test_plain_json_list_api():
    url = ORIGIN + "/api/xxgk/ndbg/list?page=2&pageSize=10"
    body = {
        "code": 0,
        "data": {
            "total": 35,
            "list": [
                {
                    "title": "2021年报告",
                    "url": "/xxgk/ndbg/2021.html",
                    "pubDate": "2022/01/20 09:00",
                }
            ],
        },
    }
    listing = parse_listing(
        TextResponse(
            url=url, body=json.dumps(body).encode(), encoding="utf-8", request=scrapy.Request(url)
        )
    )
    assert listing.links == [Link(ORIGIN + "/xxgk/ndbg/2021.html", "2021年报告", "2022-01-20")]
    assert [p.url.split("?")[1] for p in listing.pages] == [
        "page=1&pageSize=10",
        "page=3&pageSize=10",
        "page=4&pageSize=10",
    ]


def test_unreadable_jpaas_config_is_an_error():
    page = f'<div url="{jsonapi.API_PATH}" queryData="broken"></div>'
    with pytest.raises(ValueError, match="queryData"):
        parse_listing(html_response(ORIGIN + "/col/col1/index.html", page))


def test_non_text_response_is_refused():
    with pytest.raises(TypeError):
        parse_listing(Response(url=ORIGIN + "/a.pdf", body=b"%PDF-1.7"))


def test_generic_links_function_has_no_pages():
    listing = generic.links(html_response(ORIGIN + "/x.html", '<a href="y.html">下一页</a>'))
    assert listing.links == [Link(ORIGIN + "/y.html", "下一页")] and listing.pages == []


def test_shared_endpoints_serve_several_columns_of_one_site():
    first, second = make_items(20, 4655), make_items(20, 4656)
    routes = merge_routes(
        hanweb.list_pages("/col/col4655/index.html", first),
        hanweb.list_pages("/col/col4656/index.html", second),
    )
    assert_items_found(crawl_list(routes, ORIGIN + "/col/col4656/index.html").links, second)
    assert_items_found(crawl_list(routes, ORIGIN + "/col/col4655/index.html").links, first)
    with pytest.raises(ValueError):
        merge_routes(
            hanweb.list_pages("/col/col4655/index.html", first),
            hanweb.list_pages("/col/col4655/index.html", second),
        )


def test_imitated_endpoints_refuse_bad_requests():
    api = jsonapi.list_pages("/col/col1229292680/index.html", make_items(3))[
        ("GET", jsonapi.API_PATH)
    ]
    assert api(Req("GET", "h", jsonapi.API_PATH, "pageId=1229292680", [])).status == 400
    proxy = hanweb.list_pages("/col/col4655/index.html", make_items(3))[("POST", hanweb.PROXY_PATH)]
    assert proxy(Req("POST", "h", hanweb.PROXY_PATH, "", [])).status == 404
    with pytest.raises(ValueError):
        vsb.list_pages("/xxgk/ndbg/", make_items(3))


def test_hanweb_page_with_two_lists_pages_each_with_its_own_settings():
    left = hanweb.list_pages("/col/col11/index.html", make_items(40, 11))[
        ("GET", "/col/col11/index.html")
    ]
    right = hanweb.list_pages("/col/col22/index.html", make_items(20, 22))[
        ("GET", "/col/col22/index.html")
    ]
    request = Req("GET", "h", "/", "", [])
    body = left(request).body.decode() + right(request).body.decode()
    listing = parse_listing(html_response(ORIGIN + "/col/col1/index.html", body))
    ranges = sorted((to_req(p).args["columnid"], p.url.split("?")[1]) for p in listing.pages)
    assert ranges == [
        ("11", "startrecord=16&endrecord=30&perpage=5"),
        ("11", "startrecord=31&endrecord=45&perpage=5"),
        ("22", "startrecord=16&endrecord=30&perpage=5"),
    ]
    assert len([link for link in listing.links if "/art/" in link.url]) == 30


def test_json_that_is_no_list_is_not_claimed():
    url = ORIGIN + "/api/weather"
    response = JsonResponse(
        url=url, body='{"city": "某市", "temp": 20}'.encode(), request=scrapy.Request(url)
    )
    assert parse_listing(response) == Listing(platforms=["generic"])
