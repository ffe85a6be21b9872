"""Parse an annual report's text into metadata, sections and the three standard tables.

``parse_report(text)`` is a pure function: text in (as a document reader produced it, tables
linearised one row per line with TAB-separated cells, or pdftotext-style lines), a
:class:`ParsedReport` out. Nothing read is guessed: a cell that cannot be placed is None with
the reason in its note, and ``problems`` lists every such reason.
"""

from __future__ import annotations

from extract.parse.active import read_active
from extract.parse.appeals import read_appeals
from extract.parse.header import find_agency, find_published, find_title, find_year
from extract.parse.model import Cell, NarrativeFigure, ParsedReport
from extract.parse.narrative import find_figures
from extract.parse.normalize import compact
from extract.parse.requests import read_requests
from extract.parse.rows import null_cells
from extract.parse.sections import Regions, find_headings, find_regions, section_texts
from extract.parse.tokens import normalized_lines, number_groups, region_pieces
from extract.parse.version import detect_version
from nianbao.format import CellKey, cell_keys

__all__ = ["Cell", "NarrativeFigure", "ParsedReport", "parse_report"]


def parse_report(
    text: str,
    *,
    title_hint: str | None = None,
    cell_slots: dict[str, tuple[bool, ...]] | None = None,
    cell_confidence: dict[str, tuple[float | None, ...]] | None = None,
) -> ParsedReport:
    """Read one annual report (政府信息公开工作年度报告) from its text.

    ``cell_slots`` (``DocumentText.cell_slots``) says which TAB slots of table rows are cells
    of their own, so their empty cells are read by position; ``cell_confidence``
    (``DocumentText.cell_confidence``) an OCR engine's confidence in each, kept on the cells.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_report needs the report's text as str, not {type(text).__name__}")
    lines = normalized_lines(text)
    originals = [orig for orig, _ in lines]
    problems: list[str] = []

    title = find_title(originals, title_hint)
    published, date_line = find_published(originals)
    agency = find_agency(originals, title, date_line, title_hint)
    year, problem = find_year(compact(text), title)
    problems += [problem] if problem else []
    headings = find_headings(lines)
    regions = find_regions(lines, headings)

    version = None
    if regions.active or regions.requests or regions.appeals:
        # Only the active and requests tables differ between the templates.
        table_text = "".join(
            compact(lines[i][1]) for r in (regions.active, regions.requests) if r for i in range(*r)
        )
        version, problem = detect_version(table_text, year)
        problems += [problem] if problem else []
    else:
        problems.append("none of the three tables found")

    marks = (cell_slots, cell_confidence)
    cells = _read_tables(lines, regions, version, problems, marks) if version else {}
    prose = "\n".join(orig for index, (orig, _) in enumerate(lines) if not regions.covers(index))
    return ParsedReport(
        title=title,
        agency=agency,
        year=year,
        format_version=version,
        published=published,
        sections=section_texts(lines, headings),
        cells=cells,
        narrative=find_figures(compact(prose)),
        problems=problems,
    )


def _read_tables(
    lines, regions: Regions, version: str, problems: list[str], marks=(None, None)
) -> dict[CellKey, Cell]:
    """Every cell of the template ``version``: read where its table was found, else None."""
    readers = {
        "active": lambda groups, _lines, _start: read_active(groups, version, problems),
        "requests": lambda groups, _lines, _start: read_requests(groups, version, problems),
        "appeals": lambda groups, table_lines, start: read_appeals(
            groups,
            table_lines,
            problems,
            in_report=bool(regions.active or regions.requests),
            first_line=start,
        ),
    }
    cells: dict[CellKey, Cell] = {}
    for table, reader in readers.items():
        region = getattr(regions, table)
        if region is None:
            problems.append(f"{table}: table not found")
            cells.update(null_cells(cell_keys(table, version), "table not found"))
            continue
        start, end = region
        pieces = region_pieces(lines, start, end, *marks)
        cells.update(reader(number_groups(pieces), lines[start:end], start))
    return cells
