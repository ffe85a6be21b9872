"""Publishing the archive in Datasette: views and search index, preserved originals, citations.

The package itself is the Datasette plugin (so its ``templates/`` and ``static/`` are found):
the hooks live in :mod:`publish.plugin` and are re-exported here. ``python -m publish serve``
registers it; to use plain ``datasette`` instead, install the project (its ``datasette`` entry
point names this package) and run ``datasette nianbao.db -m publish/metadata.json``.
"""

from publish.plugin import (
    actor_from_request,
    asgi_wrapper,
    extra_css_urls,
    filters_from_request,
    menu_links,
    permission_allowed,
    prepare_connection,
    register_routes,
    render_cell,
)

__all__ = [
    "actor_from_request",
    "asgi_wrapper",
    "extra_css_urls",
    "filters_from_request",
    "menu_links",
    "permission_allowed",
    "prepare_connection",
    "register_routes",
    "render_cell",
]
