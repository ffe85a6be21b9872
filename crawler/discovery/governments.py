"""Which links on a government portal lead to the governments and departments under it.

Portals link the governments below them in a few standard places: a 市县政府 / 地方政府网站 /
区县政府 box, a ``<select onchange="window.open(this.value)">`` menu whose option values are
URLs, a 友情链接 list, a 地方政府 page; county portals list their departments (部门网站,
部门信息公开). A link counts by its text alone: the whole text must name a government (a chain of
administrative divisions, optionally followed by 人民政府 / 政府网站 …) or a department (a place,
or none, followed by an agency name such as 卫生健康局). Bare short names (``南昌``) count only
inside a government box or menu, where nothing else is meant. News headlines that merely start with
a place (``南昌县召开…``) never count.

Plain strings in, plain values out: nothing here imports Scrapy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import lxml.html

from crawler.discovery.scope import url_host
from nianbao.regions import Region, is_within, region_by_code, region_of, split_leading_regions

__all__ = [
    "Candidate",
    "PageLink",
    "is_directory_link",
    "is_government_host",
    "is_government_name",
    "match_link",
    "page_links",
]

# Box headings and menu prompts under which links are governments or departments.
_GOVERNMENT_BOX = re.compile(
    r"市县|县市|县区|区县|市州|地市|设区市|各市|各县|地方政府|政府网站|政府门户|网站群|友情链接|"
    r"网站链接|相关链接|部门网站|部门信息公开|部门链接|政府部门|县直|市直|区直|直属"
)
_DEPARTMENT_BOX = re.compile(r"部门|县直|市直|区直|省直|直属|机构")
# Links to pages that list governments or departments (read them, don't crawl them for reports).
_DIRECTORY_TEXT = re.compile(
    r"^(?:地方政府(?:网站)?|(?:市县|县市|县区|区县|县市区|市州|设区市|各市|各县)(?:政府)?(?:网站)?|"
    r"政府网站(?:导航|群)?|网站群|(?:部门|政府部门|县直部门|市直部门|区直部门)(?:网站|导航|链接)|"
    r"部门信息公开(?:目录)?)$"
)
# What may follow a government's place name in a link to its portal.
_GOVERNMENT_SUFFIX = re.compile(r"(?:人民政府|政府)?(?:门户网站|门户|网站)?|(?:人民政府|政府)网")
# How a department's name ends. 法院, 检察院, 人大, 政协 and party bodies are not governments'
# departments (the disclosure regulation does not cover them).
# (A 中心 or 办 alone is too often something else: 新闻中心, 主办.)
_DEPARTMENT_END = re.compile(r"(?:局|委员会|委|办公室|厅|署|管委会|政务服务中心)$")
_NOT_A_DEPARTMENT = re.compile(
    r"法院|检察院|人大|政协|纪委|监委|监察|党委|党校|县委|市委|区委|省委|中共|"
    r"^(?:国家|国务院|中国|中央|全国|中华)"  # the central government's, not this one's
)
# Decoration around link texts: bullets, arrows, brackets with "new" marks.
_DECORATION = re.compile(r"^[·•>»\-—=\s]+|[·•<«\-—=:：\s]+$|[（(]新[）)]$")
_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
_PAGE_SUFFIX = re.compile(r"(?:信息公开|政务公开|门户网站|网站|主页|首页)$")
# 省教育厅, 市教育局, 县教育局: the unit a department without a place names must be the portal's.
# (市 is a province-level city's, a prefecture's or a county-level city's; 区 an autonomous
# region's or a district's.)
_UNIT_LEVELS = {
    "省": ("province",),
    "市": ("province", "city", "county"),
    "州": ("city",),
    "盟": ("city",),
    "区": ("province", "county"),
    "县": ("county",),
    "旗": ("county",),
}
_BOX_ANCESTORS = 6
_MAX_TEXT = 40


@dataclass(frozen=True)
class PageLink:
    """A link on a page: absolute URL, its text, and the heading of the box or menu it is in."""

    url: str
    text: str
    box: str = ""


@dataclass(frozen=True)
class Candidate:
    """A government or department site a link leads to.

    ``kind`` is ``government`` (a portal) or ``department`` (an agency's site or column);
    ``name`` is the government's or the agency's full name, ``region`` its division.
    """

    kind: str
    name: str
    region: Region
    url: str
    link_text: str


def page_links(html: str, base_url: str) -> list[PageLink]:
    """Every link and URL-valued menu option of a page, with the box it sits in.

    >>> html = '''<div class="links"><h3>市县政府</h3><ul><li><a href="http://www.nc.gov.cn/">南昌</a></li></ul></div>
    ... <select onchange="window.open(this.value)"><option value="">--县区网站--</option>
    ... <option value="http://www.ncx.gov.cn/">南昌县</option><option value="/x.html">本站</option></select>
    ... <p><a href="/news/1.html">新闻</a></p>'''
    >>> for link in page_links(html, "http://www.jiangxi.gov.cn/"): print(link)
    PageLink(url='http://www.nc.gov.cn/', text='南昌', box='市县政府')
    PageLink(url='http://www.jiangxi.gov.cn/news/1.html', text='新闻', box='')
    PageLink(url='http://www.ncx.gov.cn/', text='南昌县', box='县区网站')
    """
    if not html or not html.strip():
        return []
    try:
        root = lxml.html.document_fromstring(html, base_url=base_url)
    except (ValueError, lxml.etree.ParserError):
        return []
    root.make_links_absolute(base_url, resolve_base_href=True, handle_failures="discard")
    links = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href.startswith(("http://", "https://")):
            text = anchor.text_content() or anchor.get("title") or ""
            links.append(PageLink(href, _clean(text), _box_of(anchor)))
    for select in root.iter("select"):
        options = list(select.iter("option"))
        prompt = next((_clean(o.text_content()) for o in options if not _option_url(o)), "")
        box = prompt or _box_of(select)
        for option in options:
            url = _option_url(option)
            if url:
                links.append(PageLink(url, _clean(option.text_content()), box))
    return links


def _option_url(option) -> str:
    # window.open(this.value): the value is the address, relative ones are not resolved by
    # browsers here either, so only absolute URLs count.
    value = (option.get("value") or "").strip()
    return value if value.startswith(("http://", "https://")) else ""


def _box_of(element) -> str:
    """The heading of the nearest box around ``element``: a heading tag, a title element, or
    the box's leading text (``友情链接：``)."""
    current = element.getparent()
    for _ in range(_BOX_ANCESTORS):
        if current is None:
            return ""
        for child in current:
            if child is element or not isinstance(child.tag, str):
                continue
            klass = (child.get("class") or "") + " " + (child.get("id") or "")
            if child.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "dt", "caption", "legend") or (
                "title" in klass or "tit" in klass.split()
            ):
                heading = _clean(child.text_content())
                if heading and heading != _clean(element.text_content()):
                    return heading
        lead = _clean(current.text or "")
        if lead:
            return lead
        element, current = current, current.getparent()
    return ""


