"""The site as a person uses it, in headless Chromium: search, a report, its citation, the
preserved PDF and page, the charts. Screenshots go to tests/output/ for review."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from publish.serve import build_datasette
from tests.test_publish_fixtures import build_published

OUTPUT = Path(__file__).resolve().parent / "output"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return build_published(tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="module")
def site(published):
    """The site served on 127.0.0.1 (an ephemeral port) for the module's tests, then stopped."""
    datasette = build_datasette(published.db_path, archive_dir=published.archive_dir)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(datasette.app(), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    OUTPUT.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_search_report_citation_and_preserved_pdf(site, page, published):
    page.goto(site + "/")
    page.screenshot(path=OUTPUT / "publish-home.png")
    page.fill("input[name=q]", "依申请公开")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/-/search?q=*")
    results = page.locator("a.report-link")
    assert results.count() == len(published.captures)
    assert page.locator("mark", has_text="依申请公开").count() >= 1
    page.screenshot(path=OUTPUT / "publish-search.png", full_page=True)

    results.filter(has_text="安丘市卫生健康局2020年").click()
    page.wait_for_url("**/nianbao/reports/anqiu2020")
    page.screenshot(path=OUTPUT / "publish-report.png")
    page.locator("td.col-title a", has_text="引用 cite").click()
    page.wait_for_url("**/-/cite/anqiu2020")
    capture = published.captures["anqiu2020"]
    gbt = page.locator("#cite-gbt7714").input_value()
    assert gbt.startswith(
        "安丘市卫生健康局. 安丘市卫生健康局2020年政府信息公开工作年度报告[EB/OL]. (2021-01-28)[2024-05-01]. "
    )
    assert capture.url in gbt
    page.screenshot(path=OUTPUT / "publish-cite.png", full_page=True)

    with page.expect_response(lambda r: "/-/original/" in r.url) as answer:
        page.click("#preserved-link")
    response = answer.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    # The viewer replaces the document, so fetch what the link serves alongside: the archived bytes.
    assert page.request.get(response.url).body() == capture.body
    page.wait_for_timeout(500)
    assert any(
        frame.url.startswith("chrome-extension://") for frame in page.frames
    )  # the PDF viewer opened it
    page.screenshot(path=OUTPUT / "publish-pdf.png")


def test_preserved_page_shows_its_text_but_runs_no_script(site, page, published):
    capture = published.captures["changle2020"]
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(f"{site}/-/cite/changle2020")
    page.click("#preserved-link")
    page.wait_for_selector("#zoom")
    assert (
        page.title() == "昌乐县卫生健康局2020年政府信息公开工作年度报告"
    )  # the archived script would change it
    assert "行政复议" in page.inner_text("#zoom")
    assert (
        page.evaluate("() => window.origin") == "null"
    )  # sandboxed: an opaque origin, not Datasette's
    assert any("allow-scripts" in message for message in messages), messages
    page.screenshot(path=OUTPUT / "publish-original-html.png")
    assert capture.encoding == "gzip"


def test_table_search_and_charts_render(site, page):
    page.goto(site + "/nianbao/reports")
    page.fill("input[name=_search]", "复议")
    page.press("input[name=_search]", "Enter")
    page.wait_for_url("**_search=*")
    assert page.locator("td.col-id").count() == 7
    page.goto(site + "/-/dashboards/nianbao")
    for chart in ("requests-by-year", "outcomes-by-year", "outcome-share"):
        page.wait_for_selector(f"#chart-{chart} canvas, #chart-{chart} svg")
    page.wait_for_timeout(500)
    page.screenshot(path=OUTPUT / "publish-charts.png", full_page=True)
    page.select_option("select#agency", "昌乐县卫生健康局")
    page.click("input[type=submit]")
    page.wait_for_url("**agency=*")
    page.wait_for_selector("#chart-requests-by-year canvas, #chart-requests-by-year svg")
