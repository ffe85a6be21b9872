"""The nianbao Datasette plugin: preserved originals, citation pages, Chinese full-text search.

Routes:

- ``/-/original/<record id>`` — an archived document exactly as captured (:mod:`publish.originals`)
- ``/-/cite/<report id>`` — a report's citation page; ``.bib`` gives the BibTeX entry alone
- ``/-/search?q=`` — reports containing every term, with the passage it occurs in

and ``?_search=`` on the ``reports`` table uses the same trigram/substring matching, so the
table's own search box, facets and CSV export work for Chinese. Cells link every report to its
citation page and its preserved copy.

Configuration (``plugins.nianbao`` in the metadata): ``database`` (default ``nianbao``, else the
first database with a ``reports`` table) and ``archive_dir`` (default: the ``NIANBAO_ARCHIVE_DIR``
environment variable, else the directories recorded in the database, see
:func:`publish.originals.recorded_archive_dirs`).
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from urllib.parse import quote, unquote

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from archive.layout import ARCHIVE_DIR_ENV
from archive.reader import ArchiveReadError, read_record
from publish import citations, originals, search

logger = logging.getLogger(__name__)

PLUGIN = "nianbao"
SECTION_PREVIEW = 24
VIEW_TABLES = {
    "report_requests_summary",
    "report_requests_table",
    "report_appeals_table",
    "report_active_table",
}


def url_var(request, name: str) -> str:
    """A path part as sent: routes see it still %-encoded, or ~-encoded after Datasette's redirect."""
    value = unquote(request.url_vars[name])
    return tilde_decode(value) if "~" in value else value


def _config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


def database_name(datasette) -> str | None:
    """The database holding the reports (None if this Datasette serves none)."""
    configured = _config(datasette).get("database")
    if configured:
        return configured
    if "nianbao" in datasette.databases:
        return "nianbao"
    for name, database in datasette.databases.items():
        if database.path and name != "_internal":
            return name
    return None


def reports_database(datasette):
    name = database_name(datasette)
    if name is None or name not in datasette.databases:
        raise NotFound("This Datasette serves no reports database")
    return datasette.get_database(name)


def archive_dirs(datasette, conn, db_path) -> list[Path]:
    configured = _config(datasette).get("archive_dir") or os.environ.get(ARCHIVE_DIR_ENV)
    if configured:
        return [Path(configured)]
    return originals.recorded_archive_dirs(conn, db_path)


# --- /-/original ------------------------------------------------------------------------------


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
    ) or record.rec_type not in (
        "response",
        "resource",
    ):
        raise NotFound("The archive holds a different record at that place")
    status, headers, body, content_type = originals.original_response(
        record,
        request.headers.get("accept-encoding"),
        decoded=request.args.get("decoded") == "1",
        download=request.args.get("download") == "1",
    )
    return Response(body, status=status, headers=headers, content_type=content_type)


# --- /-/cite ----------------------------------------------------------------------------------


async def cite_view(request, datasette):
    report_id = url_var(request, "report_id")
    database = reports_database(datasette)
    rows = (await database.execute("select * from reports where id = ?", [report_id])).rows
    if not rows:
        raise NotFound("No report with that id")
    report = dict(rows[0])
    preserved = None
    if report.get("warc_record_id"):
        preserved = datasette.absolute_url(
            request, datasette.urls.path(originals.original_path(report["warc_record_id"]))
        )
    source = citations.Source.from_report(report, preserved)
    styles = citations.all_styles(source)
    if request.url_vars.get("ext") == ".bib":
        return Response(styles["bibtex"] + "\n", content_type="text/plain; charset=utf-8")
    documents = (
        await database.execute(
            "select record_id, url, content_type, source_type, role, captured_at, payload_digest, warc_filename "
            "from documents where report_id = ? order by role = 'source' desc, captured_at",
            [report_id],
        )
    ).rows
    return Response.html(
        await datasette.render_template(
            "nianbao_cite.html",
            {
                "report": report,
                "source": source,
                "styles": styles,
                "preserved_url": preserved,
                "database_name": database.name,
                "documents": [
                    {**dict(d), "original": originals.original_path(d["record_id"])}
                    for d in documents
                ],
                "original": originals.original_path(report["warc_record_id"])
                if report.get("warc_record_id")
                else None,
                "report_url": datasette.urls.row(database.name, "reports", report_id),
            },
            request=request,
        )
    )


