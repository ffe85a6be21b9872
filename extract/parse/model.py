"""What the report parser returns: plain dataclasses, no behaviour beyond small lookups."""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.format import TABLES, CellKey, parse_key


@dataclass
class Cell:
    """One table cell: the number read and the text it was read from."""

    # None when it cannot be read; money in 万元 (float only where fractional).
    value: int | float | None
    # The text as printed ('425万元', '—', '+28', ''); None when the report does not print it.
    raw: str | None
    # Why value is None, or how it was derived ('3940元 → 0.394万元', 'blank read as 0').
    note: str | None = None
    # True when the value is computed from other cells rather than printed.
    derived: bool = False
    # The OCR engine's confidence (0–1) in the text, for a cell read from a scan.
    confidence: float | None = None


@dataclass
class NarrativeFigure:
    """A figure stated in running text that a table also holds (compared later by the pipeline)."""

    key: str  # a cell key as 'tbl.row.col', e.g. 'requests.new.total'
    value: int
    quote: str  # the sentence fragment it came from


@dataclass
class ParsedReport:
    """Everything read from one annual report's text."""

    title: str | None
    agency: str | None
    year: int | None  # the statistics year, not the publication year
    format_version: str | None  # '2019' | '2021', told from the table layout
    published: str | None  # ISO date printed on the report, if any
    sections: dict[int, str] = field(default_factory=dict)  # 1..6 → section text
    cells: dict[CellKey, Cell] = field(default_factory=dict)
    narrative: list[NarrativeFigure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def value(self, key: str) -> int | float | None:
        """The value of cell ``'tbl.row.col'``; None when unread or the table is absent."""
        cell = self.cells.get(parse_key(key))
        return None if cell is None else cell.value

    def tables_found(self) -> list[str]:
        """The tables ('active', 'requests', 'appeals') with at least one cell printed."""
        printed = {key[0] for key, cell in self.cells.items() if cell.raw is not None}
        return [tbl for tbl in TABLES if tbl in printed]

    def is_report(self) -> bool:
        """True when at least one of the three standard tables was found."""
        return bool(self.tables_found())
