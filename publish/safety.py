"""Defaults that make the site safe to put on the internet, whatever SQL a visitor sends.

- Every SQLite connection Datasette opens gets a cap on string and blob length (so
  ``printf('%.*c', 900000000, 'x')`` fails at once instead of allocating 900 MB; a time
  limit cannot interrupt one function call) and an authorizer that refuses
  ``fts3_tokenizer`` (it returns library pointers, and its two-argument form installs one)
  and ``load_extension``.
- ``/-/metadata.json`` and ``/-/databases.json`` never show where files live on the server.
- Datasette 0.65's default error handler calls ``rich.print_exception()`` outside an ``except``
  block; rich 15 raises there, so every 404 became a 500. :func:`quiet_rich` makes that handler
  take its rich-less path (it prints the traceback of real 500s with :mod:`traceback`).
- :func:`safe_href` lets through only http(s) URLs, for any link built from archived data.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from datasette.utils.asgi import Response

# A report's whole text is well under a megabyte; 20 MB leaves room for any real value.
MAX_VALUE_BYTES = 20 * 1024 * 1024
DENIED_FUNCTIONS = frozenset({"fts3_tokenizer", "load_extension"})


def quiet_rich() -> None:
    """Make Datasette's default exception handler skip rich (see the module docstring)."""
    import datasette.handle_exception

    datasette.handle_exception.rich = None


def authorizer(action, arg1, arg2, db_name, source):
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def harden_connection(conn: sqlite3.Connection) -> None:
    """Cap value sizes and deny the dangerous functions on one connection."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 1_000_000)
    conn.set_authorizer(authorizer)


def safe_href(url) -> str | None:
    """``url`` if it is an http(s) URL, else None (``javascript:``, ``data:`` … never link)."""
    if not isinstance(url, str):
        return None
    stripped = url.strip()
    if stripped.lower().startswith(("http://", "https://")) and not any(
        ord(char) < 0x20 for char in stripped
    ):
        return stripped
    return None


def public_metadata(metadata: dict) -> dict:
    """The metadata without server-side settings of the plugin (its archive directory)."""
    public = json.loads(json.dumps(metadata))
    plugin = (public.get("plugins") or {}).get("nianbao")
    if isinstance(plugin, dict):
        plugin.pop("archive_dir", None)
    return public


def public_databases(datasette) -> list[dict]:
    """What ``/-/databases.json`` shows, with each file's name in place of its path."""
    return [
        {
            "name": database.name,
            "route": database.route,
            "path": Path(database.path).name if database.path else None,
            "size": database.size,
            "is_mutable": database.is_mutable,
            "is_memory": database.is_memory,
            "hash": database.hash,
        }
        for name, database in datasette.databases.items()
        if name != "_internal"
    ]


async def _json_or_page(request, datasette, filename: str, data) -> Response:
    await datasette.ensure_permissions(request.actor, ["view-instance"])
    if request.url_vars.get("format"):
        return Response.json(data)
    return Response.html(
        await datasette.render_template(
            "show_json.html",
            {"filename": filename, "data_json": json.dumps(data, indent=4, ensure_ascii=False)},
            request=request,
        )
    )


async def metadata_view(request, datasette):
    return await _json_or_page(
        request, datasette, "metadata.json", public_metadata(datasette.metadata())
    )


async def databases_view(request, datasette):
    return await _json_or_page(request, datasette, "databases.json", public_databases(datasette))


ROUTES = [
    (r"^/-/metadata(\.(?P<format>json))?$", metadata_view),
    (r"^/-/databases(\.(?P<format>json))?$", databases_view),
]


def bom_wrapper(app):
    """ASGI middleware: ``?_bom=1`` on a ``.csv`` URL starts the body with a UTF-8 BOM, so
    Excel on Chinese Windows reads the file as UTF-8 instead of GBK."""

    async def wrapped(scope, receive, send):
        if scope.get("type") != "http" or not _wants_bom(scope):
            await app(scope, receive, send)
            return
        first, ok = True, False

        async def send_with_bom(message):
            nonlocal first, ok
            if message["type"] == "http.response.start":
                ok = message.get("status") == 200
                if not ok:
                    await send(message)
                    return
                message = {
                    **message,
                    "headers": [
                        (
                            key,
                            str(int(value) + 3).encode()
                            if key.lower() == b"content-length"
                            else value,
                        )
                        for key, value in message.get("headers", [])
                    ],
                }
            elif message["type"] == "http.response.body" and first and ok:
                first = False
                message = {**message, "body": b"\xef\xbb\xbf" + message.get("body", b"")}
            await send(message)

        await app(scope, receive, send_with_bom)

    return wrapped


def _wants_bom(scope) -> bool:
    from urllib.parse import parse_qs

    if not scope.get("path", "").endswith(".csv"):
        return False
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return query.get("_bom", [""])[0] in ("1", "true", "yes")
