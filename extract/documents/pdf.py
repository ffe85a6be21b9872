"""PDF → text with pdfplumber: ruled tables linearised, text around them in reading order."""

from __future__ import annotations

import io
import time

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text
from pdfplumber.utils import cluster_objects

from .bounds import check_pdf_streams
from .model import DocumentError, DocumentText
from .text import clean_cell, grid_lines, join_wrapped, tidy_lines, usable_title

# Reports are tens of pages; a PDF that takes longer than this is pathological, not a report.
PDF_TIME_BUDGET = 180.0
_HEADER_SEARCH = 1024
_TRAILER_SEARCH = 2048
_ENCRYPTION_ERRORS = (PDFEncryptionError, PDFPasswordIncorrect)


def read_pdf(payload: bytes, *, time_budget: float = PDF_TIME_BUDGET) -> DocumentText:
    """Read a PDF's text layer page by page.

    A PDF whose pages carry no text (scans) comes back with ``needs_ocr=True``
    and whatever text there is. Raises :class:`DocumentError` for a payload that
    is not a PDF, is truncated, encrypted or malformed, or takes longer than
    ``time_budget`` seconds.
    """
    check_pdf_bytes(payload)
    check_pdf_streams(payload)
    started = time.monotonic()
    try:
        with pdfplumber.open(io.BytesIO(payload)) as pdf:
            page_count = len(pdf.pages)
            title = _metadata_title(pdf)
            lines: list[str] = []
            scans: list[tuple[int, int]] = []  # (where in lines, page index) of scanned pages
            for number, page in enumerate(pdf.pages, start=1):
                deduped = without_doubled_chars(page)
                page_lines, is_scan = page_text_lines(deduped)
                if number == 1 and title is None:
                    title = _first_heading(deduped)
                page.close()  # drops the page's parsed objects, keeping memory flat on long documents
                lines.extend(page_lines)
                if is_scan:
                    scans.append((len(lines), number - 1))
                if time.monotonic() - started > time_budget:
                    raise DocumentError(
                        f"PDF too slow: over {time_budget:g}s after {number} of {page_count} pages"
                    )
    except DocumentError:
        raise
    except (
        Exception
    ) as error:  # pdfminer raises anything from KeyError to struct.error on bad input
        raise DocumentError(_describe_failure(error)) from error
    if page_count == 0:
        raise DocumentError("malformed PDF: no pages")
    # A seal or signature page scanned into an otherwise digital report is normal;
    # the document needs OCR when its text is missing, or mostly missing.
    needs_ocr = not tidy_lines(lines) or len(scans) * 2 > page_count
    document = DocumentText(
        text="", source_type="pdf", title=title, needs_ocr=needs_ocr, pages=page_count
    )
    if scans and not needs_ocr:
        # A few pages are scans among text pages (often the tables, printed and scanned):
        # only they are read by OCR, in their place.
        from .ocr import ocr_pdf  # loaded only when a scan comes

        for position, index in reversed(scans):
            read = ocr_pdf(payload, title, pages=[index])
            lines[position:position] = read.text.splitlines()
            document.cell_slots.update(read.cell_slots)
            document.cell_confidence.update(read.cell_confidence)
    document.text = tidy_lines(lines)
    return document


def check_pdf_bytes(payload: bytes) -> None:
    """Raise :class:`DocumentError` unless ``payload`` starts and ends like a whole PDF."""
    if not payload:
        raise DocumentError("not a PDF: empty payload")
    if b"%PDF-" not in payload[:_HEADER_SEARCH]:
        raise DocumentError(f"not a PDF: starts with {payload[:16]!r}")
    if b"%%EOF" not in payload[-_TRAILER_SEARCH:]:
        raise DocumentError(
            f"truncated PDF: no %%EOF in its last {_TRAILER_SEARCH} bytes ({len(payload)} bytes)"
        )


