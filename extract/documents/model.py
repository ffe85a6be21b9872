"""The shape every document reader returns, and the one error they raise."""

from __future__ import annotations

from dataclasses import dataclass, field

# What a DocumentText can come from; "image" is a picture read by OCR, "xls" covers WPS ET.
SOURCE_TYPES = ("html", "pdf", "docx", "doc", "wps", "xls", "xlsx", "image")


@dataclass
class DocumentText:
    """Text of one archived document, ready for the table parser.

    ``text`` holds paragraphs one per line. Tables are linearised as one table
    row per line with cells separated by a TAB; an empty cell is an empty
    string between tabs; a rowspan/vMerge cell is printed only in its first
    row (empty string in the rows below) and a colspan/gridSpan cell is
    printed once, in its first column, with empty strings in the columns it
    covers, so all rows of a table have the same number of cells and a column
    index means the same column in every row. Rows without any text are left
    out. A cell's wrapped lines are joined (no space between CJK characters).
    Text outside tables keeps its document order around them.

    ``source_type`` is 'image' for a picture (``needs_ocr=True``, empty text).
    ``pages`` is the page count: counted for PDF, as recorded by the word
    processor for DOCX/DOC, None for HTML. ``links`` are made absolute only
    when a ``url`` (or ``<base href>``) was given.

    ``cell_slots`` is filled by readers whose tables have explicit cells (HTML ``<td>``, DOCX
    ``w:tc``, spreadsheets, ruled scans): for each table row line, as it stands in ``text``,
    whether each of its TAB slots is a cell of its own (True, even when empty) or a slot
    covered by a neighbour's span, or padding where the row's cells do not reach (False). With
    it the parser reads an empty cell by its position; without it (flattened text, PDF text)
    an empty slot may be a filler.
    """

    text: str
    source_type: str
    title: str | None
    needs_ocr: bool = False
    pages: int | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    published: str | None = None
    cell_slots: dict[str, tuple[bool, ...]] = field(default_factory=dict)
    # Read by OCR: the engine's name, and per table row line (keyed like cell_slots) its
    # confidence in each slot's text (None for slots that are no cell).
    ocr_engine: str | None = None
    cell_confidence: dict[str, tuple[float | None, ...]] = field(default_factory=dict)


class DocumentError(Exception):
    """A document could not be read; ``reason`` says why in a few words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
