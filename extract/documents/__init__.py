"""Turn the archived bytes of one document (HTML, PDF, DOCX, DOC, WPS, XLS/XLSX/ET, images)
into text.

``read_document`` is the entry point; see :class:`DocumentText` for the shape of
its result, which the table parser relies on.
"""

from __future__ import annotations

import email
import email.policy

from .doc import read_doc
from .docx import read_docx
from .html import read_html
from .model import DocumentError, DocumentText
from .pdf import read_pdf
from .sniff import OLE_MAGIC, ZIP_MAGIC, sniff_type, type_from_filename
from .spreadsheet import read_spreadsheet

__all__ = ["DocumentError", "DocumentText", "read_document", "sniff_type"]


def read_document(
    payload: bytes,
    *,
    content_type: str | None = None,
    filename: str | None = None,
    url: str | None = None,
) -> DocumentText:
    """Read one content-decoded document ``payload`` into :class:`DocumentText`.

    The type is sniffed from magic bytes first, then ``content_type``, then the
    extension of ``filename`` (or else of ``url``'s path). ``url`` is also the
    base against which an HTML article's links are made absolute. Images and
    scanned PDFs are read by OCR (``ocr_engine`` set). Raises :class:`DocumentError` with a
    reason for anything unreadable or unsupported.
    """
    if not payload:
        raise DocumentError("empty document: no bytes")
    # A Content-Disposition name often lacks an extension the URL has, and the other way round.
    name = filename if type_from_filename(filename) else (url or filename)
    kind = sniff_type(payload, content_type, name)
    if kind is None:
        raise DocumentError(
            f"unknown type: bytes start {payload[:16]!r}, content type {content_type!r}"
        )
    if kind == "html":
        return read_html(payload, content_type=content_type, url=url)
    if kind == "mht":
        return read_html(_html_from_mht(payload), url=url)
    if kind == "pdf":
        document = read_pdf(payload)
        if not document.needs_ocr:
            return document
        from .ocr import ocr_pdf  # OpenCV and the OCR models load only when a scan comes

        return ocr_pdf(payload, document.title)  # a scan: page images, no text layer
    if kind == "docx":
        if not payload.startswith(ZIP_MAGIC):
            raise DocumentError(f"not a DOCX: bytes start {payload[:16]!r}")
        return read_docx(payload)
    if kind == "doc":
        if not payload.startswith(OLE_MAGIC):
            raise DocumentError(f"not a Word document: bytes start {payload[:16]!r}")
        return read_doc(payload)
    if kind == "wps":
        return _read_wps(payload)
    if kind == "rtf":
        labelled = "wps" if type_from_filename(name) == "wps" else "doc"
        return read_doc(payload, source_type=labelled, suffix=".rtf")
    if kind == "image":
        from .ocr import ocr_image_bytes

        return ocr_image_bytes(payload)
    if kind in ("xls", "xlsx"):
        return read_spreadsheet(payload, kind)
    if kind == "damaged-ole":
        raise DocumentError("damaged Office 97-2003 (OLE) file: its streams cannot be listed")
    if kind == "encrypted-office":
        raise DocumentError("encrypted Office document: a password is needed to read it")
    raise DocumentError(f"unsupported type: {kind}")


def _read_wps(payload: bytes) -> DocumentText:
    """WPS files are Word files (OLE or OOXML) under another name, or MS Works files (OLE).

    Anything else is refused: LibreOffice would import unknown bytes as plain text.
    """
    if payload.startswith(OLE_MAGIC):
        # The .wps suffix lets LibreOffice pick its MS Works filter when the file is not Word inside.
        return read_doc(payload, source_type="wps", suffix=".wps")
    if payload.startswith(ZIP_MAGIC):
        return read_docx(payload, source_type="wps")
    raise DocumentError(f"not a WPS document: bytes start {payload[:16]!r}")


def _html_from_mht(payload: bytes) -> bytes:
    """The HTML part of a MIME HTML ("single file web page") document, as bytes with a charset meta."""
    message = email.message_from_bytes(payload, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            body = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset:
                # The charset lives in the part's header, which read_html does not see.
                body = f'<meta charset="{charset}">'.encode("ascii") + body
            return body
    raise DocumentError("MIME HTML document without an HTML part")
