"""HTML article → text: the article body only, tables linearised, plus title, date and links."""

from __future__ import annotations

import itertools
import re
from urllib.parse import urljoin

from bs4 import (
    BeautifulSoup,
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
    Tag,
)

from .bounds import check_html_size
from .encoding import decode_html
from .model import DocumentError, DocumentText
from .text import SpanGrid, collapse_spaces, grid_lines, join_wrapped, tidy_lines

# Article containers of the CMSs Chinese government sites run on (TRS WCM, Hanweb/UCAP,
# VSB/Bosi, Kaipu …), most specific first. The first one holding real text wins.
ARTICLE_SELECTORS = (
    "#zoom",
    ".TRS_Editor",
    ".TRS_UEDITOR",
    ".trs_editor_view",
    "#UCAP-CONTENT",
    ".pages_content",
    ".wzy_content",
    "#vsb_content",
    ".v_news_content",
    "#BodyLabel",
    "#ivs_content",
    "#info_content",
    ".Custom_UnionStyle",
    ".article-content",
    ".article_content",
    ".xxgk_content",
    ".zw_content",
    ".news_content",
    ".content-detail",
    "#js_content",
    "article",
)
# The selectors are all '#id', '.class' or a tag name: matched by lookup in one walk of the tree.
_ARTICLE_BY_ID = {
    sel[1:]: rank for rank, sel in enumerate(ARTICLE_SELECTORS) if sel.startswith("#")
}
_ARTICLE_BY_CLASS = {
    sel[1:]: rank for rank, sel in enumerate(ARTICLE_SELECTORS) if sel.startswith(".")
}
_ARTICLE_BY_NAME = {sel: rank for rank, sel in enumerate(ARTICLE_SELECTORS) if sel[0] not in "#."}
_MIN_ARTICLE_CHARS = 20
# Page furniture that never holds the article.
_DROP_TAGS = frozenset((
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "select", "button", "input", "textarea", "nav", "header", "footer", "aside", "head",
))  # fmt: skip
_FURNITURE = re.compile(
    r"^(?:side-?bar|sidenav|breadcrumbs?|crumbs?|bdshare|share|nav|navbar|menu|footer|header|position|dqwz)$",
    re.I,
)
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "dl", "dt", "dd", "blockquote", "pre", "center", "form", "fieldset", "address", "figure",
    "figcaption", "hr", "caption", "tr", "td", "th", "tbody", "thead", "tfoot", "body", "html",
}  # fmt: skip
_BLOCK_CANDIDATES = frozenset({"div", "td", "article", "section", "main"})  # for densest_block
_END_OF_BLOCK = object()  # marks where a block element's children end while walking
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
_DOCUMENT_LINK = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|et|zip|rar|7z|ofd)(?:$|[?#&])", re.I)
_DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
_PUBLISHED_LABELS = (
    "发布时间",
    "发布日期",
    "发文日期",
    "公开日期",
    "信息时间",
    "成文日期",
    "日期",
    "时间",
)
_DATE_METAS = (
    "PubDate",
    "firstpublishedtime",
    "publishdate",
    "pubdate",
    "article:published_time",
    "dc.date",
)
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||－|——|\s-\s)\s*")


def read_html(
    payload: bytes, *, content_type: str | None = None, url: str | None = None
) -> DocumentText:
    """Read an HTML article: body text with tables linearised, title, published date and links."""
    check_html_size(payload)
    text, _ = decode_html(payload, content_type)
    # lxml refuses str input that still carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    soup = BeautifulSoup(text, "lxml")
    if soup.find() is None:
        raise DocumentError("not HTML: no elements")
    title = _title(soup)
    published = _published(soup)
    base = _base_url(soup, url)
    _drop_furniture(soup)
    article = find_article(soup)
    slots: dict[str, tuple[bool, ...] | None] = {}
    lines = html_lines(article, slots)
    return DocumentText(
        text=tidy_lines(lines),
        source_type="html",
        title=title,
        links=_links(article, soup, base),
        published=published,
        cell_slots={line: owned for line, owned in slots.items() if owned is not None},
    )


def find_article(soup: BeautifulSoup) -> Tag:
    """The element holding the article: a known CMS container, else the densest text block."""
    matches: dict[int, list[Tag]] = {}
    for tag in _tags(soup):
        for rank in _article_ranks(tag):
            matches.setdefault(rank, []).append(tag)
    for rank in sorted(matches):
        best = max(matches[rank], key=lambda tag: len(tag.get_text(strip=True)))
        if len(best.get_text(strip=True)) >= _MIN_ARTICLE_CHARS or best.find("table") is not None:
            return best
    return densest_block(soup)


def _tags(root: Tag):
    """Every element under ``root``, in document order.

    Walking ``descendants`` directly is several times faster than bs4's ``find_all(True)`` and
    soupsieve's ``select``, which on a report page is most of the reading time.
    """
    return (node for node in root.descendants if isinstance(node, Tag))


def _article_ranks(tag: Tag) -> list[int]:
    """Positions in :data:`ARTICLE_SELECTORS` of the selectors ``tag`` matches."""
    ranks = [
        rank
        for rank in (_ARTICLE_BY_ID.get(tag.get("id")), _ARTICLE_BY_NAME.get(tag.name))
        if rank is not None
    ]
    classes = tag.get("class")
    if classes:
        ranks += [_ARTICLE_BY_CLASS[name] for name in classes if name in _ARTICLE_BY_CLASS]
    return ranks


def densest_block(soup: BeautifulSoup) -> Tag:
    """The deepest element holding most of the page's text that is not link text.

    Menus and link lists are nearly all link text, so the article is the block
    where the plain text concentrates.
    """
    body = soup.body or soup
    weights = _plain_text_weights(body)
    total = weights.get(id(body), 0)
    depths = {id(body): 0}
    for tag in _tags(body):
        depths[id(tag)] = depths.get(id(tag.parent), 0) + 1
    best, best_depth = body, 0
    layout: dict[int, bool] = {}
    for tag in _tags(body):
        if tag.name not in _BLOCK_CANDIDATES:
            continue
        if tag.name == "td":
            table = _owning_table(tag)
            if id(table) not in layout:
                layout[id(table)] = table is None or is_layout_table(table)
            if not layout[id(table)]:
                continue  # a data table's cell is part of the article, never the whole of it
        if weights.get(id(tag), 0) >= 0.6 * total and depths[id(tag)] > best_depth:
            best, best_depth = tag, depths[id(tag)]
    return best


def html_lines(element: Tag, slots: dict | None = None) -> list[str]:
    """Lines of text in ``element``: one per block, each table row as TAB-separated cells.

    A ``slots`` dict collects which slots of each table row line are ``<td>`` of their own
    (:func:`extract.documents.text.record_slots`). Walks with an explicit stack: pages with thousands of unclosed ``<font>`` tags
    nest deeper than Python's recursion limit.
    """
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            # Spaces at a line's ends are indentation in the source (runs holding a line break
            # are spaces by now); TABs there are empty cells of a TAB-separated row, kept.
            lines.append(collapse_spaces("".join(buffer)).strip(" \u00a0\u3000\r\n\f\v"))
            buffer.clear()

    stack = [iter(element.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child is _END_OF_BLOCK:
            flush()
        elif isinstance(child, NavigableString):
            if not isinstance(child, _SKIPPED_STRINGS):
                buffer.append(str(child))
        elif child.name == "br":
            flush()
        elif child.name == "table":
            flush()
            lines.extend(table_lines(child, slots))
        elif child.name == "pre":
            flush()
            lines.extend(child.get_text().splitlines())
        elif child.name in _BLOCK_TAGS:
            flush()
            stack.append(itertools.chain(child.children, [_END_OF_BLOCK]))
        else:
            stack.append(iter(child.children))
    flush()
    return lines


def table_lines(table: Tag, slots: dict | None = None) -> list[str]:
    """Linearise one ``<table>``, building the grid so row and column spans land in place.

    A table holding another table, or only one column, is page layout rather
    than data: its cells are read as ordinary blocks.
    """
    rows = _rows(table)
    cells_per_row = [_cells(row) for row in rows]
    captions = [line for caption in table.find_all("caption") for line in html_lines(caption)]
    if is_layout_table(table):
        return captions + [
            line for cells in cells_per_row for cell in cells for line in html_lines(cell, slots)
        ]
    grid = SpanGrid()
    for index, cells in enumerate(cells_per_row):
        grid.start_row()
        for cell in cells:
            rowspan = min(_span(cell.get("rowspan")), len(rows) - index)
            text = join_wrapped(line for block in html_lines(cell) for line in block.splitlines())
            grid.add(text, rowspan=rowspan, colspan=min(_span(cell.get("colspan")), 1000))
    return captions + grid_lines(grid.rows(), grid.owned(), slots)


def is_layout_table(table: Tag) -> bool:
    """True for a table used to lay out the page: it holds another table, or has a single column."""
    if any(tag.name == "table" for tag in _tags(table)):
        return True
    return max((len(_cells(row)) for row in _rows(table)), default=0) <= 1


def _rows(table: Tag) -> list[Tag]:
    return [tag for tag in _tags(table) if tag.name == "tr" and _owning_table(tag) is table]


def _owning_table(tag: Tag) -> Tag | None:
    parent = tag.parent
    while parent is not None and parent.name != "table":
        parent = parent.parent
    return parent


def _cells(row: Tag) -> list[Tag]:
    return [
        child for child in row.children if isinstance(child, Tag) and child.name in ("td", "th")
    ]


def _span(value) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    return max(int(match.group(1)), 1) if match else 1


def _drop_furniture(soup: BeautifulSoup) -> None:
    # extract() rather than decompose(): a tag inside one already dropped can be dropped again harmlessly.
    for tag in [tag for tag in _tags(soup) if tag.name in _DROP_TAGS]:
        tag.extract()
    body = soup.body or soup
    weights = _plain_text_weights(body)
    total = weights.get(id(body), 0) or 1
    for tag in [tag for tag in _tags(body) if _is_furniture(tag)]:
        # A wrapper that happens to be called 'header' but holds the page's text is no furniture.
        if weights.get(id(tag), 0) < 0.5 * total and not any(map(_article_ranks, _tags(tag))):
            tag.extract()


def _is_furniture(tag: Tag) -> bool:
    names = list(tag.get("class") or []) + [tag.get("id") or ""]
    return any(_FURNITURE.match(name) for name in names if name)


def _plain_text_weights(root: Tag) -> dict[int, int]:
    """Characters of non-link text under each element, keyed by ``id(element)``.

    One pass in reverse document order, so every child is summed before its parent.
    """
    weights: dict[int, int] = {}
    for node in reversed(list(root.descendants)):
        if isinstance(node, NavigableString):
            share = 0 if isinstance(node, _SKIPPED_STRINGS) else len(node.strip())
        else:
            share = 0 if node.name == "a" else weights.get(id(node), 0)
        if share and node.parent is not None:
            weights[id(node.parent)] = weights.get(id(node.parent), 0) + share
    return weights


def _title(soup: BeautifulSoup) -> str | None:
    content = _meta_content(soup, "ArticleTitle", "og:title").strip()
    if content:
        return " ".join(content.split())
    page_title = " ".join(soup.title.get_text().split()) if soup.title else ""
    headings = [" ".join(h.get_text(" ").split()) for h in soup.find_all(("h1", "h2", "h3"))]
    headings = [heading for heading in headings if len(heading) >= 4]
    for heading in headings:
        if heading in page_title:
            return heading
    segments = [segment for segment in _TITLE_SEPARATORS.split(page_title) if segment]
    if len(segments) > 1 and len(segments[0]) >= 4:
        return segments[0]
    h1 = next(
        (
            text
            for text in (" ".join(h.get_text(" ").split()) for h in soup.find_all("h1"))
            if len(text) >= 4
        ),
        None,
    )
    return h1 or page_title or None


def _published(soup: BeautifulSoup) -> str | None:
    for name in _DATE_METAS:
        date = _iso_date(re.search(_DATE, _meta_content(soup, name, name)))
        if date:
            return date
    text = soup.get_text(" ")
    for label in _PUBLISHED_LABELS:
        date = _iso_date(re.search(label + r"\s*[:：]?\s*" + _DATE, text))
        if date:
            return date
    return None


def _meta_content(soup: BeautifulSoup, name: str, prop: str) -> str:
    """The content of the first ``<meta name=…>`` (any case), else of ``<meta property=…>``."""
    metas = [tag for tag in _tags(soup) if tag.name == "meta"]
    for meta in metas:
        if (meta.get("name") or "").lower() == name.lower():
            return meta.get("content") or ""
    for meta in metas:
        if meta.get("property") == prop:
            return meta.get("content") or ""
    return ""


def _iso_date(match: re.Match | None) -> str | None:
    if not match:
        return None
    year, month, day = (int(group) for group in match.groups()[-3:])
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _base_url(soup: BeautifulSoup, url: str | None) -> str | None:
    base = soup.find("base", href=True)
    if base is not None:
        return urljoin(url or "", base["href"].strip())
    return url


def _links(article: Tag, soup: BeautifulSoup, base: str | None) -> list[tuple[str, str]]:
    """The article's links, then document links (attachments) elsewhere on the page."""
    found: dict[str, str] = {}
    anchors = list(article.find_all("a", href=True))
    anchors += [
        a for a in soup.find_all("a", href=True) if _DOCUMENT_LINK.search(a["href"].strip())
    ]
    for anchor in anchors:
        href = anchor["href"].strip()
        if not href or href.startswith("#") or re.match(r"(?:javascript|mailto|tel):", href, re.I):
            continue
        absolute = urljoin(base, href) if base else href
        text = " ".join(anchor.get_text(" ").split()) or (anchor.get("title") or "").strip()
        found.setdefault(absolute, text)
    return list(found.items())
