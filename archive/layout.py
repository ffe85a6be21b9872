"""The archive directory's on-disk contract, in one place: every package reads and writes it here.

An archive directory (``ARCHIVE_DIR``, ``NIANBAO_ARCHIVE_DIR`` in the environment) holds:

- WARC files named ``{prefix}-{started:%Y%m%d%H%M%S}-{serial:05d}.warc.gz``
  (:func:`warc_file_name`), each carrying an extra ``.open`` suffix (:data:`OPEN_SUFFIX`) while
  it is written. Files may sit in subfolders (a year's crawls moved aside, another machine's
  copy): :func:`list_warcs` walks them all, and a file is named by its path relative to the
  directory (:func:`warc_name`), which is what the databases and indexes record.
- ``crawls.jsonl`` (:data:`CRAWLS_LOG`), one line per crawl start and end.
- Beside each response, a ``metadata`` record of ``application/warc-fields`` whose field names
  are the constants below: what the crawler knew about the capture, which the extractor and
  the publisher read back.

Payload digests are written as warcio writes ``WARC-Payload-Digest`` (:func:`payload_digest`).
A name coming from a database or a request is turned into a path only by
:func:`resolve_archive_path`, which refuses anything outside the directory.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from datetime import datetime, timezone
from pathlib import Path

#: The environment variable naming the archive directory, for every process that reads it.
ARCHIVE_DIR_ENV = "NIANBAO_ARCHIVE_DIR"
#: Suffixes of finished WARC files (the crawler writes ``.warc.gz``; ``.warc`` is read too).
WARC_SUFFIXES = (".warc.gz", ".warc")
#: Added to a WARC file's name until the writer has finished it.
OPEN_SUFFIX = ".open"
#: The crawl log beside the WARC files, one JSON object per line.
CRAWLS_LOG = "crawls.jsonl"

# Field names of the metadata record written beside each response (crawler/archiving.py).
CRAWL_ID = "crawl-id"  # also in each file's warcinfo record
SITE_NAME = "site-name"  # the sites-list row the capture was found under
SITE_REGION_CODE = "site-region-code"
SITE_LEVEL = "site-level"
SITE_URL = "site-url"
KIND = "kind"  # what the crawler took the capture for: a CaptureKind value
VIA = "via"  # the page that linked here
VIA_TEXT = "via-text"  # the link's text, often the report's fullest title
DEPTH = "depth"
FILENAME = "filename"  # an attachment's file name (Content-Disposition or URL)


class CaptureKind:
    """Values of the ``KIND`` field (and of a request's ``kind`` meta): plain strings, as they
    are pickled into a JOBDIR's queues and written into the WARC."""

    PAGE = "page"  # a page of a site, read for its links
    LISTING = "listing"  # a further page of a paginated list
    REPORT = "report"  # a page whose link named an annual report
    ATTACHMENT = "attachment"  # a file linked from a report (page)
    ROBOTS = "robots"  # robots.txt
    RESOURCE = "resource"  # a page requisite a browser fetched (script, style, image)


def warc_file_name(prefix: str, started: datetime, serial: int) -> str:
    """The finished name of one WARC file, e.g. ``nianbao-20240501083000-00000.warc.gz``.

    ``started`` must be timezone-aware; the name carries its UTC time.
    """
    if started.tzinfo is None:
        raise ValueError(f"datetime must be timezone-aware (UTC is assumed nowhere): {started!r}")
    return f"{prefix}-{started.astimezone(timezone.utc):%Y%m%d%H%M%S}-{serial:05d}.warc.gz"


def warc_file_pattern(prefix_pattern: str) -> re.Pattern:
    """A pattern matching the names :func:`warc_file_name` gives, finished or ``.open``.

    ``prefix_pattern`` is a regular expression (``re.escape`` a plain prefix); the groups
    ``stamp``, ``serial`` and ``open`` (None when finished) tell the parts apart.
    """
    return re.compile(
        prefix_pattern
        + r"-(?P<stamp>\d{14})-(?P<serial>\d{5,})\.warc\.gz(?P<open>"
        + re.escape(OPEN_SUFFIX)
        + ")?"
    )


def is_warc_name(name: str, *, include_open: bool = False) -> bool:
    """Does ``name`` end like a WARC file (a finished one, or also one being written)?"""
    return (
        final_name(name).endswith(WARC_SUFFIXES) if include_open else name.endswith(WARC_SUFFIXES)
    )


def is_open(path: str | os.PathLike) -> bool:
    """Is this a WARC file still being written (or left unfinished by a killed crawl)?"""
    return os.fspath(path).endswith(OPEN_SUFFIX)


def final_name(name: str) -> str:
    """The name a file will keep once finished: without ``.open``."""
    return name.removesuffix(OPEN_SUFFIX)


def list_warcs(archive_dir: str | os.PathLike, *, include_open: bool = False) -> list[Path]:
    """Every WARC file under ``archive_dir``, subfolders included, sorted by path.

    Files still being written are left out unless ``include_open``; a finished file sorts just
    before an ``.open`` one of the same name. Raises FileNotFoundError if the directory is not
    there.
    """
    root = Path(archive_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"archive directory not found: {root}")
    return sorted(
        path
        for path in root.rglob("*")
        if is_warc_name(path.name, include_open=include_open) and path.is_file()
    )


def unfinished_warcs(directory: str | os.PathLike) -> list[Path]:
    """The ``.warc.gz.open`` files directly in ``directory``, where a writer leaves them when it
    is killed: what a crawl starting there repairs. Sorted by name."""
    return sorted(Path(directory).glob(f"*.warc.gz{OPEN_SUFFIX}"))


def warc_name(archive_dir: str | os.PathLike, path: str | os.PathLike) -> str:
    """How the archive names a file: its ``/``-separated path under ``archive_dir``, without
    ``.open`` (the name it keeps, so a row written while it grew still finds it)."""
    return final_name(Path(path).relative_to(archive_dir).as_posix())


def payload_digest(payload: bytes) -> str:
    """``WARC-Payload-Digest`` as warcio writes it: ``sha1:`` and the base32 SHA-1."""
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def resolve_archive_path(archive_dir: str | os.PathLike, name: str) -> Path:
    """The existing WARC file ``name`` (as :func:`warc_name` gives it) under ``archive_dir``.

    ``name`` is relative and ``/``-separated; each part must be a plain name (no ``..``, ``.``,
    hidden or empty part, no backslash or NUL), the file must end like a WARC file, and its real
    path (symlinks followed) must be a regular file inside ``archive_dir``. A file still being
    written is found under its final name. Raises ``ValueError`` for anything else.
    """
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        raise ValueError(f"not a relative archive file name: {name!r}")
    parts = name.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        raise ValueError(f"not a plain archive file name: {name!r}")
    if not is_warc_name(name):
        raise ValueError(f"not a WARC file name: {name!r}")
    root = Path(archive_dir).resolve()
    for candidate in (root.joinpath(*parts), root.joinpath(*parts[:-1], parts[-1] + OPEN_SUFFIX)):
        real = candidate.resolve()
        if root in real.parents and real.is_file():
            return real
    raise ValueError(f"no archive file {name!r} in {archive_dir}")
