"""One long-lived LibreOffice per process, for converting legacy Word (and WPS, RTF) files.

A fresh ``soffice --convert-to`` per file spends ~1 s starting LibreOffice (0.8 DOC/s). Here each
process (each extraction worker) starts LibreOffice once, behind :mod:`uno_bridge` run by the
system python3 that has ``uno`` (Debian's python3-uno), and converts file after file through it.
Where python3-uno is missing, or the bridge fails, the caller falls back to one soffice run per
file (:func:`extract.documents.doc.convert_with_soffice`).

The bridge and its LibreOffice die with the process that started them (PR_SET_PDEATHSIG), so a
worker killed for its memory or time takes its LibreOffice along.
"""

from __future__ import annotations

import json
import logging
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

logger = logging.getLogger(__name__)

# Debian's interpreter, the one python3-uno installs ``uno`` for (the project's venv lacks it).
UNO_PYTHON = "/usr/bin/python3"
BRIDGE = Path(__file__).with_name("uno_bridge.py")
START_TIMEOUT = 90
# LibreOffice's export filter per target extension.
FILTERS = {"docx": "MS Word 2007 XML", "xlsx": "Calc MS Excel 2007 XML"}


class BridgeFailed(Exception):
    """The long-lived converter is missing, did not start, failed or timed out.

    ``broken``: the bridge itself may be unusable (no answer, gone), so it is started afresh.
    """

    def __init__(self, reason: str, *, broken: bool = True):
        super().__init__(reason)
        self.broken = broken


class _Bridge:
    def __init__(self, soffice: str):
        self.pid = os.getpid()
        self.process = subprocess.Popen(
            [UNO_PYTHON, str(BRIDGE), soffice],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.buffer = b""
        reply = self._reply(START_TIMEOUT)
        if not reply.get("ready"):
            self.close()
            raise BridgeFailed(f"LibreOffice bridge did not start: {reply}")

    def convert(self, source: Path, target: Path, filter_name: str, timeout: float) -> None:
        request = {"source": str(source), "target": str(target), "filter": filter_name}
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError as error:
            raise BridgeFailed(f"LibreOffice bridge gone: {error}") from error
        reply = self._reply(timeout)
        if "error" in reply:  # this document failed; LibreOffice goes on
            raise BridgeFailed(reply["error"], broken=False)

    def _reply(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(remaining, 0))
            if not ready:
                raise BridgeFailed(f"LibreOffice bridge: no answer in {timeout:g}s")
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                raise BridgeFailed(f"LibreOffice bridge ended (exit {self.process.wait()})")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError as error:
            raise BridgeFailed(f"LibreOffice bridge: unreadable answer {line[:100]!r}") from error

    def close(self) -> None:
        self.process.terminate()  # the bridge ends its LibreOffice on SIGTERM
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_bridge: _Bridge | None = None
_unavailable: str | None = None  # why this process does without a bridge


def convert(source: Path, target_ext: str, out_dir: Path, timeout: float) -> Path:
    """Convert the file ``source`` to ``target_ext`` in ``out_dir`` through this process's
    LibreOffice; raise :class:`BridgeFailed` when that cannot be done (the caller falls back)."""
    global _bridge, _unavailable
    filter_name = FILTERS.get(target_ext)
    if filter_name is None:
        raise BridgeFailed(f"no export filter known for {target_ext}")
    if _bridge is not None and _bridge.pid != os.getpid():
        _bridge = None  # inherited through fork: the parent's, not ours
    if _bridge is None:
        if _unavailable:
            raise BridgeFailed(_unavailable)
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None or not _has_uno():
            _unavailable = "python3-uno or LibreOffice is not installed"
            raise BridgeFailed(_unavailable)
        _bridge = _Bridge(soffice)
    target = out_dir / f"{source.stem}.{target_ext}"
    try:
        _bridge.convert(source, target, filter_name, timeout)
    except BridgeFailed as failure:
        if failure.broken:  # a timeout or a crash: start afresh next time
            _bridge.close()
            _bridge = None
        raise
    if not target.exists():
        raise BridgeFailed(f"LibreOffice produced no {target_ext}")
    return target


def _has_uno() -> bool:
    try:
        result = subprocess.run(
            [UNO_PYTHON, "-c", "import uno"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0