def without_doubled_chars(page, tolerance: float = 1):
    """The page without the second copy of glyphs drawn twice in one place (fake bold).

    What pdfplumber's ``Page.dedupe_chars`` does, but in linear time: it restores the order of
    the kept characters with ``chars.index``, quadratic in the characters of a page, which made
    it an eighth of the time spent reading a PDF.
    """
    chars = page.chars
    alike: dict[tuple, list[dict]] = {}
    for char in chars:
        alike.setdefault(
            (char["upright"], char["text"], char["fontname"], char["size"]), []
        ).append(char)
    doubled: set[int] = set()
    for group in alike.values():
        if len(group) < 2:
            continue
        for row in cluster_objects(group, "doctop", tolerance):
            for spot in cluster_objects(row, "x0", tolerance):
                first = min(spot, key=lambda char: (char["doctop"], char["x0"]))
                doubled.update(id(char) for char in spot if char is not first)
    if not doubled:
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in doubled)


def page_text_lines(page) -> tuple[list[str], bool]:
    """One page's lines in top-to-bottom order, tables linearised; and whether it is a bare scan."""
    if not page.chars:
        return [], bool(page.images)
    if _unmapped_share(page.chars) > 0.5:
        # Glyphs without a Unicode mapping print as '(cid:123)': no text layer worth the name.
        return [], True
    tables = _ruled_tables(page)
    boxes = [table.bbox for table in tables]

    def outside_tables(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    free_text = page.filter(outside_tables) if boxes else page
    placed: list[tuple[float, list[str]]] = [
        (line["top"], [line["text"]]) for line in free_text.extract_text_lines()
    ]
    for table in tables:
        rows = [[clean_cell(cell or "") for cell in row] for row in table.extract()]
        placed.append((table.bbox[1], grid_lines(rows)))
    placed.sort(key=lambda item: item[0])
    return [line for _, block in placed for line in block], False


def _unmapped_share(chars: list[dict]) -> float:
    return sum(char["text"].startswith("(cid:") for char in chars) / len(chars)


def _ruled_tables(page) -> list:
    """Tables drawn with lines or cell rectangles; a single ruled box is a frame, not a table."""
    if not (page.lines or page.rects or page.curves):
        return []
    tables = []
    for table in page.find_tables():
        rows = table.rows
        if len(rows) >= 2 and max(len(row.cells) for row in rows) >= 2:
            tables.append(table)
    return tables


def _metadata_title(pdf: pdfplumber.PDF) -> str | None:
    """The Info dictionary's Title, read from its raw bytes (see :func:`pdf_text_string`)."""
    raw = next((resolve1(info["Title"]) for info in pdf.doc.info if "Title" in info), None)
    if isinstance(raw, bytes):
        title = pdf_text_string(raw)
    else:
        title = pdf.metadata.get("Title") if pdf.metadata else None
        title = title if title is None or isinstance(title, str) else str(title)
    return usable_title(title)


def pdf_text_string(raw: bytes) -> str:
    """A PDF text string: UTF-16 with its byte order mark, else PDFDocEncoding.

    The standard asks for big-endian UTF-16 (FE FF), but WPS and Jisupdf write little-endian
    (FF FE), which pdfminer decodes as PDFDocEncoding into mojibake ('ÿþ?eœ^áO…').
    """
    if raw[:2] == b"\xff\xfe":
        return raw[2:].decode("utf-16-le", errors="replace")
    return decode_text(raw)


def _first_heading(page) -> str | None:
    """The first-page line(s) set in the largest type, joined: the report's title."""
    lines = [
        line for line in page.extract_text_lines() if line["text"].strip() and line.get("chars")
    ]
    if not lines:
        return None
    sizes = [max(char["size"] for char in line["chars"]) for line in lines]
    largest = max(sizes[:15])
    if largest <= sorted(sizes)[len(sizes) // 2] + 0.5:
        return lines[0][
            "text"
        ].strip()  # no larger type on the page: the first line stands as the title
    heading = []
    for line, size in zip(lines, sizes):
        if size >= largest - 0.5:
            heading.append(line["text"])
        elif heading:
            break
    return join_wrapped(heading[:3]) or None


def _describe_failure(error: Exception) -> str:
    if any(isinstance(cause, _ENCRYPTION_ERRORS) for cause in _causes(error)):
        return "encrypted PDF: a password is needed to read it"
    return f"malformed PDF: {type(error).__name__}: {error}"[:300]


def _causes(error: BaseException):
    """The error and everything it wraps: pdfplumber re-raises pdfminer's errors inside its own."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__]
        pending += [arg for arg in current.args if isinstance(arg, BaseException)]
