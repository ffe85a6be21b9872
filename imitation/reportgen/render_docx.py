"""A report as a Word (DOCX) file: body paragraphs and tables with really merged cells.

python-docx writes zip members with the current time, so the archive is rewritten with a fixed
timestamp: the same report always gives the same bytes (which the DOC cache relies on).
"""

from __future__ import annotations

import datetime
import io
import zipfile

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from .layout import document_blocks
from .model import GeneratedReport
from .tables import Table, layout_grid

BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def render_docx(report: GeneratedReport) -> bytes:
    """The report as DOCX bytes."""
    document = Document()
    _set_font(document.styles["Normal"], BODY_FONT, 16)
    _set_properties(document, report)
    for block in document_blocks(report):
        if block.kind == "table":
            _add_table(document, block.table, report.style)
        elif block.kind == "page_number":
            paragraph = document.add_paragraph(block.text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            document.add_page_break()
        else:
            _add_paragraph(document, block.kind, block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_zip(buffer.getvalue())


def normalize_zip(data: bytes) -> bytes:
    """The same zip archive with every member's timestamp fixed, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(
                zipfile.ZipInfo(info.filename, ZIP_EPOCH),
                source.read(info.filename),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def _set_font(style, name: str, size: float) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    # Word picks the font for Chinese characters from the eastAsia attribute, not w:ascii.
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _set_properties(document, report: GeneratedReport) -> None:
    when = report.published or f"{report.year + 1}-02-01"
    stamp = datetime.datetime.fromisoformat(when + "T09:00:00")
    props = document.core_properties
    props.title = report.title.replace("\n", "")
    props.author = report.agency
    props.last_modified_by = report.agency
    props.created = props.modified = stamp
    props.revision = 1


def _add_paragraph(document, kind: str, text: str) -> None:
    paragraph = document.add_paragraph()
    lines = text.split("\n")
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
    if kind == "title":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run.bold = True
        run.font.size = Pt(22)
    elif kind == "date":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif kind == "signature":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif kind == "heading":
        run.bold = True
        run.font.name = HEADING_FONT
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
    if kind in ("para", "heading", "subheading"):
        paragraph.paragraph_format.first_line_indent = Pt(32)


def _add_table(document, table: Table, style: dict) -> None:
    grid = layout_grid(table)
    word_table = document.add_table(rows=len(grid), cols=table.ncols)
    word_table.style = "Table Grid"
    # Table.cell() rescans the whole table on every call; take every cell once, before merging.
    word_cells = [list(row.cells) for row in word_table.rows]
    for r, row in enumerate(grid):
        for c, position in enumerate(row):
            if position is None or not position[1]:
                continue
            cell = position[0]
            target = word_cells[r][c]
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(word_cells[r + cell.rowspan - 1][c + cell.colspan - 1])
            _fill_cell(target, cell.text, style.get("cell_breaks") == "p")


def _fill_cell(word_cell, text: str, paragraph_per_line: bool) -> None:
    word_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = text.split("\n")
    first = word_cell.paragraphs[0]
    if paragraph_per_line:
        paragraphs = [first] + [word_cell.add_paragraph() for _ in lines[1:]]
        for paragraph, line in zip(paragraphs, lines):
            _cell_run(paragraph, line)
        return
    run = _cell_run(first, lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)


def _cell_run(paragraph, text: str):
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size = Pt(9)
    return run
