"""Table 三: 收到和处理政府信息公开申请情况 (applications received and how they were handled)."""

from __future__ import annotations

import re

from extract.parse.model import Cell
from extract.parse.normalize import read_number
from extract.parse.rows import (
    SKIP,
    blank_total,
    blanks_are_cells,
    empty_row_cells,
    fit_entries,
    leaves_cells_empty,
    make_cell,
    null_cells,
    read_rows,
    spec,
    without_page_numbers,
)
from extract.parse.tokens import Group, Piece
from nianbao.format import CellKey, cell_keys, col_keys, row_keys

# Label fragments from near the start of each label, so a label cut by a wrap (its numbers
# printed between its two halves) still matches.
_ROW_PATTERNS = (
    ("new", r"本年新收|一、本年"),
    ("carried_over", r"上年结转|二、上年"),
    ("granted", r"予以"),
    ("partial", r"部分公|\(二\)部分"),
    ("denied_state_secret", r"国家秘|属于国家"),
    ("denied_law_prohibited", r"其他法律|法律行政法规|行政法规禁|禁止公开"),
    ("denied_three_security", r"三安全|危及"),
    ("denied_third_party", r"第三方"),
    ("denied_internal_affairs", r"内部事|三类内部"),
    ("denied_process_info", r"过程性|四类过程"),
    ("denied_enforcement_file", r"执法案"),
    ("denied_query", r"查询事|行政查询"),
    ("unavailable_not_held", r"不掌握|本机关不"),
    ("unavailable_needs_creation", r"没有现成|现成信息|另行制作"),
    ("unavailable_unclear", r"补正后|仍不明确"),
    ("rejected_petition", r"信访|举报投诉"),
    ("rejected_repeat", r"重复申"),
    ("rejected_publication", r"出版物|提供公开"),
    ("rejected_excessive", r"大量反|理由大量"),
    ("rejected_confirmation", r"确认或|重新出具|行政机关确认"),
    ("other", r"其他处理|\(六\)其他"),
    ("other_overdue_correction", r"不补正|逾期不补|理由逾期"),
    ("other_overdue_fee", r"收费通知|缴纳费用|逾期未按"),
    ("other_other", r"(?:^|\d[.、]?)其他(?=$|\(|[一二三四五六七八九十]、)"),
    ("total", r"总计|\(七\)合计"),
    ("carried_forward", r"结转下年|下年度继续|四、结转"),
    # Lines the template lacks: a 小计/合计 row, or a group label printed with its own numbers.
    (SKIP, r"小计|合计|(?:不予公开|无法提供|不予处理|办理结果)\)?$"),
)
_OTHER_PARTS = ("other_overdue_correction", "other_overdue_fee", "other_other")
# In the 2021 template （六）其他处理 is a group label; a total printed on it is compared only.
_PRINTED_OTHER = "_printed_other"

# The column header and the 勾稽关系 note, removed before a label is matched so a header
# repeated after a page break does not name a row ('总计', '其他').
_NOTE = re.compile(r"\(?本列数据的勾稽关系[^)]*\)?")
_HEADER_RUN = re.compile(
    r"(?:申请人情况|自然人(?=法人|商业|其他|总计))"
    r"[自然人法或其他组织总计小合商业企科研机构社会公益律服务]*"
)
_ORG = "法人或其他组织"
# Printed column positions: natural_person, five organisation columns, total; a subtotal of the
# organisations ('小计') stands first or last among them.
_SUBTOTAL_AFTER_ORGS, _SUBTOTAL_BEFORE_ORGS = 6, 1


def _specs(version: str):
    rows = row_keys("requests", version)
    specs = []
    for row, pattern in _ROW_PATTERNS:
        if row == "other" and version == "2021":
            row = _PRINTED_OTHER
        elif row != SKIP and row not in rows:
            continue
        specs.append(spec(row, pattern))
    return specs


def strip_header(label: str) -> str:
    """A group's label text without the table's column header or its 勾稽关系 note."""
    return _HEADER_RUN.sub("", _NOTE.sub("", label))


def subtotal_position(header: str) -> int | None:
    """Where the header prints an organisations 小计 column, if it has one."""
    text = _NOTE.sub("", header).replace(_ORG, "§")
    match = re.search(r"小计", text) or (re.search(r"合计", text) if "总计" in text else None)
    if match is None:
        return None
    business = text.find("商业")
    return _SUBTOTAL_BEFORE_ORGS if 0 <= match.start() < business else _SUBTOTAL_AFTER_ORGS


def _numbers(group: Group) -> list[float] | None:
    pieces = [piece for piece in without_page_numbers(group.entries) if piece.kind == "num"]
    read = [read_number(piece.raw) for piece in pieces]
    return None if None in read else [float(n.value) for n in read]


def _infer_subtotal(groups: list[Group]) -> int | None:
    """A subtotal column the header does not name, told by arithmetic from 8-number rows.

    It is accepted only where at least half the rows (and two) print 8 numbers and, in every
    such row, the candidate equals the sum of the organisation columns and natural person
    plus it equals the total.
    """
    rows = [values for group in groups if (values := _numbers(group)) and len(values) > 1]
    eight = [values for values in rows if len(values) == 8]
    if len(eight) < max(2, len(rows) / 2):
        return None
    for position in (_SUBTOTAL_AFTER_ORGS, _SUBTOTAL_BEFORE_ORGS):
        orgs = slice(1, 6) if position == _SUBTOTAL_AFTER_ORGS else slice(2, 7)
        if all(v[position] == sum(v[orgs]) and v[7] == v[0] + v[position] for v in eight):
            return position
    return None


