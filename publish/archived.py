"""``/-/original/<record id>`` (the bytes as captured) and ``/-/archived/<record id>`` (a page
that says what they are: an archived copy, from where, when, with which digest, shown in a
sandboxed frame or offered for download with the report's text beside it)."""

from __future__ import annotations

import asyncio
import logging

from datasette.utils.asgi import NotFound, Response

from archive.reader import ArchiveReadError, read_record
from publish import originals
from publish.safety import safe_href
from publish.site import (
    archive_dirs,
    cite_path,
    page_or_json,
    report_path,
    reports_database,
    url_var,
)

logger = logging.getLogger(__name__)


async def original_view(request, datasette):
    record_id = url_var(request, "record_id")
    database = reports_database(datasette)

    def find(conn):
        located = originals.locate(conn, record_id)
        if located is None:
            return None, None
        try:
            return located, originals.find_archive_file(
                archive_dirs(datasette, conn, database.path), located.warc_filename
            )
        except ValueError:
            return located, None

    located, path = await database.execute_fn(find)
    if located is None:
        raise NotFound("No archived document with that record id")
    if path is None:
        raise NotFound(f"The archive file {located.warc_filename} is not in the archive directory")
    try:
        record = await asyncio.get_running_loop().run_in_executor(
            None, read_record, path, located.warc_offset
        )
    except (ArchiveReadError, ValueError, OSError):
        logger.exception("cannot read %s at %s", path, located.warc_offset)
        return Response.text(
            "The archived record could not be read (see the server log).", status=500
        )
    if originals.record_uuid(record.record_id) != originals.record_uuid(
        located.record_id
    ) or record.rec_type not in ("response", "resource"):
        raise NotFound("The archive holds a different record at that place")
    status, headers, body, content_type = originals.original_response(
        record,
        request.headers.get("accept-encoding"),
        decoded=request.args.get("decoded") == "1",
        download=request.args.get("download") == "1",
    )
    return Response(body, status=status, headers=headers, content_type=content_type)


FRAMED_TYPES = ("html", "pdf", "text", "image")
SECTIONS = ", ".join(f"r.section_{n}" for n in range(1, 7))


async def archived_view(request, datasette):
    record_id = url_var(request, "record_id")
    uuid = originals.record_uuid(record_id)
    database = reports_database(datasette)
    rows = []
    if uuid is not None:
        forms = [f"<urn:uuid:{uuid}>", f"urn:uuid:{uuid}", uuid]
        rows = (
            await database.execute(
                "select d.record_id, d.url, d.captured_at, d.payload_digest, d.content_type, "
                "d.source_type, d.warc_filename, d.report_id, d.role, r.title, r.agency, r.year, "
                f"{SECTIONS} from documents d left join reports r on r.id = d.report_id "
                "where d.record_id in (?, ?, ?)",
                forms,
            )
        ).rows
    if not rows:
        raise NotFound("No archived document with that record id")
    doc = dict(rows[0])
    kind = (doc.get("source_type") or doc.get("content_type") or "").lower()
    framed = any(t in kind for t in FRAMED_TYPES)
    text = "\n\n".join(doc[f"section_{n}"] for n in range(1, 7) if doc.get(f"section_{n}"))
    data = {
        "record_id": doc["record_id"],
        "url": doc["url"],
        "captured_at": doc["captured_at"],
        "payload_digest": doc["payload_digest"],
        "content_type": doc["content_type"],
        "source_type": doc["source_type"],
        "warc_filename": doc["warc_filename"],
        "report_id": doc["report_id"],
        "original": datasette.urls.path(originals.original_path(doc["record_id"])),
        "text": text or None,
    }
    context = {
        "doc": doc,
        "data": data,
        "framed": framed,
        "text": text,
        "original_href": safe_href(doc["url"]),
        "preserved": data["original"],
        "cite": datasette.urls.path(cite_path(doc["report_id"])) if doc["report_id"] else None,
        "report": datasette.urls.path(report_path(doc["report_id"])) if doc["report_id"] else None,
    }
    return await page_or_json(request, datasette, "nianbao_archived.html", context, data)
