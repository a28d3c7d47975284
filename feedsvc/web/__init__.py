"""The Flask app: feeds, HTML pages, health, metrics and (optionally) a refresh endpoint.

Feeds and the front page are rendered once per store generation and served from memory with
strong ETags, Last-Modified, gzip and 304s. Nothing here scans files or starts threads.
Modules: ``cache`` (FeedCache), ``fastpath`` (the WSGI layer for feed requests), ``metrics``
(request counts and times by route template), ``views``
(the blueprint; feed routes from the FeedSpec table), ``http`` (Representation, conditional
requests, gzip), ``error_pages``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from werkzeug.exceptions import HTTPException

from .. import __version__
from ..config import Settings
from ..errors import FeedsvcError
from ..metrics import Metrics
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
from .metrics import RequestMetrics
from .metrics import note_route
from .site import build_site
from .site import site_bp
from .views import CACHE
from .views import METRICS
from .views import PAGES
from .views import REFRESH
from .views import bp

__all__ = ["CACHE", "FEED_PATHS", "METRICS", "FeedCache", "FeedFastPath", "Published", "Representation", "create_app"]


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
    metrics = Metrics()  # this app's own registry: two apps in one process never share one
    app.extensions[METRICS] = metrics
    cache = FeedCache(store or open_store(settings), settings, site.meta, on_render=metrics.rendered)
    app.extensions[CACHE] = cache
    metrics.count_articles_with(lambda: _published_count(cache))
    app.extensions[PAGES] = site.pages
    if refresh is not None:
        app.extensions[REFRESH] = refresh
    app.register_blueprint(bp)
    app.register_blueprint(site_bp)
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(Exception, unexpected)
    app.before_request(note_route)
    app.after_request(security_headers)
    fast = FeedFastPath(app.wsgi_app, cache)
    app.wsgi_app = RequestMetrics(fast, metrics)  # type: ignore[method-assign]
    return app


def _published_count(cache: FeedCache) -> int | None:
    """Articles published now, for /metrics; None when the index cannot be read."""
    try:
        return cache.current().count
    except FeedsvcError:
        return None
