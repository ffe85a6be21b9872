"""Command line: ``python -m publish prepare FILE.db``, ``python -m publish serve FILE.db`` and
``python -m publish pywb ARCHIVE_DIR`` (a pywb collection of the WARC files)."""

from __future__ import annotations

import click


@click.group()
def cli() -> None:
    """Publish the extraction database in Datasette."""


@cli.command("prepare")
@click.argument("db_path", type=click.Path(exists=True, dir_okay=False))
def prepare_command(db_path: str) -> None:
    """Build the publication tables, places and search index in DB_PATH (idempotent).

    Run after every extraction; `serve` only reads the database.
    """
    from publish.prepare import prepare

    summary = prepare(db_path)
    click.echo(
        f"{db_path}: tables {', '.join(summary['tables'])}; {summary['regions']} regions; "
        f"{summary['indexed']} reports indexed for search"
    )


@cli.command("serve")
@click.argument("db_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--port", default=8001, show_default=True, help="Port to listen on (127.0.0.1).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--archive-dir",
    type=click.Path(exists=True, file_okay=False),
    help="Where the WARC files are (default: $NIANBAO_ARCHIVE_DIR, else as recorded in the database).",
)
def serve_command(db_path: str, port: int, host: str, archive_dir: str | None) -> None:
    """Serve DB_PATH (prepared, opened immutable: no byte changes) in Datasette."""
    from publish.serve import serve

    try:
        serve(db_path, host=host, port=port, archive_dir=archive_dir)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None


@cli.command("pywb")
@click.argument("archive_dir", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--root",
    required=True,
    type=click.Path(file_okay=False),
    help="pywb's working directory (created).",
)
@click.option("--collection", default="nianbao", show_default=True)
@click.option(
    "--wb-manager", default="wb-manager", show_default=True, help="The wb-manager executable."
)
def pywb_command(archive_dir: str, root: str, collection: str, wb_manager: str) -> None:
    """Make a pywb collection of every WARC under ARCHIVE_DIR (then run `wayback` in ROOT)."""
    from publish.replay import make_collection

    added = make_collection(archive_dir, root, collection=collection, wb_manager=wb_manager)
    click.echo(
        f"{len(added)} WARC files added to collection {collection!r} in {root}; now run:\n"
        f"  cd {root} && wayback --bind 127.0.0.1 --port 8080\n"
        f"and open http://127.0.0.1:8080/{collection}/*/<original url>"
    )
