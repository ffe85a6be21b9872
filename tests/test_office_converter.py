"""The long-lived LibreOffice (extract/documents/office.py): one per process, reused from one
DOC to the next, gone with the worker that started it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from extract.documents import DocumentError, office, read_document
from extract.workers import WorkerPool
from tests import document_samples as samples

pytestmark = pytest.mark.skipif(
    not office._has_uno(), reason="python3-uno (scripts/install-system-packages.sh) is missing"
)


@pytest.fixture(scope="module")
def doc_bytes(tmp_path_factory) -> bytes:
    return samples.convert_to_doc(samples.report_docx(), tmp_path_factory.mktemp("doc"))


def read_in_worker(task: str, payload: bytes):
    if task == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    text = read_document(payload, filename="report.doc").text
    return text, office._bridge.process.pid


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_one_libreoffice_reads_doc_after_doc_and_dies_with_its_worker(doc_bytes):
    with WorkerPool(read_in_worker, jobs=1) as pool:
        tasks = [("read", (("read", doc_bytes))), ("again", ("read", doc_bytes))]
        tasks.append(("die", ("die", b"")))
        outcomes = dict(pool.map_ordered((name, args) for name, args in tasks))
    (text, bridge), (text_again, bridge_again) = outcomes["read"], outcomes["again"]
    assert "行政规范性文件" in text and text_again == text
    assert bridge_again == bridge  # the same LibreOffice read both
    deadline = time.monotonic() + 15
    while alive(bridge) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(bridge)


def test_a_document_libreoffice_cannot_load_is_an_error_without_a_second_start(doc_bytes):
    with pytest.raises(DocumentError, match="soffice failed"):
        read_document(doc_bytes[:3000], filename="report.doc")
