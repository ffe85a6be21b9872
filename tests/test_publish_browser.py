"""The site as a person uses it, in headless Chromium: search, a report, its citation, the
preserved PDF and page, one county over the years, reports that do not add up, two agencies
side by side, a CSV for Excel, the charts. Every page a test visits must load every
sub-resource without a 4xx/5xx answer. Screenshots go to tests/output/ for review."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect

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
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    failed = []
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    yield page
    context.close()
    assert not failed, f"answers with an error status: {failed}"


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

    page.locator("li", has_text="安丘市卫生健康局2020年").locator("a", has_text="报告页").click()
    page.wait_for_url("**/-/report/anqiu2020")
    assert page.locator("h1").inner_text() == "安丘市卫生健康局2020年政府信息公开工作年度报告"
    assert page.locator("table.nianbao-printed").count() >= 3
    page.screenshot(path=OUTPUT / "publish-report.png", full_page=True)
    page.click("#cite-link")
    page.wait_for_url("**/-/cite/anqiu2020")
    capture = published.captures["anqiu2020"]
    gbt = page.locator("#cite-gbt7714").input_value()
    assert gbt.startswith(
        "安丘市卫生健康局. 安丘市卫生健康局2020年政府信息公开工作年度报告[EB/OL]. (2021-01-28)[2024-05-01]. "
    )
    assert capture.url in gbt
    page.click("button[data-target=cite-gbt7714]")
    # The copy is asynchronous (the clipboard API answers with a promise): wait for its word.
    expect(page.locator("button[data-target=cite-gbt7714]")).to_have_text("已复制 Copied")
    page.screenshot(path=OUTPUT / "publish-cite.png", full_page=True)

    page.click("#preserved-link")
    page.wait_for_url("**/-/archived/*")
    assert "存档副本" in page.locator(".nianbao-banner").inner_text()
    frame = page.locator("iframe.nianbao-original")
    original = site + frame.get_attribute("src")
    response = page.request.get(original)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body() == capture.body  # the archived bytes
    page.wait_for_timeout(500)
    page.screenshot(path=OUTPUT / "publish-pdf.png")


def test_preserved_page_shows_its_text_but_runs_no_script(site, page, published):
    capture = published.captures["changle2020"]
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(f"{site}/-/cite/changle2020")
    page.click("#preserved-link")
    page.wait_for_url("**/-/archived/*")
    page.screenshot(path=OUTPUT / "publish-archived-banner.png", full_page=True)
    page.goto(site + page.locator("iframe.nianbao-original").get_attribute("src"))
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


def test_one_county_over_the_years_and_two_agencies_side_by_side(site, page):
    page.goto(site + "/nianbao/place_requests_by_year")
    page.fill("input[name=place]", "昌乐")
    page.click("input[type=submit]")
    page.wait_for_url("**place=*")
    first_column = "table.rows-and-columns tbody tr td:first-child"
    years = page.locator(first_column).all_inner_texts()
    assert [y.strip() for y in years] == ["2019", "2020", "2022"]
    page.screenshot(path=OUTPUT / "publish-county-years.png", full_page=True)
    page.goto(site + "/nianbao/compare_agencies")
    page.fill("input[name=agencies]", "昌乐县 安丘市")
    page.fill("input[name=year]", "2020")
    page.click("input[type=submit]")
    page.wait_for_url("**agencies=*")
    agencies = {a.strip() for a in page.locator(first_column).all_inner_texts()}
    assert agencies == {"昌乐县卫生健康局", "安丘市卫生健康局"}
    page.screenshot(path=OUTPUT / "publish-compare.png", full_page=True)


def test_reports_that_do_not_add_up_and_why_then_csv_for_excel(site, page):
    page.goto(site + "/nianbao/inconsistent_reports?year=&place=")
    page.locator("td.col-report_id a", has_text="changle2022").first.click()
    page.wait_for_url("**/-/report/changle2022")
    assert "申请收支平衡" in page.locator("#failed-checks + ul").inner_text()
    assert page.locator("td.failing").count() == 4
    page.screenshot(path=OUTPUT / "publish-failing-check.png", full_page=True)
    with page.expect_download() as download:
        page.locator("a", has_text="CSV（Excel）").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and "本年新收" in content.decode("utf-8-sig")


def test_table_search_and_charts_render(site, page):
    page.goto(site + "/nianbao/reports")
    page.fill("input[name=_search]", "复议")
    page.press("input[name=_search]", "Enter")
    page.wait_for_url("**_search=*")
    assert page.locator("td.col-id").count() == 7
    title = page.locator("td.col-title").first
    assert title.bounding_box()["width"] > 150  # the stylesheet loaded: titles are readable
    page.goto(site + "/-/dashboards/nianbao")
    for chart in ("requests-by-year", "outcomes-by-year", "outcome-share", "requests-by-region"):
        page.wait_for_selector(f"#chart-{chart} canvas, #chart-{chart} svg")
    page.wait_for_timeout(500)
    page.screenshot(path=OUTPUT / "publish-charts.png", full_page=True)
    page.fill("input#agency", "卫生健康")
    page.click("input[type=submit]")
    page.wait_for_url("**agency=*")
    page.wait_for_selector("#chart-requests-by-year canvas, #chart-requests-by-year svg")
