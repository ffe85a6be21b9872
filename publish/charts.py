"""The charts keep working with free SQL off.

datasette-dashboards draws each chart in the browser from ``/<db>.json?sql=<the chart's
query>``, which needs the ``execute-sql`` permission that is off for visitors. Rather than
opening SQL to everyone, a request gets the ``execute-sql`` permission only when its SQL is
exactly one of the configured dashboard queries (with the ``[[ … ]]`` filter parts kept or
dropped as datasette-dashboards does for the filters the request sets), or when it is a
dashboard page itself. Any other SQL is refused as before.
"""

from __future__ import annotations

CHART_ACTOR = "nianbao-charts"
# Datasette's header names the actor: say plainly that nobody is logged in.
ACTOR = {"id": CHART_ACTOR, "display": "访客 visitor"}


def _dashboards(datasette) -> dict:
    return datasette.plugin_config("datasette-dashboards") or {}


def allowed_queries(datasette, args) -> set[str]:
    """Every configured chart or filter query, as sent with the filters set in ``args``."""
    from datasette_dashboards import replace_opts_in_query

    allowed: set[str] = set()
    for dashboard in _dashboards(datasette).values():
        filters = dashboard.get("filters") or {}
        options = {name: args.get(name) for name in filters if args.get(name)}
        queries = [chart.get("query") for chart in (dashboard.get("charts") or {}).values()]
        queries += [flt.get("query") for flt in filters.values()]
        allowed.update(replace_opts_in_query(q, options) for q in queries if q)
    return allowed


def chart_actor(datasette, request) -> dict | None:
    """The actor for a dashboard page or one of its chart queries; None for anything else."""
    path = request.path
    if path.startswith("/-/dashboards/") and _dashboards(datasette):
        return dict(ACTOR)
    sql = request.args.get("sql")
    if sql and path.endswith(".json") and sql in allowed_queries(datasette, request.args):
        return dict(ACTOR)
    return None


def allows(actor, action: str) -> bool | None:
    if action == "execute-sql" and (actor or {}).get("id") == CHART_ACTOR:
        return True
    return None
