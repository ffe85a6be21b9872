"""The documents inside a ZIP attachment (reports are sometimes published zipped, PDF and DOC
together). Each member is read on its own; the pipeline picks the one that parses best."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from extract.limits import MAX_ARCHIVE_DEPTH

from .bounds import check_zip_sizes, read_member
from .model import DocumentError, DocumentText
from .sniff import ZIP_MAGIC, sniff_type

# Bit 11 of a member's flags says its name is UTF-8; without it, Chinese tools write GBK.
UTF8_NAME_FLAG = 0x800


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's file name; names stored in the local code page are decoded as GB18030."""
    if info.flag_bits & UTF8_NAME_FLAG:
        return info.filename
    raw = info.filename.encode("cp437")  # zipfile decoded the bytes as cp437: undo that
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return info.filename


def iter_zip_documents(
    payload: bytes, read, *, depth: int = 1
) -> Iterator[tuple[str, DocumentText | DocumentError]]:
    """``(member name, DocumentText or the DocumentError it raised)`` for each file member.

    ``read(payload, filename=...)`` reads one member (``read_document``). A ZIP inside is
    opened in turn, down to :data:`~extract.limits.MAX_ARCHIVE_DEPTH` levels; every level's
    inflated bytes are charged to the one document (:mod:`extract.documents.bounds`), so a
    bomb cannot pass by hiding one level down.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DocumentError(f"not a readable ZIP: {exc}") from exc
    members = [info for info in archive.infolist() if not info.is_dir()]
    check_zip_sizes(archive, "ZIP")
    for info in members:
        name = member_name(info)
        try:
            # Stops at the declared size (then fails the CRC check) even when it lies.
            data = read_member(archive, info)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:  # damaged, encrypted
            yield name, DocumentError(f"ZIP member {name} unreadable: {exc}")
            continue
        if data.startswith(ZIP_MAGIC) and sniff_type(data, None, name) == "zip":
            if depth >= MAX_ARCHIVE_DEPTH:
                yield name, DocumentError(f"ZIP nested deeper than {MAX_ARCHIVE_DEPTH} levels")
                continue
            for inner, text in iter_zip_documents(data, read, depth=depth + 1):
                yield f"{name}/{inner}", text
            continue
        try:
            yield name, read(data, filename=name)
        except DocumentError as exc:
            yield name, exc
