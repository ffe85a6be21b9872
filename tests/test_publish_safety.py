"""Publishing safely: 404s are 404s, no free SQL, capped SQLite, no server paths, an immutable
database whose bytes serving never changes, only http(s) links, no decompression bomb."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from publish.serve import build_datasette
from tests.test_publish_fixtures import build_published

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return build_published(tmp_path_factory.mktemp("safety"))


@pytest.fixture(scope="module")
def datasette(published):
    return build_datasette(published.db_path, archive_dir=published.archive_dir)


def get(datasette, path, **kwargs):
    return asyncio.run(datasette.client.get(path, follow_redirects=True, **kwargs))


@pytest.mark.parametrize(
    "path", ["/no-such-page", "/nianbao/no_such_table", "/nianbao/no_such_table.json", "/-/x"]
)
def test_a_missing_page_is_a_404_not_a_500(datasette, path):
    assert get(datasette, path).status_code == 404


def test_the_plugin_stylesheet_loads_from_the_url_every_page_names(datasette):
    page = get(datasette, "/nianbao/reports").text
    css = [href for href in _hrefs(page) if href.endswith("nianbao.css")]
    assert css, "the pages name no nianbao.css"
    response = get(datasette, css[0])
    assert response.status_code == 200 and "col-title" in response.text


def _hrefs(page: str) -> list[str]:
    import re

    return re.findall(r'href="([^"]+)"', page)


def test_free_sql_is_off_but_canned_queries_and_charts_work(datasette):
    assert get(datasette, "/nianbao.json?sql=select+1").status_code == 403
    assert get(datasette, "/nianbao/inconsistent_reports.json?year=&place=").status_code == 200
    assert get(datasette, "/-/dashboards/nianbao").status_code == 200
    chart = json.loads((ROOT / "publish" / "metadata.json").read_text(encoding="utf-8"))["plugins"][
        "datasette-dashboards"
    ]["nianbao"]["charts"]["requests-by-year"]["query"]
    from datasette_dashboards import replace_opts_in_query

    sql = replace_opts_in_query(chart, {})
    assert get(datasette, f"/nianbao.json?sql={quote(sql)}").status_code == 200
    assert get(datasette, f"/nianbao.json?sql={quote(sql + ' ')}").status_code == 403


@pytest.mark.parametrize(
    "sql",
    ["select hex(fts3_tokenizer('simple'))", "select load_extension('libc.so.6')"],
)
def test_sqlite_denies_dangerous_functions(datasette, sql):
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        asyncio.run(datasette.get_database("nianbao").execute(sql))


def test_sqlite_caps_the_length_of_a_value(datasette):
    database = datasette.get_database("nianbao")
    with pytest.raises(sqlite3.DatabaseError, match="too big"):
        asyncio.run(database.execute("select length(zeroblob(900000000))"))
    # printf stops at the cap and answers NULL instead of allocating 200 MB.
    rows = asyncio.run(database.execute("select printf('%.*c', 200000000, 'x') is null")).rows
    assert rows[0][0] == 1


def test_no_server_paths_in_metadata_or_databases(datasette, published):
    for path in ("/-/metadata.json", "/-/databases.json", "/-/metadata", "/-/databases"):
        response = get(datasette, path)
        assert response.status_code == 200
        assert str(published.archive_dir.parent) not in response.text, path
        assert str(published.archive_dir.resolve().parent) not in response.text, path
    databases = get(datasette, "/-/databases.json").json()
    assert [(d["name"], d["path"], d["is_mutable"]) for d in databases] == [
        ("nianbao", "nianbao.db", False)
    ]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_serving_changes_no_byte_of_the_database(published, tmp_path):
    db_path = tmp_path / "nianbao.db"
    shutil.copy(published.db_path, db_path)
    before = sha256(db_path)
    datasette = build_datasette(db_path, archive_dir=published.archive_dir)
    for path in (
        "/",
        "/nianbao",
        "/nianbao/reports?_search=行政复议",
        "/nianbao/report_requests_summary",
        "/-/search?q=依申请公开",
        "/-/report/changle2022",
        "/-/cite/changle2022",
        "/-/dashboards/nianbao",
    ):
        assert get(datasette, path).status_code == 200, path
    assert sha256(db_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nianbao.db"]  # no -wal, -shm, -journal


def test_an_unprepared_database_is_refused_not_changed(tmp_path):
    path = tmp_path / "raw.db"
    sqlite3.connect(path).execute("create table reports (id text)").connection.close()
    before = sha256(path)
    with pytest.raises(RuntimeError, match="publish prepare"):
        build_datasette(path)
    assert sha256(path) == before


def test_javascript_urls_are_never_links(published, tmp_path):
    db_path = tmp_path / "nianbao.db"
    shutil.copy(published.db_path, db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "update reports set source_url = 'javascript:alert(document.domain)//a.html', "
            "page_url = ' JavaScript:alert(1)' where id = 'changle2022'"
        )
        conn.execute(
            "update documents set url = 'javascript:alert(2)//b.pdf' where report_id = 'changle2022'"
        )
    conn.close()
    datasette = build_datasette(db_path, archive_dir=published.archive_dir)
    for path in (
        "/-/cite/changle2022",
        "/-/report/changle2022",
        "/nianbao/reports/changle2022",
        "/nianbao/documents",
    ):
        page = get(datasette, path).text
        assert "javascript:alert" in page.lower() or path == "/nianbao/documents"
        assert 'href="javascript' not in page.lower() and "href=' javascript" not in page.lower()
        assert 'href=" javascript' not in page.lower(), path


def test_csv_with_a_bom_for_excel_on_request(datasette):
    plain = get(datasette, "/nianbao/report_requests_summary.csv").content
    excel = get(datasette, "/nianbao/report_requests_summary.csv?_bom=1").content
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel == b"\xef\xbb\xbf" + plain
    page = get(datasette, "/nianbao/report_requests_summary").text
    assert "_bom=1&_dl=1" in page and "CSV（Excel" in page  # the link labelled for Excel


BOMB_SERVER = """
import sys, zlib
from archive.reader import ArchivedRecord
from publish.originals import original_response

