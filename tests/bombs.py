"""Decompression bombs, built small: a few MB on disk (and in the test's memory) that inflate to GBs.

Deflate reaches ~1000:1 on repeated bytes, but compressing GBs would take the test many seconds.
So one chunk is compressed once, ending in a full flush (which resets the compressor's history
and byte-aligns its output): the same compressed bytes then stand for the chunk again and
again, and the stream is those bytes repeated, then the final block. The checksums (CRC-32 of
gzip and ZIP, Adler-32 of zlib) are left 0 unless ``checksums=True``: computing them costs ~2 s
per GiB, and every reader checks them only after inflating the whole stream, so a bomb with a
wrong checksum does all its harm before anyone notices.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from dataclasses import dataclass

GiB = 1 << 30
_CHUNK = 1 << 20  # one MiB of plain text, compressed once


@dataclass
class Deflated:
    raw: bytes  # raw deflate stream
    size: int  # inflated size
    crc32: int
    adler32: int


def deflate_repeated(
    head: bytes, chunk: bytes, times: int, tail: bytes, *, checksums: bool = False
) -> Deflated:
    """A raw deflate stream of ``head + chunk * times + tail``, built in O(len(chunk)) time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    crc = adler = 0
    if checksums:
        crc, adler = zlib.crc32(head), zlib.adler32(head)
        for _ in range(times):
            crc, adler = zlib.crc32(chunk, crc), zlib.adler32(chunk, adler)
        crc, adler = zlib.crc32(tail, crc), zlib.adler32(tail, adler)
    return Deflated(
        start + block * times + end, len(head) + len(chunk) * times + len(tail), crc, adler
    )


def gzip_html(inflated: int = 2 * GiB) -> bytes:
    """A gzip body (Content-Encoding: gzip) of an HTML page of ``inflated`` bytes."""
    body = deflate_repeated(
        b"<html><head><meta charset='utf-8'></head><body><p>",
        b"a" * _CHUNK,
        inflated // _CHUNK,
        b"</p></body></html>",
    )
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + body.raw + struct.pack("<II", body.crc32, body.size & 0xFFFFFFFF)


def docx(inflated: int = 2 * GiB, *, declared: int | None = None) -> bytes:
    """A DOCX whose word/document.xml inflates to ``inflated`` bytes of paragraphs.

    ``declared`` makes the ZIP lie about that part's size (the central directory and local
    header say ``declared``).
    """
    paragraph = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    chunk = paragraph * (_CHUNK // len(paragraph))
    document = deflate_repeated(
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>",
        chunk,
        inflated // len(chunk),
        b"</w:body></w:document>",
    )
    parts = [
        ("[Content_Types].xml", _deflated(_CONTENT_TYPES)),
        ("_rels/.rels", _deflated(_RELS)),
        ("word/document.xml", document),
    ]
    return zip_of(parts, declared={"word/document.xml": declared} if declared else {})


def zip_containing(name: str, payload: bytes) -> bytes:
    """An ordinary ZIP holding one file (what a site does to a DOCX bomb)."""
    return zip_of([(name, _deflated(payload))])


def pdf_with_flate_stream(inflated: int = GiB + GiB // 2, *, ascii85: bool = False) -> bytes:
    """A one-page PDF whose content stream is a zlib (FlateDecode) stream of ``inflated`` bytes;
    with ``ascii85``, written in ASCII85 in front of it, as some PDF writers do."""
    content = deflate_repeated(
        b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n", b" " * _CHUNK, inflated // _CHUNK, b"\n"
    )
    stream = b"\x78\xda" + content.raw + struct.pack(">I", content.adler32)
    filters = b"/FlateDecode"
    if ascii85:
        stream = base64.a85encode(stream, wrapcol=76) + b"~>"
        filters = b"[/ASCII85Decode /FlateDecode]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(stream), filters) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def zip_of(parts: list[tuple[str, Deflated]], *, declared: dict[str, int] | None = None) -> bytes:
    """A ZIP of already-deflated members (zipfile would compress them again); names in UTF-8."""
    declared = declared or {}
    out = io.BytesIO()
    central = []
    for name, member in parts:
        encoded = name.encode()
        size = declared.get(name, member.size)
        fields = struct.pack(
            "<HHHHHIIIHH",
            20,
            0x800,
            8,
            0,
            0x21,
            member.crc32,
            len(member.raw),
            size,
            len(encoded),
            0,
        )
        central.append((encoded, fields, out.tell()))
        out.write(b"PK\x03\x04" + fields + encoded + member.raw)
    directory = out.tell()
    for encoded, fields, offset in central:
        out.write(
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHII", 0, 0, 0, 0, offset)
            + encoded
        )
    size = out.tell() - directory
    out.write(
        b"PK\x05\x06"
        + struct.pack("<HHHHIIH", 0, 0, len(central), len(central), size, directory, 0)
    )
    return out.getvalue()


def _deflated(data: bytes) -> Deflated:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw = compressor.compress(data) + compressor.flush()
    return Deflated(raw, len(data), zlib.crc32(data), zlib.adler32(data))


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    b"</Relationships>"
)
