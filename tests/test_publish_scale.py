"""bench/publish_scale.py on a tiny size: it generates, prepares, serves and times every page,
and writes its JSON with the documented keys. No timing is judged here."""

from __future__ import annotations

from tests.test_bench import run_benchmark


def test_publish_scale_times_every_page_without_errors(tmp_path):
    data = run_benchmark("publish_scale", tmp_path / "publish_scale.json")
    assert data["reports"] == 300 and {"p95_ms", "max_ms", "cpu_p95_ms"} <= set(data)
    (size,) = data["sizes"]
    assert size["cells"] > 300 * 50 and size["checks"] == 300 * 5
    assert size["errors"] == [], "every page and query answers 200"
    pages = size["pages"]
    assert {"report page", "search common", "query compare_agencies", "summary (facets)"} <= set(
        pages
    )
    assert any(name.startswith("chart ") for name in pages)
