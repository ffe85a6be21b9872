"""Report documents the farm serves, made from the five seed reports in :mod:`imitation.seeds`.

A ``SeedReport`` is one seed, optionally re-attributed to another agency and moved to another
year, so a site can carry several years of reports from a handful of seeds. Then one function per
format: ``report_html``, ``report_pdf`` (reportlab, built-in CID font STSong-Light, no font file),
``report_docx`` (python-docx), ``convert_with_soffice`` (DOC via LibreOffice, batched and cached
on disk), ``report_xls`` (xlwt), ``report_zip``, ``report_jpg``. Keep it swappable: the farm
only needs text in, bytes out.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

from imitation.documents_tables import tables_html, tables_rows
from imitation.seeds import SEEDS_DIR, seed_texts
from imitation.seeds import gold as seeds_gold
from nianbao.format import FORMAT_PATH

# Bump when a generator changes its output, so converted files cached on disk are not reused.
GENERATOR_VERSION = "1"

# How each seed names its agency and its place, so a variant can be re-attributed. The first
# alias is the official name; the others are the short forms the seed's own title uses.
SEED_NAMES = {
    "000_6d7fa66d4ffd9e30": (["昌乐县卫生健康局"], "昌乐县"),
    "001_ff0ada4805145011": (["安丘市卫生健康局", "安丘市卫健局"], "安丘市"),
    "002_7590363eed79dbcf": (["绥滨县卫生健康局"], "绥滨县"),
    "003_bd5e201cc4cf9d9e": (["聊城市卫生健康委员会"], "聊城市"),
    "004_237241b3bbe4412b": (["海原县卫生健康局"], "海原县"),
}
# A year written as a year (2019 ... 2029), but not one inside a document number such as
# 国办公开办函〔2021〕30号, which names the template and must not move with the report.
YEAR = re.compile(r"(?<![\d〔\[])(20[12]\d)(?![\d〕\]])")
# A section heading (一、总体情况), set in its own font as word processors do.
HEADING = re.compile(r"^[一二三四五六七八九十]+、")
SECTION_HEADINGS = (
    "二、主动公开",
    "三、收到和处理",
    "四、政府信息公开行政复议",
    "五、存在的主要问题",
)


@dataclass(frozen=True)
class SeedReport:
    """A seed report as one agency's report for one year."""

    seed: str  # seed file name, e.g. "001_ff0ada4805145011.txt"
    agency: str
    year: int
    format_version: str
    text: str
    cells: dict = field(hash=False, compare=False)
    published: str | None = None

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    @property
    def key(self) -> str:
        """Stable id of the content, for caches on disk."""
        digest = hashlib.sha256(
            f"{GENERATOR_VERSION}\n{self.agency}\n{self.text}".encode()
        ).hexdigest()
        return digest[:24]


def seed_names() -> list[str]:
    return [p.name for p in seed_texts()]


@cache
def seed_report(
    seed: str, agency: str | None = None, year: int | None = None, place: str | None = None
) -> SeedReport:
    """The seed ``seed`` (file name, stem, or number such as "001"), re-attributed to ``agency`` in ``place`` and
    moved to ``year``. The tables' numbers stay the seed's own (its gold cells)."""
    stem = seed.removesuffix(".txt")
    # "001" is short for the seed file whose name starts "001_".
    stem = next((name for name in SEED_NAMES if name.split("_")[0] == stem), stem)
    if stem not in SEED_NAMES:
        raise KeyError(f"unknown seed {seed!r}; seeds are {', '.join(SEED_NAMES)}")
    text = (SEEDS_DIR / f"{stem}.txt").read_text(encoding="utf-8")
    gold = seeds_gold(stem)
    aliases, seed_place = SEED_NAMES[stem]
    if agency and agency != gold["agency"]:
        for alias in aliases:
            text = text.replace(alias, agency)
    if place and place != seed_place:
        text = text.replace(seed_place, place).replace(seed_place[:-1], place[:-1])
    published = gold.get("published")
    if year and year != gold["year"]:
        shift = year - gold["year"]
        text = YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
        if published:
            published = f"{int(published[:4]) + shift}{published[4:]}"
    return SeedReport(
        seed=f"{stem}.txt",
        agency=agency or gold["agency"],
        year=year or gold["year"],
        format_version=gold["format_version"],
        text=text,
        cells=gold["cells"],
        published=published,
    )


