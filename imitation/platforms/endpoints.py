"""Endpoints one site shares between many columns, as the real platforms have them.

Hanweb's ``/module/web/jpage/dataproxy.jsp`` and jpaas's ``…/front/page/build/unit`` serve
every column of a site and tell the columns apart by a request field (``columnid``,
``pageId``). ``list_pages`` of those platforms returns a ``SharedEndpoint`` for that route, and
``merge_routes`` combines the routes of several columns of one site without one column's
endpoint replacing another's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from imitation.model import Handler, Reply, Req, Routes


@dataclass
class SharedEndpoint:
    """A handler answering for several columns, chosen by the request field ``key``."""

    key: str
    columns: dict[str, Handler] = field(default_factory=dict)

    def __call__(self, req: Req) -> Reply:
        column = req.args.get(self.key)
        handler = self.columns.get(column or "")
        if handler is None:
            body = f"no column with {self.key}={column!r} here".encode()
            return Reply(
                status=404,
                reason="Not Found",
                headers=[("Content-Type", "text/plain; charset=utf-8")],
                body=body,
            )
        return handler(req)


def merge_routes(*all_routes: Routes) -> Routes:
    """One site's routes from several columns' routes; shared endpoints are combined.

    Two different plain handlers for the same route are a mistake in the site's
    description, so they raise instead of one silently winning.
    """
    merged: Routes = {}
    for routes in all_routes:
        for route, handler in routes.items():
            existing = merged.get(route)
            if existing is None or existing is handler:
                merged[route] = handler
            elif (
                isinstance(existing, SharedEndpoint)
                and isinstance(handler, SharedEndpoint)
                and existing.key == handler.key
            ):
                clash = set(existing.columns) & set(handler.columns)
                if clash:
                    raise ValueError(
                        f"{route}: two columns both answer for {existing.key}={sorted(clash)}"
                    )
                merged[route] = SharedEndpoint(
                    existing.key, {**existing.columns, **handler.columns}
                )
            else:
                raise ValueError(f"two different handlers for {route}")
    return merged
