"""What the browser-only imitation sites are made of: a :class:`Site` (its host, start page and
answer key), the HTML of a column, list and report page, and small reply helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from imitation.model import Reply
from nianbao.format import section_headings

# The first five headings: a short report page, as the challenge sites serve it.
SECTIONS = section_headings()[:5]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + b"% report body\n" * 40 + b"%%EOF\n"


@dataclass
class Site:
    host: str
    name: str
    region_code: str
    start_path: str
    render: str = "auto"
    report_paths: list[str] = field(default_factory=list)
    attachment_paths: list[str] = field(default_factory=list)

    @property
    def start_url(self) -> str:
        return f"http://{self.host}{self.start_path}"

    @property
    def report_urls(self) -> set[str]:
        return {f"http://{self.host}{p}" for p in self.report_paths}

    @property
    def attachment_urls(self) -> set[str]:
        return {f"http://{self.host}{p}" for p in self.attachment_paths}

    def add_reports(self, agencies, page_path, attachment_path) -> tuple[dict[str, str], str]:
        """A 2021 report page per agency, each with one PDF; returns the pages and their list page.

        ``page_path(i)`` and ``attachment_path(i)`` give the i-th report's paths."""
        pages, items = {}, []
        for i, agency in enumerate(agencies):
            path, attachment = page_path(i), attachment_path(i)
            title = f"{agency}2021年政府信息公开工作年度报告"
            pages[path] = report_html(title, (attachment, f"{title}.pdf"))
            items.append((path, title))
            self.report_paths.append(path)
            self.attachment_paths.append(attachment)
        return pages, list_html(f"政府信息公开年报_{self.name}", items)


def page_html(title: str, main: str, *, scripts: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>"
        '<div class="header"><a href="/">首页</a></div>'
        f'<div class="main">{main}</div><div class="footer">网站标识码：3707000001</div>'
        f"{scripts}</body></html>"
    )


def report_html(title: str, attachment: tuple[str, str] | None = None, scripts: str = "") -> str:
    sections = "".join(
        f"<h3>{heading}</h3><p>本年度{escape(title[:6])}依法做好政府信息公开工作，"
        "主动公开信息312条，收到申请15件，均已按期答复。</p>"
        for heading in SECTIONS
    )
    files = ""
    if attachment:
        href, text = attachment
        files = f'<p class="fj">附件：<a href="{escape(href)}">{escape(text)}</a></p>'
    return page_html(
        f"{title}_{title[:3]}人民政府",
        f'<h1 class="title">{escape(title)}</h1><div class="content">{sections}{files}</div>',
        scripts=scripts,
    )


def list_html(title: str, items: list[tuple[str, str]]) -> str:
    rows = "".join(
        f'<li><a href="{escape(h)}">{escape(t)}</a><span>2022-01-20</span></li>' for h, t in items
    )
    return page_html(title, f'<h2>{escape(title)}</h2><ul class="news-list">{rows}</ul>')


def static(reply: Reply):
    """A handler that always gives the same reply."""
    return lambda req: reply


def parse_cookies(header: str | None) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in (header or "").split(";"))
    return {key: value for key, sep, value in pairs if sep}
