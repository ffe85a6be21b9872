"""A report as a county department publishes a printed, stamped and scanned one.

The generated PDF is rendered to page images at scanner resolution (150 dpi by default), and
each page gets what a scanner and a seal do to it: a slight rotation, blur, sensor noise, JPEG
compression, and a red official seal (公章) stamped over the text. The result is a PDF of
page images with no text layer (``render_scan_pdf``) or one page as a JPG/PNG
(``render_scan_image``), so an extractor has to read it by OCR; the values are the report's
own (``report.values``).
"""

from __future__ import annotations

import io
import math
import random

import numpy
import pypdfium2
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from .model import GeneratedReport
from .render_pdf import render_pdf

SCAN_DPI = 150
SEAL_RED = (218, 37, 29)
# A CJK font for the seal's ring text (installed with the project's Debian packages).
SEAL_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def scan_pages(
    report: GeneratedReport,
    *,
    dpi: int = SCAN_DPI,
    seed: int = 0,
    max_rotation: float = 0.8,
    blur: float = 0.6,
) -> list[Image.Image]:
    """The report's pages as noisy scanned RGB images (the same arguments give the same pixels)."""
    rng = random.Random(f"scan:{seed}")
    document = pypdfium2.PdfDocument(render_pdf(report))
    pages = []
    for index in range(len(document)):
        page = document[index].render(scale=dpi / 72).to_pil().convert("RGB")
        page = _stamp(page, rng, report.agency, dpi)
        angle = rng.uniform(-max_rotation, max_rotation)
        page = page.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor="white")
        page = page.filter(ImageFilter.GaussianBlur(blur))
        pages.append(_noisy(page, rng))
    document.close()
    return pages


def render_scan_pdf(report: GeneratedReport, **options) -> bytes:
    """The scanned report as a PDF of JPEG page images, without any text layer."""
    pages = scan_pages(report, **options)
    out = io.BytesIO()
    dpi = options.get("dpi", SCAN_DPI)
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=80)
    return out.getvalue()


def render_scan_image(
    report: GeneratedReport, page: int = 0, *, image_format: str = "JPEG", **options
) -> bytes:
    """One scanned page as image bytes ('JPEG' or 'PNG')."""
    image = scan_pages(report, **options)[page]
    out = io.BytesIO()
    image.save(out, image_format, **({"quality": 80} if image_format == "JPEG" else {}))
    return out.getvalue()


def _stamp(page: Image.Image, rng: random.Random, agency: str, dpi: int) -> Image.Image:
    """A red seal, ink partly transparent, over text in the lower half of the page."""
    radius = int(dpi * 0.8)  # a 4 cm seal
    size = 2 * radius + 4
    seal = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(seal)
    centre = size / 2
    width = max(3, radius // 14)
    draw.ellipse((2, 2, size - 2, size - 2), outline=255, width=width)
    _star(draw, centre, centre, radius * 0.28)
    font = ImageFont.truetype(SEAL_FONT, int(radius * 0.22))
    name = (agency or "人民政府")[:14]
    for position, char in enumerate(name):
        angle = math.pi * (0.85 + 1.3 * position / max(len(name) - 1, 1))
        x = centre + radius * 0.72 * math.cos(angle)
        y = centre + radius * 0.72 * math.sin(angle)
        draw.text((x, y), char, fill=255, font=font, anchor="mm")
    seal = seal.rotate(rng.uniform(-30, 30), resample=Image.BICUBIC)
    alpha = seal.point(lambda level: int(level * 0.8))
    left = rng.randint(page.width // 4, page.width - size - page.width // 10)
    top = rng.randint(page.height // 2, page.height - size - page.height // 20)
    stamped = page.copy()
    # Ink over paper multiplies: black text stays black under the seal, white turns red.
    red = Image.new("RGB", (size, size), SEAL_RED)
    region = stamped.crop((left, top, left + size, top + size))
    inked = Image.composite(ImageChops.multiply(region, red), region, alpha)
    stamped.paste(inked, (left, top))
    return stamped


def _star(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float) -> None:
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + index * math.pi / 5
        points.append((x + r * math.cos(angle), y + r * math.sin(angle)))
    draw.polygon(points, fill=255)


def _noisy(page: Image.Image, rng: random.Random) -> Image.Image:
    """Sensor noise, then a round trip through JPEG as a scanner's default output."""
    pixels = numpy.asarray(page, dtype=numpy.int16)
    noise = numpy.random.default_rng(rng.randrange(2**32)).normal(0, 8, pixels.shape[:2])
    pixels = numpy.clip(pixels + noise[..., None].astype(numpy.int16), 0, 255).astype(numpy.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=75)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")
