"""Recognise attachment links and name downloaded files.

Chinese government CMSs serve reports as files behind links of every shape:
plain ``/P020210128….pdf``, scripts like ``/module/download/downfile.jsp?
classid=0&filename=….pdf`` or ``DownLoad.aspx?id=…``, and they name the file
in a ``Content-Disposition`` header encoded as RFC 5987, raw UTF-8, raw GBK,
percent-encoded UTF-8 or GBK, or MIME encoded-words.
"""

from __future__ import annotations

import email.header
import re
from functools import lru_cache
from urllib.parse import parse_qsl, unquote_to_bytes, urlsplit

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "attachment_filename",
    "decode_filename_bytes",
    "filename_from_content_disposition",
    "is_attachment_link",
]

ATTACHMENT_EXTENSIONS = frozenset(
    [
        "pdf",
        "doc",
        "docx",
        "wps",
        "xls",
        "xlsx",
        "et",
        "zip",
        "rar",
        "7z",
        "ofd",
        "jpg",
        "jpeg",
        "png",
        "gif",
    ]
)
_EXTENSION_RE = "|".join(sorted(ATTACHMENT_EXTENSIONS, key=len, reverse=True))
_FILE_NAME = re.compile(rf"\.(?:{_EXTENSION_RE})$", re.IGNORECASE)

# Script names that hand out files: downfile.jsp, download.jsp, DownLoad.aspx,
# attachment.do, getFile, fileDownload.action, …
_DOWNLOAD_SCRIPT = re.compile(
    r"^(?:down(?:load)?(?:file)?|file_?down(?:load)?|get_?file|attachment|attach|"
    r"download_?attach(?:ment)?|showfile|openfile)(?:\.(?:jsp|aspx?|php|do|action|ashx|cgi))?$",
    re.IGNORECASE,
)
# …/download, …/file/download/…, …/download/12345 (an id, not a page name).
_DOWNLOAD_PATH = re.compile(
    r"/download/?$|/file/download(?:/|$)|/download/[^/.]*[0-9][^/.]*$", re.IGNORECASE
)
# Link texts that promise a file: 附件：….pdf, 附件1, 下载, 点击下载, 原文下载.
_ATTACHMENT_TEXT = re.compile(
    r"^(?:附件\s*[0-9一二三四五六七八九十]*\s*[:：]?.*|(?:点击)?(?:此处)?(?:附件|原文|全文|文件|pdf|word)?下载"
    r"(?:附件|原文|全文|文件)?)$",
    re.IGNORECASE,
)
_FILE_QUERY_KEYS = ("filename", "file_name", "fname")
# Extensions of server scripts and pages: their names are not the file's.
_SCRIPT_NAME = re.compile(
    r"\.(?:jsp|jspx|asp|aspx|ashx|php|do|action|cgi|html?|shtml|xhtml)$", re.IGNORECASE
)


def _path_segment(url: str) -> str:
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return ""
    return decode_filename_bytes(unquote_to_bytes(path.rsplit("/", 1)[-1]))


def _query_filename(url: str) -> str | None:
    try:
        query = urlsplit(url.strip()).query
    except ValueError:
        return None
    # parse_qsl would decode %-escapes as UTF-8 only; GBK-encoded names need the bytes.
    for key, value in parse_qsl(query, keep_blank_values=False, encoding="latin-1"):
        if key.lower() in _FILE_QUERY_KEYS:
            name = decode_filename_bytes(value.encode("latin-1")).strip()
            name = re.split(r"[\\/]", name)[-1]
            if name:
                return name
    return None


@lru_cache(maxsize=8192)  # every page of a site repeats its menus' links
def is_attachment_link(url: str, text: str) -> bool:
    """True if the link leads to a file (a document, archive or image) rather than a page.

    Decided by the URL's file name, a file name in its query string, a
    download script's name, or a link text that promises a file.

    >>> is_attachment_link("/P020210128551.pdf", "")
    True
    >>> is_attachment_link("/module/download/downfile.jsp?classid=0&filename=abc.pdf", "")
    True
    >>> is_attachment_link("/DownLoad.aspx?id=12", "附件：2020年年报.docx")
    True
    >>> is_attachment_link("/art/2021/1/5/art_1_2.html", "2020年政府信息公开工作年度报告")
    False
    """
    segment = _path_segment(url)
    if _FILE_NAME.search(segment):
        return True
    query_name = _query_filename(url)
    if query_name and _FILE_NAME.search(query_name):
        return True
    if _DOWNLOAD_SCRIPT.match(segment) or _DOWNLOAD_PATH.search(urlsplit(url.strip()).path):
        return True
    text = re.sub(r"\s+", " ", text).strip()
    return bool(text) and bool(_FILE_NAME.search(text) or _ATTACHMENT_TEXT.match(text))