size = int(sys.argv[1])
deflater = zlib.compressobj(9, zlib.DEFLATED, 31)
zeros = bytes(1 << 20)
body = b"".join(deflater.compress(zeros) for _ in range(size >> 20)) + deflater.flush()
record = ArchivedRecord(
    filename="x.warc.gz", offset=0, length=len(body), rec_type="response",
    record_id="<urn:uuid:00000000-0000-4000-8000-000000000001>",
    target_uri="http://bomb.gov.cn/a.html", date="2024-05-01T00:00:00Z", concurrent_to=None,
    refers_to=None, payload_digest=None, block_digest=None, http_status=200, http_reason="OK",
    http_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
    content_type="text/html", payload=body,
)
for accept, decoded in ((None, False), ("identity", True)):
    status, headers, out, content_type = original_response(record, accept, decoded=decoded)
    assert len(out) == len(body) and "Content-Encoding" not in headers, headers
    assert headers["Content-Disposition"].startswith("attachment"), headers
# VmHWM, not ru_maxrss: Linux folds the starting process's peak (a test runner) into ru_maxrss.
peak_mb = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(len(body), peak_mb)
"""


def test_a_gzip_bomb_is_never_inflated_on_the_server():
    """1 GiB of zeros in a ~1 MB gzip body: sent as stored, peak memory stays small."""
    result = subprocess.run(
        [sys.executable, "-c", BOMB_SERVER, str(1 << 30)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    stored, peak_mb = result.stdout.split()
    assert int(stored) < 2 << 20
    assert float(peak_mb) < 300, f"peak RSS {peak_mb} MB"
