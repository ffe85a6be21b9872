"""The nianbao Datasette plugin: its hooks. The pages live in their own modules.

Routes (each page also answers as ``.json``):

- ``/-/report/<report id>`` — a report as printed, checks explained (:mod:`publish.report_page`)
- ``/-/cite/<report id>`` — citations; ``.bib`` and ``.ris`` give the entry alone
  (:mod:`publish.pages`)
- ``/-/search?q=`` — reports containing every term, with the passage it occurs in
- ``/-/archived/<record id>`` — a preserved copy inside a banner saying what it is;
  ``/-/original/<record id>`` — the bytes as captured (:mod:`publish.archived`)
- ``/-/metadata``, ``/-/databases`` — Datasette's, without server paths (:mod:`publish.safety`)

``?_search=`` on ``reports`` uses the same trigram/substring matching, so the table's own
search box, facets and CSV export work for Chinese. Cells link every report to its page, its
citation and its preserved copy. Configuration: see :mod:`publish.site`.
"""

from __future__ import annotations

from pathlib import Path

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from publish import charts, rules, safety, search
from publish.archived import archived_view, original_view
from publish.pages import cite_view, search_view
from publish.report_page import report_view
from publish.site import PLUGIN, archived_path, cite_path, database_name, report_path

SECTION_PREVIEW = 24
VIEW_TABLES = {
    "report_requests_summary",
    "report_requests_table",
    "report_appeals_table",
    "report_active_table",
}


@hookimpl
def register_routes():
    # Not at import: this module is imported while datasette.plugins is still loading.
    safety.quiet_rich()  # every 404 was a 500 with rich 15: see publish.safety
    return [
        (r"^/-/original/(?P<record_id>[^/]+)$", original_view),
        (r"^/-/archived/(?P<record_id>[^/]+?)(?P<format>\.json)?$", archived_view),
        (r"^/-/cite/(?P<report_id>[^/]+?)(?P<format>\.bib|\.ris|\.json)?$", cite_view),
        (r"^/-/report/(?P<report_id>[^/]+?)(?P<format>\.json)?$", report_view),
        (r"^/-/search(?P<format>\.json)?$", search_view),
        *safety.ROUTES,
    ]


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    """``?_search=`` on ``reports``: every term must occur (trigram, or substring if short)."""
    if table != "reports" or database != database_name(datasette):
        return None
    query = request.args.get("_search")
    where, params = search.match_clause(query or "", rowid_column="[reports].rowid")
    context = {"supports_search": True, "search": query or ""}
    if where is None:
        return FilterArguments([], {}, [], context)
    return FilterArguments([where], params, [f'contains "{query}"'], context)


def _get(row, key: str):
    try:
        return row[key]
    except (IndexError, KeyError):
        return None


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>'


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Link reports to their page, citation and preserved copy, and record ids to the copy."""
    if value is None or database != database_name(datasette):
        return None
    urls = datasette.urls
    if table in ("reports", "report_requests_summary") and column == "title":
        report_id = _get(row, "id") or _get(row, "report_id")
        links = [
            _link(urls.path(report_path(report_id)), "报告页 report"),
            _link(urls.path(cite_path(report_id)), "引用 cite"),
        ]
        if _get(row, "warc_record_id"):
            links.append(
                _link(urls.path(archived_path(_get(row, "warc_record_id"))), "原件 original")
            )
        return Markup(f"{escape(value)}<br><small>{' · '.join(links)}</small>")
    if table == "reports" and column.startswith("section_") and isinstance(value, str):
        # Whole sections would make every row a page long: show the start, unfold the rest.
        head = value.strip()[:SECTION_PREVIEW]
        return Markup(
            f"<details><summary>{escape(head)}… ({len(value)} 字 chars)</summary>{escape(value)}</details>"
        )
    if column in ("url", "source_url", "page_url") and isinstance(value, str):
        href = safety.safe_href(value)
        shown = (
            Markup(f'<a href="{escape(href)}" rel="nofollow noreferrer">{escape(value)}</a>')
            if href
            else escape(value)
        )
        if table == "documents" and _get(row, "record_id"):
            archived = _link(urls.path(archived_path(_get(row, "record_id"))), "原件 original")
            return Markup(f"{shown}<br><small>{archived}</small>")
        return Markup(shown)
    if column == "rule" and table == "checks" and value in rules.RULES:
        # Readers see the check's Chinese name; the English key stays in the data and the API.
        return Markup(f"{escape(rules.rule_name(value))}<br><small>{escape(value)}</small>")
    if column == "warc_record_id" or (table == "documents" and column == "record_id"):
        return Markup(_link(urls.path(archived_path(str(value))), str(value)))
    if (table in VIEW_TABLES or table is None) and column == "report_id":
        links = [
            _link(urls.path(report_path(value)), str(value)),
            _link(urls.row(database, "reports", tilde_encode(str(value))), "字段 fields"),
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


STATIC_DIR = Path(__file__).resolve().parent / "static"


def static_name() -> str:
    """The name Datasette serves this package's static/ under: the distribution's name when
    installed (``nianbao``), the module's (``publish``) when registered by hand."""
    from datasette.plugins import get_plugins

    for plugin in get_plugins():
        if plugin["static_path"] and Path(plugin["static_path"]).resolve() == STATIC_DIR:
            return plugin["name"]
    return PLUGIN


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins(static_name(), "nianbao.css")]


@hookimpl
def prepare_connection(conn):
    safety.harden_connection(conn)


@hookimpl
def actor_from_request(datasette, request):
    return charts.chart_actor(datasette, request)


@hookimpl(trylast=True)  # called last, so it has the last word on the chart queries
def permission_allowed(actor, action):
    return charts.allows(actor, action)


@hookimpl
def asgi_wrapper(datasette):
    return safety.bom_wrapper
