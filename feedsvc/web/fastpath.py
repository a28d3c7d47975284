"""The WSGI fast path in front of Flask for the feed requests readers make all day.

A speed-up twin of the feed routes in views.py (STYLE.md: it lives beside its plain twin and a
test holds the two to the same status, headers and bytes: tests/test_web.py).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from ..publish import FEEDS
from .cache import FeedCache
from .http import NOSNIFF
from .http import gzip_wanted
from .metrics import ROUTE_KEY

#: URL path -> FeedSpec.key of the site's subscription feeds (rendered per generation), from the table
FEED_PATHS = {spec.route: spec.key for spec in FEEDS if spec.scope == "site" and spec.page == "current"}

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class FeedFastPath:
    """WSGI layer in front of Flask for the requests feed readers make all day: ``GET`` of a
    feed, without a query, with no Accept-Encoding or a plain one, unconditional or with an
    If-None-Match that is exactly the current ETag. Those are answered from the FeedCache with
    the representation's prebuilt headers, in ~2 us instead of a ~60 us Flask dispatch; every
    other request (HEAD, If-Modified-Since, q-values, lists of ETags, errors...) goes to Flask.
    The answers are the ones the Flask routes give, byte for byte (a test compares them).
    """

    def __init__(self, app: WSGIApp, cache: FeedCache) -> None:
        self.app = app
        self.cache = cache

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        name = FEED_PATHS.get(path)
        if name is None or environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
            return self.app(environ, start_response)
        environ[ROUTE_KEY] = path  # a FEED_PATHS key is a route: its own template (Flask's, if it goes on)
        wanted = gzip_wanted(environ.get("HTTP_ACCEPT_ENCODING", ""))
        if wanted is None or "HTTP_IF_MODIFIED_SINCE" in environ:
            return self.app(environ, start_response)
        try:
            rep = self.cache.current().feeds[name]
        except Exception:  # the Flask route meets the same error and answers it
            return self.app(environ, start_response)
        gz = wanted and rep.gzipped is not None  # None: just rendered, still being compressed
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if inm is not None:
            if inm != rep.etag and inm != rep.gzip_etag:
                return self.app(environ, start_response)  # lists, weak tags, "*": the full parse
            start_response("304 NOT MODIFIED", [*(rep.gzip_headers_304 if gz else rep.headers_304), NOSNIFF])
            return []
        body = rep.gzipped if gz and rep.gzipped is not None else rep.body
        start_response(
            "200 OK",
            [*(rep.gzip_headers if gz else rep.headers), ("Content-Length", str(len(body))), NOSNIFF],
        )
        return [body]
