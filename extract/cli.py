"""Command line for the extractor: a thin shell over :func:`extract.pipeline.extract_archive`."""

from __future__ import annotations

import logging
import sys

import click

from extract.pipeline import extract_archive, pending_bytes


@click.command()
@click.argument("archive_dir", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="SQLite database to write (created if missing).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=None,
    help="Worker processes reading documents (default: one per core; 0: read in this process, "
    "without the workers' memory and time limits).",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Also log each file read when showing a progress bar."
)
def main(archive_dir: str, db_path: str, jobs: int | None, verbose: bool) -> None:
    """Extract the annual reports in every WARC under ARCHIVE_DIR into the database.

    A second run skips what the database already holds; after a new crawl it reads only the
    new records. Progress goes to stderr (a bar on a terminal, a line per file otherwise);
    the summary goes to stdout. Each document is read in a worker process with memory and
    time limits (extract/limits.py): a hostile file costs that document an error row.
    """
    show_bar = sys.stderr.isatty()
    logging.basicConfig(
        # A bar and per-file log lines would overwrite each other on a terminal.
        level=logging.INFO if verbose or not show_bar else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if show_bar:
        total = pending_bytes(archive_dir, db_path)
        with click.progressbar(
            length=total, label="Reading WARC", file=sys.stderr, show_pos=False
        ) as bar:
            summary = extract_archive(archive_dir, db_path, on_bytes=bar.update, jobs=jobs)
    else:
        summary = extract_archive(archive_dir, db_path, jobs=jobs)
    for line in summary.lines():
        click.echo(line)
