"""Run Datasette on an extraction database with the nianbao plugin, metadata and charts.

The database is always served under the name ``nianbao`` (``/nianbao/reports``), whatever the
file is called, so the metadata, canned queries, dashboards and citation links stay stable.

Where the WARC files are (for ``/-/original``), first match wins: ``--archive-dir``, the
``NIANBAO_ARCHIVE_DIR`` environment variable, the directories the extractor recorded in the database.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm

import publish
from archive.layout import ARCHIVE_DIR_ENV
from publish.views import prepare

# Package data: found the same in a checkout and in an installed wheel.
METADATA_PATH = Path(__file__).resolve().with_name("metadata.json")
DATABASE_NAME = "nianbao"
SETTINGS = {
    "default_page_size": 50,
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 500,
    "max_returned_rows": 5000,
    "truncate_cells_html": 160,
    "default_allow_sql": True,
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


def build_datasette(
    db_path: str | Path,
    *,
    archive_dir: str | os.PathLike | None = None,
    metadata_path: str | Path = METADATA_PATH,
    run_prepare: bool = True,
) -> Datasette:
    """A Datasette instance serving ``db_path`` as ``nianbao`` with the plugin registered."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"no database at {db_path}")
    if run_prepare:
        prepare(db_path)
    if archive_dir is None and os.environ.get(ARCHIVE_DIR_ENV):
        archive_dir = os.environ[ARCHIVE_DIR_ENV]
    register_plugin()
    datasette = Datasette(metadata=load_metadata(metadata_path, archive_dir), settings=SETTINGS)
    datasette.add_database(
        Database(datasette, path=str(db_path), is_mutable=True), name=DATABASE_NAME
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
    run_prepare: bool = True,
) -> None:
    """Serve until interrupted."""
    import uvicorn

    datasette = build_datasette(db_path, archive_dir=archive_dir, run_prepare=run_prepare)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="info")
