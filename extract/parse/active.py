"""Table 二: 主动公开政府信息情况 (first-class rules, licensing, penalties, fees, procurement)."""

from __future__ import annotations

import re

from extract.parse.model import Cell
from extract.parse.rows import (
    SKIP,
    blanks_are_cells,
    empty_row_cells,
    fit_entries,
    make_cell,
    null_cells,
    read_rows,
    spec,
)
from extract.parse.tokens import Group
from nianbao.format import CellKey, cell_keys, col_keys, is_money, row_keys

_ROW_PATTERNS = {
    "regulations": r"规章",
    "normative_documents": r"规范性文件",
    "licensing": r"行政许可",
    "other_services": r"对外管理服务|其他对外管理",
    "penalty": r"行政处罚",
    "coercion": r"行政强制",
    "fees": r"事业性收费",
    "procurement": r"集中采购|政府采购",
}
# A money column headed in 元 rather than 万元: '采购总金额（元）', '（单位：元）'.
_YUAN_HEADER = re.compile(r"\((?:单位:)?元\)")


def _specs(version: str):
    rows = row_keys("active", version)
    # A row of the other template is read but not stored (it has no key in this one).
    return [spec(row if row in rows else SKIP, pattern) for row, pattern in _ROW_PATTERNS.items()]


def read_active(groups: list[Group], version: str, problems: list[str]) -> dict[CellKey, Cell]:
    """Every cell of the active table from the number groups of its region."""
    blanks = blanks_are_cells(groups, 3)  # the widest row of either template

    def fit(row: str, group: Group):
        if row == SKIP:
            return group.numbers, None
        return fit_entries(group.entries, len(col_keys("active", version, row)), blanks)

    cells: dict[CellKey, Cell] = {}
    for reading in read_rows(groups, _specs(version), fit, "active", problems):
        if reading.key == SKIP:
            problems.append(
                f"active: a row the {version} template lacks was printed "
                f"({reading.label[-20:]!r}); not stored"
            )
            continue
        keys = [("active", reading.key, col) for col in col_keys("active", version, reading.key)]
        if reading.empty:
            cells.update(empty_row_cells(keys, zero=blanks or not any(g.numbers for g in groups)))
            continue
        if reading.cells is None:
            problems.append(f"active: row {reading.key} {reading.reason}")
            cells.update(null_cells(keys, f"row {reading.reason}; cannot tell which cell is which"))
            continue
        unit = "元" if _YUAN_HEADER.search(reading.label) else "万元"
        for key, piece in zip(keys, reading.cells):
            cells[key] = make_cell(piece, money=is_money(key), default_unit=unit)
    missing = sorted(
        {key[1] for key in cell_keys("active", version)} - {key[1] for key in cells},
        key=row_keys("active", version).index,
    )
    for row in missing:
        problems.append(f"active: row {row} not found")
        cells.update(
            null_cells([k for k in cell_keys("active", version) if k[1] == row], "row not printed")
        )
    return {key: cells[key] for key in cell_keys("active", version)}
