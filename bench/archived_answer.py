"""What answering from the archive costs (a recrawl's 304, a resumed request): whole or head only.

    python bench/archived_answer.py [--pages 1,2,10] [--number 10]

Archives one scanned report per page count (a PDF of the imitation farm's report scans, about
0.5 MB a page; like most PDFs it hardly compresses, yet gzip stores it as Huffman-coded blocks
that cost real time to inflate) and an HTML page, then times each answer as it was before
issue 15 (the whole record read, the response built with its body) and as it is now
(``crawler.resume.answer_from_archive``: a file's head only, a page whole), and the peak memory
each allocates (tracemalloc). JSON: ``bench/results/archived_answer.json``.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import timeit
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import RESULTS_DIR, table, use_project_imports, write_json

use_project_imports()

from PIL import Image  # noqa: E402
from scrapy import Request  # noqa: E402
from scrapy.responsetypes import responsetypes  # noqa: E402

from archive.exchange import Exchange  # noqa: E402
from archive.reader import read_record  # noqa: E402
from archive.writer import WarcArchive  # noqa: E402
from crawler.resume import answer_from_archive, http_headers  # noqa: E402
from imitation.documents import report_jpg, seed_report  # noqa: E402

HOST = "www.example.gov.cn"
PAGE = ("<html><body>" + "<p>政府信息公开工作年度报告</p>" * 400 + "</body></html>").encode()


def exchange(path: str, content_type: str, body: bytes) -> Exchange:
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
        f'Content-Length: {len(body)}\r\nETag: "v1"\r\n\r\n'
    ).encode()
    return Exchange(f"http://{HOST}{path}", request, head, body)


def scanned_pdf(pages: int) -> bytes:
    scan = Image.open(io.BytesIO(report_jpg(seed_report("001"))))
    out = io.BytesIO()
    scan.save(out, "PDF", save_all=True, append_images=[scan] * (pages - 1), resolution=150)
    return out.getvalue()


def measure(path: Path, offset: int, url: str, number: int) -> dict:
    request = Request(url)

    def whole():  # as crawler.resume.archived_response answered before
        record = read_record(path, offset)
        headers = http_headers(record)
        cls = responsetypes.from_args(headers=headers, url=url, body=record.payload)
        return cls(url=url, status=200, headers=headers, body=record.payload, request=request)

    def answer():
        return answer_from_archive(request, path, offset, ["archived", "not-modified"])

    row = {}
    for name, call in (("before", whole), ("now", answer)):
        call()  # warm the page cache
        row[f"{name}_ms"] = round(
            min(timeit.repeat(call, number=number, repeat=3)) / number * 1e3, 3
        )
        tracemalloc.start()
        call()
        row[f"{name}_peak_kib"] = round(tracemalloc.get_traced_memory()[1] / 1024, 1)
        tracemalloc.stop()
    row["speedup"] = round(row["before_ms"] / row["now_ms"], 1)
    return row


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pages", default="1,2,10", help="pages of each scanned PDF, comma-separated"
    )
    parser.add_argument("--number", type=int, default=10, help="calls per timing")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "archived_answer.json")
    args = parser.parse_args(argv)
    counts = [int(pages) for pages in args.pages.split(",")]
    rows = {}
    with tempfile.TemporaryDirectory(prefix="bench-answer-") as directory:
        with WarcArchive(Path(directory), started=datetime.now(timezone.utc)) as archive:
            where = {"page": archive.write_exchange(exchange("/a.html", "text/html", PAGE))}
            for pages in counts:
                body = scanned_pdf(pages)
                where[f"pdf {len(body) / 1e6:.1f} MB"] = archive.write_exchange(
                    exchange(f"/nb-{pages}.pdf", "application/pdf", body)
                )
        for name, location in where.items():
            url = f"http://{HOST}/a.html" if name == "page" else f"http://{HOST}/nb.pdf"
            path = Path(directory) / location.filename
            rows[name] = measure(path, location.offset, url, args.number)
    print(
        table(
            ["answer", "before ms", "now ms", "speed-up", "before peak KiB", "now peak KiB"],
            [
                [
                    name,
                    r["before_ms"],
                    r["now_ms"],
                    r["speedup"],
                    r["before_peak_kib"],
                    r["now_peak_kib"],
                ]
                for name, r in rows.items()
            ],
        )
    )
    result = {"answers": rows, "number": args.number}
    print(f"\nwrote {write_json(args.json, result)}")
    return result


if __name__ == "__main__":
    main()
