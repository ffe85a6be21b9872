"""Shared by the three table readers: which row a label names, and fitting numbers to columns."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from extract.parse.model import Cell
from extract.parse.normalize import cell_value
from extract.parse.tokens import Group, Piece
from nianbao.format import CellKey

# Rows a report may print that the template lacks (小计/合计 lines): read, then left out.
SKIP = "_skip"


@dataclass(frozen=True)
class RowSpec:
    """A row and the label fragments that name it (searched in whitespace-free label text)."""

    key: str
    pattern: re.Pattern


def spec(key: str, pattern: str) -> RowSpec:
    return RowSpec(key, re.compile(pattern))


def match_row(label: str, specs: list[RowSpec]) -> RowSpec | None:
    """The row whose label fragment ends last in ``label`` (the longer one on a tie).

    The text before a run of numbers often holds more than the row's own label: a group label
    ('三、本年度办理结果'), a wrapped tail of the previous row, a repeated header. The row's own
    label is the one printed last.
    """
    best: tuple[int, int, RowSpec] | None = None
    for row in specs:
        for match in row.pattern.finditer(label):
            rank = (match.end(), match.end() - match.start())
            if best is None or rank > best[:2]:
                best = (*rank, row)
    return None if best is None else best[2]


def blanks_are_cells(groups: list[Group], width: int) -> bool:
    """Whether a table leaves cells empty for zero, rather than only padding rows with fillers.

    It does when some run has an empty cell between two numbers, some labelled row is nothing
    but at least ``width`` empty cells, or a row of cells alone on its line (no label, so no
    filler after one) has exactly ``width`` cells. A table that prints every zero has none of
    these, and an empty cell at the end of one of its rows is a filler, not a value.
    """
    for group in groups:
        kinds = "".join("n" if piece.kind == "num" else "b" for piece in group.entries)
        if re.search(r"nb+n", kinds) or (group.label and "n" not in kinds and len(kinds) >= width):
            return True
        if len(kinds) == width and "b" in kinds and all(piece.bare for piece in group.entries):
            return True
    return False


def without_page_numbers(entries: list[Piece]) -> list[Piece]:
    """Drop a number alone on its line just before or after a row whose cells all share one
    line: a page number printed between a label and its row, or between two rows. Rows
    printed one number per line are left as they are."""
    for lone, rest in ((entries[-1:], entries[:-1]), (entries[:1], entries[1:])):
        if (
            lone
            and rest
            and lone[0].alone
            and len({piece.line for piece in rest}) == 1
            and not (len(rest) == 1 and rest[0].alone)
        ):
            return rest
    return entries


def fit_entries(
    entries: list[Piece], ncols: int, blanks: bool = True
) -> tuple[list[Piece] | None, str | None]:
    """The ``ncols`` cells of a row from the numbers and blank cells printed for it.

    Returns ``(cells, None)`` or ``(None, reason)``. When ``blanks`` (the table leaves cells
    empty for zero) blank cells count where they make up the row: every way of dropping
    empty fillers from the ends must give the same row, else it is ambiguous. Anything else
    that does not fit is refused rather than guessed, so no number lands in another column's
    cell.
    """
    entries = without_page_numbers(entries)
    numbers = [piece for piece in entries if piece.kind == "num"]
    if len(numbers) == ncols:
        return numbers, None
    if by_position(entries, ncols):
        return entries, None
    printed = " ".join(piece.raw.strip() or "·" for piece in entries)
    reason = f"prints {len(numbers)} numbers for {ncols} columns ({printed})"
    if blanks and len(numbers) < ncols <= len(entries):
        windows = [
            entries[start : start + ncols]
            for start in range(len(entries) - ncols + 1)
            if all(p.kind == "blank" for p in entries[:start] + entries[start + ncols :])
        ]
        readings = {tuple(piece.raw.strip() for piece in window) for window in windows}
        if len(readings) == 1:
            return windows[0], None
        if readings:
            reason += "; empty cells at both ends leave it open which ones are fillers"
    return None, reason


def by_position(entries: list[Piece], ncols: int) -> bool:
    """Whether a row's entries are its ``ncols`` cells by position: one table row line whose
    explicit cells (HTML ``<td>``) after the label are exactly that many. An empty one is then
    a value left blank, not a filler, wherever it stands."""
    return (
        len(entries) == ncols
        and all(piece.cell is not None for piece in entries)
        and len({piece.line for piece in entries}) == 1
        and len({piece.cell for piece in entries}) == ncols
    )


def blank_total(total: Piece, counts: list[Piece]) -> Cell | None:
    """The cell of a total left as an explicit empty cell beside non-zero counts, else None.

    A blank count is 0, but a blank total over counts that are not is no zero: the report
    does not print it. It is stored NULL (raw '') rather than computed, so every value in the
    table is one the report printed or left blank for zero.
    """
    if total.kind != "blank" or total.cell is None:
        return None
    if not any(piece.kind == "num" and make_cell(piece).value for piece in counts):
        return None
    return Cell(None, "", "total left empty beside non-zero counts: not printed")


def make_cell(piece: Piece, *, money: bool = False, default_unit: str = "万元") -> Cell:
    """The Cell of one fitted piece: a number, a zero marker, or a blank read as 0."""
    if piece.kind == "blank":
        if piece.confidence == 0:  # OCR saw ink there but could not read it
            return Cell(None, "", "illegible in the scan", confidence=0.0)
        return Cell(0, "", "blank read as 0")
    value, note = cell_value(piece.raw, money=money, default_unit=default_unit)
    return Cell(value, piece.raw.strip(), note, confidence=piece.confidence)


def null_cells(keys: list[CellKey], note: str) -> dict[CellKey, Cell]:
    """Unread cells, each carrying the reason."""
    return {key: Cell(None, None, note) for key in keys}


@dataclass
class RowReading:
    """One table row as read: its cells, or why they could not be placed."""

    key: str
    cells: list[Piece] | None
    reason: str | None
    label: str  # all label text read for the row, headers above it included
    empty: bool = False  # the label is printed with no numbers or cells at all


Fit = Callable[[str, Group], tuple[list[Piece] | None, str | None]]


def _ignorable(group: Group) -> bool:
    """A run that is no row: header filler cells, or a lone page number between lines."""
    numbers = group.numbers
    return not numbers or (len(numbers) == 1 and numbers[0].alone)


def _rows_named(label: str, specs: list[RowSpec]) -> list[RowSpec]:
    """Every row a label text names, in the order printed (overlapping names: the later one)."""
    found = sorted(
        ((m.end(), m.start(), row) for row in specs for m in row.pattern.finditer(label)),
        key=lambda item: (item[0], item[0] - item[1]),
    )
    named: list[tuple[int, int, RowSpec]] = []
    for end, start, row in found:
        while named and named[-1][0] > start:
            named.pop()
        named.append((end, start, row))
    return [row for _, _, row in named]


def read_rows(
    groups: list[Group],
    specs: list[RowSpec],
    fit: Fit,
    table: str,
    problems: list[str],
    clean: Callable[[str], str] = str,
) -> list[RowReading]:
    """Pair each run of numbers with the row its label names and fit it to the row's columns.

    ``clean`` strips header text from a label before matching (the raw label is tried when
    nothing is left). A run that fits no row and is only filler cells or a lone number is
    passed over, its label text kept for the next run. Rows named before a run's own row
    (in template order) print no numbers at all and come back ``empty``. A row printed twice
    keeps its first reading; numbers under no recognisable label are reported, not placed.
    """
    readings: list[RowReading] = []
    seen: set[str] = set()
    order = {row.key: position for position, row in enumerate(specs)}

    def empty_rows(label: str, before: RowSpec | None) -> None:
        for row in _rows_named(clean(label), specs):
            if row.key.startswith("_") or row.key in seen:
                continue
            if before is not None and order[row.key] >= order[before.key]:
                continue
            seen.add(row.key)
            readings.append(RowReading(row.key, None, "printed without numbers", label, empty=True))

    carry = ""
    for group in groups:
        label = carry + group.label
        row = match_row(clean(label), specs) or match_row(label, specs)
        fitted, reason = fit(row.key, group) if row is not None else (None, None)
        if fitted is None and _ignorable(group):
            carry = label
            continue
        carry = ""
        if row is None:
            printed = " ".join(piece.raw.strip() for piece in group.numbers)
            problems.append(
                f"{table}: numbers without a recognisable row label ignored: "
                f"{printed} after {label[-30:]!r}"
            )
            continue
        empty_rows(label, row)
        if row.key != SKIP and row.key in seen:
            problems.append(f"{table}: row {row.key} printed again; the first reading is kept")
            continue
        seen.add(row.key)
        readings.append(RowReading(row.key, fitted, reason, label))
    empty_rows(carry, None)
    return readings


def leaves_cells_empty(groups: list[Group], width: int) -> bool:
    """Whether a table prints zero as an empty cell, so that a row printed with no numbers
    holds zeros: it has empty cells for values, rows shorter than ``width``, or no numbers."""
    if blanks_are_cells(groups, width) or not any(group.numbers for group in groups):
        return True
    return any(0 < len(group.numbers) < width and not _ignorable(group) for group in groups)


def empty_row_cells(keys: list[CellKey], zero: bool) -> dict[CellKey, Cell]:
    """Cells of a row whose label is printed with nothing after it."""
    if zero:
        return {key: Cell(0, "", "blank read as 0 (the row prints no numbers)") for key in keys}
    return null_cells(keys, "row printed without numbers")
