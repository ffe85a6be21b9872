"""Scanned reports → text by OCR: page images in, the same DocumentText every reader gives out.

Each page is laid out first (:mod:`extract.documents.ocr_layout`: seal dropped, page
straightened, ruled tables and their cells found), then every line of text — a cell's or a
paragraph's — is read by the OCR engine, one line image at a time. Tables come out as TAB rows
of a grid built from the ruling lines, with ``cell_slots`` marking the cells (an empty ruled
cell is an explicit empty cell) and ``cell_confidence`` the engine's confidence in each, so the
table parser reads them by position and every cell read this way can be marked as OCR'd. A
cell with ink that reads as no number and no word is empty with confidence 0: unread, not 0.

The engine is RapidOCR (PP-OCRv4 models run by ONNX Runtime, shipped inside the
``rapidocr-onnxruntime`` wheel, nothing downloaded at run time). Tesseract (Debian's
``tesseract-ocr`` with ``chi_sim``) is the fallback where RapidOCR is not installed; on
generated scans it read far fewer cells right (see bench/extract_accuracy.py).
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy
from PIL import Image

from .model import DocumentError, DocumentText
from .ocr_layout import PageLayout, Strip, TableLayout, analyse_page
from .text import grid_lines, join_wrapped, record_slots, tidy_lines

logger = logging.getLogger(__name__)

# Pages rendered from a scanned PDF at this resolution: a scanner's usual, enough for 10 pt.
RENDER_DPI = 150
# More pages than this is no annual report (they run to 10–30 pages): refuse rather than spend
# minutes of OCR on it.
MAX_OCR_PAGES = 60
# An image whose shorter side is below this is no page of a report (a logo, a banner, an icon):
# not worth OCR. A page scanned at 100 dpi is 827 × 1169.
MIN_PAGE_SIDE = 600
# Padding (pixels) round a line image: recognisers read glyphs touching the edge badly.
PAD = 6
# What OCR confuses with digits in a cell that is otherwise a number.
_ZERO_LOOKALIKES = "oO〇○。°"
_DIGIT_LOOKALIKES = str.maketrans({**dict.fromkeys(_ZERO_LOOKALIKES, "0"), "l": "1", "I": "1"})
_ILLEGIBLE = re.compile(r"^[^\u4e00-\u9fff\d—–\-/／]{0,2}$")
_NUMBERISH = re.compile(r"^[-+]?[\doOlI〇]+(?:[.,][\doOlI〇]+)*$")


class RapidOcrEngine:
    """RapidOCR's recogniser (no detector: lines are already cut out)."""

    name = "rapidocr"

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self._engine = RapidOCR()

    def recognize(self, images: list[numpy.ndarray]) -> list[tuple[str, float]]:
        if not images:
            return []
        colour = [numpy.repeat(image[:, :, None], 3, axis=2) for image in images]
        results, _ = self._engine.text_rec(colour)
        return [(text, float(score)) for text, score in results]


class TesseractEngine:
    """Tesseract 5 with the Simplified Chinese model, every line in one process (``--psm 7``)."""

    name = "tesseract"

    def __init__(self) -> None:
        if shutil.which("tesseract") is None:
            raise DocumentError("OCR unavailable: tesseract is not installed")

    def recognize(self, images: list[numpy.ndarray]) -> list[tuple[str, float]]:
        if not images:
            return []
        with tempfile.TemporaryDirectory(prefix="nianbao-ocr-") as folder:
            paths = []
            for index, image in enumerate(images):
                path = Path(folder, f"{index:05d}.png")
                Image.fromarray(image).save(path)
                paths.append(str(path))
            listing = Path(folder, "pages.txt")
            listing.write_text("\n".join(paths) + "\n")
            result = subprocess.run(
                ["tesseract", str(listing), "stdout", "-l", "chi_sim", "--psm", "7", "tsv"],
                capture_output=True,
                text=True,
                timeout=60 + 2 * len(images),
                check=False,
            )
        if result.returncode != 0:
            raise DocumentError(f"tesseract failed: {result.stderr.strip()[-200:]}")
        words: list[list[tuple[str, float]]] = [[] for _ in images]
        for line in result.stdout.splitlines()[1:]:
            fields = line.split("\t")
            if len(fields) == 12 and fields[11].strip() and float(fields[10]) >= 0:
                words[int(fields[1]) - 1].append((fields[11].strip(), float(fields[10]) / 100))
        return [
            (join_wrapped(w for w, _ in found), min((c for _, c in found), default=0.0))
            for found in words
        ]


ENGINES = {"rapidocr": RapidOcrEngine, "tesseract": TesseractEngine}


@lru_cache(maxsize=2)
def ocr_engine(name: str | None = None):
    """The OCR engine ``name``, or the best one installed; loaded once per process."""
    if name is not None:
        return ENGINES[name]()
    try:
        return RapidOcrEngine()
    except ImportError:
        logger.warning("rapidocr-onnxruntime is not installed: OCR falls back to tesseract")
        return TesseractEngine()


