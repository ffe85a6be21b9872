"""Text helpers every reader shares: joining wrapped lines and linearising table grids."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# CJK ideographs, kana, fullwidth forms and CJK punctuation: scripts written without spaces.
_CJK = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_WHITESPACE = re.compile(r"[ \t\r\n\f\v\u00a0]+")


def is_cjk(char: str) -> bool:
    """True for a character of a script that is written without spaces between words."""
    return bool(char) and _CJK.match(char) is not None


def join_wrapped(lines: Iterable[str]) -> str:
    """Join the visual lines of one wrapped label or paragraph into one string.

    Lines meet with no space where both sides are CJK ('行政规范性' + '文件'), and
    with one space otherwise, so Latin words and numbers stay apart.
    """
    joined = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if joined and not (is_cjk(joined[-1]) and is_cjk(line[0])):
            joined += " "
        joined += line
    return joined


def clean_cell(text: str) -> str:
    """One table cell as a single line: wrapped lines joined, no TAB left to split on."""
    return join_wrapped(text.replace("\t", " ").splitlines()).strip()


def grid_lines(
    rows: Sequence[Sequence[str]],
    owned: Sequence[Sequence[bool]] | None = None,
    slots: dict[str, tuple[bool, ...] | None] | None = None,
) -> list[str]:
    """Linearise a table grid: one line per row, cells TAB-separated, rows padded to one width.

    Rows with no text at all are left out: they carry nothing and mostly come from
    zero-height layout rows that word processors leave behind. With ``owned`` (per slot: a
    cell of its own stands there) and a ``slots`` dict, each line's slots are recorded there
    (see :func:`record_slots`).
    """
    width = max((len(row) for row in rows), default=0)
    lines = []
    for index, row in enumerate(rows):
        cells = [clean_cell(cell) for cell in row]
        if not any(cells):
            continue
        line = "\t".join(cells + [""] * (width - len(cells)))
        lines.append(line)
        if owned is not None and slots is not None:
            mine = tuple(owned[index])
            record_slots(slots, line, mine + (False,) * (width - len(mine)))
    return lines


def record_slots(
    slots: dict[str, tuple[bool, ...] | None], line: str, owned: tuple[bool, ...]
) -> None:
    """Remember which TAB slots of a table row ``line`` are cells of its own.

    Keyed by the line as :func:`tidy_lines` leaves it, which is how it stands in the
    document's text. Two rows printed alike but built differently leave their line ``None``:
    its cells' positions are not known.
    """
    key = tidy_line(line)
    if key in slots and slots[key] != owned:
        slots[key] = None
    else:
        slots[key] = owned


class SpanGrid:
    """Lay out cells with row/column spans the way an HTML table does.

    A spanning cell's text goes in its top-left slot; every other slot it covers
    holds '' so later cells shift right and columns stay aligned.
    """

    def __init__(self) -> None:
        self._rows: list[dict[int, str]] = []
        self._owned: list[set[int]] = []  # per row, the slots where a cell starts
        self._row = -1
        self._col = 0

    def start_row(self) -> None:
        """Begin the next table row."""
        self._row += 1
        self._col = 0
        self._ensure(self._row)

    def add(self, text: str, rowspan: int = 1, colspan: int = 1, own: bool = True) -> None:
        """Place a cell in the next free slot of the current row.

        ``own=False`` fills slots that hold no cell of their own (a Word row's skipped grid
        columns, a vertically merged continuation): they are '' and not :meth:`owned`.
        """
        if self._row < 0:
            raise ValueError("add() before start_row()")
        current = self._rows[self._row]
        while self._col in current:
            self._col += 1
        for dr in range(max(rowspan, 1)):
            self._ensure(self._row + dr)
            for dc in range(max(colspan, 1)):
                self._rows[self._row + dr][self._col + dc] = "" if dr or dc else text
        if own:
            self._owned[self._row].add(self._col)
        self._col += max(colspan, 1)

    def rows(self) -> list[list[str]]:
        """The grid as lists of strings; rows introduced only by a rowspan are kept."""
        width = max((max(row) + 1 for row in self._rows if row), default=0)
        return [[row.get(col, "") for col in range(width)] for row in self._rows]

    def owned(self) -> list[list[bool]]:
        """Per slot of :meth:`rows`, whether a cell of its own starts there (False: a slot
        covered by a neighbour's span, or one the row's cells do not reach)."""
        width = max((max(row) + 1 for row in self._rows if row), default=0)
        return [[col in owned for col in range(width)] for owned in self._owned]

    def _ensure(self, index: int) -> None:
        while len(self._rows) <= index:
            self._rows.append({})
            self._owned.append(set())


def collapse_spaces(text: str) -> str:
    """Collapse whitespace within a line the way a reader sees it.

    A run holding a line break is source formatting: it becomes one space, or
    nothing between two CJK characters (markup often breaks a Chinese sentence
    over two lines). A run of TABs between words is kept as those TABs, since
    text laid out with TABs is a table row already; other runs become one space.
    """

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        if "\n" in run or "\r" in run:
            start, end = match.span()
            before = text[start - 1] if start else ""
            after = text[end] if end < len(text) else ""
            return "" if is_cjk(before) and is_cjk(after) else " "
        if "\t" in run:
            return "\t" * run.count("\t")
        return " "

    return _WHITESPACE.sub(replace, text)


_RADICALS = re.compile("[\u2f00-\u2fdf]")


def unify_radicals(text: str) -> str:
    """Replace Kangxi radical code points by the ideographs they look like.

    PDF writers often map common characters ('一', '日', '工') to the radicals
    block, which reads the same but compares unequal.
    """
    return _RADICALS.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)


def tidy_line(line: str) -> str:
    """One line as :func:`tidy_lines` keeps it: radicals unified, spaces (not TABs) stripped."""
    return unify_radicals(line).strip(" \u00a0\u3000\r\n")


def tidy_lines(lines: Iterable[str]) -> str:
    """Strip spaces (not TABs) round each line, drop blank lines, join with newlines."""
    kept = []
    for line in map(tidy_line, lines):
        if line.strip():
            kept.append(line)
    return "\n".join(kept)


_TITLE_PREFIX = re.compile(
    r"^\s*(?:microsoft\s+(?:word|powerpoint|excel)\s*-\s*|wps\s*文字\s*-\s*)", re.I
)
_FILE_SUFFIX = re.compile(r"\.(?:docx?|wps|pdf|rtf|xlsx?|et|txt)\s*$", re.I)
_PLACEHOLDER_TITLES = {
    "",
    "word document",
    "document",
    "untitled",
    "无标题",
    "文档",
    "标题",
    "pdf",
    "title",
    "doc1",
}


def usable_title(title: str | bytes | None) -> str | None:
    """A document-metadata title cleaned of converter noise, or None when it is only noise.

    Word-to-PDF printers write 'Microsoft Word - 报告.docx'; converters leave
    placeholders such as 'Word Document' or 'untitled'.
    """
    if title is None:
        return None
    if isinstance(title, bytes):
        title = title.decode("utf-8", "replace")
    title = _FILE_SUFFIX.sub("", _TITLE_PREFIX.sub("", " ".join(title.split())))
    return None if title.lower() in _PLACEHOLDER_TITLES else title
