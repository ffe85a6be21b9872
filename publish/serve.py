"""Run Datasette on an extraction database with the nianbao plugin, metadata and charts.

The database is opened immutable (SQLite's ``immutable=1``, like ``datasette -i``): serving
never writes a byte of it, so it must have been prepared first (``python -m publish prepare``,
which ``make demo``/``make crawl`` run). Free SQL is off; canned queries and the project's
pages work without it (``--setting default_allow_sql 1`` on plain ``datasette`` turns it on).

The database is always served under the name ``nianbao`` (``/nianbao/reports``), whatever the
file is called, so the metadata, canned queries, dashboards and citation links stay stable.

Where the WARC files are (for ``/-/original``), first match wins: ``--archive-dir``, the
``NIANBAO_ARCHIVE_DIR`` environment variable, the directories the extractor recorded in the database.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm

import publish
from archive.layout import ARCHIVE_DIR_ENV
from publish.prepare import is_prepared, prepared_at, table_counts

ROOT = Path(__file__).resolve().parent.parent
# Package data: found the same in a checkout and in an installed wheel.
METADATA_PATH = Path(__file__).resolve().with_name("metadata.json")
DATABASE_NAME = "nianbao"
SETTINGS = {
    "default_page_size": 50,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "max_returned_rows": 1000,
    "truncate_cells_html": 160,
    # Visitors' own SQL is off: one call can allocate gigabytes before any time limit fires.
    "default_allow_sql": False,
    # Suggesting facets runs a query per column on every table page: seconds at national size.
    "suggest_facets": False,
    # The whole file (gigabytes at national size) is better offered from static hosting.
    "allow_download": False,
}


def register_plugin() -> None:
    """Register the plugin with Datasette once (an installed entry point may have done it)."""
    if not pm.is_registered(publish) and pm.get_plugin("nianbao") is None:
        pm.register(publish, name="nianbao")


def load_metadata(
    path: str | Path = METADATA_PATH, archive_dir: str | os.PathLike | None = None
) -> dict:
    """The metadata, with the plugin's ``archive_dir`` set when one is given."""
    metadata = json.loads(Path(path).read_text(encoding="utf-8"))
    if archive_dir is not None:
        plugins = metadata.setdefault("plugins", {})
        plugins.setdefault("nianbao", {})["archive_dir"] = str(Path(archive_dir).resolve())
    return metadata


def inspect_data_of(db_path: Path) -> dict:
    """What Datasette would otherwise compute on the first request to an immutable database:
    every table's row count (a count of 16 million cells takes seconds) and a hash of the
    file (sha256 of gigabytes). The hash stands for this prepared version of the file: its
    size and when prepare finished, which change whenever its content does."""
    size = db_path.stat().st_size
    stamp = f"{size}:{prepared_at(db_path)}".encode()
    return {
        "file": db_path.name,
        "size": size,
        "hash": hashlib.sha256(stamp).hexdigest(),
        "tables": {name: {"count": n} for name, n in table_counts(db_path).items()},
    }


def build_datasette(
    db_path: str | Path,
    *,
    archive_dir: str | os.PathLike | None = None,
    metadata_path: str | Path = METADATA_PATH,
) -> Datasette:
    """A Datasette instance serving ``db_path`` immutable as ``nianbao``, the plugin registered.

    RuntimeError if the database has not been prepared (serving never writes to it).
    """
    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"no database at {db_path}")
    if not is_prepared(db_path):
        raise RuntimeError(
            f"{db_path} is not prepared for publishing: run `python -m publish prepare {db_path}`"
        )
    if archive_dir is None and os.environ.get(ARCHIVE_DIR_ENV):
        archive_dir = os.environ[ARCHIVE_DIR_ENV]
    register_plugin()
    inspect_data = {DATABASE_NAME: inspect_data_of(db_path)}
    datasette = Datasette(
        metadata=load_metadata(metadata_path, archive_dir),
        settings=SETTINGS,
        inspect_data=inspect_data,
    )
    datasette.add_database(
        Database(datasette, path=str(db_path), is_mutable=False), name=DATABASE_NAME
    )
    if "_memory" in datasette.databases:  # added because no file was passed to the constructor
        datasette.remove_database("_memory")
    return datasette


def serve(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    archive_dir: str | os.PathLike | None = None,
) -> None:
    """Serve until interrupted."""
    import uvicorn

    datasette = build_datasette(db_path, archive_dir=archive_dir)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="info")
