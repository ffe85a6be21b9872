"""The three standard tables as a grid of cells with row and column spans.

Every renderer draws from the same :class:`Table`, so an HTML ``<table>``, a DOCX table with
merged cells, a ruled PDF table and the flattened text lines all print the same cells. The
messiness flags that change how a cell is printed (wrapped or spaced labels, full-width digits,
dashes, blanks, signs, money units) and the extra or missing cells (subtotals, a dropped number,
a page break) are applied here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .labels import (
    APPEAL_GROUP_LABELS,
    APPEAL_OUTCOME_LABELS,
    REQUEST_NOTE,
    REQUEST_PERSON_LABELS,
    REQUEST_ROW_LABELS,
)
from .model import (
    APPEAL_GROUPS,
    APPEAL_OUTCOMES,
    BLANKABLE_TABLES,
    ORG_COLS,
    REQUEST_COLS,
    active_groups,
    request_rows,
)

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Cell:
    """One cell as printed. ``text`` may hold newlines: the line breaks inside the cell."""

    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    # 'group' (第二十条第（一）项), 'header', 'note', 'label' (row label), 'value', 'filler'
    role: str = "label"
    key: str | None = None  # the template key a value cell prints, if any


@dataclass
class Table:
    name: str  # 'active', 'requests' or 'appeals'
    ncols: int
    rows: list[list[Cell]]
    header_rows: int = 0
    widths: tuple[float, ...] = ()
    # The requests table's row keys in printed order (its layout varies with the flags).
    meta: dict = field(default_factory=dict)


def layout_grid(table: Table) -> list[list[tuple[Cell, bool] | None]]:
    """The table as a full ``rows x ncols`` matrix of ``(cell, is_top_left)``.

    Positions no cell covers (a short row) are ``None``. Raises ``ValueError`` on overlapping
    spans, which would mean the table was built wrong.
    """
    grid: list[list[tuple[Cell, bool] | None]] = [[None] * table.ncols for _ in table.rows]
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while c < table.ncols and grid[r][c] is not None:
                c += 1
            if c + cell.colspan > table.ncols or r + cell.rowspan > len(table.rows):
                raise ValueError(
                    f"{table.name}: cell {cell.text!r} at ({r},{c}) overflows the table"
                )
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if grid[r + dr][c + dc] is not None:
                        raise ValueError(
                            f"{table.name}: cell {cell.text!r} overlaps at ({r + dr},{c + dc})"
                        )
                    grid[r + dr][c + dc] = (cell, dr == 0 and dc == 0)
            c += cell.colspan
    return grid


def print_number(key: str, value: int | float, messiness: frozenset[str], style: dict) -> str:
    """A value as the report prints it, with the report's messiness applied."""
    table = key.split(".")[0]
    if key.endswith("amount_wan_yuan") and value:
        if "money_yuan" in messiness:
            return _digits(f"{round(value * 10000)}元", messiness)
        if "money_unit" in messiness:
            return _digits(
                f"{_plain(value)}{' ' if style.get('money_space') else ''}万元", messiness
            )
    if value == 0:
        if "dash_for_zero" in messiness:
            return "—"
        if "blank_for_zero" in messiness and table in BLANKABLE_TABLES:
            return ""
    sign = "+" if "signed_deltas" in messiness and key.endswith(".change") and value > 0 else ""
    return _digits(sign + _plain(value), messiness)


def print_label(text: str, kind: str, messiness: frozenset[str], style: dict) -> str:
    """A label broken into narrow lines and/or spaced out, as the flags ask.

    ``kind`` picks the wrap width from ``style['wrap']``: 'level1' (三、本年度办理结果), 'level2'
    (（三）不予公开), 'level2_wide' (a level-2 label over two columns), 'level3', 'header' (one
    column of the requests/appeals header), 'column' (the active table's headers); 'wide' labels
    spanning several columns never wrap.
    The numbering prefix (一、 （三） 1.) is never spaced, as distributed alignment in Word
    leaves it alone.
    """
    lines = [text]
    width = style.get("wrap", {}).get(kind)
    if "wrapped_labels" in messiness and width and len(text) > width:
        lines = [text[i : i + width] for i in range(0, len(text), width)]
    if "spaced_labels" in messiness:
        lines = [_spaced(line) for line in lines]
    return "\n".join(lines)


