"""Table 四: 政府信息公开行政复议、行政诉讼情况 (one row of 15 counts)."""

from __future__ import annotations

import re

from extract.parse.model import Cell
from extract.parse.normalize import compact, is_number
from extract.parse.rows import blank_total, blanks_are_cells, fit_entries, make_cell, null_cells
from extract.parse.tokens import Group, Piece
from nianbao.format import CellKey, cell_keys

_KEYS = cell_keys("appeals", "2021")  # the same 15 cells in both templates
_GROUP = 5  # 复议, 未经复议直接起诉, 复议后起诉: four outcomes and their total each
# The column headings of the 15 number columns (the group headings 行政复议, 未经复议直接起诉 …
# name none of these words).
_OUTCOME_HEADING = re.compile(r"维持|纠正|其他|尚未|审结|总计")


def _by_header_grid(lines: list[tuple[str, str]]) -> list[Piece] | None:
    """The 15 cells read by column position, when the table is TAB rows whose headings stand
    in exactly 15 columns and whose number row is as wide as the header.

    Converters sometimes add an empty column (a DOC's table grid): the headings say which
    columns hold numbers, where counting cells from the left would shift them.
    """
    positions: set[int] = set()
    width = 0
    data = None
    for index, (orig, norm) in enumerate(lines):
        if "\t" not in norm:
            continue
        texts = [compact(cell) for cell in norm.split("\t")]
        if any(text and not is_number(text) for text in texts):
            if data is not None:
                break
            width = max(width, len(texts))
            positions |= {i for i, text in enumerate(texts) if _OUTCOME_HEADING.search(text)}
        elif any(texts) and data is None:
            data = index, orig.split("\t"), texts
    if data is None or len(positions) != len(_KEYS) or len(data[2]) != width:
        return None
    index, cells, texts = data
    if any(texts[i] and not is_number(texts[i]) for i in positions):
        return None
    return [
        Piece("num", texts[i], cells[i].strip(), index, cell=i)
        if texts[i]
        else Piece("blank", "", "", index, cell=i)
        for i in sorted(positions)
    ]


def _row_cells(pieces: list[Piece]) -> dict[CellKey, Cell]:
    """The 15 cells of a fitted row; a total left empty beside non-zero counts is NULL."""
    cells = {key: make_cell(piece) for key, piece in zip(_KEYS, pieces)}
    for end in range(_GROUP, len(_KEYS) + 1, _GROUP):  # each group's total closes it
        unprinted = blank_total(pieces[end - 1], pieces[end - _GROUP : end - 1])
        if unprinted is not None:
            cells[_KEYS[end - 1]] = unprinted
    return cells


def read_appeals(
    groups: list[Group],
    lines: list[tuple[str, str]],
    problems: list[str],
    *,
    in_report: bool = True,
    first_line: int = 0,
) -> dict[CellKey, Cell]:
    """The 15 cells of the appeals table from its region's number groups and lines.

    The row is read by column position where the header allows it (see
    :func:`_by_header_grid`), else as one run of 15 numbers; a report that splits it (复议 on
    one line, 诉讼 on the next, labels between) gives runs that add up to 15 in column
    order. A table (its column header printed) whose number row is empty reads as 15 zeros
    when it stands ``in_report``, beside the report's other tables. ``first_line`` is the
    index of ``lines[0]`` among the report's lines (the groups' pieces count from there).
    """
    if not any(group.numbers for group in groups):
        header = "".join(group.label for group in groups)
        # The column header names 结果 nine times, even when its words are cut by wrapping.
        # Alone, without the report's other tables, an empty table is no evidence of a report.
        if in_report and (header.count("结果") >= 3 or ("维持" in header and "纠正" in header)):
            problems.append("appeals: the table prints no numbers; its empty cells are read as 0")
            return {
                key: Cell(0, "", "blank read as 0 (the table's number row is empty)")
                for key in _KEYS
            }
        problems.append("appeals: table not found")
        return null_cells(_KEYS, "table not found")
    by_position = _by_header_grid(lines)
    if by_position is not None:
        # The grid's pieces are the region's own: they carry the OCR confidence, if any.
        read = {(p.line, p.cell): p.confidence for group in groups for p in group.entries}
        for piece in by_position:
            piece.confidence = read.get((piece.line + first_line, piece.cell))
        return _row_cells(by_position)
    blanks = blanks_are_cells(groups, len(_KEYS))
    reasons = []
    for group in groups:
        fitted, reason = fit_entries(group.entries, len(_KEYS), blanks)
        if fitted is not None:
            return _row_cells(fitted)
        if group.numbers:
            reasons.append(reason)
    # Runs split by labels: take consecutive runs from the first until they make up the row.
    pieces = []
    for group in groups:
        if len(group.numbers) == 1 and not pieces and group.numbers[0].alone:
            continue  # a page number before the table's numbers
        pieces.extend(group.numbers)
        if len(pieces) >= len(_KEYS):
            break
    if len(pieces) == len(_KEYS):
        return {key: make_cell(piece) for key, piece in zip(_KEYS, pieces)}
    problems.append(f"appeals: the row {reasons[0]}")
    return null_cells(_KEYS, f"row {reasons[0]}; cannot tell which cell is which")
