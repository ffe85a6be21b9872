"""The documents inside a ZIP attachment (reports are sometimes published zipped, PDF and DOC
together). Each member is read on its own; the pipeline picks the one that parses best."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from .model import DocumentError, DocumentText

# A zip bomb must not take the extractor down: bound the members read and their total size.
MAX_MEMBERS = 50
MAX_TOTAL_BYTES = 300 * 1024 * 1024
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


def iter_zip_documents(payload: bytes, read) -> Iterator[tuple[str, DocumentText | DocumentError]]:
    """``(member name, DocumentText or the DocumentError it raised)`` for each file member.

    ``read(payload, filename=...)`` reads one member (``read_document``: nested ZIPs are read too,
    within the same bounds).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DocumentError(f"not a readable ZIP: {exc}") from exc
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise DocumentError(f"ZIP holds {len(members)} files; more than {MAX_MEMBERS} are not read")
    if sum(info.file_size for info in members) > MAX_TOTAL_BYTES:
        raise DocumentError(f"ZIP expands to more than {MAX_TOTAL_BYTES // 2**20} MiB; not read")
    for info in members:
        name = member_name(info)
        try:
            data = archive.read(info)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:  # damaged, encrypted
            yield name, DocumentError(f"ZIP member {name} unreadable: {exc}")
            continue
        try:
            yield name, read(data, filename=name)
        except DocumentError as exc:
            yield name, exc