def active_table(values: dict, version: str, messiness: frozenset[str], style: dict) -> Table:
    """二、主动公开政府信息情况: one 4-column table, a clause row and header row per group."""
    rows: list[list[Cell]] = []
    for group in active_groups(version):
        rows.append([Cell(group["clause"], colspan=4, role="group")])
        headers = [Cell(print_label("信息内容", "column", messiness, style), role="header")]
        headers += [
            Cell(print_label(label, "column", messiness, style), role="header")
            for label in group["cols"].values()
        ]
        rows.append(_pad(headers, 4, style))
        for row, label in group["rows"].items():
            cells = [Cell(print_label(label, "level3", messiness, style))]
            cells += [
                _value_cell(f"active.{row}.{col}", values, messiness, style)
                for col in group["cols"]
            ]
            rows.append(_pad(cells, 4, style))
    return Table("active", 4, rows, header_rows=0, widths=(3, 2, 2, 2))


def requests_table(values: dict, version: str, messiness: frozenset[str], style: dict) -> Table:
    """三、收到和处理政府信息公开申请情况, with the official header block and nested row labels."""
    subtotal = "subtotal_column" in messiness
    n_person = 7 + subtotal
    ncols = 3 + n_person

    def label(text, kind, **spans):
        return Cell(print_label(text, kind, messiness, style), **spans)

    header_total_first = style.get("total_in_first_header_row", False)
    top = [Cell(REQUEST_NOTE, rowspan=3, colspan=3, role="note")]
    if header_total_first:
        top += [
            label("申请人情况", "wide", colspan=n_person - 1, role="header"),
            label("总计", "header", rowspan=3, role="header"),
        ]
    else:
        top += [label("申请人情况", "wide", colspan=n_person, role="header")]
    middle = [
        label("自然人", "header", rowspan=2, role="header"),
        label("法人或其他组织", "wide", colspan=5 + subtotal, role="header"),
    ]
    if not header_total_first:
        middle.append(label("总计", "header", rowspan=2, role="header"))
    bottom = [label(REQUEST_PERSON_LABELS[c], "header", role="header") for c in ORG_COLS]
    if subtotal:
        bottom.append(label("小计", "header", role="header"))
    rows = [top, middle, bottom]

    order = _request_row_order(version, "subtotal_row" in messiness)
    spans = _label_spans(order)
    missing = style.get("missing")
    for row in order:
        cells = []
        for text, kind, rowspan, colspan in spans.get(row, ()):
            cells.append(label(text, kind, rowspan=rowspan, colspan=colspan))
        numbers = _request_numbers(row, values, order, subtotal)
        if missing and missing[0] == row:
            numbers = numbers[: missing[1]] + numbers[missing[1] + 1 :]
        cells += [_number_cell(key, value, messiness, style) for key, value in numbers]
        cells += [Cell("", role="filler") for _ in range(n_person - len(numbers))]
        rows.append(cells)
    widths = (1.1, 1.9, 5.2) + (1.05,) * n_person
    return Table("requests", ncols, rows, header_rows=3, widths=widths, meta={"row_order": order})


def appeals_table(values: dict, messiness: frozenset[str], style: dict) -> Table:
    """四、行政复议、行政诉讼情况: three header rows over one row of fifteen numbers."""

    def label(text, **spans):
        kind = "wide" if spans.get("colspan", 1) > 1 else "header"
        return Cell(print_label(text, kind, messiness, style), role="header", **spans)

    outcome_labels = [APPEAL_OUTCOME_LABELS[o] for o in (*APPEAL_OUTCOMES, "total")]
    rows = [
        [label("行政复议", colspan=5), label("行政诉讼", colspan=10)],
        [label(text, rowspan=2) for text in outcome_labels]
        + [label(APPEAL_GROUP_LABELS[g], colspan=5) for g in APPEAL_GROUPS[1:]],
        [label(text) for _ in APPEAL_GROUPS[1:] for text in outcome_labels],
        [
            _value_cell(f"appeals.cases.{g}_{o}", values, messiness, style)
            for g in APPEAL_GROUPS
            for o in (*APPEAL_OUTCOMES, "total")
        ],
    ]
    return Table("appeals", 15, rows, header_rows=3, widths=(1,) * 15)


