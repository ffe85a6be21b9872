"""Hanweb (大汉) JCMS lists: items in a ``<datastore>`` island, the rest behind jpage's proxy.

A JCMS column page (``/col/col4655/index.html``) carries its first group of records in a
script island::

    <script type="text/xml"><datastore>
      <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&…"></a>]]></nextgroup>
      <recordset><record><![CDATA[<li><a href="/art/…" title="…">…</a><span>2021-01-22</span></li>]]></record>…
    </recordset></datastore></script>

and a jpage call that knows the rest: ``totalRecord``, ``perPage``, ``groupSize``,
``proxyUrl:'/module/web/jpage/dataproxy.jsp'`` and the form fields in
``var param_16000 = {col:1,appid:1,webid:1,path:'/',columnid:4655,…}``. The browser then POSTs
``dataproxy.jsp?startrecord=46&endrecord=90&perpage=15`` with those fields, one group of
``perPage*groupSize`` records at a time, and gets the same datastore XML back.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlparse

import scrapy
from lxml import etree
from parsel import Selector
from scrapy.http import TextResponse

from .base import (
    MAX_PAGES,
    Link,
    Listing,
    is_html,
    links_in,
    unique_links,
    unique_requests,
    without_self,
)
from .scripts import number_setting, object_fields, object_literals, string_setting

name = "hanweb"

DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
DEFAULT_GROUP_SIZE = 3
# jpage's form fields: ``var param_16000 = {…}`` or written straight into ``ajaxParam: {…}``.
_PARAM_OBJECT = re.compile(r"""(?:\bajaxParam['"]?\s*:\s*|\bvar\s+param_\w*\s*=\s*)(\{[^{}]*\})""")
# A page driving jpage without a datastore island: the call, or its proxy named in a script.
_JPAGE_MARKERS = re.compile(r"dataproxy\.jsp|\.jpage\s*\(|\bjpageInit\s*\(")
# Fields jpage posts, in the order it posts them; used when only the nextgroup link is there.
FORM_FIELDS = (
    "col",
    "appid",
    "webid",
    "path",
    "columnid",
    "sourceContentType",
    "unitid",
    "webname",
    "permissiontype",
)


def matches(response: TextResponse) -> bool:
    if datastores(response):
        return True
    return is_html(response) and bool(_JPAGE_MARKERS.search(_inline_scripts(response)))


def _inline_scripts(response: TextResponse) -> str:
    return "\n".join(response.xpath("//script[not(@src)]/text()").getall())


def parse(response: TextResponse) -> Listing:
    """Items of the datastore(s) on this response, and POSTs for the records not yet seen."""
    if not is_html(response):
        island = datastores(response)
        if not island:
            return Listing()
        base = _referer(response) or response.url
        links = _record_links(island[0], base)
        if _total_record(island) is None and links:
            # No total anywhere: ask for the next group while groups bring new records.
            return _listing(response, links, [], probes=_pages_from_proxy_answer(response, None))
        return _listing(response, links, _pages_from_proxy_answer(response, island[0]))
    links: list[Link] = []
    pages: list[scrapy.Request] = []
    probes: list[scrapy.Request] = []
    announced = []
    for island, config in island_configs(response) or [("", _inline_scripts(response))]:
        links += _record_links(island, response.url)
        record_count = len(record_fragments(island)) if island else 0
        requests, total, per_page = _pages_from_column_page(response, island, config, record_count)
        if total is None:
            probes += requests
        else:
            pages += requests
            announced.append(1 + len(requests))  # this page's group, then one POST a group
    return _listing(response, links, pages, probes=probes, announced=max(announced, default=None))


def _listing(
    response: TextResponse,
    links: list[Link],
    pages: list[scrapy.Request],
    *,
    probes: list[scrapy.Request] = (),
    announced: int | None = None,
) -> Listing:
    return Listing(
        links=unique_links(links),
        pages=unique_requests(without_self(pages, response)),
        platforms=[name],
        probes=unique_requests(without_self(probes, response)),
        announced_pages=announced,
    )


def _record_links(island: str, base: str) -> list[Link]:
    links: list[Link] = []
    for fragment in record_fragments(island):
        links += links_in(Selector(text=f"<div>{fragment}</div>"), base)
    return links


def datastores(response: TextResponse) -> list[str]:
    """Datastore XML texts: the script islands of a page, or the whole body of a proxy answer."""
    if is_html(response):
        return [text for text in response.xpath("//script/text()").getall() if "<datastore" in text]
    text = response.text
    return [text] if "<datastore" in text[:2000] else []


def island_configs(response: TextResponse) -> list[tuple[str, str]]:
    """Each datastore island of a page with the script text that configures its jpage.

    A page may hold several lists, each island inside ``<div id="{unitid}">`` and driven by
    ``$('#{unitid}').jpage({…})`` with ``var param_{unitid}``; a page with one list gets all its
    scripts.
    """
    scripts = "\n".join(response.xpath("//script[not(@src)]/text()").getall())
    islands = response.xpath("//script[contains(text(), '<datastore')]")
    pairs = []
    for island in islands:
        owner = island.xpath("ancestor::*[@id][1]/@id").get()
        config = scripts
        if len(islands) > 1 and owner:
            call = re.search(rf"""['"]#{re.escape(owner)}['"]\s*\)\s*\.jpage\s*\(""", scripts)
            param = re.search(rf"\bvar\s+param_{re.escape(owner)}\s*=\s*\{{[^{{}}]*\}}", scripts)
            # The call's options run to the next list's call; their values may hold braces.
            options = scripts[call.end() :].split(".jpage(")[0] if call else ""
            config = (param.group(0) if param else "") + "\n" + options
        pairs.append((island.xpath("text()").get(), config))
    return pairs


def record_fragments(datastore: str) -> list[str]:
    """The HTML of each ``<record>``, in order, salvaging what it can from broken XML."""
    root = (
        etree.fromstring(
            datastore.strip().encode("utf-8"), etree.XMLParser(recover=True, huge_tree=False)
        )
        if datastore.strip()
        else None
    )
    fragments = [] if root is None else [_record_html(record) for record in root.iter("record")]
    if len(fragments) < datastore.count("<record") or not all(
        fragment.strip() for fragment in fragments
    ):
        # A record cut off mid-CDATA (a truncated page, a stray "]]>") makes the XML parser
        # drop it; reading the raw text between the record tags still recovers the links.
        fragments = _salvage_records(datastore)
    return [fragment for fragment in fragments if fragment.strip()]


def _record_html(record) -> str:
    if record.text and record.text.strip():
        return record.text
    return "".join(etree.tostring(child, encoding="unicode") for child in record)


def _salvage_records(datastore: str) -> list[str]:
    fragments = []
    for chunk in datastore.split("<record>")[1:]:
        chunk = chunk.split("</record>")[0].split("</recordset>")[0]
        chunk = chunk.strip()
        if chunk.startswith("<![CDATA["):
            chunk = chunk[len("<![CDATA[") :]
        fragments.append(chunk.split("]]>")[0])
    return fragments


def _total_record(islands: list[str], scripts: str = "") -> int | None:
    total = number_setting(scripts, "totalRecord") if scripts else None
    if total is None:
        for island in islands:
            if not island.strip():
                continue
            root = etree.fromstring(island.strip().encode("utf-8"), etree.XMLParser(recover=True))
            found = None if root is None else root.findtext(".//totalrecord")
            if found and found.strip().isdigit():
                return int(found.strip())
    return total


def _pages_from_column_page(
    response: TextResponse, island: str, config: str, record_count: int
) -> tuple[list[scrapy.Request], int | None, int]:
    """(requests for the records after the island's, the total if known, records per page).

    Without a total, the one request is for the next group only: a probe.
    """
    total = _total_record([island], config)
    form = _form_fields(config, [island])
    per_page = number_setting(config, "perPage") or record_count or 15
    if form is None:
        return [], total, per_page
    group_size = number_setting(config, "groupSize") or DEFAULT_GROUP_SIZE
    chunk = per_page * group_size
    requests = range_requests(
        _proxy_url(response.url, config),
        form,
        total if total is not None else record_count + chunk,
        after=record_count,
        chunk=chunk,
        per_page=per_page,
        referer=response.url,
    )
    return requests, total, per_page


def _proxy_url(page_url: str, config: str) -> str:
    proxy = string_setting(config, "proxyUrl")
    url = string_setting(config, "url")
    if not proxy and url and "dataproxy" in url:
        proxy = url
    return urljoin(page_url, proxy or DEFAULT_PROXY)


def _pages_from_proxy_answer(response: TextResponse, island: str | None) -> list[scrapy.Request]:
    """The groups after this answer's: up to its total, or (``island`` None) the next one."""
    request = response.request
    total = _total_record([island]) if island is not None else None
    if request is None or (island is not None and total is None):
        return []
    query = dict(parse_qsl(urlparse(response.url).query))
    if request.method == "POST" and query.get("endrecord", "").isdigit() and request.body:
        start = int(query.get("startrecord") or 1)
        end = int(query["endrecord"])
        per_page = int(query.get("perpage") or 0) or (end - start + 1)
        form = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        proxy = response.url.split("?", 1)[0]
        return range_requests(
            proxy,
            form,
            total if total is not None else end + end - start + 1,
            after=end,
            chunk=end - start + 1,
            per_page=per_page,
            referer=_referer(response),
        )
    return []


def _referer(response: TextResponse) -> str | None:
    """The column page a proxy answer was asked for from (its relative links resolve there)."""
    if response.request is None:
        return None
    return (response.request.headers.get("Referer") or b"").decode("latin-1") or None


def _form_fields(scripts: str, islands: list[str]) -> dict[str, str] | None:
    """The fields jpage posts: its ``param_…``/``ajaxParam`` object, else the nextgroup link's query."""
    for found in _PARAM_OBJECT.finditer(scripts):
        fields = object_fields(found.group(1))
        if "columnid" in fields:
            return fields
    # Options written as JSON or spread elsewhere: any object literal naming the column.
    for literal in object_literals(scripts):
        for candidate in _nested_objects(literal):
            if "columnid" in candidate:
                return {
                    str(key): str(value)
                    for key, value in candidate.items()
                    if not isinstance(value, (dict, list)) and value is not None
                }
    for island in islands:
        for href in (
            Selector(text=island.replace("<![CDATA[", "").replace("]]>", ""))
            .xpath("//nextgroup//a/@href")
            .getall()
        ):
            query = dict(parse_qsl(urlparse(href).query, keep_blank_values=True))
            if "columnid" in query:
                defaults = {"col": "1", "sourceContentType": "1"}
                return {key: query.get(key, defaults.get(key, "")) for key in FORM_FIELDS}
    return None


def _nested_objects(value):
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _nested_objects(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _nested_objects(inner)


def range_requests(
    proxy: str,
    form: dict[str, str],
    total: int,
    *,
    after: int,
    chunk: int,
    per_page: int,
    referer: str | None,
) -> list[scrapy.Request]:
    """POSTs for records ``after+1 … total`` in groups of ``chunk``, at most MAX_PAGES of them."""
    if chunk <= 0:
        raise ValueError(f"jpage group size must be positive, got {chunk}")
    headers = {"X-Requested-With": "XMLHttpRequest"}
    if referer:
        headers["Referer"] = referer
    requests = []
    start = after + 1
    while start <= total and len(requests) < MAX_PAGES:
        end = start + chunk - 1
        url = f"{proxy}?{urlencode({'startrecord': start, 'endrecord': end, 'perpage': per_page})}"
        requests.append(
            scrapy.FormRequest(url, formdata=form, headers=headers, meta={"listing_platform": name})
        )
        start = end + 1
    return requests
