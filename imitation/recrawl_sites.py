"""The farm visited again: HTTP validators, and reports revised, moved or deleted between crawls.

:class:`RecrawlFarm` wraps every route of a built farm. Each host answers with its own mix of
validators, as real government servers do:

====================  =====================  =====================================================
host                  validators sent        conditional requests
====================  =====================  =====================================================
www.anqiu.gov.cn      ETag, Last-Modified    honoured (304)
www.changle.gov.cn    ETag                   honoured (304)
wjw.liaocheng.gov.cn  Last-Modified          honoured (304)
www.hy.gov.cn         ETag, Last-Modified    ignored: always 200 with the whole page
www.suibin.gov.cn     none                   (none are sent)
====================  =====================  =====================================================

Between crawls a test calls :meth:`RecrawlFarm.revise` (a report's numbers change),
:meth:`RecrawlFarm.delete` (a report page answers 404/410), :meth:`RecrawlFarm.move` (a file is
linked from a new URL, same bytes) or :meth:`RecrawlFarm.unlink` (a list no longer links a
report). ``conditional`` logs every conditional request received.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from imitation.farm import Farm
from imitation.model import Reply, Req, Routes


@dataclass(frozen=True)
class Validators:
    etag: bool
    last_modified: bool
    honoured: bool


HOST_VALIDATORS = {
    "www.anqiu.gov.cn": Validators(etag=True, last_modified=True, honoured=True),
    "www.changle.gov.cn": Validators(etag=True, last_modified=False, honoured=True),
    "wjw.liaocheng.gov.cn": Validators(etag=False, last_modified=True, honoured=True),
    "www.hy.gov.cn": Validators(etag=True, last_modified=True, honoured=False),
    "www.suibin.gov.cn": Validators(etag=False, last_modified=False, honoured=False),
}
# Every page was last modified here, until a test revises it.
PUBLISHED = datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)
GONE_REASONS = {404: "Not Found", 410: "Gone"}


def request_url(req: Req) -> str:
    return f"http://{req.host}{req.path}" + (f"?{req.query}" if req.query else "")


class RecrawlFarm:
    def __init__(self, farm: Farm, policies: dict[str, Validators] | None = None):
        self.farm = farm
        self.policies = HOST_VALIDATORS if policies is None else policies
        self.edits: dict[str, Callable[[bytes], bytes]] = {}
        self.modified: dict[str, datetime] = {}
        self.gone: dict[str, int] = {}
        self.conditional: list[tuple[str, dict[str, str]]] = []
        self.hosts: dict[str, Routes] = {
            host: {key: self._wrap(host, handler) for key, handler in routes.items()}
            for host, routes in farm.hosts.items()
        }

    # --- changes between crawls ----------------------------------------------------------------

    def revise(self, url: str, edit: Callable[[bytes], bytes]) -> None:
        """From now on ``url`` serves ``edit(body)``, modified a day after it was published."""
        self.edits[url] = edit
        self.modified[url] = PUBLISHED + timedelta(days=1)

    def delete(self, url: str, status: int = 410) -> None:
        self.gone[url] = status

    def move(self, page_url: str, old_url: str, new_url: str) -> None:
        """Serve ``old_url``'s file at ``new_url`` too, and make ``page_url`` link the new one."""
        old, new = urlsplit(old_url), urlsplit(new_url)
        routes = self.hosts[new.hostname]
        routes[("GET", new.path)] = routes[("GET", old.path)]
        old_href, new_href = old.path.encode(), new.path.encode()

        def relink(body: bytes) -> bytes:
            if old_href not in body:
                raise AssertionError(f"{page_url} does not link {old_url}")
            return body.replace(old_href, new_href)

        self.revise(page_url, relink)

    def unlink(self, page_url: str, target_url: str) -> None:
        """Drop ``page_url``'s link to ``target_url`` (which is still served, but found no more)."""
        link = re.compile(
            rb'<a [^>]*href="' + re.escape(urlsplit(target_url).path.encode()) + rb'"[^>]*>.*?</a>',
            re.S,
        )

        def drop(body: bytes) -> bytes:
            if not link.search(body):
                raise AssertionError(f"{page_url} does not link {target_url}")
            return link.sub(b"", body)

        self.revise(page_url, drop)

    # --- serving -------------------------------------------------------------------------------

    def _wrap(self, host: str, handler):
        policy = self.policies.get(host, Validators(False, False, False))

        def answer(req: Req) -> Reply:
            url = request_url(req)
            if url in self.gone:
                status = self.gone[url]
                return Reply(
                    status=status,
                    reason=GONE_REASONS[status],
                    headers=[("Content-Type", "text/html; charset=utf-8")],
                    body=f"<html><body><h1>{status}</h1></body></html>".encode(),
                )
            reply = handler(req)
            if req.method != "GET" or reply.status != 200:
                return reply
            # Handlers may hand out one Reply object every time: never change it in place.
            reply = replace(reply, headers=list(reply.headers))
            if url in self.edits:
                reply.body = self.edits[url](reply.body)
            validators = self._validators(url, reply.body, policy)
            asked = {
                name: req.header(name)
                for name in ("If-None-Match", "If-Modified-Since")
                if req.header(name)
            }
            if asked:
                self.conditional.append((url, asked))
            if policy.honoured and asked and self._unchanged(asked, validators):
                return Reply(status=304, reason="Not Modified", headers=validators)
            reply.headers.extend(validators)
            return reply

        return answer

    def _validators(self, url: str, body: bytes, policy: Validators) -> list[tuple[str, str]]:
        headers = []
        if policy.etag:
            headers.append(("ETag", f'"{hashlib.sha1(body).hexdigest()[:20]}"'))
        if policy.last_modified:
            headers.append(
                ("Last-Modified", format_datetime(self.modified.get(url, PUBLISHED), usegmt=True))
            )
        return headers

    @staticmethod
    def _unchanged(asked: dict[str, str], validators: list[tuple[str, str]]) -> bool:
        sent = dict(validators)
        if "If-None-Match" in asked:  # RFC 9110 13.2.2: If-None-Match wins over If-Modified-Since
            return "ETag" in sent and sent["ETag"] in [
                tag.strip() for tag in asked["If-None-Match"].split(",")
            ]
        if "Last-Modified" not in sent:
            return False
        try:
            return parsedate_to_datetime(sent["Last-Modified"]) <= parsedate_to_datetime(
                asked["If-Modified-Since"]
            )
        except (TypeError, ValueError):
            return False


def bump_new_requests(body: bytes, by: int = 7) -> bytes:
    """A revised HTML report: 本年新收 requests (its first column) raised by ``by``."""
    text = body.decode("utf-8")
    pattern = re.compile(r"(本年新收政府信息公开申请数量</td><td>)(\d+)(</td>)")
    if not pattern.search(text):
        raise AssertionError("no 本年新收 row in an HTML table: pick an html-table report")
    return pattern.sub(lambda m: f"{m[1]}{int(m[2]) + by}{m[3]}", text, count=1).encode("utf-8")