# -- HTML -------------------------------------------------------------------------------------


def report_html(report: SeedReport, *, tables: bool = False) -> str:
    """The report as an HTML fragment (for an article page's content box).

    Without ``tables`` every line of the seed is a paragraph, faithful to the seed text. With
    ``tables`` sections 二 to 四 are replaced by their heading and the official table (merged cells
    and all) rendered from the seed's gold values.
    """
    lines = [line.strip() for line in report.text.splitlines()]
    if not tables:
        return "\n".join(_paragraph(line) for line in lines if line)
    starts = [_find_heading(lines, heading) for heading in SECTION_HEADINGS]
    rendered = tables_html(report.cells, report.format_version, FORMAT_PATH)
    parts = [_paragraph(line) for line in lines[: starts[0]] if line]
    for start, name in zip(starts, ("active", "requests", "appeals")):
        parts.append(f"<p><strong>{escape(lines[start])}</strong></p>")
        parts.append(rendered[name])
    parts += [_paragraph(line) for line in lines[starts[3] :] if line]
    return "\n".join(parts)


def _paragraph(line: str) -> str:
    if "\t" in line:
        # A table row flattened to text in the seed: keep its cells apart.
        return "<p>" + "&emsp;".join(escape(cell) for cell in line.split("\t")) + "</p>"
    return f"<p>{escape(line)}</p>"


def _find_heading(lines: list[str], heading: str) -> int:
    for index, line in enumerate(lines):
        if line.startswith(heading):
            return index
    raise ValueError(f"seed text has no section heading starting with {heading!r}")


# -- PDF --------------------------------------------------------------------------------------


