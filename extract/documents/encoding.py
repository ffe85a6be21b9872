"""Decode an HTML payload: declared charset first (HTTP, then the page's own), then detection."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from .model import DocumentError

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([-\w.:]+)""", re.I)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)

# GB2312 and GBK pages routinely hold characters only their superset GB18030 maps.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030"}
# Server defaults, not statements about the page: a Chinese page is never really Latin-1.
_WEAK = {"iso8859-1", "latin-1", "ascii", "cp1252"}
# Bad bytes tolerated in a declared encoding (a CMS cutting a summary mid-character) before giving up on it.
_FEW_ERRORS = 0.001


def decode_html(payload: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding used)`` for an HTML payload.

    Order: byte-order mark; the Content-Type charset; the page's ``<meta>``
    charset (or XML declaration); then, for pages that declare nothing (common
    for GBK pages), UTF-8, GB18030 (the mainland default) and finally
    charset-normalizer's guess. Latin-1 style declarations are ignored as server
    defaults. Raises :class:`DocumentError` when nothing decodes.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if payload.startswith(bom):
            return payload.decode(encoding, "replace"), encoding
    declared = [
        name
        for name in (_from_http(content_type), *_from_markup(payload))
        if name and name not in _WEAK
    ]
    for encoding in _unique(declared):
        try:
            return payload.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    for encoding in _unique(declared):
        text = _decode_with_few_errors(payload, encoding)
        if text is not None:
            return text, encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            return payload.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    for encoding in ("utf-8", "gb18030"):
        text = _decode_with_few_errors(payload, encoding)
        if text is not None:
            return text, encoding
    guess = charset_normalizer.from_bytes(payload).best()
    if guess is None:
        raise DocumentError("cannot decode HTML: no charset declared and none detected")
    encoding = normalise_encoding(guess.encoding) or guess.encoding
    return payload.decode(encoding, "replace"), encoding


def normalise_encoding(name: str | bytes | None) -> str | None:
    """A Python codec name for a declared charset, widened to its superset; None if unknown."""
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    try:
        codec = codecs.lookup(name.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def _from_http(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HTTP_CHARSET.search(content_type)
    return normalise_encoding(match.group(1)) if match else None


def _from_markup(payload: bytes) -> list[str | None]:
    head = payload[:8192]
    found = [normalise_encoding(match.group(1)) for match in _META_CHARSET.finditer(head)]
    # As browsers do: bytes that can be read as ASCII markup are not UTF-16, whatever the page says.
    found = ["utf-8" if name and name.startswith("utf-16") else name for name in found]
    xml = _XML_ENCODING.match(head)
    if xml:
        found.append(normalise_encoding(xml.group(1)))
    return found


def _decode_with_few_errors(payload: bytes, encoding: str) -> str | None:
    text = payload.decode(encoding, "replace")
    errors = text.count("\ufffd") - payload.count("\ufffd".encode("utf-8"))
    return text if errors <= max(2, len(payload) * _FEW_ERRORS) else None


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
