"""The Flask app: feeds, HTML pages, health and (optionally) a refresh endpoint.

Feeds and the front page are rendered once per store generation and served from memory with
strong ETags, Last-Modified, gzip and 304s. Nothing here scans files or starts threads.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from email.utils import format_datetime
from importlib import resources
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import render_template
from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.wrappers import Response

from . import __version__
from .config import Settings
from .errors import FeedsvcError
from .errors import StoreError
from .model import Article
from .model import FeedMeta
from .model import Listing
from .model import RefreshStats
from .model import rfc3339
from .render import ATOM_TYPE
from .render import EPOCH
from .render import JSON_FEED_TYPE
from .render import RSS_TYPE
from .render import article_url
from .render import feed_updated
from .render import render_atom
from .render import render_json
from .render import render_rss
from .store import Store
from .store import open_store
from .store import parse_time

log = logging.getLogger(__name__)

HTML_TYPE = "text/html; charset=utf-8"
CSS_TYPE = "text/css; charset=utf-8"
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,200}")
MAX_PAGE = 100_000
HTML_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

bp = Blueprint("feedsvc", __name__)


Headers = tuple[tuple[str, str], ...]
NOSNIFF = ("X-Content-Type-Options", "nosniff")  # what _security_headers adds to every response
# What werkzeug leaves out of a 304 (werkzeug.http.remove_entity_headers), so the WSGI fast
# path sends exactly what a Flask response would.
_NOT_IN_304 = frozenset(["content-encoding", "content-length", "content-type", "last-modified"])


@dataclass(frozen=True, slots=True)
class Representation:
    """One cacheable response body, plain and gzipped, with its validators and its headers."""

    body: bytes
    gzipped: bytes
    etag: str  #: strong, quoted
    gzip_etag: str
    last_modified: datetime
    content_type: str
    http_date: str  #: Last-Modified, formatted once
    headers: Headers  #: of a 200, without Content-Length, built once
    gzip_headers: Headers
    headers_304: Headers
    gzip_headers_304: Headers

    @classmethod
    def build(cls, body: bytes, content_type: str, last_modified: datetime, max_age: int) -> Representation:
        digest = hashlib.sha256(body).hexdigest()[:32]
        http_date = format_datetime(last_modified.astimezone(UTC), usegmt=True)

        def headers(etag: str, *extra: tuple[str, str]) -> Headers:
            return (
                ("ETag", etag), ("Last-Modified", http_date), ("Cache-Control", f"public, max-age={max_age}"),
                ("Vary", "Accept-Encoding"), ("Content-Type", content_type), *extra,
            )  # fmt: skip

        plain = headers(f'"{digest}"')
        gzipped = headers(f'"{digest}-gz"', ("Content-Encoding", "gzip"))
        return cls(
            body=body,
            gzipped=gzip.compress(body, compresslevel=6, mtime=0),  # mtime=0: same bytes every time
            etag=f'"{digest}"',
            gzip_etag=f'"{digest}-gz"',
            last_modified=last_modified.astimezone(UTC).replace(microsecond=0),
            content_type=content_type,
            http_date=http_date,
            headers=plain,
            gzip_headers=gzipped,
            headers_304=tuple(h for h in plain if h[0].lower() not in _NOT_IN_304),
            gzip_headers_304=tuple(h for h in gzipped if h[0].lower() not in _NOT_IN_304),
        )


@dataclass(frozen=True, slots=True)
class Published:
    """Everything rendered for one store generation."""

    generation: int
    articles: tuple[Article, ...]
    feeds: dict[str, Representation]
    last_refresh: datetime | None
    last_modified: datetime
    count: int  #: articles published in all


class FeedCache:
    """Renders feeds once per store generation; every request after that is a dict lookup.

    Change detection per request is one read of the coordinator's change count (a shared mmap
    every writer bumps); where that is unavailable, the store's ``data_version()``. Only when
    something committed do we read the generation.
    """

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.meta: FeedMeta = settings.feed_meta(__version__)
        self.max_age = min(settings.interval_seconds, 3600)  #: Cache-Control: a reader polls no faster
        self._lock = threading.Lock()
        self._current: Published | None = None
        self._local = threading.local()
        self._pages: OrderedDict[tuple[int, str], Representation] = OrderedDict()
        self._seen_counter: int | None = None

    def current(self) -> Published:
        """The published state; on a store failure, the last good one (if any)."""
        cached = self._current
        counter = self.store.coordinator.change_count()
        if counter is not None and cached is not None and counter == self._seen_counter:
            return cached  # nothing was committed anywhere since we last looked
        cached, fresh = self._current_from_store()
        if counter is not None and fresh:
            self._seen_counter = counter  # read before the generation: a later bump is not missed
        return cached

    def _current_from_store(self) -> tuple[Published, bool]:
        """The published state and whether it is known to be current (False: the store failed
        and this is the last good state; ask again next time)."""
        local = self._local
        cached = self._current
        try:
            version = self.store.data_version()
            if cached is not None and getattr(local, "version", None) == version:
                return cached, True
            generation = self.store.generation()
            if cached is None or cached.generation != generation:
                cached = self._render(generation)
        except StoreError as e:
            if cached is None:
                raise
            log.warning("serving the last good state: %s", e)
            return cached, False
        local.version = version
        return cached, True

    def _render(self, generation: int) -> Published:
        with self._lock:
            current = self._current
            if current is not None and current.generation >= generation:
                return current
            snap = self.store.snapshot(self.settings.max_items)
            fallback = snap.changed_at
            newest = feed_updated(snap.articles, fallback)
            modified = max(newest, fallback)
            arts = snap.articles
            build, max_age = Representation.build, self.max_age
            published = Published(
                generation=snap.generation,
                articles=arts,
                feeds={
                    "atom": build(render_atom(arts, self.meta, fallback), ATOM_TYPE, modified, max_age),
                    "rss": build(render_rss(arts, self.meta, fallback), RSS_TYPE, modified, max_age),
                    "json": build(render_json(arts, self.meta), JSON_FEED_TYPE, modified, max_age),
                },
                last_refresh=snap.last_refresh,
                last_modified=modified,
                count=snap.count,
            )
            self._current = published
            self._pages.clear()
            log.debug("rendered generation %d (%d articles)", snap.generation, len(arts))
            return published

    def page(self, key: str, make: Callable[[], Representation | None]) -> Representation | None:
        """A rendered HTML page, cached for the current generation (bounded LRU)."""
        generation = self.current().generation
        cache_key = (generation, key)
        with self._lock:
            hit = self._pages.get(cache_key)
            if hit is not None:
                self._pages.move_to_end(cache_key)
                return hit
        rep = make()
        if rep is not None:
            with self._lock:
                self._pages[cache_key] = rep
                while len(self._pages) > 128:
                    self._pages.popitem(last=False)
        return rep


# ---------------------------------------------------------------------------- helpers


def get_cache() -> FeedCache:
    cache: FeedCache = current_app.extensions["feedsvc"]
    return cache


def gzip_wanted(accept_encoding: str) -> bool | None:
    """Whether an Accept-Encoding value asks for gzip; None when its q-values need a real parse."""
    if "gzip" not in accept_encoding:
        return False
    if "q=" not in accept_encoding:
        return True  # the usual "gzip, deflate, br"
    return None


def _wants_gzip() -> bool:
    quick = gzip_wanted(request.headers.get("Accept-Encoding", ""))
    return request.accept_encodings["gzip"] > 0 if quick is None else quick


def _not_modified(rep: Representation) -> bool:
    """RFC 9110: If-None-Match wins; otherwise If-Modified-Since. Malformed values are ignored."""
    raw = request.headers.get("If-None-Match")
    if raw is not None:
        if raw == rep.etag or raw == rep.gzip_etag:
            return True  # a reader echoing the ETag it got: no need for the full parse
        inm = request.if_none_match
        return inm.star_tag or any(inm.contains_weak(t.strip('"')) for t in (rep.etag, rep.gzip_etag))
    since = request.if_modified_since
    # A date in the future is not a valid validator (RFC 9110 13.1.3): ignore it.
    return since is not None and rep.last_modified <= since <= datetime.now(UTC)


def serve(rep: Representation) -> Response:
    """A full or 304 response for ``rep``, honouring gzip and conditional headers."""
    gz = _wants_gzip()
    if _not_modified(rep):
        return Response(status=304, headers=list(rep.gzip_headers_304 if gz else rep.headers_304))
    return Response(rep.gzipped if gz else rep.body, headers=list(rep.gzip_headers if gz else rep.headers))


FEED_PATHS = {"/atom.xml": "atom", "/rss.xml": "rss", "/feed.json": "json"}

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
        name = FEED_PATHS.get(environ.get("PATH_INFO", ""))
        if name is None or environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
            return self.app(environ, start_response)
        gz = gzip_wanted(environ.get("HTTP_ACCEPT_ENCODING", ""))
        if gz is None or "HTTP_IF_MODIFIED_SINCE" in environ:
            return self.app(environ, start_response)
        try:
            rep = self.cache.current().feeds[name]
        except Exception:  # the Flask route meets the same error and answers it
            return self.app(environ, start_response)
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if inm is not None:
            if inm != rep.etag and inm != rep.gzip_etag:
                return self.app(environ, start_response)  # lists, weak tags, "*": the full parse
            start_response("304 NOT MODIFIED", [*(rep.gzip_headers_304 if gz else rep.headers_304), NOSNIFF])
            return []
        body = rep.gzipped if gz else rep.body
        start_response(
            "200 OK",
            [*(rep.gzip_headers if gz else rep.headers), ("Content-Length", str(len(body))), NOSNIFF],
        )
        return [body]


def _html(template: str, **context: Any) -> bytes:
    return render_template(template, **context).encode("utf-8")


def _page_number() -> int:
    raw = request.args.get("page", "1")
    # isdigit() alone lets "²" (int() raises) and 5,000 digits (int() refuses) through.
    ok = raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE))
    if not ok or not 1 <= int(raw) <= MAX_PAGE or len(request.args.getlist("page")) > 1:
        raise BadRequest("page must be a whole number from 1 to 100000, given once")
    return int(raw)


# ---------------------------------------------------------------------------- routes


@bp.get("/atom.xml")
def atom() -> Response:
    return serve(get_cache().current().feeds["atom"])


@bp.get("/rss.xml")
def rss() -> Response:
    return serve(get_cache().current().feeds["rss"])


@bp.get("/feed.json")
def json_feed() -> Response:
    return serve(get_cache().current().feeds["json"])


@bp.get("/")
def index() -> Response:
    page = _page_number()
    cache = get_cache()
    published = cache.current()
    per_page = cache.settings.max_items

    def make() -> Representation | None:
        articles: Sequence[Article | Listing]
        if page == 1:
            articles = published.articles
        else:
            articles = cache.store.page(per_page, (page - 1) * per_page)
            if not articles:
                return None
        has_next = page * per_page < published.count  # the count of this generation
        body = _html("index.html", articles=articles, page=page, has_next=has_next)
        return Representation.build(body, HTML_TYPE, published.last_modified, cache.max_age)

    rep = cache.page(f"index:{page}", make)
    if rep is None:
        raise NotFound(f"There is no page {page}.")
    return serve(rep)


@bp.get("/articles/<string(maxlength=220):slug>")
def article(slug: str) -> Response:
    if not SLUG_RE.fullmatch(slug):
        raise NotFound("No article has that address.")
    cache = get_cache()

    def make() -> Representation | None:
        found = cache.store.get_by_slug(slug)
        if found is None:
            return None
        return Representation.build(
            _html("article.html", article=found), HTML_TYPE, found.updated, cache.max_age
        )

    rep = cache.page(f"article:{slug}", make)
    if rep is None:
        raise NotFound("No article has that address. It may have been removed.")
    return serve(rep)


@bp.get("/style.css")
def style() -> Response:
    cache = get_cache()

    def make() -> Representation:
        css = resources.files("feedsvc").joinpath("templates/style.css").read_bytes()
        return Representation.build(css, CSS_TYPE, EPOCH, cache.max_age)

    rep = cache.page("style.css", make)
    assert rep is not None
    return serve(rep)


@bp.get("/healthz")
def healthz() -> Response:
    cache = get_cache()
    try:
        published = cache.current()
        count = published.count  # counted once per generation, not per request
        # Not the snapshot's: it is only re-read when the generation moves, and a refresh
        # that changed nothing still counts as a refresh.
        last_refresh = cache.store.state("last_refresh")
    except FeedsvcError as e:
        error = {"status": "error", "error": str(e)}
        return Response(json.dumps(error), status=503, content_type="application/json")
    body: dict[str, object] = {
        "status": "ok",
        "articles": count,
        "last_refresh": rfc3339(parse_time(last_refresh)) if last_refresh else None,
        "generation": published.generation,
        "version": __version__,
    }
    return Response(json.dumps(body), content_type="application/json", headers={"Cache-Control": "no-store"})


@bp.post("/refresh")
def refresh_now() -> Response:
    settings: Settings = current_app.config["FEEDSVC"]
    refresher: Callable[[], RefreshStats] | None = current_app.extensions.get("feedsvc.refresh")
    if settings.token is None or refresher is None:
        raise NotFound()
    # Flask checks MAX_CONTENT_LENGTH only when the body is read: read it (at most that many
    # bytes), so an oversized POST is a 413 under any WSGI server, not only waitress.
    request.get_data(cache=False)
    auth = request.headers.get("Authorization", "")
    scheme, _, given = auth.partition(" ")
    if scheme.lower() != "bearer":  # auth schemes are case-insensitive (RFC 9110 11.1)
        given = ""
    if not hmac.compare_digest(given.encode("utf-8", "replace"), settings.token.encode("utf-8")):
        return Response(
            json.dumps({"error": "a valid bearer token is required"}),
            status=401,
            content_type="application/json",
            headers={"WWW-Authenticate": 'Bearer realm="feedsvc"'},
        )
    try:
        stats = refresher()
    except FeedsvcError as e:
        raise ServiceUnavailable(str(e)) from e
    body = {
        "ran": stats.ran,
        "added": stats.added,
        "updated": stats.updated,
        "removed": stats.removed,
        "unchanged": stats.unchanged,
        "skipped": len(stats.skipped),
    }
    return Response(json.dumps(body), content_type="application/json", headers={"Cache-Control": "no-store"})


# ---------------------------------------------------------------------------- app


def _error_page(e: HTTPException) -> Response:
    code = e.code or 500
    body = render_template("error.html", code=code, name=e.name, description=e.description or "")
    response = Response(body, status=code, content_type=HTML_TYPE)
    if code == 405 and e.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(e.valid_methods)  # type: ignore[attr-defined]
    return response


def _unexpected(e: Exception) -> Response:
    if isinstance(e, HTTPException):
        return _error_page(e)
    if isinstance(e, StoreError):
        log.error("index unavailable: %s", e)
        return _error_page(ServiceUnavailable("The article index is unavailable; try again shortly."))
    log.exception("unexpected error on %s %s", request.method, request.path)
    return _error_page(_InternalError())


class _InternalError(HTTPException):
    code = 500
    description = "Something went wrong on our side. It has been logged."


def _security_headers(response: Response) -> Response:
    response.headers[NOSNIFF[0]] = NOSNIFF[1]
    if response.mimetype == "text/html":
        response.headers.update(HTML_SECURITY_HEADERS)
    return response


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    refresh: Callable[[], RefreshStats] | None = None,
) -> Flask:
    """Build the WSGI app. No scheduler, no scanning: the caller wires those (see cli.serve)."""
    app = Flask(__name__)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config["FEEDSVC"] = settings
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.config["TRAP_BAD_REQUEST_ERRORS"] = False
    app.extensions["feedsvc"] = FeedCache(store or open_store(settings), settings)
    if refresh is not None:
        app.extensions["feedsvc.refresh"] = refresh
    meta = settings.feed_meta(__version__)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        base = meta.base_url
        return {
            "site": meta,
            "base_url": base,
            "feeds": {"atom": base + "atom.xml", "rss": base + "rss.xml", "json": base + "feed.json"},
            "url": lambda a: article_url(base, a.slug),
            "iso": rfc3339,
            "human": lambda dt: dt.strftime("%-d %B %Y, %H:%M UTC"),
        }

    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(Exception, _unexpected)
    app.after_request(_security_headers)
    app.wsgi_app = FeedFastPath(app.wsgi_app, app.extensions["feedsvc"])  # type: ignore[method-assign]
    return app