def report_pdf(report: SeedReport, *, font_file: Path | None = None) -> bytes:
    """The report as an A4 PDF in STSong-Light (or ``font_file``, a TrueType font embedded as
    word processors do); tab-separated table rows keep their columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    from imitation.reportgen.render_pdf import pdf_fonts

    fonts = pdf_fonts(font_file)
    font, size, leading, margin = fonts.body, 11, 17, 56
    width, height = A4
    out = io.BytesIO()
    # invariant=1: no creation date or random id, so the same report gives the same bytes.
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(report.title)
    y = height - margin

    def next_line():
        nonlocal y
        y -= leading
        if y < margin:
            pdf.showPage()
            y = height - margin
        pdf.setFont(font, size)

    pdf.setFont(font, size)
    for raw in report.text.splitlines():
        line = _pdf_safe(raw.strip())
        if not line:
            continue
        if "\t" in raw:
            cells = [_pdf_safe(c.strip()) for c in raw.strip("\n").split("\t")]
            # Shrink the row's type until every cell fits with a gap, so that cells never
            # overlap and text extraction keeps them apart.
            row_size = size
            while row_size > 5 and _row_width(cells, fonts.table, row_size) > width - 2 * margin:
                row_size -= 0.5
            pdf.setFont(fonts.table, row_size)
            x = margin
            for cell in cells:
                pdf.drawString(x, y, cell)
                x += pdfmetrics.stringWidth(cell, fonts.table, row_size) + 2 * row_size
            next_line()
            continue
        line_font = fonts.heading if HEADING.match(line) else font
        if line_font != font:
            pdf.setFont(line_font, size)
        for piece in _wrap(
            line, width - 2 * margin, lambda s, f=line_font: pdfmetrics.stringWidth(s, f, size)
        ):
            pdf.drawString(margin, y, piece)
            next_line()
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _row_width(cells: list[str], font: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    return sum(pdfmetrics.stringWidth(cell, font, size) + 2 * size for cell in cells)


def _pdf_safe(text: str) -> str:
    # Private-use bullets from Word (U+F0xx) have no glyph in STSong; print them as a dot.
    return re.sub(r"[\ue000-\uf8ff]", "·", text)


def _wrap(text: str, max_width: float, measure) -> list[str]:
    pieces, current = [], ""
    for char in text:
        if current and measure(current + char) > max_width:
            pieces.append(current)
            current = ""
        current += char
    return pieces + ([current] if current else [])


# -- DOCX / DOC / XLS -------------------------------------------------------------------------


def report_docx(report: SeedReport) -> bytes:
    """The report as DOCX: paragraphs, and runs of tab-separated lines as Word tables."""
    import docx

    document = docx.Document()
    document.core_properties.title = report.title
    rows: list[list[str]] = []

    def flush_table():
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            table.style = "Table Grid"
            # Row by row: table.cell(r, c) rebuilds the cell grid on every call.
            for row, texts in zip(table.rows, rows):
                for cell, text in zip(row.cells, texts):
                    cell.text = text
            rows.clear()

    for raw in report.text.splitlines():
        if "\t" in raw:
            rows.append([cell.strip() for cell in raw.strip("\n").split("\t")])
            continue
        flush_table()
        if raw.strip():
            document.add_paragraph(raw.strip())
    flush_table()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_xls(report: SeedReport) -> bytes:
    """The report's three tables as an Excel 97 workbook (xlwt), one row per table row."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("附表")
    sheet.write(0, 0, report.title)
    for r, row in enumerate(tables_rows(report.cells, report.format_version, FORMAT_PATH), start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cache_dir() -> Path:
    path = Path(
        os.environ.get("NIANBAO_FARM_CACHE", Path(tempfile.gettempdir()) / "nianbao-farm-cache")
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def convert_with_soffice(
    sources: dict[str, bytes], source_ext: str, target_ext: str
) -> dict[str, bytes]:
    """Convert ``{cache_key: file bytes}`` with one LibreOffice run; ``{cache_key: converted}``.

    Results are cached under ``cache_dir()`` by key, so a test session converts at most once.
    Keys must identify the content (``SeedReport.key`` plus the format).
    """
    cache = cache_dir()
    missing = {k: v for k, v in sources.items() if not (cache / f"{k}.{target_ext}").exists()}
    if missing:
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            raise RuntimeError(f"LibreOffice (soffice) is needed to make .{target_ext} files")
        with tempfile.TemporaryDirectory(prefix="farm-soffice-") as work:
            inputs = []
            for key, data in missing.items():
                path = Path(work) / f"{key}.{source_ext}"
                path.write_bytes(data)
                inputs.append(str(path))
            outdir = Path(work) / "out"
            # A private profile: a running LibreOffice (or a parallel test worker) would otherwise
            # hold the profile lock and make this call return without converting anything.
            profile = (Path(work) / "profile").as_uri()
            command = [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                target_ext,
                "--outdir",
                str(outdir),
                *inputs,
            ]
            result = subprocess.run(command, capture_output=True, timeout=300, check=False)
            for key in missing:
                produced = outdir / f"{key}.{target_ext}"
                if not produced.exists():
                    raise RuntimeError(
                        f"soffice did not convert {key}.{source_ext} to .{target_ext} "
                        f"(exit {result.returncode}): {result.stderr.decode(errors='replace')[-500:]}"
                    )
                temporary = cache / f".{key}.{target_ext}.{os.getpid()}"
                shutil.copyfile(produced, temporary)
                os.replace(temporary, cache / f"{key}.{target_ext}")
    return {key: (cache / f"{key}.{target_ext}").read_bytes() for key in sources}


# -- ZIP / JPG --------------------------------------------------------------------------------


def report_zip(files: dict[str, bytes]) -> bytes:
    """A ZIP archive of ``{file name: bytes}`` (the report's files bundled for download)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2021, 1, 28, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def report_jpg(report: SeedReport, max_lines: int = 40) -> bytes:
    """The report's first page as a scanned image (JPEG): text that only OCR can read."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    if not Path(font_path).exists():
        raise RuntimeError(f"{font_path} (Debian fonts-wqy-zenhei) is needed to draw report images")
    font = ImageFont.truetype(font_path, 22)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    y = 80
    lines = [line.strip() for line in report.text.splitlines() if line.strip()]
    for line in lines[:max_lines]:
        for piece in _wrap(line.replace("\t", "  "), 1080, lambda s: draw.textlength(s, font=font)):
            draw.text((80, y), piece, font=font, fill=0)
            y += 36
        if y > 1650:
            break
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