def decode_filename_bytes(raw: bytes) -> str:
    """Decode a file name's bytes: UTF-8 if valid, else GB18030 (a superset of GBK).

    Falls back to UTF-8 with replacement characters, never raising.

    >>> decode_filename_bytes("年报.pdf".encode("gbk"))
    '年报.pdf'
    >>> decode_filename_bytes("年报.pdf".encode("utf-8"))
    '年报.pdf'
    """
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _split_parameters(value: str) -> list[tuple[str, str]]:
    """``attachment; filename="a;b.pdf"; x=y`` → [("filename", "a;b.pdf"), ("x", "y")]."""
    parameters: list[tuple[str, str]] = []
    for match in re.finditer(r';?\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', value):
        name, raw = match.group(1).lower(), match.group(2).strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            # Only \" and \\ are unescaped: a GBK trail byte can be 0x5C.
            raw = re.sub(r'\\([\\"])', r"\1", raw[1:-1])
        parameters.append((name, raw))
    return parameters


_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _decode_plain(value: str) -> str:
    """A ``filename=`` value whose bytes were carried through as latin-1."""
    if "=?" in value and "?=" in value:
        decoded = []
        for part, charset in email.header.decode_header(value):
            if isinstance(part, str):
                decoded.append(part)
            elif charset:
                try:
                    decoded.append(part.decode(charset))
                except (LookupError, UnicodeDecodeError):
                    decoded.append(decode_filename_bytes(part))
            else:
                decoded.append(decode_filename_bytes(part))
        return "".join(decoded)
    raw = value.encode("latin-1", errors="replace")
    if _PERCENT_ESCAPE.search(value):
        unquoted = unquote_to_bytes(value)
        # Java's URLEncoder writes spaces as "+"; a literal "+" would be %2B.
        unquoted = unquoted.replace(b"+", b" ")
        return decode_filename_bytes(unquoted)
    return decode_filename_bytes(raw)


def _decode_extended(value: str) -> str | None:
    """RFC 5987 ``charset'language'%-encoded`` (quotes tolerated)."""
    parts = value.split("'", 2)
    if len(parts) != 3:
        return None
    charset, _language, encoded = parts
    raw = unquote_to_bytes(encoded)
    try:
        return raw.decode(charset.strip() or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return decode_filename_bytes(raw)


def _safe_name(name: str | None) -> str | None:
    if not name:
        return None
    # A name must never carry a path: "C:\\x\\a.pdf" or "../a.pdf" → "a.pdf".
    name = re.split(r"[\\/]", name.strip())[-1].strip().strip('"').strip()
    name = name.replace("\x00", "")
    return name if name and name not in {".", ".."} else None


def filename_from_content_disposition(header: bytes) -> str | None:
    """The file name in a raw ``Content-Disposition`` header value, or None.

    ``filename*`` (RFC 6266/5987) wins over ``filename``. A plain
    ``filename`` may hold raw UTF-8 or GBK/GB18030 bytes, %-encoded UTF-8 or
    GBK, or MIME encoded-words; bytes decode as UTF-8 when valid, else as
    GB18030. Directory parts are removed.

    >>> filename_from_content_disposition(b"attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf")
    '年报.pdf'
    >>> filename_from_content_disposition('attachment; filename="年报.pdf"'.encode("gbk"))
    '年报.pdf'
    >>> filename_from_content_disposition(b'attachment; filename="=?UTF-8?B?5bm05oqlLnBkZg==?="')
    '年报.pdf'
    >>> filename_from_content_disposition(b"inline") is None
    True
    """
    if isinstance(header, str):
        raise TypeError("filename_from_content_disposition expects the raw header bytes, not str")
    value = header.decode("latin-1")
    extended = plain = None
    for name, raw in _split_parameters(value):
        if name == "filename*" and extended is None:
            extended = _safe_name(_decode_extended(raw))
        elif name == "filename" and plain is None:
            plain = _safe_name(_decode_plain(raw))
    return extended or plain


def attachment_filename(url: str, content_disposition: bytes | None) -> str | None:
    """A downloaded file's name: from the header, else the URL's last segment, else its query.

    The URL's last path segment counts only when it has a file extension
    that is not a server script's (``downfile.jsp`` names the script, not the
    file); %-escapes are decoded as UTF-8 or GBK.

    >>> attachment_filename("http://x.gov.cn/u/%E5%B9%B4%E6%8A%A5.pdf", None)
    '年报.pdf'
    >>> attachment_filename("http://x.gov.cn/downfile.jsp?classid=0&filename=a.pdf", None)
    'a.pdf'
    >>> attachment_filename("http://x.gov.cn/DownLoad.aspx?id=3", None) is None
    True
    """
    if content_disposition:
        name = filename_from_content_disposition(content_disposition)
        if name:
            return name
    segment = _safe_name(_path_segment(url))
    if segment and re.search(r"\.[A-Za-z0-9]{1,5}$", segment) and not _SCRIPT_NAME.search(segment):
        return segment
    return _safe_name(_query_filename(url))