# --- /-/search --------------------------------------------------------------------------------


async def search_view(request, datasette):
    query = (request.args.get("q") or "").strip()
    database = reports_database(datasette)
    results = await search.search_reports(database, query) if query else []
    for result in results:
        result["original"] = (
            originals.original_path(result["warc_record_id"]) if result["warc_record_id"] else None
        )
    return Response.html(
        await datasette.render_template(
            "nianbao_search.html",
            {
                "q": query,
                "terms": search.split_terms(query),
                "results": results,
                "database_name": database.name,
                "min_trigram": search.MIN_TRIGRAM,
                "table_url": datasette.urls.table(database.name, "reports"),
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [
        (r"^/-/original/(?P<record_id>[^/]+)$", original_view),
        (r"^/-/cite/(?P<report_id>[^/]+?)(?P<ext>\.bib)?$", cite_view),
        (r"^/-/search$", search_view),
    ]


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    """``?_search=`` on ``reports``: every term must occur (trigram, or substring if short)."""
    if table != "reports" or database != database_name(datasette):
        return None
    query = request.args.get("_search")
    where, params = search.match_clause(query or "", id_column="id")
    context = {"supports_search": True, "search": query or ""}
    if where is None:
        return FilterArguments([], {}, [], context)
    return FilterArguments([where], params, [f'contains "{query}"'], context)


def _get(row, key: str):
    try:
        return row[key]
    except (IndexError, KeyError):
        return None


def cite_path(report_id) -> str:
    return f"/-/cite/{quote(str(report_id), safe='')}"


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>'


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Link reports to their citation page and preserved copy, and record ids to the copy."""
    if value is None or database != database_name(datasette):
        return None
    urls = datasette.urls
    if table == "reports" and column == "title":
        links = [_link(urls.path(cite_path(_get(row, "id"))), "引用 cite")]
        if _get(row, "warc_record_id"):
            links.append(
                _link(
                    urls.path(originals.original_path(_get(row, "warc_record_id"))), "原件 original"
                )
            )
        return Markup(f"{escape(value)}<br><small>{' · '.join(links)}</small>")
    if table == "reports" and column.startswith("section_") and isinstance(value, str):
        # Whole sections would make every row a page long: show the start, unfold the rest.
        head = value.strip()[:SECTION_PREVIEW]
        return Markup(
            f"<details><summary>{escape(head)}… ({len(value)} 字 chars)</summary>{escape(value)}</details>"
        )
    if table == "documents" and column == "url" and _get(row, "record_id"):
        shown = escape(value)
        if str(value).startswith(("http://", "https://")):
            shown = Markup(
                f'<a href="{escape(value)}" rel="nofollow noreferrer">{escape(value)}</a>'
            )
        original = _link(
            urls.path(originals.original_path(_get(row, "record_id"))), "原件 original"
        )
        return Markup(f"{shown}<br><small>{original}</small>")
    if column == "warc_record_id" or (table == "documents" and column == "record_id"):
        return Markup(_link(urls.path(originals.original_path(str(value))), str(value)))
    if (table in VIEW_TABLES or table is None) and column == "report_id":
        links = [
            _link(urls.row(database, "reports", tilde_encode(str(value))), str(value)),
            _link(urls.path(cite_path(value)), "引用 cite"),
        ]
        return Markup(" · ".join(links))
    return None


@hookimpl
def menu_links(datasette):
    if database_name(datasette) is None:
        return []
    links = [{"href": datasette.urls.path("/-/search"), "label": "全文检索 Search"}]
    if "nianbao" in (datasette.plugin_config("datasette-dashboards") or {}):
        links.append({"href": datasette.urls.path("/-/dashboards/nianbao"), "label": "图表 Charts"})
    return links


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins("publish", "nianbao.css")]