def _blank_total_beside_counts(
    fitted: list[Piece], subtotal: int | None, leaves_blanks: bool
) -> bool:
    """Whether an empty cell taken as the row's total stands beside non-zero counts, as a
    filler after a missing number rather than a total left unprinted.

    A total of 0 over counts that are not is no zero: the empty cell closing the row is a
    filler after a missing number. (Other sums that fail are the report's own findings.) An
    explicit empty cell (HTML ``<td>``) in a table that ``leaves_blanks`` (leaves other cells
    empty too) is the total, left unprinted, and read as such; in a table that prints every
    zero, an empty cell closing a row is still taken for a filler.
    """
    total = fitted[-1]
    counts = fitted[:subtotal] + fitted[subtotal + 1 : -1] if subtotal is not None else fitted[:-1]
    return (
        total.kind == "blank"
        and (total.cell is None or not leaves_blanks)
        and any(piece.kind == "num" and make_cell(piece).value for piece in counts)
    )


def _header(groups: list[Group]) -> str:
    """Label text before the first row: the column header, whatever lines it spans."""
    text = ""
    for group in groups:
        text += group.label
        if "本年新收" in group.label or len(group.numbers) > 1:
            break
    return text.split("本年新收")[0]


def read_requests(groups: list[Group], version: str, problems: list[str]) -> dict[CellKey, Cell]:
    """Every cell of the requests table from the number groups of its region."""
    cols = col_keys("requests", version)
    subtotal = subtotal_position(_header(groups))
    if subtotal is None:
        subtotal = _infer_subtotal(groups)
        if subtotal is not None:
            problems.append(
                "requests: an organisations subtotal column, found by its sums, is left out"
            )

    width = len(cols) + (subtotal is not None)
    blanks = blanks_are_cells(groups, width)

    def fit(row: str, group: Group):
        fitted, reason = fit_entries(group.entries, width, blanks)
        if fitted is not None and _blank_total_beside_counts(fitted, subtotal, blanks):
            return None, (
                f"prints {len(group.numbers)} numbers for {len(cols)} columns "
                f"and leaves the total empty beside non-zero counts"
            )
        if subtotal is None:
            return fitted, reason
        if fitted is None:
            return None, f"{reason} (with the 小计 column)"
        return fitted[:subtotal] + fitted[subtotal + 1 :], None

    cells: dict[CellKey, Cell] = {}
    printed_other: list[Piece] | None = None
    for reading in read_rows(groups, _specs(version), fit, "requests", problems, strip_header):
        if reading.key == SKIP:
            continue
        if reading.key == _PRINTED_OTHER:
            printed_other = reading.cells
            continue
        keys = [("requests", reading.key, col) for col in cols]
        if reading.empty:
            cells.update(empty_row_cells(keys, zero=leaves_cells_empty(groups, width)))
            continue
        if reading.cells is None:
            problems.append(f"requests: row {reading.key} {reading.reason}")
            note = f"row {reading.reason}; cannot tell which cell is missing"
            cells.update(null_cells(keys, note))
            continue
        cells.update({key: make_cell(piece) for key, piece in zip(keys, reading.cells)})
        unprinted = blank_total(reading.cells[-1], reading.cells[:-1])
        if unprinted is not None:
            cells[keys[-1]] = unprinted
    if version == "2021":
        _other_2021(cells, printed_other, problems)
    for row in row_keys("requests", version):
        if ("requests", row, cols[0]) not in cells:
            problems.append(f"requests: row {row} not found")
            cells.update(null_cells([("requests", row, col) for col in cols], "row not printed"))
    return {key: cells[key] for key in cell_keys("requests", version)}


def _other_2021(
    cells: dict[CellKey, Cell], printed: list[Piece] | None, problems: list[str]
) -> None:
    """Store 2021's ``other`` as the sum of its three parts (or as printed, if only it is)."""
    parts_found = [row for row in _OTHER_PARTS if ("requests", row, "total") in cells]
    if not parts_found and printed is not None:
        problems.append("requests: （六）其他处理 printed as one row; its three parts are not")
        for col, piece in zip(col_keys("requests", "2021"), printed):
            cells[("requests", "other", col)] = make_cell(piece)
        return
    for position, col in enumerate(col_keys("requests", "2021")):
        parts = [cells.get(("requests", row, col)) for row in _OTHER_PARTS]
        missing = [
            row for row, cell in zip(_OTHER_PARTS, parts) if cell is None or cell.value is None
        ]
        if missing:
            cells[("requests", "other", col)] = Cell(
                None, None, f"sum of other_* rows; {', '.join(missing)} not read", derived=True
            )
            continue
        total = sum(cell.value for cell in parts)
        cells[("requests", "other", col)] = Cell(total, None, "sum of other_* rows", derived=True)
        if printed is not None:
            printed_value = make_cell(printed[position]).value
            if printed_value != total:
                problems.append(
                    f"requests: （六）其他处理 prints {printed_value} for {col}, "
                    f"its parts sum to {total}"
                )
