"""The layout of a scanned page, before any character is read: tables and lines of text.

A scanned report page is cleaned (the red seal dropped, the page straightened, ink told from
paper), its ruled tables found from their ruling lines, each table cell located with the row
and column span its lines give it, and the text outside tables cut into lines. What comes out
are rectangles to recognise and a grid to put their text in; the OCR engine only ever reads
one line of text at a time (:mod:`extract.documents.ocr`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy

# Skew is searched in this range (degrees) and step: scanners feed pages a degree or two off.
MAX_SKEW, SKEW_STEP = 2.0, 0.1
# Ruling lines are at least this long, as a fraction of the page's width / height.
MIN_RULE_WIDTH, MIN_RULE_HEIGHT = 1 / 30, 1 / 80
# A table cell is at least this many pixels high and wide (smaller regions are line junctions).
MIN_CELL = 8
# Cell edges closer than this (pixels) are one grid line.
EDGE_TOLERANCE = 6
# Ink pixels a cell needs before it is read (fewer: noise, a stray dot).
MIN_INK = 12


@dataclass
class Strip:
    """A rectangle holding one line of text: ``(left, top, right, bottom)`` in page pixels."""

    box: tuple[int, int, int, int]


@dataclass
class TableCell:
    """One table cell: its grid position and spans, and the text lines inside it."""

    row: int
    col: int
    rowspan: int
    colspan: int
    lines: list[Strip] = field(default_factory=list)


@dataclass
class TableLayout:
    top: int
    rows: int
    cols: int
    cells: list[TableCell]


@dataclass
class PageLayout:
    """A page cleaned for reading (grey, upright), its tables and its lines of text."""

    image: numpy.ndarray  # greyscale, the seal dropped, deskewed
    tables: list[TableLayout]
    text_lines: list[Strip]
    skew: float  # degrees the scan was turned back by


def analyse_page(rgb: numpy.ndarray) -> PageLayout:
    """Find the tables and text lines of one scanned page (an RGB array)."""
    grey = without_seal(rgb)
    skew = find_skew(ink_mask(grey))
    if abs(skew) >= SKEW_STEP / 2:
        grey = _rotate(grey, skew)
    ink = ink_mask(grey)
    rules = ruling_lines(ink)
    tables = [
        table
        for x, y, w, h in _table_boxes(rules)
        if (table := _table(rules[y : y + h, x : x + w], ink, x, y))
    ]
    outside = ink.copy()
    for x, y, w, h in _table_boxes(rules):
        outside[y : y + h, x : x + w] = 0
    text_lines = text_strips(outside)
    # Tables and paragraphs are set in different sizes: each has its own line height.
    cells = [cell for table in tables for cell in table.cells]
    height = line_height([strip for cell in cells for strip in cell.lines])
    for cell in cells:
        cell.lines = split_tall(cell.lines, ink, height)
    text_lines = split_tall(text_lines, ink, line_height(text_lines))
    return PageLayout(grey, tables, text_lines, skew)


def without_seal(rgb: numpy.ndarray) -> numpy.ndarray:
    """The page in grey with red ink gone, and paper white.

    The red channel is the grey image: there a red seal is nearly as light as paper and black
    text stays black. Pixels clearly redder than they are green or blue (the seal's ink, its
    edges blurred by JPEG) become paper; black text under the seal is dark in every channel
    and stays. Everything lighter than the ink threshold is then set to white, so the
    recogniser sees no trace of the seal or the paper's noise.
    """
    rgb = rgb.astype(numpy.int16)
    red, green, blue = rgb[:, :, 0], rgb[:, :, 1], rgb[:, :, 2]
    grey = red.astype(numpy.uint8)
    grey[(red > 150) & (red - green > 60) & (red - blue > 60)] = 255
    threshold, _ = cv2.threshold(
        cv2.GaussianBlur(grey, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
    )
    grey[grey > threshold] = 255
    return grey


def ink_mask(grey: numpy.ndarray) -> numpy.ndarray:
    """1 where there is ink: Otsu's threshold on the lightly smoothed page."""
    smoothed = cv2.GaussianBlur(grey, (3, 3), 0)
    _, mask = cv2.threshold(smoothed, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask


def find_skew(ink: numpy.ndarray) -> float:
    """The page's rotation in degrees: the angle that makes its rows of ink sharpest.

    Lines of text and ruling lines turned to horizontal give a row profile with the highest
    variance; searched on a half-size page.
    """
    small = cv2.resize(ink, (ink.shape[1] // 2, ink.shape[0] // 2), interpolation=cv2.INTER_AREA)
    best, best_score = 0.0, -1.0
    for step in range(int(-MAX_SKEW / SKEW_STEP), int(MAX_SKEW / SKEW_STEP) + 1):
        angle = step * SKEW_STEP
        score = float(numpy.var(_rotate(small, angle, 0).sum(axis=1, dtype=numpy.int64)))
        if score > best_score:
            best, best_score = angle, score
    return best


def _rotate(image: numpy.ndarray, angle: float, fill: int = 255) -> numpy.ndarray:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=fill)


def ruling_lines(ink: numpy.ndarray) -> numpy.ndarray:
    """1 on the table's ruling lines: long horizontal and vertical runs of ink, gaps closed."""
    height, width = ink.shape
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, numpy.ones((1, max(int(width * MIN_RULE_WIDTH), 10)), numpy.uint8)
    )
    vertical = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, numpy.ones((max(int(height * MIN_RULE_HEIGHT), 10), 1), numpy.uint8)
    )
    # Close the small breaks blur and JPEG leave in a line, so cells stay enclosed.
    horizontal = cv2.dilate(horizontal, numpy.ones((3, 9), numpy.uint8))
    vertical = cv2.dilate(vertical, numpy.ones((9, 3), numpy.uint8))
    return cv2.bitwise_or(horizontal, vertical)


