"""The Flask app: feeds, HTML pages, health and (optionally) a refresh endpoint.

Feeds and the front page are rendered once per store generation and served from memory with
strong ETags, Last-Modified, gzip and 304s. Nothing here scans files or starts threads.
Modules: ``cache`` (FeedCache), ``fastpath`` (the WSGI layer for feed requests), ``views``
(the blueprint; feed routes from the FeedSpec table), ``http`` (Representation, conditional
requests, gzip), ``error_pages``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from werkzeug.exceptions import HTTPException

from .. import __version__
from ..config import Settings
from ..model import RefreshStats
from ..store import Store
from ..store import open_store
from .cache import FeedCache
from .cache import Published
from .error_pages import error_page
from .error_pages import unexpected
from .fastpath import FEED_PATHS
from .fastpath import FeedFastPath
from .http import Representation
from .http import security_headers
from .site import build_site
from .site import site_bp
from .views import CACHE
from .views import PAGES
from .views import REFRESH
from .views import bp

__all__ = ["CACHE", "FEED_PATHS", "FeedCache", "FeedFastPath", "Published", "Representation", "create_app"]


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    refresh: Callable[[], RefreshStats] | None = None,
) -> Flask:
    """Build the WSGI app. No scheduler, no scanning: the caller wires those (see cli.serve)."""
    app = Flask(__name__)
    app.config["FEEDSVC"] = settings
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.config["TRAP_BAD_REQUEST_ERRORS"] = False
    site = build_site(settings, settings.feed_meta(__version__))  # before the store: ConfigError
    app.extensions[CACHE] = FeedCache(store or open_store(settings), settings, site.meta)
    app.extensions[PAGES] = site.pages
    if refresh is not None:
        app.extensions[REFRESH] = refresh
    app.register_blueprint(bp)
    app.register_blueprint(site_bp)
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(Exception, unexpected)
    app.after_request(security_headers)
    app.wsgi_app = FeedFastPath(app.wsgi_app, app.extensions[CACHE])  # type: ignore[method-assign]
    return app
