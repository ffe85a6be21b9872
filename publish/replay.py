"""Full replay of the archive in pywb (https://pypi.org/project/pywb/).

Datasette serves each preserved document on its own, scripts off. To browse a captured page
with its images, styles and links as a person saw it, replay the WARC files in pywb::

    wb-manager init nianbao                      # in an empty working directory
    wb-manager add nianbao data/warc/*.warc.gz   # copies and indexes the files
    wayback --bind 127.0.0.1 --port 8080         # http://127.0.0.1:8080/nianbao/*/<url>

pywb 2.10 pins older ``pyOpenSSL``/``cryptography`` than Scrapy's and installs ``brotlipy``
over ``brotli``, so it lives in its own virtualenv (``make pywb``), not in the project's.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from archive.layout import list_warcs


def make_collection(
    archive_dir: str | os.PathLike,
    root: str | os.PathLike,
    *,
    collection: str = "nianbao",
    wb_manager: str = "wb-manager",
    timeout: float = 300,
) -> list[Path]:
    """Create (or extend) pywb collection ``collection`` in ``root`` with every finished WARC file.

    Files still being written (``.open``) are left out. Returns the files added.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    warcs = list_warcs(archive_dir)
    if not (root / "collections" / collection).is_dir():
        subprocess.run(
            [wb_manager, "init", collection],
            cwd=root,
            check=True,
            timeout=timeout,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    present = {path.name for path in (root / "collections" / collection / "archive").glob("*")}
    new = [path for path in warcs if path.name not in present]
    if new:
        subprocess.run(
            [wb_manager, "add", collection, *[str(path.resolve()) for path in new]],
            cwd=root,
            check=True,
            timeout=timeout,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    return new
