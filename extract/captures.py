"""The captures of one WARC file, streaming: each response, resource, revisit and rendered DOM
with the metadata the crawler wrote beside it, and where reading can resume after it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from archive.reader import ArchivedRecord, iter_records
from archive.resync import SkippedBytes
from extract.rendered import is_rendered_dom


def captures(
    path: Path,
    *,
    start: int = 0,
    salvage: bool = True,
    on_metadata: Callable[[ArchivedRecord], None] | None = None,
) -> Iterator[tuple[ArchivedRecord, dict, int] | SkippedBytes]:
    """Yield ``(record, metadata fields, resume offset)`` for each response, resource and revisit
    record, and each browser-rendered DOM (a ``conversion`` record, see extract/rendered.py).

    The metadata record the crawler writes right after a response is paired with it. The resume
    offset is where reading can restart without missing or repeating a document. A finished
    file (``salvage``) is read past damage: each damaged span comes as a :class:`SkippedBytes`
    and reading goes on at the next intact record. A file still being written stops at its
    damage with :class:`ArchiveReadError`: that is a half-written group whose metadata will be
    there next time. ``on_metadata`` is handed each metadata record that belongs to no capture
    (a discovery's).
    """
    pending: tuple[ArchivedRecord, int] | None = None
    errors = "resync" if salvage else "raise"
    for record in iter_records(path, start=start, errors=errors):
        if isinstance(record, SkippedBytes):
            if pending is not None:
                yield pending[0], {}, pending[1]
                pending = None
            yield record
            continue
        end = record.offset + record.length
        if pending is not None:
            held, held_end = pending
            pending = None
            if record.rec_type == "metadata" and record.concurrent_to == held.record_id:
                yield held, record.fields, end
                continue
            yield held, {}, held_end
        if record.rec_type in ("response", "resource", "revisit") or is_rendered_dom(record):
            pending = (record, end)
        elif record.rec_type == "metadata" and on_metadata is not None:
            on_metadata(record)
    if pending is not None:
        yield pending[0], {}, pending[1]
