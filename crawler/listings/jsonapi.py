"""Lists filled in by a JSON API: the jpaas publish-server of the provincial 集约化 platforms.

Zhejiang/Jiangsu/Gansu intensive-platform sites (and ministries such as miit, samr) serve a
column page that holds only a container naming the endpoint and its parameters::

    <div id="当前栏目列表1a" url="/api-gateway/jpaas-publish-server/front/page/build/unit"
         queryData="{'webId':'3176','pageId':'1657687','parseType':'bulidstatic','pageType':'column',
                     'tagId':'当前栏目列表1a','tplSetId':'0ZBvCXCKwwIstYiI5LRg9','editType':'null'}"></div>

The page's script GETs ``unit?<those fields>`` and later pages with
``&paramJson={"pageNo":2,"pageSize":"15"}``; the answer is
``{"success":true,"data":{"html":"<ul>…<li><a href=… title=…>…</a><span>2021-01-22</span></li>…</ul>
<div class=\"pagination\" rows=\"15\" count=\"23\"></div>"}}`` — items and the record count.

Plain JSON lists (``{"total": 23, "data": [{"title": …, "url": …, "date": …}]}`` answered to
``…?page=1&pageSize=15``) are read too: their items, and their other pages when the request
named its page number.
"""

from __future__ import annotations

import json
import math
from urllib.parse import parse_qsl, urlencode, urljoin, urlparse

import scrapy
from parsel import Selector
from scrapy.http import TextResponse

from .base import (
    MAX_PAGES,
    Link,
    Listing,
    absolute_url,
    collapse,
    is_html,
    iso_date,
    links_in,
    page_request,
    unique_links,
    unique_requests,
    without_self,
)
from .family import with_query_value
from .scripts import number_setting, object_fields

name = "jsonapi"

JPAAS_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
PAGE_PARAMETERS = ("pageNo", "page", "pageNum", "pageIndex", "currentPage", "curPage")
SIZE_PARAMETERS = ("pageSize", "size", "rows", "limit", "perPage")
TOTAL_KEYS = ("total", "totalCount", "totalRecord", "recordCount", "count", "totalElements")
ITEM_LIST_KEYS = ("list", "records", "rows", "items", "results", "data", "datas", "content")
TITLE_KEYS = ("title", "name", "docTitle", "wzbt", "subject")
URL_KEYS = ("url", "link", "href", "linkUrl", "docUrl", "path")
DATE_KEYS = (
    "date",
    "pubDate",
    "publishDate",
    "publishTime",
    "pubTime",
    "releaseDate",
    "time",
    "createTime",
)


def matches(response: TextResponse) -> bool:
    if is_html(response):
        return bool(_containers(response))
    body = _json_body(response)
    return body is not None and (_jpaas_html(body) is not None or bool(_find_items(body)[0]))


def parse(response: TextResponse) -> Listing:
    """On a column page: the first API request. On an API answer: its items and other pages."""
    if is_html(response):
        # The page's script sends the page as Referer; answers resolve their links against it.
        requests = [
            page_request(url, name, headers={"Referer": response.url})
            for url in first_api_urls(response)
        ]
        return Listing(pages=unique_requests(requests), platforms=[name])
    body = _json_body(response)
    if body is None:
        return Listing()
    base = _referer(response) or response.url
    html = _jpaas_html(body)
    if html is not None:
        links, pages = _read_jpaas(response, html, base)
    else:
        links, pages = _read_plain(response, body, base)
    return Listing(
        links=unique_links(links),
        pages=unique_requests(without_self(pages, response)),
        platforms=[name],
    )


def first_api_urls(response: TextResponse) -> list[str]:
    """The API request each list container of the page makes when the page loads."""
    urls = []
    for container in _containers(response):
        fields = object_fields(container.attrib["querydata"].strip().strip("{}"))
        if not fields:
            raise ValueError(
                f"unreadable jpaas queryData on {response.url}: {container.attrib['querydata']!r}"
            )
        endpoint = urljoin(response.url, container.attrib.get("url") or JPAAS_PATH)
        urls.append(f"{endpoint}?{urlencode(fields)}")
    return urls


