"""One entry point for every source type: ``render(report, fmt)`` and the batched ``render_many``."""

from __future__ import annotations

from .model import SOURCE_TYPES, GeneratedReport
from .render_doc import docx_to_doc_many
from .render_docx import render_docx
from .render_html import HTML_SHAPES, render_html
from .render_pdf import render_pdf

# What a web server would send for each source type: (Content-Type, file extension).
MEDIA_TYPES = {
    "html_table": ("text/html", "html"),
    "html_flat": ("text/html", "html"),
    "html_tabs": ("text/html", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "doc": ("application/msword", "doc"),
}


def render(report: GeneratedReport, fmt: str) -> bytes:
    """The report as the bytes of one source type (see ``SOURCE_TYPES``)."""
    return render_many([report], fmt)[0]


def render_many(reports: list[GeneratedReport], fmt: str) -> list[bytes]:
    """Each report rendered as ``fmt``; for 'doc' one LibreOffice run converts them all."""
    if fmt not in SOURCE_TYPES:
        raise ValueError(f"unknown source type {fmt!r}; expected one of {SOURCE_TYPES}")
    if fmt in HTML_SHAPES:
        return [render_html(report, fmt) for report in reports]
    if fmt == "pdf":
        return [render_pdf(report) for report in reports]
    docx = [render_docx(report) for report in reports]
    return docx if fmt == "docx" else docx_to_doc_many(docx)
