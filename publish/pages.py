"""The plugin's reader pages, each with a ``.json`` twin: ``/-/cite/<id>``, ``/-/search``."""

from __future__ import annotations

from datasette.utils.asgi import NotFound, Response

from publish import citations, originals, search
from publish.safety import safe_href
from publish.site import (
    archived_path,
    cite_path,
    page_or_json,
    public_link,
    report_path,
    reports_database,
    url_var,
)

CITE_FILES = {
    ".bib": ("bibtex", "application/x-bibtex; charset=utf-8"),
    ".ris": ("ris", "application/x-research-info-systems; charset=utf-8"),
}


async def cite_view(request, datasette):
    report_id = url_var(request, "report_id")
    database = reports_database(datasette)
    rows = (await database.execute("select * from reports where id = ?", [report_id])).rows
    if not rows:
        raise NotFound("No report with that id")
    report = dict(rows[0])
    record = report.get("warc_record_id")
    preserved = public_link(datasette, originals.original_path(record)) if record else None
    source = citations.Source.from_report(report, preserved)
    styles = citations.all_styles(source)
    ext = request.url_vars.get("format")
    if ext in CITE_FILES:
        style, content_type = CITE_FILES[ext]
        return Response(styles[style] + "\n", content_type=content_type)
    documents = (
        await database.execute(
            "select record_id, url, content_type, source_type, role, captured_at, payload_digest, "
            "warc_filename from documents where report_id = ? "
            "order by role = 'source' desc, captured_at",
            [report_id],
        )
    ).rows
    copies = [
        {
            **dict(d),
            "original": datasette.urls.path(originals.original_path(d["record_id"])),
            "archived": datasette.urls.path(archived_path(d["record_id"])),
            "href": safe_href(d["url"]),
        }
        for d in documents
    ]
    data = {
        "report_id": report_id,
        "title": source.display_title,
        "agency": source.author,
        "date": source.date,
        "captured_at": report.get("captured_at"),
        "url": report.get("source_url"),
        "preserved_url": preserved,
        "warc_filename": report.get("warc_filename"),
        "warc_record_id": record,
        "payload_digest": report.get("payload_digest"),
        "styles": {**styles, "csl_json": [citations.csl_json(source)]},
        "copies": [{k: c[k] for k in ("record_id", "url", "role", "captured_at")} for c in copies],
    }
    context = {
        "report": report,
        "source": source,
        "styles": styles,
        "preserved_url": preserved,
        "database_name": database.name,
        "documents": copies,
        "source_href": safe_href(report.get("source_url")),
        "page_href": safe_href(report.get("page_url")),
        "original": datasette.urls.path(originals.original_path(record)) if record else None,
        "archived": datasette.urls.path(archived_path(record)) if record else None,
        "report_url": datasette.urls.path(report_path(report_id)),
        "cite_url": datasette.urls.path(cite_path(report_id)),
    }
    return await page_or_json(request, datasette, "nianbao_cite.html", context, data)


async def search_view(request, datasette):
    query = (request.args.get("q") or "").strip()
    database = reports_database(datasette)
    results = await search.search_reports(database, query) if query else []
    for result in results:
        record = result["warc_record_id"]
        result["original"] = originals.original_path(record) if record else None
        result["report"] = datasette.urls.path(report_path(result["id"]))
    data = {
        "q": query,
        "terms": search.split_terms(query),
        "count": len(results),
        "results": [
            {k: r[k] for k in ("id", "title", "agency", "year", "source_type", "report", "snippet")}
            for r in results
        ],
    }
    context = {
        "q": query,
        "terms": data["terms"],
        "results": results,
        "database_name": database.name,
        "min_trigram": search.MIN_TRIGRAM,
        "table_url": datasette.urls.table(database.name, "reports"),
    }
    return await page_or_json(request, datasette, "nianbao_search.html", context, data)
