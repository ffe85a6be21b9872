"""The documents the extraction benchmark (bench/extract.py) reads, and the step it times.

Synthetic reports from ``imitation/reportgen``, rendered per source type; ``read_and_parse`` is
one document's bytes to a parsed report (``read_document`` then ``parse_report``)."""

from __future__ import annotations

import time

TYPES = ("html", "pdf", "docx", "doc")
HTML_SHAPES = ("html_table", "html_flat", "html_tabs")


def make_documents(
    counts: dict[str, int], notes: list[str]
) -> dict[str, list[tuple[bytes, str, str]]]:
    """(payload, content type, file name) per type; DOC left out when LibreOffice is missing."""
    from imitation.reportgen import (
        MEDIA_TYPES,
        DocConversionUnavailable,
        corpus,
        render_many,
    )

    reports = corpus(max(counts.values()), seed=0)
    documents: dict[str, list] = {kind: [] for kind in TYPES}
    for index, report in enumerate(reports[: counts["html"]]):
        shape = HTML_SHAPES[index % len(HTML_SHAPES)]
        documents["html"].append(
            _document(render_many([report], shape)[0], shape, report.name, MEDIA_TYPES)
        )
    documents["pdf"] = [
        _document(p, "pdf", r.name, MEDIA_TYPES)
        for r, p in zip(reports, render_many(reports[: counts["pdf"]], "pdf"))
    ]
    docx = render_many(reports[: max(counts["docx"], counts["doc"])], "docx")
    documents["docx"] = [
        _document(p, "docx", r.name, MEDIA_TYPES) for r, p in zip(reports, docx[: counts["docx"]])
    ]
    if counts["doc"]:
        try:
            from imitation.reportgen.render_doc import docx_to_doc_many

            documents["doc"] = [
                _document(p, "doc", r.name, MEDIA_TYPES)
                for r, p in zip(reports, docx_to_doc_many(docx[: counts["doc"]]))
            ]
        except DocConversionUnavailable as error:
            notes.append(f"DOC skipped: {error}")
    return documents


def _document(payload: bytes, fmt: str, name: str, media_types) -> tuple[bytes, str, str]:
    content_type, extension = media_types[fmt]
    return payload, content_type, f"{name}.{extension}"


def read_and_parse(document: tuple[bytes, str, str]) -> tuple[float, str | None]:
    """The timed unit: one document's bytes to a parsed report. Returns (seconds, error)."""
    from extract.documents import read_document
    from extract.parse import parse_report

    payload, content_type, filename = document
    started = time.perf_counter()
    try:
        text = read_document(payload, content_type=content_type, filename=filename)
        parse_report(text.text, title_hint=text.title)
    except Exception as error:  # noqa: BLE001 (a benchmark counts failures and goes on)
        return time.perf_counter() - started, f"{type(error).__name__}: {error}"[:300]
    return time.perf_counter() - started, None
