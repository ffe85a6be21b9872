"""Legacy Word (DOC, OLE-based WPS, RTF) → text, through external converters.

Measured on DOC files that LibreOffice wrote from a DOCX holding a report table
with merged cells: all three tools get the Chinese right, but only LibreOffice
keeps the table's shape. antiword draws a merged cell as one wide ``|`` cell
(column spans can be recovered from the bar positions, row spans cannot) and
wraps long cells onto extra lines, breaking rows apart, and garbles narrow
columns; catdoc keeps every row on one line, cells TAB-separated, but drops the
slots a merged cell covers, so those rows' columns shift left. So LibreOffice
(→ DOCX, then the DOCX reader) goes first, catdoc second, antiword last.

Measured again on 40 generated reports and the five seeds as DOC (9,153 cells): antiword first
got 22 % of the cells right (and 6 wrong), catdoc 51 %, LibreOffice 100 %. So speed comes not
from putting the fast tools first but from keeping LibreOffice running: each process converts
through its own long-lived instance (:mod:`extract.documents.office`, ~0.1 s a file instead of
~1 s of start-up), and runs soffice once per file only where that bridge is unavailable.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from pathlib import Path

from . import office
from .docx import read_docx
from .model import DocumentError, DocumentText
from .text import SpanGrid, grid_lines, tidy_lines

logger = logging.getLogger(__name__)

SOFFICE_TIMEOUT = 120
TOOL_TIMEOUT = 60


def read_doc(payload: bytes, *, source_type: str = "doc", suffix: str = ".doc") -> DocumentText:
    """Read a Word 97-2003 (or OLE WPS, or RTF) payload, trying LibreOffice, catdoc, antiword in turn.

    Raises :class:`DocumentError` naming every converter's failure when none works.
    """
    failures = []
    converters = [lambda: _via_soffice(payload, suffix, source_type)]
    if suffix != ".rtf":  # catdoc and antiword read only the Word binary format
        converters += [lambda: _via_catdoc(payload), lambda: _via_antiword(payload)]
    for convert in converters:
        try:
            text, title, pages = convert()
        except DocumentError as error:
            failures.append(error.reason)
            continue
        return DocumentText(text=text, source_type=source_type, title=title, pages=pages)
    raise DocumentError("; ".join(failures))


def convert_with_soffice(
    payload: bytes, suffix: str, target: str = "docx", timeout: float = SOFFICE_TIMEOUT
) -> bytes:
    """Convert ``payload`` (a file ending in ``suffix``) with headless LibreOffice; return the result's bytes.

    Through this process's long-lived LibreOffice (:mod:`extract.documents.office`) where it
    runs; otherwise one soffice run, with its own LibreOffice profile, so parallel conversions
    do not collide on the profile lock. The temporary directory is always removed.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise DocumentError("soffice failed: LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="nianbao-soffice-") as workdir:
        work = Path(workdir)
        source = work / f"document{suffix}"
        source.write_bytes(payload)
        try:
            return office.convert(source, target, work, timeout).read_bytes()
        except office.BridgeFailed as failure:
            if not failure.broken:  # LibreOffice ran and could not read it: once more won't help
                raise DocumentError(f"soffice failed: {failure}") from failure
            logger.debug("long-lived LibreOffice: %s; running soffice once", failure)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        result = run_tool(command, timeout, "soffice")
        produced = list((work / "out").glob(f"*.{target}"))
        if not produced:
            output = (result.stderr or result.stdout).decode("utf-8", "replace").splitlines()
            # LibreOffice always warns about Java, which it does not need for this; keep the real message.
            detail = " ".join(line.strip() for line in output if "javaldx" not in line)[:200]
            raise DocumentError(f"soffice failed: no {target} produced ({detail or 'no message'})")
        return produced[0].read_bytes()


def run_tool(
    command: list[str], timeout: float, name: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess:
    """Run an external tool in its own process group, killing the whole group on timeout."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # soffice forks a child; the group lets a timeout end both
        )
    except FileNotFoundError as error:
        raise DocumentError(f"{name} failed: {command[0]} is not installed") from error
    try:
        stdout, stderr = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        _kill_group(process)
        raise DocumentError(f"{name} failed: timed out after {timeout:g}s") from error
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


def _via_soffice(payload: bytes, suffix: str, source_type: str):
    converted = convert_with_soffice(payload, suffix)
    document = read_docx(converted, source_type=source_type)
    if not document.text:
        raise DocumentError("soffice failed: converted document has no text")
    return document.text, document.title, document.pages


def _via_antiword(payload: bytes):
    output = _run_on_file("antiword", ["-m", "UTF-8.txt", "-w", "300"], payload)
    return antiword_to_text(output), None, None


def _via_catdoc(payload: bytes):
    output = _run_on_file("catdoc", ["-d", "utf-8", "-w"], payload)
    # catdoc already prints a row's cells TAB-separated; only blank lines need going.
    return tidy_lines(output.splitlines()), None, None


def _run_on_file(tool: str, options: list[str], payload: bytes) -> str:
    if shutil.which(tool) is None:
        raise DocumentError(f"{tool} failed: {tool} is not installed")
    with tempfile.NamedTemporaryFile(prefix="nianbao-", suffix=".doc") as handle:
        handle.write(payload)
        handle.flush()
        result = run_tool([tool, *options, handle.name], TOOL_TIMEOUT, tool)
    text = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0:
        message = (
            (result.stderr.decode("utf-8", "replace") or text).replace(handle.name, "file").strip()
        )
        raise DocumentError(f"{tool} failed: {message[:200] or f'exit status {result.returncode}'}")
    if not text.strip():
        raise DocumentError(f"{tool} failed: no text")
    return text


def antiword_to_text(output: str) -> str:
    """Turn antiword's text output into the TAB contract.

    antiword draws each table row as ``|cell   |cell   |``, padding cells to their
    column's width. A bar position shared by any row is a column boundary, so a
    cell that spans several boundaries is a merged cell: its text goes in the
    first slot and '' in the others. Row spans and wrapped cells cannot be told
    from antiword's output and come out as the rows it prints.
    """
    lines: list[str] = []
    block: list[str] = []
    for line in output.splitlines():
        stripped = line.rstrip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            block.append(stripped)
            continue
        if block:
            lines += _antiword_table(block)
            block = []
        lines.append(line)
    if block:
        lines += _antiword_table(block)
    return tidy_lines(lines)


def _antiword_table(block: list[str]) -> list[str]:
    rows = [_bar_cells(line) for line in block]
    boundaries = sorted({start for row in rows for start, _ in row})
    grid = SpanGrid()
    for row in rows:
        grid.start_row()
        ends = [start for start, _ in row[1:]] + [None]
        for (start, text), end in zip(row, ends):
            covered = [b for b in boundaries if b >= start and (end is None or b < end)]
            grid.add(text.strip(), colspan=max(len(covered), 1))
    return grid_lines(grid.rows())


def _bar_cells(line: str) -> list[tuple[int, str]]:
    """Cells of one antiword row as (display column where the cell starts, text)."""
    cells = []
    column = 0
    start, text = None, []
    for char in line:
        if char == "|":
            if start is not None:
                cells.append((start, "".join(text)))
            start, text = column + 1, []
        else:
            text.append(char)
        column += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return cells
