"""HTML article → text: the article body only, tables linearised, plus title, date and links."""

from __future__ import annotations

import itertools
import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

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
_MIN_ARTICLE_CHARS = 20
# Page furniture that never holds the article.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "select", "button", "input", "textarea", "nav", "header", "footer", "aside", "head",
)  # fmt: skip
_FURNITURE = re.compile(
    r"^(?:side-?bar|sidenav|breadcrumbs?|crumbs?|bdshare|share|nav|navbar|menu|footer|header|position|dqwz)$", re.I
)
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "dl", "dt", "dd", "blockquote", "pre", "center", "form", "fieldset", "address", "figure",
    "figcaption", "hr", "caption", "tr", "td", "th", "tbody", "thead", "tfoot", "body", "html",
}  # fmt: skip
_END_OF_BLOCK = object()  # marks where a block element's children end while walking
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
_DOCUMENT_LINK = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|et|zip|rar|7z|ofd)(?:$|[?#&])", re.I)
_DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
_PUBLISHED_LABELS = ("发布时间", "发布日期", "发文日期", "公开日期", "信息时间", "成文日期", "日期", "时间")
_DATE_METAS = ("PubDate", "firstpublishedtime", "publishdate", "pubdate", "article:published_time", "dc.date")
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||－|——|\s-\s)\s*")


def read_html(payload: bytes, *, content_type: str | None = None, url: str | None = None) -> DocumentText:
    """Read an HTML article: body text with tables linearised, title, published date and links."""
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
    lines = html_lines(article)
    return DocumentText(
        text=tidy_lines(lines),
        source_type="html",
        title=title,
        links=_links(article, soup, base),
        published=published,
    )


def find_article(soup: BeautifulSoup) -> Tag:
    """The element holding the article: a known CMS container, else the densest text block."""
    for selector in ARTICLE_SELECTORS:
        matches = soup.select(selector)
        if not matches:
            continue
        best = max(matches, key=lambda tag: len(tag.get_text(strip=True)))
        if len(best.get_text(strip=True)) >= _MIN_ARTICLE_CHARS or best.find("table") is not None:
            return best
    return densest_block(soup)


def densest_block(soup: BeautifulSoup) -> Tag:
    """The deepest element holding most of the page's text that is not link text.

    Menus and link lists are nearly all link text, so the article is the block
    where the plain text concentrates.
    """
    body = soup.body or soup
    weights = _plain_text_weights(body)
    total = weights.get(id(body), 0)
    depths = {id(body): 0}
    for tag in body.find_all(True):
        depths[id(tag)] = depths.get(id(tag.parent), 0) + 1
    best, best_depth = body, 0
    layout: dict[int, bool] = {}
    for tag in body.find_all(("div", "td", "article", "section", "main")):
        if tag.name == "td":
            table = tag.find_parent("table")
            if id(table) not in layout:
                layout[id(table)] = table is None or is_layout_table(table)
            if not layout[id(table)]:
                continue  # a data table's cell is part of the article, never the whole of it
        if weights.get(id(tag), 0) >= 0.6 * total and depths[id(tag)] > best_depth:
            best, best_depth = tag, depths[id(tag)]
    return best


def html_lines(element: Tag) -> list[str]:
    """Lines of text in ``element``: one per block, each table row as TAB-separated cells.

    Walks with an explicit stack: pages with thousands of unclosed ``<font>`` tags
    nest deeper than Python's recursion limit.
    """
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            # Whitespace at a line's ends, TABs included, is indentation in the source.
            lines.append(collapse_spaces("".join(buffer)).strip())
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
            lines.extend(table_lines(child))
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


def table_lines(table: Tag) -> list[str]:
    """Linearise one ``<table>``, building the grid so row and column spans land in place.

    A table holding another table, or only one column, is page layout rather
    than data: its cells are read as ordinary blocks.
    """
    rows = _rows(table)
    cells_per_row = [_cells(row) for row in rows]
    captions = [line for caption in table.find_all("caption") for line in html_lines(caption)]
    if is_layout_table(table):
        return captions + [line for cells in cells_per_row for cell in cells for line in html_lines(cell)]
    grid = SpanGrid()
    for index, cells in enumerate(cells_per_row):
        grid.start_row()
        for cell in cells:
            rowspan = min(_span(cell.get("rowspan")), len(rows) - index)
            text = join_wrapped(line for block in html_lines(cell) for line in block.splitlines())
            grid.add(text, rowspan=rowspan, colspan=min(_span(cell.get("colspan")), 1000))
    return captions + grid_lines(grid.rows())


def is_layout_table(table: Tag) -> bool:
    """True for a table used to lay out the page: it holds another table, or has a single column."""
    if table.find("table") is not None:
        return True
    return max((len(_cells(row)) for row in _rows(table)), default=0) <= 1


def _rows(table: Tag) -> list[Tag]:
    return [row for row in table.find_all("tr") if row.find_parent("table") is table]


def _cells(row: Tag) -> list[Tag]:
    return row.find_all(("td", "th"), recursive=False)


def _span(value) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    return max(int(match.group(1)), 1) if match else 1


def _drop_furniture(soup: BeautifulSoup) -> None:
    # extract() rather than decompose(): a tag inside one already dropped can be dropped again harmlessly.
    for tag in soup.find_all(_DROP_TAGS):
        tag.extract()
    body = soup.body or soup
    weights = _plain_text_weights(body)
    total = weights.get(id(body), 0) or 1
    article_selector = ",".join(ARTICLE_SELECTORS)
    for tag in body.find_all(True):
        if not _is_furniture(tag):
            continue
        # A wrapper that happens to be called 'header' but holds the page's text is no furniture.
        if weights.get(id(tag), 0) < 0.5 * total and tag.select_one(article_selector) is None:
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
    meta = soup.find("meta", attrs={"name": re.compile(r"^ArticleTitle$", re.I)}) or soup.find(
        "meta", attrs={"property": "og:title"}
    )
    if meta and meta.get("content", "").strip():
        return " ".join(meta["content"].split())
    page_title = " ".join(soup.title.get_text().split()) if soup.title else ""
    headings = [" ".join(h.get_text(" ").split()) for h in soup.find_all(("h1", "h2", "h3"))]
    headings = [heading for heading in headings if len(heading) >= 4]
    for heading in headings:
        if heading in page_title:
            return heading
    segments = [segment for segment in _TITLE_SEPARATORS.split(page_title) if segment]
    if len(segments) > 1 and len(segments[0]) >= 4:
        return segments[0]
    h1 = next((text for text in (" ".join(h.get_text(" ").split()) for h in soup.find_all("h1")) if len(text) >= 4), None)
    return h1 or page_title or None


def _published(soup: BeautifulSoup) -> str | None:
    for name in _DATE_METAS:
        meta = soup.find("meta", attrs={"name": re.compile(f"^{re.escape(name)}$", re.I)}) or soup.find(
            "meta", attrs={"property": name}
        )
        date = _iso_date(re.search(_DATE, meta.get("content", ""))) if meta else None
        if date:
            return date
    text = soup.get_text(" ")
    for label in _PUBLISHED_LABELS:
        date = _iso_date(re.search(label + r"\s*[:：]?\s*" + _DATE, text))
        if date:
            return date
    return None


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
    anchors += [a for a in soup.find_all("a", href=True) if _DOCUMENT_LINK.search(a["href"].strip())]
    for anchor in anchors:
        href = anchor["href"].strip()
        if not href or href.startswith("#") or re.match(r"(?:javascript|mailto|tel):", href, re.I):
            continue
        absolute = urljoin(base, href) if base else href
        text = " ".join(anchor.get_text(" ").split()) or (anchor.get("title") or "").strip()
        found.setdefault(absolute, text)
    return list(found.items())
