"""Turn the lines of a table region into label text and runs of numbers.

Document readers give a table either as TAB-separated rows or as pdftotext-style lines where a
label, its numbers, or both may be wrapped over several lines. Both become one stream of
*pieces* (label text, a number, a blank cell); a :class:`Group` is a maximal run of numbers
together with the label text read since the previous run. Which row a group belongs to is
decided later, from that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.parse.normalize import compact, is_number, is_page_number, normalize

# A unit printed as its own token after a number ('425 万元').
_UNITS = ("万元", "元", "万")
# A number glued to the end of a label ('（七）总计5'): split it off.
_GLUED = re.compile(r"^(.*[\u4e00-\u9fff)）”」])([+-]?\d[\d,]*(?:\.\d+)?)$")


@dataclass
class Piece:
    """One item of a table line: label text, a printed number, or an empty TAB cell."""

    kind: str  # 'text' | 'num' | 'blank'
    text: str  # normalised
    raw: str  # as printed
    line: int  # index of the line it came from
    alone: bool = False  # a number that is the only thing on its line
    bare: bool = False  # on a line without label text
    # Its cell's position in the table row, when the reader marked the row's cells explicit
    # (HTML <td>): an empty one is then a value by position, never a filler.
    cell: int | None = None
    confidence: float | None = None  # the OCR engine's, for a piece read from a scan


@dataclass
class Group:
    """A run of numbers (and blank cells) and the label text that preceded it."""

    label: str  # label text since the previous group, whitespace removed
    entries: list[Piece] = field(default_factory=list)

    @property
    def numbers(self) -> list[Piece]:
        return [piece for piece in self.entries if piece.kind == "num"]


def _tokens(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Whitespace-separated token spans of norm[start:end], units joined to their number."""
    spans = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", norm[start:end])]
    joined: list[tuple[int, int]] = []
    for span in spans:
        text = norm[span[0] : span[1]]
        if joined and text in _UNITS and is_number(norm[joined[-1][0] : joined[-1][1]]):
            joined[-1] = (joined[-1][0], span[1])
            continue
        glued = _GLUED.match(text)
        if glued:
            cut = span[0] + len(glued.group(1))
            joined.extend([(span[0], cut), (cut, span[1])])
            continue
        joined.append(span)
    return joined


def line_pieces(
    norm: str,
    orig: str,
    index: int,
    slots: tuple[bool, ...] | None = None,
    confidence: tuple[float | None, ...] | None = None,
) -> list[Piece]:
    """The pieces of one line: label text first, then the numbers printed after it.

    Within each TAB cell (or the whole line when there are no TABs) the trailing number tokens
    are numbers and the rest is label text. A blank TAB cell is kept only when no label text
    follows it on the line: blanks before a label are the merged cells of a rowspan. With
    ``slots`` (per TAB cell: a cell of its own, see ``DocumentText.cell_slots``) the pieces of
    explicit cells carry their position and slots that are no cell give no blank piece;
    ``confidence`` (per TAB cell, from OCR) goes to the numbers read from each cell.
    """
    pieces: list[Piece] = []
    cells: list[tuple[int, int]] = []
    position = 0
    for cell in norm.split("\t"):
        cells.append((position, position + len(cell)))
        position += len(cell) + 1
    tabbed = len(cells) > 1
    if slots is not None and len(slots) != len(cells):
        slots = None  # the line's TABs are not the reader's cells ('|' in a cell): no positions
    if confidence is None or len(confidence) != len(cells):
        confidence = (None,) * len(cells)
    for column, (start, end) in enumerate(cells):
        cell = column if slots is not None and slots[column] else None
        spans = _tokens(norm, start, end)
        if not spans:
            if tabbed and (slots is None or cell is not None):
                pieces.append(
                    Piece("blank", "", "", index, cell=cell, confidence=confidence[column])
                )
            continue
        texts = [norm[a:b] for a, b in spans]
        first_number = len(spans)
        while first_number > 0 and is_number(texts[first_number - 1]):
            first_number -= 1
        if first_number:
            label_end = spans[first_number - 1][1]
            pieces.append(
                Piece("text", "".join(texts[:first_number]), orig[spans[0][0] : label_end], index)
            )
        for (a, b), text in zip(spans[first_number:], texts[first_number:]):
            pieces.append(
                Piece("num", text, orig[a:b], index, cell=cell, confidence=confidence[column])
            )
    last_text = max((i for i, p in enumerate(pieces) if p.kind == "text"), default=-1)
    pieces = [p for i, p in enumerate(pieces) if p.kind != "blank" or i > last_text]
    if all(p.kind == "blank" for p in pieces):
        return []
    if last_text < 0:
        for piece in pieces:
            piece.bare = True
    numbers = [p for p in pieces if p.kind == "num"]
    if len(numbers) == 1 and len(pieces) == 1:
        numbers[0].alone = True
    return pieces


# A running header repeated on each page ('…2020年政府信息公开工作年度报告 3'): never table content.
_RUNNING_HEADER = re.compile(r"(?:年度|工作)报告")


def region_pieces(
    lines: list[tuple[str, str]],
    start: int,
    end: int,
    cell_slots: dict[str, tuple[bool, ...]] | None = None,
    cell_confidence: dict[str, tuple[float | None, ...]] | None = None,
) -> list[Piece]:
    """Pieces of lines[start:end], with page numbers and running headers left out.

    ``cell_slots`` gives the explicit cells of table row lines (``DocumentText.cell_slots``),
    ``cell_confidence`` an OCR engine's confidence in each (``DocumentText.cell_confidence``).
    """
    cell_slots, cell_confidence = cell_slots or {}, cell_confidence or {}
    pieces: list[Piece] = []
    for index in range(start, end):
        orig, norm = lines[index]
        if not norm.strip() or is_page_number(orig) or _RUNNING_HEADER.search(compact(orig)):
            continue
        pieces.extend(
            line_pieces(norm, orig, index, cell_slots.get(orig), cell_confidence.get(orig))
        )
    return pieces


def number_groups(pieces: list[Piece]) -> list[Group]:
    """Split pieces into groups: each run of numbers with the label text read before it.

    A run opens at a number, or at a blank cell on the same line as a label (a row printed
    with empty cells); blank cells on a line of their own wait for the number that follows.
    Label text after the last run ends the list as a group with no entries.
    """
    groups: list[Group] = []
    label: list[str] = []
    blanks: list[Piece] = []
    label_line = -1
    current: Group | None = None
    for piece in pieces:
        if piece.kind == "text":
            if current is not None:
                groups.append(current)
                current = None
            blanks = []
            label.append(re.sub(r"\s+", "", piece.text))
            label_line = piece.line
        elif current is not None:
            current.entries.append(piece)
        elif piece.kind == "blank" and piece.line != label_line:
            blanks.append(piece)
        else:
            current = Group("".join(label), [*blanks, piece])
            label, blanks = [], []
    if current is not None:
        groups.append(current)
    elif label:
        groups.append(Group("".join(label)))  # label text after the last number: rows left empty
    return groups


def normalized_lines(text: str) -> list[tuple[str, str]]:
    """``(original, normalised)`` for each line; a form feed (page break) also ends a line."""
    return [(line, normalize(line)) for line in text.splitlines()]
