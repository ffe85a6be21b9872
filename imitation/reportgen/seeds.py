"""The real seed reports (``imitation/seeds/*.txt``) wrapped as HTML, PDF, DOCX and DOC.

Each text line becomes one paragraph, so an extractor can be run on the real wording through
every reader. The gold values (``imitation/seeds/gold``) apply unchanged.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from imitation.seeds import seed_texts

from .render_doc import docx_to_doc_many
from .render_docx import normalize_zip
from .render_pdf import pdf_styles

SEED_FORMATS = ("html", "pdf", "docx", "doc")


def seed_paths() -> list[Path]:
    """The seed text files, sorted; never empty."""
    return seed_texts()


def seed_documents(seed_txt_path: str | Path) -> dict[str, bytes]:
    """One seed's text as {'html', 'pdf', 'docx', 'doc'} bytes."""
    return seed_documents_many([seed_txt_path])[0]


def seed_documents_many(
    paths: list[str | Path], *, formats: tuple[str, ...] = SEED_FORMATS
) -> list[dict[str, bytes]]:
    """Like :func:`seed_documents` for several seeds, with one LibreOffice run for all DOCs.

    ``formats`` picks a subset of ``SEED_FORMATS``; leaving out 'doc' skips LibreOffice.
    """
    unknown = set(formats) - set(SEED_FORMATS)
    if unknown:
        raise ValueError(f"unknown seed formats {sorted(unknown)}; expected some of {SEED_FORMATS}")
    texts = [Path(path).read_text(encoding="utf-8") for path in paths]
    makers = {"html": _html, "pdf": _pdf, "docx": _docx}
    needed = set(formats) | ({"docx"} if "doc" in formats else set())  # DOC is made from DOCX
    documents = [
        {fmt: make(text) for fmt, make in makers.items() if fmt in needed} for text in texts
    ]
    if "doc" in formats:
        for document, doc in zip(documents, docx_to_doc_many([d["docx"] for d in documents])):
            document["doc"] = doc
    return [
        {fmt: document[fmt] for fmt in SEED_FORMATS if fmt in formats} for document in documents
    ]


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _html(text: str) -> bytes:
    lines = _lines(text)
    body = "\n".join(f"<p>{escape(line)}</p>" for line in lines)
    page = (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"/><title>{escape(lines[0].strip())}'
        f'</title></head>\n<body><div class="article">\n{body}\n</div></body></html>\n'
    )
    return page.encode("utf-8")


def _pdf(text: str) -> bytes:
    style = pdf_styles()["para"]
    # Paragraph collapses runs of whitespace; a TAB must still separate two numbers.
    story = [
        Paragraph(xml_escape(line.replace("\t", " ").strip()) or " ", style)
        for line in _lines(text)
    ]
    buffer = io.BytesIO()
    # Metadata title as Word's PDF export sets it from the first line; reportlab's default
    # ('untitled', '(anonymous)') would be noise no real report carries.
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        invariant=True,
        title=_lines(text)[0].strip(),
        author="",
    ).build(story)
    return buffer.getvalue()


def _docx(text: str) -> bytes:
    document = Document()
    for line in _lines(text):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_zip(buffer.getvalue())