def page_url(api_url: str, page_no: int, page_size: int) -> str:
    """``api_url`` asking for page ``page_no``: its paramJson rewritten, other fields kept in order."""
    parsed = urlparse(api_url)
    fields = parse_qsl(parsed.query, keep_blank_values=True)
    param_json: dict = {}
    kept = []
    for key, value in fields:
        if key == "paramJson":
            try:
                param_json = json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f"paramJson of {api_url} is not JSON: {value!r}") from error
        else:
            kept.append((key, value))
    param_json = {**param_json, "pageNo": page_no, "pageSize": str(page_size)}
    query = urlencode(
        kept + [("paramJson", json.dumps(param_json, ensure_ascii=False, separators=(",", ":")))]
    )
    return parsed._replace(query=query).geturl()


def _containers(response: TextResponse):
    return response.xpath("//*[@querydata][contains(@url, 'jpaas') or not(@url)]")


def _json_body(response: TextResponse):
    text = response.text.strip()
    if not text.startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _jpaas_html(body) -> str | None:
    if (
        isinstance(body, dict)
        and isinstance(body.get("data"), dict)
        and isinstance(body["data"].get("html"), str)
    ):
        return body["data"]["html"]
    return None


def _read_jpaas(
    response: TextResponse, html: str, base: str
) -> tuple[list[Link], list[scrapy.Request]]:
    fragment = Selector(text=f"<div>{html}</div>")
    links = links_in(fragment, base, "//a[@href][not(ancestor::*[contains(@class, 'pagination')])]")
    rows = _fragment_number(fragment, html, "rows")
    count = _fragment_number(fragment, html, "count")
    pages = []
    if rows and count is not None:
        last = min(math.ceil(count / rows), MAX_PAGES)
        # Page 1 is the request the column page made (without paramJson); asking for it again
        # under another url would fetch it twice, so answers only ever point at pages 2….
        headers = {"Referer": base} if base != response.url else None
        pages = [
            page_request(page_url(response.url, page, rows), name, headers=headers)
            for page in range(2, last + 1)
        ]
    return links, pages


def _fragment_number(fragment: Selector, html: str, key: str) -> int | None:
    found = fragment.xpath(f"//*[contains(@class, 'pagination')]/@{key}").get()
    if found and found.strip().isdigit():
        return int(found)
    return number_setting(html, key)


def _read_plain(response: TextResponse, body, base: str) -> tuple[list[Link], list[scrapy.Request]]:
    items, total = _find_items(body)
    links = []
    for item in items:
        url = absolute_url(base, _first(item, URL_KEYS))
        if url is None:
            continue
        links.append(
            Link(
                url=url,
                text=collapse(_first(item, TITLE_KEYS)),
                date=iso_date(_first(item, DATE_KEYS)),
            )
        )
    pages = []
    query = dict(parse_qsl(urlparse(response.url).query, keep_blank_values=True))
    page_key = next((key for key in PAGE_PARAMETERS if key in query and query[key].isdigit()), None)
    size_key = next((key for key in SIZE_PARAMETERS if key in query and query[key].isdigit()), None)
    size = int(query[size_key]) if size_key else len(items)
    if page_key and total and size:
        last = min(math.ceil(total / size), MAX_PAGES)
        pages = [
            page_request(with_query_value(response.url, page_key, page), name)
            for page in range(1, last + 1)
        ]
    return links, pages


def _find_items(body) -> tuple[list[dict], int | None]:
    """The list of item objects in a JSON answer (looked for a few levels down) and its total."""
    total = None
    stack = [body]
    for _ in range(4):
        next_level = []
        for node in stack:
            if isinstance(node, list) and node and all(isinstance(item, dict) for item in node):
                if any(_first(item, URL_KEYS) for item in node):
                    return node, total
            if isinstance(node, dict):
                for key in TOTAL_KEYS:
                    if total is None and str(node.get(key, "")).isdigit():
                        total = int(node[key])
                next_level += [node[key] for key in ITEM_LIST_KEYS if key in node]
        stack = next_level
    return [], total


def _first(item: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = item.get(key)
        if isinstance(value, (str, int)) and str(value).strip():
            return str(value)
    return None


def _referer(response: TextResponse) -> str | None:
    if response.request is None:
        return None
    return (response.request.headers.get("Referer") or b"").decode("latin-1") or None
