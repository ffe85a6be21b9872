"""What a correct crawl of the farm finds: the answer key the crawler and extractor tests use."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExpectedAttachment:
    """A file linked from a report page.

    ``filename`` is the name a user sees for the file: the ``Content-Disposition`` name where the
    server sends one (the only place download links without a name in the URL carry it), else
    the link text, which the farm always writes as a file name.
    """

    url: str
    filename: str
    kind: str  # pdf | docx | doc | wps | xls | zip | jpg
    # How the name reaches the client: "link" (link text only), "rfc5987" (filename*=UTF-8''),
    # "gbk" (raw GBK bytes in filename="..."), "percent" (percent-encoded UTF-8 in filename=).
    name_source: str = "link"
    needs_referer: bool = False
    gzip: bool = False


@dataclass
class ExpectedReport:
    """An annual report of an agency inside the site's scope.

    ``url`` is where the report is read: its article page, or a flip-book's first page when the
    list links straight to the book. ``seed`` names the seed file whose gold values the report's
    tables carry; ``agency`` and ``year`` are what the report says (the seed re-attributed).
    ``content`` says where the tables are: "html-table" (an HTML <table>), "html-text" (the seed's
    text as paragraphs), "attachment" (only in the attached files) or "flipbook".
    """

    url: str
    title: str
    agency: str
    year: int
    seed: str
    format_version: str
    content: str
    published: str | None = None
    attachments: list[ExpectedAttachment] = field(default_factory=list)
    charset: str = "utf-8"


@dataclass
class ExpectedDecoy:
    """A page that must NOT be taken as an in-scope annual report, and why."""

    url: str
    title: str
    # government_work_report | rule_of_law_report | work_summary | final_accounts |
    # compilation_notice | guide | interpretation | budget | out_of_scope | robots_disallowed
    reason: str


@dataclass
class ExpectedSite:
    name: str
    host: str
    start_url: str
    region_code: str
    level: str
    platform: str
    reports: list[ExpectedReport] = field(default_factory=list)
    decoys: list[ExpectedDecoy] = field(default_factory=list)
    # URLs a polite crawler must not fetch (robots.txt) or cannot use (404s, the endless calendar).
    disallowed: list[str] = field(default_factory=list)
    dead_links: list[str] = field(default_factory=list)
    # URL prefixes of endless page chains (a calendar whose every day links to the next).
    traps: list[str] = field(default_factory=list)

    @property
    def report_urls(self) -> list[str]:
        return [report.url for report in self.reports]

    @property
    def decoy_urls(self) -> list[str]:
        return [decoy.url for decoy in self.decoys]


@dataclass
class Expected:
    sites: list[ExpectedSite]

    def site(self, host: str) -> ExpectedSite:
        for site in self.sites:
            if site.host == host:
                return site
        raise KeyError(f"no site with host {host!r}; hosts are {[s.host for s in self.sites]}")

    @property
    def reports(self) -> list[ExpectedReport]:
        return [report for site in self.sites for report in site.reports]

    @property
    def decoys(self) -> list[ExpectedDecoy]:
        return [decoy for site in self.sites for decoy in site.decoys]

    @property
    def attachments(self) -> list[ExpectedAttachment]:
        return [a for report in self.reports for a in report.attachments]

    def report(self, url: str) -> ExpectedReport:
        for report in self.reports:
            if report.url == url:
                return report
        raise KeyError(f"no expected report at {url}")
