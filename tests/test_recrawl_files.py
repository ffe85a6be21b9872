"""A recrawl answers a 304 for a file from its archived head alone (issue 15).

One imitation site on 127.0.0.1 with validators honoured: a home page linking a report page and,
from a download script without a file name, a scanned report (PDF); the report page attaches
another. After the first crawl the tail of each archived PDF's gzip member is spoilt: a recrawl
that read an unchanged file's archived payload would find it unreadable and fetch the file again
in full. Instead every 304 is a revisit, the files are still reported (with their
Content-Disposition names), and the 304'd pages are still parsed, so their links are followed.
"""

from __future__ import annotations

import io
import subprocess
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from archive.reader import iter_records
from archive.record_parts import REVISIT_PROFILES
from imitation.crawl_run import proxy_env, scrapy_crawl
from imitation.documents import report_jpg, seed_report
from imitation.farm import Farm, FarmState
from imitation.farm_expected import Expected
from imitation.model import Reply, html_reply
from imitation.recrawl_sites import RecrawlFarm, Validators
from imitation.server import GovFarmServer
from tests.crawling import FAST, ROOT, read_items

HOST = "www.shouguang.gov.cn"
GOV = "寿光市人民政府"
SITE = f"http://{HOST}"
REPORT_PAGE = f"{SITE}/art/2024/1/20/art_1229_101.html"
ATTACHED_PDF = f"{SITE}/upload/2024/01/P020240120512.pdf"
SCRIPT_PDF = f"{SITE}/module/download/showfile.jsp?id=42"  # a page link that answers a file
PDF_URLS = (ATTACHED_PDF, SCRIPT_PDF)
SPOILT_FROM = 64 * 1024  # past the first gzip block a head read decompresses


def scanned_pdf(year: int) -> bytes:
    """A report as a scan in a PDF, as many small governments publish them (~0.3 MB)."""
    report = seed_report("001", agency=GOV, year=year, place="寿光市")
    out = io.BytesIO()
    Image.open(io.BytesIO(report_jpg(report))).save(out, "PDF", resolution=150)
    return out.getvalue()


def shouguang() -> Farm:
    title = f"{GOV}{{}}年政府信息公开工作年度报告"
    home = html_reply(
        f"<html><head><title>{GOV}</title></head><body><h2>政务公开</h2><ul>"
        f'<li><a href="{REPORT_PAGE}">{title.format(2023)}</a></li>'
        f'<li><a href="{SCRIPT_PDF}">{title.format(2022)}</a></li></ul></body></html>'
    )
    page = html_reply(
        f"<html><head><title>{title.format(2023)}</title></head><body>"
        f"<h1>{title.format(2023)}</h1><p>根据《中华人民共和国政府信息公开条例》，现公布{GOV}"
        f"2023年政府信息公开工作年度报告。</p>"
        f'<p>附件：<a href="{ATTACHED_PDF}">{title.format(2023)}.pdf</a></p></body></html>'
    )
    attached, scripted = scanned_pdf(2023), scanned_pdf(2022)
    disposition = f"attachment; filename*=UTF-8''{quote(GOV)}2022.pdf"
    routes = {
        ("GET", "/"): lambda req: home,
        ("GET", "/art/2024/1/20/art_1229_101.html"): lambda req: page,
        ("GET", "/upload/2024/01/P020240120512.pdf"): lambda req: Reply(
            headers=[("Content-Type", "application/pdf")], body=attached
        ),
        ("GET", "/module/download/showfile.jsp"): lambda req: Reply(
            headers=[("Content-Type", "application/pdf"), ("Content-Disposition", disposition)],
            body=scripted,
        ),
    }
    row = {
        "name": GOV,
        "region_code": "370783",
        "level": "county",
        "url": f"{SITE}/",
        "allowed_domains": HOST,
        "robots": "obey",
    }
    return Farm({HOST: routes}, [row], Expected([]), FarmState())


