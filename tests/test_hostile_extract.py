"""Hostile documents: decompression bombs cost their document an error row, the run goes on, and
the worker that read them stays under MEMORY_BOUND (issue 12, item 2).

The bombs (tests/bombs.py) are a few MB that inflate to GBs: a DOCX, the same DOCX inside a ZIP
(and two ZIPs deep), a DOCX whose ZIP lies about the part's size, a PDF with a 1.5 GiB flate
stream, and a 2 MB gzip-encoded HTML page of 2 GiB. Extraction runs in a child process, so its
peak RSS and its workers' (``RUSAGE_CHILDREN``) are measured apart from the test's own.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlite_utils

from archive.exchange import Exchange
from archive.writer import WarcArchive
from extract.documents import DocumentError, read_document
from extract.documents.bounds import TooLarge, check_pdf_streams
from extract.limits import MAX_PDF_STREAM
from extract.workers import WorkerFailure, WorkerLimits, WorkerPool
from imitation.reportgen import corpus, render_many
from tests import bombs

ROOT = Path(__file__).resolve().parents[1]
MiB = 1 << 20
MEMORY_BOUND = 500 * MiB
STARTED = datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def capture(path: str, body: bytes, content_type: str, *headers: str) -> Exchange:
    head = [
        "HTTP/1.1 200 OK",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
        *headers,
    ]
    return Exchange(
        url=f"http://www.bomb.gov.cn{path}",
        request_bytes=f"GET {path} HTTP/1.1\r\nHost: www.bomb.gov.cn\r\n\r\n".encode(),
        response_head=("\r\n".join(head) + "\r\n\r\n").encode(),
        response_body=body,
        started=STARTED,
    )


def hostile_captures() -> dict[str, Exchange]:
    docx_bomb = bombs.docx()
    return {
        "/report.docx": capture("/report.docx", docx_bomb, DOCX_TYPE),
        "/reports.zip": capture(
            "/reports.zip", bombs.zip_containing("年报.docx", docx_bomb), "application/zip"
        ),
        "/nested.zip": capture(
            "/nested.zip",
            bombs.zip_containing("inner.zip", bombs.zip_containing("年报.docx", docx_bomb)),
            "application/zip",
        ),
        "/lying.docx": capture("/lying.docx", bombs.docx(declared=MiB), DOCX_TYPE),
        "/report.pdf": capture("/report.pdf", bombs.pdf_with_flate_stream(), "application/pdf"),
        "/report.html": capture(
            "/report.html",
            bombs.gzip_html(),
            "text/html; charset=utf-8",
            "Content-Encoding: gzip",
        ),
    }


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> tuple[Path, dict]:
    """Bombs first, then an ordinary report: extracted by one worker in a child process."""
    directory = tmp_path_factory.mktemp("hostile")
    report = render_many(corpus(1, seed=3), "html_table")[0]
    with WarcArchive(directory / "warc", prefix="hostile", started=STARTED) as archive:
        for exchange in hostile_captures().values():
            archive.write_exchange(exchange, {"kind": "attachment"})
        archive.write_exchange(capture("/ok.html", report, "text/html; charset=utf-8"))
    db_path = directory / "nianbao.db"
    program = (
        "import json, resource, sys\n"
        "from extract.pipeline import extract_archive\n"
        "summary = extract_archive(sys.argv[1], sys.argv[2], jobs=1)\n"
        "usage = lambda who: resource.getrusage(who).ru_maxrss * 1024\n"
        # This process's own peak (VmHWM): ru_maxrss keeps the peak of the process that
        # started it (Linux folds it in at exec), here a test runner of any size.
        "status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "own_peak = int(status.split()[0]) * 1024\n"
        "print(json.dumps({'workers': usage(resource.RUSAGE_CHILDREN),"
        " 'parent': own_peak, 'reports': summary.reports}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program, str(directory / "warc"), str(db_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return db_path, json.loads(result.stdout.splitlines()[-1])


def errors_by_path(db_path: Path) -> dict[str, str]:
    db = sqlite_utils.Database(db_path)
    return {row["url"].split(".gov.cn", 1)[1]: row["reason"] for row in db["errors"].rows}


def test_every_bomb_is_an_error_row_with_its_reason(extracted):
    db_path, _ = extracted
    errors = errors_by_path(db_path)
    assert set(errors) == set(hostile_captures())
    for path in ("/report.docx", "/reports.zip", "/nested.zip", "/report.pdf", "/report.html"):
        assert "too large" in errors[path], (path, errors[path])
    # The lying ZIP is inflated only to the size it declares, then fails its CRC check.
    assert "CRC" in errors["/lying.docx"]


def test_the_run_goes_on_to_the_next_document(extracted):
    db_path, usage = extracted
    assert usage["reports"] == 1
    [document] = sqlite_utils.Database(db_path).query(
        "select is_report from documents where url like '%/ok.html'"
    )
    assert document["is_report"] == 1


def test_extraction_stays_under_the_memory_bound(extracted):
    _, usage = extracted
    print("peak RSS (bytes):", usage)  # shown with -s; the bound is what is asserted
    assert usage["workers"] < MEMORY_BOUND, usage
    assert usage["parent"] < MEMORY_BOUND, usage


# --- the worker pool: what the bounds miss still costs one document ---------------------------


def hostile(task: str) -> str:
    if task == "hog":
        return "x" * (4 << 30)  # past the address-space cap: MemoryError
    if task == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if task == "hang":
        time.sleep(60)
    if task == "raise":
        raise KeyError(task)
    return task.upper()


def test_a_worker_lost_to_memory_death_or_time_costs_one_document():
    tasks = ["a", "hog", "b", "die", "c", "hang", "d", "raise", "nothing", "e"]
    limits = WorkerLimits(address_space=1024 * MiB, seconds=3, documents=3)
    with WorkerPool(hostile, jobs=2, limits=limits) as pool:
        items = ((task, None if task == "nothing" else (task,)) for task in tasks)
        outcomes = dict(pool.map_ordered(items))
        assert pool.failures == 4
    assert list(outcomes) == tasks  # in order, none lost
    assert outcomes["nothing"] is None  # no arguments: nothing read, its place kept
    for task in "abcde":
        assert outcomes[task] == task.upper()
    reasons = {task: outcomes[task].reason for task in ("hog", "die", "hang", "raise")}
    assert all(isinstance(outcomes[task], WorkerFailure) for task in reasons)
    assert "memory limit" in reasons["hog"]
    assert "killed by signal 9" in reasons["die"]
    assert "time limit" in reasons["hang"]
    assert reasons["raise"] == "KeyError: 'raise'"


def slow_first(task: int) -> int:
    if task == 0:
        time.sleep(1)  # long enough for the other worker to fill the results held back
    return task


def test_a_slow_document_ahead_of_a_full_queue_of_results_does_not_stop_the_pool():
    # Worker A reads item 0 slowly while B reads the next ones: their results wait in order
    # until the queue is full; when item 0 comes back, all of them go out at once and both
    # workers are idle with items still to read (`make demo` stopped there: an OCR'd image).
    with WorkerPool(slow_first, jobs=2) as pool:
        outcomes = [outcome for _, outcome in pool.map_ordered((n, (n,)) for n in range(300))]
    assert outcomes == list(range(300))


def test_an_html_page_of_megabytes_of_markup_is_refused_before_parsing():
    row = "<tr><td>予以公开</td><td>1</td></tr>".encode()
    page = b"<html><body><table>" + row * ((5 * MiB) // len(row)) + b"</table></body></html>"
    with pytest.raises(DocumentError, match="too large: HTML page"):
        read_document(page, content_type="text/html")
    # A page as big whose bytes are a pasted image (a data: URI) is read.
    image = b"data:image/png;base64," + base64.b64encode(b"\x89PNG" + bytes(5 * MiB))
    page = (
        b"<html><body><div id='zoom'><p>2023\xe5\xb9\xb4</p><img src='"
        + image
        + b"'></div></body></html>"
    )
    assert read_document(page, content_type="text/html").text == "2023年"


def test_a_flate_bomb_behind_ascii85_is_refused_before_pdfminer_inflates_it():
    # Just past the bound: were the stream not counted, pdfminer would read it whole.
    bomb = bombs.pdf_with_flate_stream(MAX_PDF_STREAM + 16 * MiB, ascii85=True)
    assert b"/Filter [/ASCII85Decode /FlateDecode]" in bomb and len(bomb) < MiB
    # The pre-scan itself: without it pdfminer would spend minutes on the bomb, not fail.
    with pytest.raises(TooLarge, match="too large: a PDF stream inflates"):
        check_pdf_streams(bomb)


def test_a_small_ascii85_flate_stream_is_read():
    document = read_document(
        bombs.pdf_with_flate_stream(MiB, ascii85=True), content_type="application/pdf"
    )
    assert document.text.strip().startswith("x")
