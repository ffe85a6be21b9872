"""What every page of the plugin shares: its configuration, the reports database, its URLs.

Configuration (``plugins.nianbao`` in the metadata):

- ``database`` — default ``nianbao``, else the first database with a file;
- ``archive_dir`` — where the WARC files are; default the ``NIANBAO_ARCHIVE_DIR`` environment
  variable, else the directories recorded in the database
  (:func:`publish.originals.recorded_archive_dirs`); never shown in ``/-/metadata.json``;
- ``public_url`` — the site's public address (default ``NIANBAO_PUBLIC_URL``), used in
  citations to name the preserved copy. Never taken from the request: a citation must not
  carry whatever host a visitor happened to use.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote, unquote

from datasette.utils import tilde_decode
from datasette.utils.asgi import NotFound, Response

from archive.layout import ARCHIVE_DIR_ENV
from publish import originals
from publish.safety import safe_href

PLUGIN = "nianbao"


def url_var(request, name: str) -> str:
    """A path part as sent: routes see it still %-encoded, or ~-encoded after Datasette's redirect."""
    value = unquote(request.url_vars[name])
    return tilde_decode(value) if "~" in value else value


def config(datasette) -> dict:
    return datasette.plugin_config(PLUGIN) or {}


def database_name(datasette) -> str | None:
    """The database holding the reports (None if this Datasette serves none)."""
    configured = config(datasette).get("database")
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
    configured = config(datasette).get("archive_dir") or os.environ.get(ARCHIVE_DIR_ENV)
    if configured:
        return [Path(configured)]
    return originals.recorded_archive_dirs(conn, db_path)


def public_url(datasette) -> str | None:
    """The configured public address of the site (no trailing slash), or None."""
    configured = config(datasette).get("public_url") or os.environ.get("NIANBAO_PUBLIC_URL")
    href = safe_href(configured)
    return href.rstrip("/") if href else None


def public_link(datasette, path: str) -> str | None:
    """``path`` on the public site, or None when no public address is configured."""
    base = public_url(datasette)
    return base + datasette.urls.path(path) if base else None


def cite_path(report_id) -> str:
    return f"/-/cite/{quote(str(report_id), safe='')}"


def report_path(report_id) -> str:
    return f"/-/report/{quote(str(report_id), safe='')}"


def archived_path(record_id: str) -> str:
    """The page that shows a preserved copy inside a banner saying what it is."""
    return originals.original_path(record_id).replace("/-/original/", "/-/archived/", 1)


async def page_or_json(request, datasette, template: str, context: dict, data) -> Response:
    """The HTML page, or ``data`` as JSON when the URL ends in ``.json``."""
    if request.url_vars.get("format") == ".json":
        return Response(
            json.dumps(data, ensure_ascii=False, default=str),
            content_type="application/json; charset=utf-8",
        )
    return Response.html(await datasette.render_template(template, context, request=request))