def _clean(text: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return _DECORATION.sub("", text)


def is_government_box(box: str) -> bool:
    """
    >>> is_government_box("市县政府网站"), is_government_box("友情链接："), is_government_box("要闻")
    (True, True, False)
    """
    return bool(_GOVERNMENT_BOX.search(box or ""))


def is_directory_link(text: str) -> bool:
    """A link to a page that lists governments or departments.

    >>> is_directory_link("地方政府"), is_directory_link("区县政府"), is_directory_link("部门网站")
    (True, True, True)
    >>> is_directory_link("地方政府债务")
    False
    """
    return bool(_DIRECTORY_TEXT.match(_clean(text)))


def is_government_host(url: str, exceptions: list[str] | tuple[str, ...] = ()) -> bool:
    """Only ``*.gov.cn`` hosts (and the configured exceptions, with their subdomains) become sites.

    >>> is_government_host("http://www.nc.gov.cn/"), is_government_host("http://nc.gov.cn.evil.com/")
    (True, False)
    >>> is_government_host("http://www.example.com/"), is_government_host("http://a.example.com/", ["example.com"])
    (False, True)
    """
    host = url_host(url)
    if not host:
        return False
    suffixes = ["gov.cn", *(e.strip().lower().lstrip(".") for e in exceptions if e.strip())]
    return any(host == s or host.endswith("." + s) for s in suffixes if host != "gov.cn")


def is_government_name(name: str) -> bool:
    """Whether a site's name is a government (its divisions, then 人民政府 or nothing).

    >>> is_government_name("山东省人民政府"), is_government_name("南昌市"), is_government_name("聊城市卫生健康委员会")
    (True, True, False)
    """
    chain, rest = split_leading_regions(_clean(name))
    return bool(chain) and rest in ("", "人民政府", "政府")


def match_link(
    link: PageLink, *, portal: Region, start: str, portal_host: str | None = None
) -> Candidate | None:
    """The government or department ``link`` leads to, found on the portal of ``portal``, if it
    lies under the division ``start`` (the start itself excluded); else None.

    A department link without a place (``教育局``, ``县卫生健康局``) belongs to the portal's own
    government; ``portal_host`` lets a department's column on the portal's host through, while a
    government link must leave the portal's host.

    >>> nc, county = region_by_code("360100"), region_by_code("360121")
    >>> def m(text, url="http://www.x.gov.cn/", box="", portal=nc, start="360000"):
    ...     found = match_link(PageLink(url, text, box), portal=portal, start=start,
    ...                        portal_host="www.nc.gov.cn")
    ...     return found and (found.kind, found.name, found.region.code, found.region.level)
    >>> m("南昌县人民政府"), m("进贤县")
    (('government', '南昌县人民政府', '360121', 'county'), ('government', '进贤县人民政府', '360124', 'county'))
    >>> m("南昌", box="区县政府"), m("南昌")
    (('government', '南昌县人民政府', '360121', 'county'), None)
    >>> m("南昌县召开全县经济工作会议"), m("湖南省人民政府"), m("南昌市人民政府")
    (None, None, None)
    >>> m("会昌县政府网站"), m("江西省赣州市南康市")
    (('government', '会昌县人民政府', '360733', 'county'), ('government', '南康区人民政府', '360703', 'county'))
    >>> m("教育局", "http://jyj.nc.gov.cn/"), m("县卫生健康局", "http://www.nc.gov.cn/bm/wjw/", portal=county)
    (('department', '南昌市教育局', '360100', 'city'), ('department', '南昌县卫生健康局', '360121', 'county'))
    >>> m("教育局", box="部门网站"), m("教育局"), m("新闻中心"), m("国家发展和改革委员会")
    (('department', '南昌市教育局', '360100', 'city'), None, None, None)
    >>> m("市教育局", box="部门网站"), m("省教育厅", box="部门网站"), m("县教育局", box="部门网站")
    (('department', '南昌市教育局', '360100', 'city'), None, None)
    >>> m("南昌县教育局", "http://www.nc.gov.cn/bm/jyj/"), m("南昌县人民法院"), m("360124")
    (('department', '南昌县教育局', '360121', 'county'), None, ('government', '进贤县人民政府', '360124', 'county'))
    """
    text = link.text
    if not text or len(text) > _MAX_TEXT:
        return None
    same_host = portal_host is not None and url_host(link.url) == portal_host
    code = _CODE.fullmatch(text)
    if code:
        region = region_by_code(code.group(1))
        return _government(region, link, portal, start) if region and not same_host else None
    page = _PAGE_SUFFIX.sub("", text) or text
    chain, rest = split_leading_regions(page)
    if chain and _GOVERNMENT_SUFFIX.fullmatch(rest):
        region = _pick(chain[-1], portal, start)
        return None if same_host else _government(region, link, portal, start)
    if not chain and is_government_box(link.box) and 2 <= len(text) <= 4:
        # A bare short name (南昌) in a 市县政府 box or a county menu.
        region = _pick(region_of(text, within=portal.code), portal, start)
        if region is not None:
            return None if same_host else _government(region, link, portal, start)
    return _department(chain, rest, link, portal, start, portal_host)


def _pick(candidates: list[Region], portal: Region, start: str) -> Region | None:
    """The candidate under the start, preferring the portal's children over the portal itself."""
    inside = [r for r in candidates if is_within(r, start)]
    below = [r for r in inside if r.code != portal.code and is_within(r, portal.code)]
    return (below or inside or [None])[0]


def _government(region: Region | None, link: PageLink, portal: Region, start: str):
    if region is None or region.code in (portal.code, start) or not is_within(region, start):
        return None
    return Candidate("government", f"{region.name}人民政府", region, link.url, link.text)


def _department(chain, rest, link: PageLink, portal: Region, start: str, portal_host: str | None):
    base = rest
    if not chain and rest[:1] in _UNIT_LEVELS:
        if portal.level not in _UNIT_LEVELS[rest[0]]:
            return None  # 省教育厅 on a city's portal: the province's, not this government's
        base = rest[1:]
    if (
        len(base) < 2
        or not _DEPARTMENT_END.search(base)
        or _NOT_A_DEPARTMENT.search(link.text)
        or re.search(r"\d", base)
        or base.endswith("政府")
    ):
        return None
    if not chain and not (_same_domain(link.url, portal_host) or _DEPARTMENT_BOX.search(link.box)):
        # 教育局 with no place: this government's only on its own domain or in its 部门网站 box.
        return None
    region = _pick(chain[-1], portal, start) if chain else portal
    if region is None or not is_within(region, start):
        return None
    return Candidate("department", f"{region.name}{base}", region, link.url, link.text)


def _same_domain(url: str, portal_host: str | None) -> bool:
    host, domain = url_host(url) or "", (portal_host or "").removeprefix("www.")
    return bool(domain) and (host == domain or host.endswith("." + domain))
