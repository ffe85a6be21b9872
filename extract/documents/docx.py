"""DOCX (and zip-based WPS) → text: paragraphs and tables in body order.

The body XML is walked directly rather than ``doc.paragraphs`` then ``doc.tables``,
which would lose the order of text around tables, and rather than python-docx's
cell API, which repeats a merged cell in every grid slot it covers.
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from .bounds import check_office_zip
from .model import DocumentError, DocumentText
from .text import SpanGrid, clean_cell, grid_lines, join_wrapped, tidy_lines, usable_title

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (
    qn(tag) for tag in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent")
)
_CUSTOM_XML, _SMART_TAG = qn("w:customXml"), qn("w:smartTag")
_T, _TAB, _BR, _CR, _NO_BREAK_HYPHEN = (
    qn(tag) for tag in ("w:t", "w:tab", "w:br", "w:cr", "w:noBreakHyphen")
)
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_VAL = qn("w:val")
# Containers whose children are read as if they sat in the parent (content controls, smart tags).
_TRANSPARENT = (_SDT, _SDT_CONTENT, _CUSTOM_XML, _SMART_TAG)
_TITLE_STYLES = re.compile(r"^(title|heading ?1|标题(?: ?1)?)$", re.I)


def read_docx(payload: bytes, *, source_type: str = "docx") -> DocumentText:
    """Read a DOCX payload; ``source_type`` lets a zip-based WPS file report itself as 'wps'."""
    # python-docx inflates every part into memory: its declared sizes are checked first.
    check_office_zip(payload, source_type.upper())
    try:
        document = docx.Document(io.BytesIO(payload))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
        EOFError,
    ) as error:
        raise DocumentError(f"not a readable DOCX: {_describe(error)}") from error
    slots: dict[str, tuple[bool, ...] | None] = {}
    lines = list(block_lines(document.element.body, slots))
    return DocumentText(
        text=tidy_lines(lines),
        source_type=source_type,
        title=_title(document, lines),
        pages=_page_count(payload),
        cell_slots={line: owned for line, owned in slots.items() if owned is not None},
    )


def block_lines(container: etree._Element, slots: dict | None = None):
    """Yield the text lines of the paragraphs and tables directly inside ``container``, in order.

    A ``slots`` dict collects which slots of each table row line are ``w:tc`` cells of their
    own (:func:`extract.documents.text.record_slots`).
    """
    for child in container.iterchildren():
        if child.tag == _P:
            yield paragraph_text(child)
        elif child.tag == _TBL:
            yield from table_lines(child, slots)
        elif child.tag in _TRANSPARENT:
            yield from block_lines(child, slots)


def paragraph_text(paragraph: etree._Element) -> str:
    """The text of one ``w:p``: runs, hyperlinks and fields' shown text; deleted text left out."""
    parts = []
    for node in paragraph.iter(_T, _TAB, _BR, _CR, _NO_BREAK_HYPHEN):
        if _inside_fallback(node, paragraph):
            continue  # the same text box again, in its VML fallback
        if node.tag == _T:
            parts.append(node.text or "")
        elif node.tag == _TAB:
            # Kept: tab-aligned "tables" typed as paragraphs then read like table rows.
            parts.append("\t")
        elif node.tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


def table_lines(table: etree._Element, slots: dict | None = None) -> list[str]:
    """Linearise a ``w:tbl``.

    A table that holds another table is page layout, not data: its cells are read
    as blocks in order, so the inner (data) table still comes out as a grid.
    """
    if any(True for _ in table.iter(_TBL) if _ is not table):
        return [line for cell in _cells_in_order(table) for line in block_lines(cell, slots)]
    grid = SpanGrid()
    for row in _rows(table):
        grid.start_row()
        properties = row.find(qn("w:trPr"))
        for _ in range(_int_child(properties, "w:gridBefore", 0)):
            grid.add("", own=False)  # grid columns the row skips: no cell there
        for cell in _cells(row):
            span = _int_child(cell.find(qn("w:tcPr")), "w:gridSpan", 1)
            if _continues_merge(cell):
                grid.add("", colspan=span, own=False)  # covered by the cell above (vMerge)
            else:
                grid.add(clean_cell(_cell_text(cell)), colspan=span)
    return grid_lines(grid.rows(), grid.owned(), slots)


def _cell_text(cell: etree._Element) -> str:
    return join_wrapped(line for block in block_lines(cell) for line in block.splitlines())


def _continues_merge(cell: etree._Element) -> bool:
    """True for the lower slots of a vertical merge and the right slots of a legacy hMerge."""
    properties = cell.find(qn("w:tcPr"))
    if properties is None:
        return False
    for tag in ("w:vMerge", "w:hMerge"):
        merge = properties.find(qn(tag))
        if merge is not None and merge.get(_VAL, "continue") == "continue":
            return True
    return False


def _rows(table: etree._Element):
    yield from _children(table, _TR)


def _cells(row: etree._Element):
    yield from _children(row, _TC)


def _children(parent: etree._Element, tag: str):
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _TRANSPARENT:
            yield from _children(child, tag)


def _cells_in_order(table: etree._Element):
    for row in _rows(table):
        yield from _cells(row)


def _int_child(properties: etree._Element | None, tag: str, default: int) -> int:
    if properties is None:
        return default
    element = properties.find(qn(tag))
    if element is None:
        return default
    try:
        return max(int(element.get(_VAL, default)), 0)
    except ValueError:
        return default


def _inside_fallback(node: etree._Element, stop: etree._Element) -> bool:
    for ancestor in node.iterancestors():
        if ancestor is stop:
            return False
        if ancestor.tag == _FALLBACK:
            return True
    return False


def _title(document, lines: list[str]) -> str | None:
    title = usable_title(document.core_properties.title)
    if title:
        return title
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if _TITLE_STYLES.match(style or "") and paragraph.text.strip():
            return paragraph.text.strip()
    # Most reports use no heading styles: their first short line is the title.
    first = next((line.strip() for line in lines if line.strip()), None)
    return first if first and len(first) <= 80 and "\t" not in first else None


def _page_count(payload: bytes) -> int | None:
    """Pages as last counted by the word processor (docProps/app.xml), if it recorded them."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            app = archive.read("docProps/app.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    match = re.search(r"<(?:\w+:)?Pages>(\d+)</", app)
    return int(match.group(1)) if match else None


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:200]