def crawl(out: Path, server: GovFarmServer, name: str) -> tuple[list[dict], str]:
    # DEBUG: Scrapy logs each response's flags ("Crawled (200) <GET ...> [...]").
    settings = {"ARCHIVE_DIR": out / "warc", "JOBDIR": out / "job", **FAST, "LOG_LEVEL": "DEBUG"}
    command = scrapy_crawl(out / "sites.csv", out / f"{name}.jsonl", settings)
    result = subprocess.run(
        command, cwd=ROOT, env=proxy_env(server), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return read_items(out / f"{name}.jsonl"), result.stderr


def spoil_payload_tails(warc_dir: Path, urls) -> int:
    """Overwrite the second half of each of ``urls``' response members: their heads stay readable,
    their payloads do not. Returns how many were spoilt."""
    spoilt = 0
    for path in sorted(warc_dir.glob("*.warc.gz")):
        members = [
            (r.offset, r.length)
            for r in iter_records(path, with_payload=False)
            if r.rec_type == "response" and r.target_uri in urls
        ]
        with open(path, "r+b") as stream:
            for offset, length in members:
                assert length > 2 * SPOILT_FROM, "the PDF is too small to spoil past its head"
                stream.seek(offset + length // 2)
                stream.write(b"\xff" * (length // 4))
                spoilt += 1
    return spoilt


@pytest.fixture(scope="module")
def recrawled(tmp_path_factory):
    out = tmp_path_factory.mktemp("recrawl-files")
    farm = shouguang()
    (out / "sites.csv").write_text(farm.sites_csv(), encoding="utf-8")
    site = RecrawlFarm(farm, {HOST: Validators(etag=True, last_modified=True, honoured=True)})
    with GovFarmServer(site.hosts) as server:
        first, _ = crawl(out, server, "first")
        assert spoil_payload_tails(out / "warc", PDF_URLS) == 2
        first_files = set((out / "warc").glob("*.warc.gz"))
        time.sleep(1.1)  # WARC file names carry the crawl's start to the second
        server.reset_log()
        second, log = crawl(out, server, "second")
        sent = [(s.url, s.status) for s in server.sent]
    new_files = sorted(set((out / "warc").glob("*.warc.gz")) - first_files)
    return first, second, log, sent, new_files


def test_a_304_for_a_file_is_answered_without_reading_its_archived_payload(recrawled):
    _first, _second, log, sent, _files = recrawled
    statuses = Counter(sent)
    for url in (f"{SITE}/", REPORT_PAGE, *PDF_URLS):
        assert statuses[(url, 304)] == 1, (url, sent)
    assert not [s for s in sent if s[1] == 200 and s[0] in PDF_URLS]  # no fetch in full
    assert "cannot be read" not in log
    flagged = [line for line in log.splitlines() if "Crawled (200)" in line]
    for url in PDF_URLS:
        [line] = [line for line in flagged if f"<GET {url}>" in line]
        assert "'not-modified', 'payload-not-read'" in line, line
    for url in (f"{SITE}/", REPORT_PAGE):  # pages are read whole: the spider parses them
        [line] = [line for line in flagged if f"<GET {url}>" in line]
        assert "'not-modified'" in line and "payload-not-read" not in line, line


def test_the_files_are_still_reported_and_the_pages_still_followed(recrawled):
    first, second, _log, _sent, _files = recrawled

    def found(items):
        return sorted((i["type"], i["url"], i.get("filename")) for i in items)

    assert found(second) == found(first)
    # The report page was reached through the 304'd home page, the PDF through the report page.
    assert {
        ("report", REPORT_PAGE, None),
        ("attachment", ATTACHED_PDF, "P020240120512.pdf"),
    } <= set(found(second))
    # Its name from the archived Content-Disposition, though its payload was never read.
    assert ("attachment", SCRIPT_PDF, f"{GOV}2022.pdf") in found(second)


def test_each_unchanged_file_is_a_not_modified_revisit(recrawled):
    _first, _second, _log, _sent, files = recrawled
    records = {}
    for path in files:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type in ("response", "revisit"):
                    records[record.rec_headers.get_header("WARC-Target-URI")] = record.rec_headers
    for url in (f"{SITE}/", REPORT_PAGE, *PDF_URLS):
        headers = records[url]
        assert headers.get_header("WARC-Type") == "revisit", url
        assert headers.get_header("WARC-Profile") == REVISIT_PROFILES["server-not-modified"]
        assert headers.get_header("WARC-Refers-To-Target-URI") == url