def split_table(table: Table, before_row: int) -> tuple[Table, Table]:
    """Split a table at a page break: the second part repeats the header rows.

    A label whose rowspan crosses the break keeps its text above; below it continues as an
    empty cell, as Word and PDF writers print a merged cell cut by a page.
    """
    if not table.header_rows < before_row < len(table.rows):
        raise ValueError(f"cannot split {table.name} before row {before_row}")
    above = [list(row) for row in table.rows[:before_row]]
    below = [list(row) for row in table.rows[before_row:]]
    carried: list[Cell] = []
    for r, row in enumerate(above):
        for i, cell in enumerate(row):
            overhang = r + cell.rowspan - before_row
            if overhang > 0:
                row[i] = replace(cell, rowspan=cell.rowspan - overhang)
                carried.append(replace(cell, text="", rowspan=overhang))
    below[0] = carried + below[0]
    first = replace(table, rows=above)
    second = replace(table, rows=[list(r) for r in table.rows[: table.header_rows]] + below)
    return first, second


def _request_row_order(version: str, subtotal_row: bool) -> list[str]:
    order = list(request_rows(version))
    if subtotal_row:
        order.insert(order.index("denied_query") + 1, "denied_subtotal")
    if version == "2021":
        order.remove("other")  # printed as its three parts
    return order


def _label_spans(order: list[str]) -> dict[str, list[tuple[str, str, int, int]]]:
    """For each row, its label cells: (text, wrap kind, rowspan, colspan)."""
    spans: dict[str, list[tuple[str, str, int, int]]] = {}
    outcome = order[order.index("granted") : order.index("total") + 1]
    for row in order:
        level1, level2, level3 = REQUEST_ROW_LABELS[row]
        cells = []
        if row in ("new", "carried_over", "carried_forward"):
            cells.append((level1, "wide", 1, 3))
        else:
            if row == outcome[0]:
                cells.append(("三、本年度办理结果", "level1", len(outcome), 1))
            if level3 is None:
                cells.append((level2, "level2_wide", 1, 2))
            else:
                group = [r for r in order if REQUEST_ROW_LABELS[r][1] == level2]
                if row == group[0]:
                    cells.append((level2, "level2", len(group), 1))
                cells.append((level3, "level3", 1, 1))
        spans[row] = cells
    return spans


def _request_numbers(row: str, values: dict, order: list[str], subtotal: bool):
    if row == "denied_subtotal":
        denied = [r for r in order if r.startswith("denied_") and r != row]
        numbers = [(None, sum(values[f"requests.{r}.{c}"] for r in denied)) for c in REQUEST_COLS]
    else:
        numbers = [(f"requests.{row}.{c}", values[f"requests.{row}.{c}"]) for c in REQUEST_COLS]
    if subtotal:
        org_sum = sum(value for key, value in numbers[1:6])
        numbers.insert(6, (None, org_sum))
    return numbers


def _value_cell(key, values, messiness, style):
    return _number_cell(key, values[key], messiness, style)


def _number_cell(key, value, messiness, style):
    # Subtotal cells have no template key; they print like the requests cells beside them.
    printed = print_number(key or "requests.subtotal.x", value, messiness, style)
    return Cell(printed, role="value", key=key)


def _pad(cells: list[Cell], ncols: int, style: dict) -> list[Cell]:
    """Fill a short group row to the table width: one wide cell, or empty fillers."""
    missing = ncols - len(cells)
    if missing <= 0:
        return cells
    if style.get("filler_cells"):
        return cells + [Cell("", role="filler") for _ in range(missing)]
    return cells[:-1] + [replace(cells[-1], colspan=missing + 1)]


def _plain(value: int | float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _digits(text: str, messiness: frozenset[str]) -> str:
    return text.translate(FULLWIDTH) if "fullwidth_digits" in messiness else text


def _spaced(text: str) -> str:
    for prefix_end in ("、", "）", "."):
        head, sep, tail = text.partition(prefix_end)
        if sep and len(head) <= 4 and tail:
            return head + sep + " ".join(tail)
    return " ".join(text)
