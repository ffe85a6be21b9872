"""Spreadsheets (XLSX, XLS, WPS ET) → text: each sheet's rows as TAB lines, cells by position.

Some agencies attach the report's statistical tables as a workbook beside an article that
holds only the prose. A sheet is a grid already: every cell has its column, so its rows become
TAB-separated lines with ``cell_slots`` marking the cells (an empty cell among counts is a
value left blank, as in an HTML table). A merged range prints its value in its top-left cell;
the cells it covers are no cells of their own.

XLSX is read with openpyxl, XLS with xlrd; a WPS ET file is an OLE workbook like XLS (xlrd
reads most), and what xlrd cannot read is converted to XLSX by LibreOffice first.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from .model import DocumentError, DocumentText
from .text import grid_lines, tidy_lines, usable_title

# A workbook with more cells than this is a data dump, not a report's three tables.
MAX_CELLS = 200_000
SOFFICE_TIMEOUT = 120


def read_spreadsheet(payload: bytes, kind: str) -> DocumentText:
    """Read a workbook (``kind`` 'xlsx' or 'xls', ET included) into a DocumentText."""
    if kind == "xlsx":
        sheets, title = _xlsx_sheets(payload)
    else:
        try:
            sheets, title = _xls_sheets(payload)
        except DocumentError as error:
            converted = _convert_to_xlsx(payload, error.reason)
            sheets, title = _xlsx_sheets(converted)
    lines: list[str] = []
    slots: dict[str, tuple[bool, ...] | None] = {}
    for rows, covered in sheets:
        lines.extend(_sheet_lines(rows, covered, slots))
    text = tidy_lines(lines)
    if not text:
        raise DocumentError("empty spreadsheet: no cell holds text")
    first = next(iter(text.splitlines()), "").split("\t")[0]
    return DocumentText(
        text=text,
        source_type=kind,
        title=usable_title(title) or first or None,
        pages=len(sheets),
        cell_slots={line: value for line, value in slots.items() if value is not None},
    )


Sheet = tuple[list[list[str]], set[tuple[int, int]]]  # cell texts; (row, col) merged away


def _xlsx_sheets(payload: bytes) -> tuple[list[Sheet], str | None]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(payload), read_only=False, data_only=True)
    except Exception as error:  # noqa: BLE001 — openpyxl raises anything from KeyError to zipfile errors
        raise DocumentError(f"unreadable XLSX: {type(error).__name__}: {error}") from error
    sheets = []
    for sheet in book.worksheets:
        if (sheet.max_row or 0) * (sheet.max_column or 0) > MAX_CELLS:
            raise DocumentError(f"spreadsheet too large: sheet {sheet.title!r}")
        rows = [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        covered = {
            (r - 1, c - 1)
            for merged in sheet.merged_cells.ranges
            for r in range(merged.min_row, merged.max_row + 1)
            for c in range(merged.min_col, merged.max_col + 1)
            if (r, c) != (merged.min_row, merged.min_col)
        }
        sheets.append((rows, covered))
    return sheets, book.properties.title


def _xls_sheets(payload: bytes) -> tuple[list[Sheet], str | None]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=payload, formatting_info=True, on_demand=True)
    except Exception as error:  # noqa: BLE001 — xlrd raises its own and struct/KeyError on bad input
        raise DocumentError(f"unreadable XLS: {type(error).__name__}: {error}") from error
    sheets = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        if sheet.nrows * sheet.ncols > MAX_CELLS:
            raise DocumentError(f"spreadsheet too large: sheet {sheet.name!r}")
        rows = [[_text(value) for value in sheet.row_values(r)] for r in range(sheet.nrows)]
        covered = {
            (r, c)
            for r0, r1, c0, c1 in sheet.merged_cells
            for r in range(r0, r1)
            for c in range(c0, c1)
            if (r, c) != (r0, c0)
        }
        sheets.append((rows, covered))
    return sheets, None


def _convert_to_xlsx(payload: bytes, why: str) -> bytes:
    """An OLE workbook xlrd could not read (a WPS ET file), converted by LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise DocumentError(f"{why}; LibreOffice is not installed to convert it")
    with tempfile.TemporaryDirectory(prefix="nianbao-sheet-") as work:
        source = Path(work, "book.et")
        source.write_bytes(payload)
        profile = Path(work, "profile").as_uri()  # a private profile: no lock shared with others
        command = [
            soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
            "--convert-to", "xlsx", "--outdir", work, str(source),
        ]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=SOFFICE_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as error:
            raise DocumentError(f"{why}; LibreOffice took over {SOFFICE_TIMEOUT}s") from error
        converted = Path(work, "book.xlsx")
        if not converted.exists():
            raise DocumentError(f"{why}; LibreOffice could not convert it either")
        return converted.read_bytes()


def _text(value) -> str:
    """A cell's value as printed: whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sheet_lines(rows: list[list[str]], covered: set, slots: dict) -> list[str]:
    """A sheet's rows as grid lines, each row's cells recorded in ``slots``.

    A row's cells reach as far as the widest row of its table: the run of rows printing
    numbers it belongs to and the header row above that run. So an empty cell closing a row
    (a total left blank) is a cell, while the empty columns a wider table further down the
    sheet adds are not.
    """
    widths = _table_widths(rows)
    lines = []
    for index, (row, width) in enumerate(zip(rows, widths)):
        cells = (row + [""] * width)[:width]
        owned = tuple((index, col) not in covered for col in range(width))
        lines.extend(grid_lines([cells], [owned], slots))
    return lines


def _table_widths(rows: list[list[str]]) -> list[int]:
    used = [max((c + 1 for c, text in enumerate(row) if text), default=0) for row in rows]
    numeric = [
        sum(_is_number(text) for text in row) >= 1 and used[i] > 1 for i, row in enumerate(rows)
    ]
    widths = list(used)
    start = 0
    while start < len(rows):
        if not numeric[start]:
            start += 1
            continue
        end = start
        while end < len(rows) and numeric[end]:
            end += 1
        first = start - 1 if start > 0 else start  # the header row above the run
        width = max(used[first:end])
        for index in range(first, end):
            widths[index] = width
        start = end
    return widths


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True
