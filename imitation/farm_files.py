"""The report files an imitation site offers: how each is offered (:class:`Attachment`: where,
under what name, with which quirks), their bytes (:class:`DocumentStore`, made once per farm) and
the handler that serves one — hotlink protection and a Content-Disposition naming it as the
site's server would."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from imitation import documents
from imitation.model import Handler, Reply, Req

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    # Web servers rarely know .wps; they fall back to a generic type.
    "wps": "application/octet-stream",
    "xls": "application/vnd.ms-excel",
    "zip": "application/zip",
    "jpg": "image/jpeg",
}


@dataclass
class Attachment:
    """How one of a report's files is offered: where, under what name, and with which quirks.

    ``name_source``: "link" (a direct link; the link text is the name), "rfc5987", "gbk" or
    "percent" (a download endpoint that names the file only in Content-Disposition; the link text
    is then just ``link_text``).
    """

    kind: str
    name: str
    path: str  # URL path, with a query string for download endpoints
    name_source: str = "link"
    link_text: str | None = None
    needs_referer: bool = False
    gzip: bool = False
    chunked: bool = False


class DocumentStore:
    """The bytes of every report file the farm serves: made once, on first use; DOC (and WPS,
    which is the same Word 97 binary format) converted for all reports in one LibreOffice run."""

    def __init__(self):
        self._cache: dict[tuple[str, str], bytes] = {}
        self._word97: dict[str, documents.SeedReport] = {}

    def need_word97(self, report: documents.SeedReport) -> None:
        self._word97[report.key] = report

    def convert_pending(self) -> None:
        pending = {k: r for k, r in self._word97.items() if (k, "doc") not in self._cache}
        if pending:
            sources = {key: documents.report_docx(report) for key, report in pending.items()}
            for key, data in documents.convert_with_soffice(sources, "docx", "doc").items():
                self._cache[(key, "doc")] = data

    def file(self, report: documents.SeedReport, kind: str) -> bytes:
        kind = "doc" if kind == "wps" else kind
        key = (report.key, kind)
        if key not in self._cache:
            self._cache[key] = self._make(report, kind)
        return self._cache[key]

    def _make(self, report: documents.SeedReport, kind: str) -> bytes:
        if kind == "pdf":
            return documents.report_pdf(report)
        if kind == "docx":
            return documents.report_docx(report)
        if kind == "xls":
            return documents.report_xls(report)
        if kind == "jpg":
            return documents.report_jpg(report)
        if kind == "zip":
            return documents.report_zip(
                {
                    f"{report.title}.pdf": self.file(report, "pdf"),
                    f"{report.title}.docx": self.file(report, "docx"),
                }
            )
        if kind == "doc":
            raise RuntimeError(
                f"DOC for {report.title} was not converted: call need_word97() "
                "before the farm is built"
            )
        raise ValueError(f"unknown document kind {kind!r}")


def attachment_handler(
    store: DocumentStore,
    report: documents.SeedReport,
    attachment: Attachment,
    page_url: str,
) -> Handler:
    """The handler serving one of ``report``'s files as ``attachment`` says, linked from ``page_url``."""
    headers = [
        (
            "Content-Type",
            CONTENT_TYPES[attachment.kind]
            if attachment.name_source == "link"
            else "application/octet-stream",
        )
    ]
    disposition = _disposition(attachment.name, attachment.name_source)
    if disposition:
        headers.append(("Content-Disposition", disposition))

    def serve(req: Req) -> Reply:
        referer = (req.header("Referer") or "").split("#")[0]
        if attachment.needs_referer and referer != page_url:
            # Hotlink protection, as nginx valid_referers does it.
            return Reply(
                status=403,
                reason="Forbidden",
                headers=[("Content-Type", "text/html")],
                body=b"<html><body><h1>403 Forbidden</h1></body></html>",
            )
        return Reply(
            headers=list(headers),
            body=store.file(report, attachment.kind),
            gzip=attachment.gzip,
            chunked=attachment.chunked,
        )

    return serve


def _disposition(name: str, name_source: str) -> str | None:
    if name_source == "link":
        return None
    if name_source == "rfc5987":
        return f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    if name_source == "percent":
        # java.net.URLEncoder output put into a plain filename=, as many Java CMSs do.
        return f'attachment; filename="{quote(name, safe="")}"'
    if name_source == "gbk":
        # new String(name.getBytes("GBK"), "ISO-8859-1"): raw GBK bytes, which the server writes
        # out as latin-1 code points.
        return 'attachment; filename="' + name.encode("gbk").decode("latin-1") + '"'
    raise ValueError(f"unknown name_source {name_source!r}")
