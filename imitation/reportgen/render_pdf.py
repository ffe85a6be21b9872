"""A report as a PDF: A4 pages, CID font STSong-Light (no font file needed), ruled tables.

``font_file`` embeds a TrueType CJK font from this machine instead (:func:`installed_cjk_font`
finds one), as word processors do: the subset of glyphs a report uses is most of a real report
PDF's weight.

Table labels wrap inside their narrow columns as in the published PDFs; a page break forced by
the ``page_break`` flag starts a new page with the table header repeated and a page number at the
foot of each page. Output is byte-for-byte reproducible (reportlab's ``invariant`` mode).
"""

from __future__ import annotations

import io
import subprocess
from functools import cache
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFile
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from .layout import document_blocks
from .model import GeneratedReport
from .tables import Table, layout_grid

FONT = "STSong-Light"
MARGIN = 2 * cm


class PdfFonts(NamedTuple):
    """The font of each kind of text, as word processors set them: 仿宋 for the text, 黑体 for
    headings, 宋体 for tables — each embedded as its own subset in a real report PDF."""

    body: str = FONT
    heading: str = FONT
    table: str = FONT


def pdf_fonts(font_file: Path | None = None) -> PdfFonts:
    """Register the fonts to write reports in: the CID font STSong-Light throughout (every
    reader has it; nothing embedded), or ``font_file``, a TrueType font whose glyphs are embedded
    as subsets of those used — a collection's faces in turn for text, headings and tables."""
    if font_file is None:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        return PdfFonts()
    faces = _face_count(Path(font_file))
    return PdfFonts(*(_embedded(Path(font_file), index % faces) for index in range(3)))


@cache
def _face_count(font_file: Path) -> int:
    """Fonts in the file: a TrueType collection (.ttc) holds several, read from its header."""
    if font_file.suffix.lower() != ".ttc":
        return 1
    return TTFontFile(str(font_file), subfontIndex=0).numSubfonts


def _embedded(font_file: Path, face: int) -> str:
    name = font_file.stem + (f"-{face}" if face else "")
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font_file), subfontIndex=face))
    return name


@cache
def installed_cjk_font() -> Path:
    """A Chinese TrueType font installed here (fontconfig's list), for embedding. OpenType fonts
    with PostScript outlines are skipped: reportlab embeds TrueType outlines only."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:  # no fontconfig on this machine: no font to find either
        listed = ""
    for line in sorted(listed.splitlines()):
        path = Path(line.strip().rstrip(":"))
        try:
            TTFont(path.stem, str(path), subfontIndex=0)
        except (TTFError, OSError):
            continue
        return path
    raise RuntimeError(
        "no Chinese TrueType font installed (fc-list :lang=zh); "
        "scripts/install-system-packages.sh installs fontconfig and fonts-wqy-zenhei"
    )


@cache
def pdf_styles(fonts: PdfFonts = PdfFonts()) -> dict[str, ParagraphStyle]:
    """Paragraph styles in ``fonts`` (registered by :func:`pdf_fonts`; the CID font by default)."""
    if fonts == PdfFonts():
        pdf_fonts()
    base = ParagraphStyle(
        "body", fontName=fonts.body, fontSize=11, leading=19, firstLineIndent=22, wordWrap="CJK"
    )
    return {
        "para": base,
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=fonts.heading,
            fontSize=17,
            leading=26,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceAfter=10,
        ),
        "date": ParagraphStyle("date", parent=base, alignment=TA_CENTER, firstLineIndent=0),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=fonts.heading, fontSize=12.5, spaceBefore=6
        ),
        "subheading": base,
        "signature": ParagraphStyle(
            "signature", parent=base, alignment=TA_RIGHT, firstLineIndent=0
        ),
        "cell": ParagraphStyle(
            "cell",
            fontName=fonts.table,
            fontSize=7.5,
            leading=9.5,
            alignment=TA_CENTER,
            wordWrap="CJK",
        ),
        "label": ParagraphStyle(
            "label", fontName=fonts.table, fontSize=7.5, leading=9.5, wordWrap="CJK"
        ),
    }


def render_pdf(report: GeneratedReport, *, font_file: Path | None = None) -> bytes:
    """The report as PDF bytes; ``font_file``: a TrueType font to embed instead of STSong-Light."""
    fonts = pdf_fonts(font_file)
    styles = pdf_styles(fonts)
    story = []
    for block in document_blocks(report):
        if block.kind == "table":
            story.append(_pdf_table(block.table, styles))
            story.append(Spacer(1, 8))
        elif block.kind == "page_number":
            # The number itself is in every page's footer, as PDF writers put it.
            story.append(PageBreak())
        else:
            text = escape(block.text).replace("\n", "<br/>")
            story.append(Paragraph(text, styles.get(block.kind, styles["para"])))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=True,
        title=metadata_title(report),
        author=report.agency,
    )
    footer = _footer(report, fonts.body) if report.style.get("page_numbers") else _no_footer
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def metadata_title(report: GeneratedReport) -> str:
    """The title in the PDF's metadata, which is often not the report's own."""
    choice = report.style.get("pdf_title", "report")
    if choice == "word_export":
        return f"Microsoft Word - {report.year}年政府信息公开工作年度报告.docx"
    return report.title.replace("\n", "") if choice == "report" else ""


def _footer(report: GeneratedReport, font: str):
    number_format = report.style.get("page_number_format", "- {n} -")

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, number_format.format(n=doc.page))
        canvas.restoreState()

    return draw


def _no_footer(canvas, doc):
    pass


def _pdf_table(table: Table, styles) -> PdfTable:
    grid = layout_grid(table)
    data = [["" for _ in range(table.ncols)] for _ in grid]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for r, row in enumerate(grid):
        for c, position in enumerate(row):
            if position is None or not position[1]:
                continue
            cell = position[0]
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            style = styles["label"] if cell.role in ("label", "note") else styles["cell"]
            data[r][c] = Paragraph(escape(cell.text).replace("\n", "<br/>"), style)
    usable = A4[0] - 2 * MARGIN
    total = sum(table.widths)
    widths = [usable * w / total for w in table.widths]
    return PdfTable(
        data,
        colWidths=widths,
        style=TableStyle(commands),
        repeatRows=table.header_rows if table.name != "active" else 0,
    )