def ocr_pdf(
    payload: bytes, title: str | None = None, *, pages: list[int] | None = None, engine=None
) -> DocumentText:
    """Read a PDF of page images (a scan, no text layer) by OCR; only ``pages`` (indexes from
    0) when given."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(payload)
    except pypdfium2.PdfiumError as error:
        raise DocumentError(f"scanned PDF cannot be rendered: {error}") from error
    try:
        indexes = range(len(document)) if pages is None else pages
        if len(indexes) > MAX_OCR_PAGES:
            raise DocumentError(f"scanned PDF of {len(indexes)} pages: too long to OCR")
        pages = [
            document[index].render(scale=RENDER_DPI / 72).to_pil().convert("RGB")
            for index in indexes
        ]
    finally:
        document.close()
    return ocr_images(pages, "pdf", title, engine=engine)


def ocr_image_bytes(payload: bytes, *, engine=None) -> DocumentText:
    """Read a report published as an image (JPG, PNG …; every frame of a TIFF) by OCR.

    Images too small to be a page are not read (``needs_ocr`` stays True, no text).
    """
    try:
        image = Image.open(io.BytesIO(payload))
        frames = []
        for index in range(min(getattr(image, "n_frames", 1), MAX_OCR_PAGES)):
            image.seek(index)
            frames.append(image.convert("RGB"))
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise DocumentError(f"unreadable image: {error}") from error
    frames = [frame for frame in frames if min(frame.size) >= MIN_PAGE_SIDE]
    if not frames:
        return DocumentText(text="", source_type="image", title=None, needs_ocr=True, pages=1)
    return ocr_images(frames, "image", None, engine=engine)


def ocr_images(
    pages: list[Image.Image], source_type: str, title: str | None, *, engine=None
) -> DocumentText:
    """OCR page images into a DocumentText (tables as TAB rows with their cells marked)."""
    engine = engine or ocr_engine()
    lines: list[str] = []
    slots: dict[str, tuple | None] = {}
    confidence: dict[str, tuple | None] = {}
    for page in pages:
        layout = analyse_page(numpy.asarray(page))
        lines.extend(_page_lines(layout, engine, slots, confidence))
    text = tidy_lines(lines)
    return DocumentText(
        text=text,
        source_type=source_type,
        title=title or next(iter(text.splitlines()), None),
        needs_ocr=not text,  # OCR found no text: still a scan nobody has read
        pages=len(pages),
        cell_slots={line: value for line, value in slots.items() if value is not None},
        cell_confidence={line: value for line, value in confidence.items() if value is not None},
        ocr_engine=engine.name,
    )


def _page_lines(layout: PageLayout, engine, slots: dict, confidence: dict) -> list[str]:
    """The page's lines top to bottom: paragraphs as text, tables as TAB rows."""
    strips = layout.text_lines + [
        strip for table in layout.tables for cell in table.cells for strip in cell.lines
    ]
    read = dict(zip(map(id, strips), engine.recognize([_crop(layout, s) for s in strips])))
    blocks: list[tuple[int, list[str]]] = [
        (strip.box[1], [read[id(strip)][0]]) for strip in layout.text_lines
    ]
    for table in layout.tables:
        blocks.append((table.top, _table_lines(table, read, slots, confidence)))
    return [line for _, block in sorted(blocks, key=lambda item: item[0]) for line in block]


def _crop(layout: PageLayout, strip: Strip) -> numpy.ndarray:
    left, top, right, bottom = strip.box
    crop = layout.image[top:bottom, left:right]
    return numpy.pad(crop, PAD, constant_values=255)


def _table_lines(table: TableLayout, read: dict, slots: dict, confidence: dict) -> list[str]:
    """The table as grid lines (spans as in HTML: text in the first slot, '' in the rest)."""
    texts = [[""] * table.cols for _ in range(table.rows)]
    owned = [[False] * table.cols for _ in range(table.rows)]
    scores: list[list[float | None]] = [[None] * table.cols for _ in range(table.rows)]
    for cell in table.cells:
        results = [read[id(strip)] for strip in cell.lines]
        text = _cell_text([text for text, _ in results])
        texts[cell.row][cell.col] = text or ""
        owned[cell.row][cell.col] = True
        # An illegible cell: empty, with confidence 0, which the parser reads as unread.
        scores[cell.row][cell.col] = (
            0.0 if text is None else min((score for _, score in results), default=None)
        )
    lines = []
    for row, row_owned, row_scores in zip(texts, owned, scores):
        line = grid_lines([row], [row_owned], slots)
        if line:
            lines.append(line[0])
            record_slots(confidence, line[0], tuple(row_scores))
    return lines


def _cell_text(lines: list[str]) -> str | None:
    """A cell's lines joined; a cell that reads as a number has look-alike letters mended.

    None for a cell that holds ink but reads as a letter or two that are neither a number,
    a dash nor Chinese: a number the seal or a smudge made illegible ('n' for a 0 under the
    seal's star). Such a cell is left unread rather than guessed.
    """
    text = join_wrapped(line.strip() for line in lines)
    compact = text.replace(" ", "")
    if (len(compact) == 1 and compact in _ZERO_LOOKALIKES) or (
        _NUMBERISH.match(compact) and any(char.isdigit() for char in compact)
    ):
        return compact.translate(_DIGIT_LOOKALIKES)
    if lines and _ILLEGIBLE.match(compact):
        return None
    return text