def _table_boxes(rules: numpy.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes of connected ruling that span both ways: a table, not an underline."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    boxes = []
    for label in range(1, count):
        x, y, w, h, _ = stats[label]
        if w >= rules.shape[1] * 0.2 and h >= 3 * MIN_CELL:
            boxes.append((int(x), int(y), int(w), int(h)))
    return sorted(boxes, key=lambda box: box[1])


def _table(rules: numpy.ndarray, ink: numpy.ndarray, left: int, top: int) -> TableLayout | None:
    """The cells of one table: regions its ruling lines enclose, placed on a grid of their edges."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(1 - rules, connectivity=4)
    height, width = rules.shape
    boxes = []
    for label in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[label])
        touches_edge = x == 0 or y == 0 or x + w >= width or y + h >= height
        if w >= MIN_CELL and h >= MIN_CELL and not touches_edge:
            boxes.append((x + left, y + top, x + w + left, y + h + top))
    if len(boxes) < 2:
        return None
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    cells = []
    for x0, y0, x1, y1 in boxes:
        col, col_end = _nearest(xs, x0), _nearest(xs, x1)
        row, row_end = _nearest(ys, y0), _nearest(ys, y1)
        cell = TableCell(row, col, max(row_end - row, 1), max(col_end - col, 1))
        cell.lines = text_strips(ink[y0:y1, x0:x1], x0, y0)
        cells.append(cell)
    return TableLayout(top, len(ys) - 1, len(xs) - 1, cells)


def _edges(values: list[int]) -> list[int]:
    """Grid lines from cell edges: edges within EDGE_TOLERANCE of each other are one line."""
    edges: list[list[int]] = []
    for value in sorted(values):
        if edges and value - edges[-1][-1] <= EDGE_TOLERANCE:
            edges[-1].append(value)
        else:
            edges.append([value])
    return [round(sum(group) / len(group)) for group in edges]


def _nearest(edges: list[int], value: int) -> int:
    return min(range(len(edges)), key=lambda index: abs(edges[index] - value))


def text_strips(ink: numpy.ndarray, left: int = 0, top: int = 0) -> list[Strip]:
    """The lines of text in a region: bands of rows holding ink, cut to the ink's width.

    A cell's border pixels that survived the cut are ignored by trimming a margin; a band too
    thin to be text (a leftover line) is dropped. Bands are not split yet where lines of text
    touch (see :func:`split_tall`).
    """
    margin = 3
    region = ink[margin:-margin, margin:-margin] if min(ink.shape) > 2 * margin + 2 else ink
    if int(region.sum()) < MIN_INK:
        return []
    # Gaps of a row or two inside a line are between a character's strokes, not lines.
    rows = (
        cv2.morphologyEx(
            (region.sum(axis=1) > 0).astype(numpy.uint8)[:, None],
            cv2.MORPH_CLOSE,
            numpy.ones((3, 1), numpy.uint8),
        )[:, 0]
        > 0
    )
    strips = []
    start = None
    for index, has_ink in enumerate([*rows, False]):
        if has_ink and start is None:
            start = index
        elif not has_ink and start is not None:
            band = region[start:index]
            if index - start >= 5 and int(band.sum()) >= MIN_INK:
                columns = numpy.flatnonzero(band.sum(axis=0))
                box = (columns[0], start, columns[-1] + 1, index)
                strips.append(Strip(_shift(box, left + margin, top + margin)))
            start = None
    return strips


def _shift(box, dx: int, dy: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return (int(x0) + dx, int(y0) + dy, int(x1) + dx, int(y1) + dy)


def line_height(strips: list[Strip]) -> int:
    """The height of one line of text on the page: the median band (most bands are one line)."""
    heights = sorted(strip.box[3] - strip.box[1] for strip in strips)
    return heights[len(heights) // 2] if heights else 0


def split_tall(strips: list[Strip], ink: numpy.ndarray, height: int) -> list[Strip]:
    """Bands as high as two or more lines (a wrapped cell's lines set tight) cut into lines,
    each cut at the emptiest row near where a line should end."""
    if height <= 0:
        return strips
    pitch = height * 1.25
    out = []
    for strip in strips:
        x0, y0, x1, y1 = strip.box
        count = round((y1 - y0) / pitch)
        if count < 2:
            out.append(strip)
            continue
        profile = ink[y0:y1, x0:x1].sum(axis=1)
        cuts = [0]
        for number in range(1, count):
            expected = round(number * (y1 - y0) / count)
            window = range(max(expected - height // 3, cuts[-1] + 1), expected + height // 3 + 1)
            window = [row for row in window if row < len(profile)]
            cuts.append(min(window, key=lambda row: profile[row]) if window else expected)
        cuts.append(y1 - y0)
        for top, bottom in zip(cuts, cuts[1:]):
            columns = numpy.flatnonzero(ink[y0 + top : y0 + bottom, x0:x1].sum(axis=0))
            if bottom - top >= 5 and len(columns):
                out.append(
                    Strip((x0 + int(columns[0]), y0 + top, x0 + int(columns[-1]) + 1, y0 + bottom))
                )
    return out
