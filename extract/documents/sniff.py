"""Decide what kind of document a payload is: magic bytes first, then Content-Type, then extension.

Government sites serve attachments as ``application/octet-stream``, PDFs as
``text/html`` and Word files under a ``.wps`` name, so the bytes are trusted
over the labels. The labels only break ties the bytes cannot settle (DOC vs WPS)
and name payloads the bytes do not identify.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import olefile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)
_HTML_START = re.compile(
    rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|meta|title|body)\b",
    re.I | re.S,
)

_CONTENT_TYPES = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/kswps": "wps",
    "application/wps-office.wps": "wps",
    "application/vnd.ms-works": "wps",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
    "application/x-rar-compressed": "rar",
    "application/vnd.rar": "rar",
    "application/ofd": "ofd",
}

_EXTENSIONS = {
    "pdf": "pdf",
    "doc": "doc",
    "dot": "doc",
    "docx": "docx",
    "wps": "wps",
    "wpt": "wps",
    "htm": "html",
    "html": "html",
    "shtml": "html",
    "xhtml": "html",
    "jsp": "html",
    "asp": "html",
    "aspx": "html",
    "php": "html",
    "rtf": "rtf",
    "xls": "xls",
    "xlsx": "xlsx",
    "et": "xls",
    "zip": "zip",
    "rar": "rar",
    "7z": "7z",
    "ofd": "ofd",
    "jpg": "image",
    "jpeg": "image",
    "png": "image",
    "gif": "image",
    "tif": "image",
    "tiff": "image",
    "bmp": "image",
}


def sniff_type(
    payload: bytes, content_type: str | None = None, filename: str | None = None
) -> str | None:
    """Name the document type of ``payload``.

    Returns 'html', 'pdf', 'docx', 'doc', 'wps', 'rtf', 'mht', 'image' or another
    short name for a type nobody reads ('xls', 'xlsx', 'pptx', 'ppt', 'zip', 'rar',
    'ofd', 'ole', 'damaged-ole', 'encrypted-office'), or None when neither bytes nor labels tell.
    ``filename`` may be a bare name, a path or a URL.
    """
    declared = type_from_content_type(content_type)
    named = type_from_filename(filename)
    by_magic = _type_from_magic(payload, declared or named)
    if by_magic in ("doc", "docx") and "wps" in (declared, named):
        return "wps"  # WPS Office saves Word formats; the label says which program the site meant
    return by_magic or declared or named


def type_from_content_type(content_type: str | None) -> str | None:
    """The document type a Content-Type header names, or None (as for octet-stream)."""
    if not content_type:
        return None
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in _CONTENT_TYPES:
        return _CONTENT_TYPES[mime]
    if mime.startswith("image/"):
        return "image"
    return None


def type_from_filename(filename: str | None) -> str | None:
    """The document type a file name's (or URL path's) extension names, or None."""
    if not filename:
        return None
    path = urlsplit(filename).path if "://" in filename else filename
    suffix = PurePosixPath(unquote(path).replace("\\", "/")).suffix.lower().lstrip(".")
    return _EXTENSIONS.get(suffix)


def _type_from_magic(payload: bytes, hint: str | None) -> str | None:
    head = payload[:1024]
    if b"%PDF-" in head:
        # Some servers prepend a BOM or blank lines; PDF readers accept the header within 1 KB.
        return "pdf"
    if payload.startswith(ZIP_MAGIC):
        return _zip_type(payload, hint)
    if payload.startswith(OLE_MAGIC):
        return _ole_type(payload, hint)
    if payload.startswith(b"{\\rtf"):
        return "rtf"
    if any(payload.startswith(magic) for magic in _IMAGE_MAGIC):
        return "image"
    text_head = head.lstrip(b"\xef\xbb\xbf")
    if (
        text_head[:200].lower().startswith(b"mime-version:")
        or b"multipart/related" in text_head.lower()
    ):
        # Word's "single file web page", often published under a .doc name.
        return "mht"
    if _HTML_START.match(text_head):
        return "html"
    return None


def _zip_type(payload: bytes, hint: str | None) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        # A truncated DOCX still starts like one; let the DOCX reader say what is wrong.
        return hint if hint in ("docx", "wps", "xlsx") else "zip"
    if "word/document.xml" in names:
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.startswith("ppt/") for name in names):
        return "pptx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def _ole_type(payload: bytes, hint: str | None) -> str:
    try:
        with olefile.OleFileIO(payload) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except (OSError, ValueError, IndexError):
        # A damaged OLE file: trust the label if it names a Word-like type, so the reader reports it.
        return hint if hint in ("doc", "wps", "xls", "ppt") else "damaged-ole"
    if "WordDocument" in streams:
        return "doc"
    if "EncryptedPackage" in streams:
        return "encrypted-office"
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    if "PowerPoint Document" in streams:
        return "ppt"
    if "CONTENTS" in streams or "WpsContent" in streams:
        return "wps"
    return "ole"
