"""Legacy Word (.doc) files, made from the DOCX rendering by LibreOffice.

Starting ``soffice`` costs seconds, so conversions are batched (one process converts many
files) and cached on disk by the DOCX's content hash: a second run converts nothing. Each
process gets its own throw-away LibreOffice profile, so parallel test workers or another
developer's soffice do not fight over a shared profile lock.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BATCH_SIZE = 100


class DocConversionUnavailable(RuntimeError):
    """LibreOffice (``soffice``) is not installed, so DOC files cannot be made."""


def doc_cache_dir() -> Path:
    """Where converted files are kept: ``$REPORTGEN_CACHE`` or ``~/.cache/nianbao/reportgen-doc``."""
    configured = os.environ.get("REPORTGEN_CACHE")
    base = Path(configured) if configured else Path.home() / ".cache" / "nianbao" / "reportgen-doc"
    base.mkdir(parents=True, exist_ok=True)
    return base


def soffice_path() -> str:
    """The ``soffice`` executable, or ``DocConversionUnavailable``."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise DocConversionUnavailable(
            "soffice (LibreOffice) is not installed; apt-get install libreoffice-writer"
        )
    return path


def docx_to_doc_many(docx_payloads: list[bytes]) -> list[bytes]:
    """The DOC conversion of each DOCX, in order; uncached ones converted in as few soffice runs
    as possible."""
    cache = doc_cache_dir()
    digests = [hashlib.sha256(payload).hexdigest() for payload in docx_payloads]
    todo = {d: p for d, p in zip(digests, docx_payloads) if not (cache / f"{d}.doc").exists()}
    pending = sorted(todo)
    for start in range(0, len(pending), BATCH_SIZE):
        _convert({d: todo[d] for d in pending[start : start + BATCH_SIZE]}, cache)
    return [(cache / f"{d}.doc").read_bytes() for d in digests]


def _convert(batch: dict[str, bytes], cache: Path) -> None:
    soffice = soffice_path()
    with tempfile.TemporaryDirectory(prefix="reportgen-doc-") as tmp:
        work = Path(tmp)
        inputs = []
        for digest, payload in batch.items():
            path = work / f"{digest}.docx"
            path.write_bytes(payload)
            inputs.append(str(path))
        out = work / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "doc",
            "--outdir",
            str(out),
            *inputs,
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120 + 5 * len(inputs)
        )
        for digest in batch:
            produced = out / f"{digest}.doc"
            if not produced.exists():
                raise RuntimeError(
                    f"soffice did not convert {digest}.docx (exit {result.returncode}): "
                    f"{result.stderr.strip() or result.stdout.strip()}"
                )
            # Move via a temporary name so a concurrent reader never sees half a file.
            staging = cache / f".{digest}.{os.getpid()}.tmp"
            shutil.copyfile(produced, staging)
            os.replace(staging, cache / f"{digest}.doc")
