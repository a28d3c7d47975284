"""The routes: one per entry in the FeedSpec table, the HTML pages (with the topic pages),
the OPML list, health and refresh."""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Callable
from collections.abc import Sequence
from urllib.parse import quote

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import NotFound
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.wrappers import Response

from .. import __version__
from ..config import Settings
from ..errors import FeedsvcError
from ..metrics import Metrics
from ..model import TOPIC_KINDS
from ..model import Article
from ..model import Listing
from ..model import RefreshStats
from ..model import TopicKind
from ..model import rfc3339
from ..publish import EPOCH
from ..publish import FEEDS
from ..publish import OPML_PATH
from ..publish import SCOPE_PREFIX
from ..publish import FeedSpec
from ..publish import SitePages
from ..publish.pages import Pagination
from ..store import parse_time
from .cache import FeedCache
from .documents import feed_document
from .documents import opml_document
from .documents import topic_page
from .documents import topics_page
from .http import CSS_TYPE
from .http import HTML_TYPE
from .http import Representation
from .http import serve

CACHE = "feedsvc"  #: app.extensions keys
PAGES = "feedsvc.pages"
REFRESH = "feedsvc.refresh"
METRICS = "feedsvc.metrics"

log = logging.getLogger(__name__)

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,200}")
TOPIC_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # what topics.topic_slug makes
MAX_PAGE = 100_000

bp = Blueprint("feedsvc", __name__)


def get_cache() -> FeedCache:
    cache: FeedCache = current_app.extensions[CACHE]
    return cache


def get_pages() -> SitePages:
    pages: SitePages = current_app.extensions[PAGES]
    return pages


def _page_number() -> int:
    raw = request.args.get("page", "1")
    # isdigit() alone lets "²" (int() raises) and 5,000 digits (int() refuses) through.
    ok = raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE))
    if not ok or not 1 <= int(raw) <= MAX_PAGE or len(request.args.getlist("page")) > 1:
        raise BadRequest("page must be a whole number from 1 to 100000, given once")
    return int(raw)


# ---------------------------------------------------------------------------- feeds


def _feed_view(spec: FeedSpec) -> Callable[..., Response]:
    eager = spec.scope == "site" and spec.page == "current"

    def view(slug: str | None = None, page: int | None = None) -> Response:
        if eager:  # rendered once per generation (and served by the fast path)
            return serve(get_cache().current().feeds[spec.key])
        if slug is not None and not (len(slug) <= 80 and TOPIC_SLUG_RE.fullmatch(slug)):
            raise NotFound("There is no such feed.")
        feed = spec.bind(slug, page)
        if request.path != "/" + feed.path:  # "archive/01/", other digits: one URL a page
            raise NotFound("There is no such feed.")
        cache = get_cache()
        rep = cache.page("feed:" + feed.path, lambda: feed_document(cache, feed))
        if rep is None:
            raise NotFound("There is no such feed. An archive page exists once it is full.")
        return serve(rep)

    view.__name__ = f"feed_{spec.key}"
    return view


for _spec in FEEDS:  # one route per entry in the table: adding a feed adds its route
    bp.add_url_rule(_spec.route, f"feed_{_spec.key}", _feed_view(_spec), methods=["GET"])


# ---------------------------------------------------------------------------- HTML pages


@bp.get("/")
def index() -> Response:
    page = _page_number()
    cache = get_cache()
    published = cache.current()
    size = cache.settings.page_size  # [site] page_size: the HTML listing, apart from max_items
    pages = max(1, -(-published.count // size))  # the count of this generation
    if page > pages:
        raise NotFound(f"There is no page {page}: there are {pages}.")

    def make() -> Representation | None:
        articles: Sequence[Article | Listing]
        start, end = (page - 1) * size, page * size
        newest = published.articles
        if end <= len(newest) or len(newest) == published.count:
            articles = newest[start:end]  # already in memory: the feeds' articles
        else:
            articles = cache.store.page(size, start)
            if not articles:
                return None
        body = get_pages().index(articles, Pagination(page, pages))
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
        newer, older = cache.store.neighbours(found.id)
        body = get_pages().article(found, newer, older)
        return Representation.build(body, HTML_TYPE, found.updated, cache.max_age)

    rep = cache.page(f"article:{slug}", make)
    if rep is None:
        moved_to = cache.store.redirect(slug)  # an old address of a renamed file
        if moved_to is not None:
            return _moved(moved_to, cache.max_age)
        raise NotFound("No article has that address. It may have been removed.")
    return serve(rep)


def _moved(slug: str, max_age: int) -> Response:
    """301 to the article's current address. Relative (a slug is one path segment), so it is
    right under any host name and path prefix; cached no longer than a page, so renaming the
    file back is seen as soon as the page itself would be."""
    response = redirect(quote(slug), code=301)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _topic_view(kind: TopicKind) -> Callable[[str], Response]:
    def view(slug: str) -> Response:
        page = _page_number()
        if not (len(slug) <= 80 and TOPIC_SLUG_RE.fullmatch(slug)):
            raise NotFound("There is no such page.")
        cache = get_cache()
        rep = cache.page(f"{kind}:{slug}:{page}", lambda: topic_page(cache, get_pages(), kind, slug, page))
        if rep is None:
            raise NotFound("There is no such page: nothing published has this tag, section or author now.")
        return serve(rep)

    view.__name__ = f"topic_{kind}"
    return view


def _topics_view(kind: TopicKind) -> Callable[[], Response]:
    def view() -> Response:
        cache = get_cache()
        rep = cache.page(f"{kind}s", lambda: topics_page(cache, get_pages(), kind))
        assert rep is not None
        return serve(rep)

    view.__name__ = f"topics_{kind}"
    return view


for _kind in TOPIC_KINDS:  # /tags/ and /tags/<slug>/, from the table's scope prefixes
    _prefix = "/" + SCOPE_PREFIX[_kind]
    bp.add_url_rule(_prefix.replace("{slug}", "<slug>"), f"topic_{_kind}", _topic_view(_kind), methods=["GET"])
    bp.add_url_rule(_prefix.split("{", 1)[0], f"topics_{_kind}", _topics_view(_kind), methods=["GET"])


@bp.get("/" + OPML_PATH)
def opml() -> Response:
    cache = get_cache()
    rep = cache.page("opml", lambda: opml_document(cache))
    assert rep is not None
    return serve(rep)


@bp.get("/style.css")
def style() -> Response:
    cache = get_cache()

    def make() -> Representation:
        return Representation.build(get_pages().stylesheet(), CSS_TYPE, EPOCH, cache.max_age)

    rep = cache.page("style.css", make)
    assert rep is not None
    return serve(rep)


# ---------------------------------------------------------------------------- operations


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
        # The reason goes to the log only: it names the index's absolute path, which is
        # nothing an anonymous client should learn.
        log.error("healthz: index unavailable: %s", e)
        error = {"status": "error", "error": "the index is unavailable"}
        return Response(
            json.dumps(error),
            status=503,
            content_type="application/json",
            headers={"Cache-Control": "no-store"},
        )
    body: dict[str, object] = {
        "status": "ok",
        "articles": count,
        "last_refresh": rfc3339(parse_time(last_refresh)) if last_refresh else None,
        "generation": published.generation,
        "version": __version__,
    }
    return Response(json.dumps(body), content_type="application/json", headers={"Cache-Control": "no-store"})


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text format: refreshes, articles, skips, requests, render times, the process."""
    registry: Metrics = current_app.extensions[METRICS]
    body, content_type = registry.exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def _token_matches(given: str, token: str) -> bool:
    """Whether the bearer token ``given`` is ``token``, for any Unicode token, in constant time.

    WSGI servers hand header values over as the bytes read as Latin-1 (PEP 3333), so encoding
    back to Latin-1 gives the bytes the client sent. Those are compared with the token's UTF-8
    bytes (curl, browsers) and, for a token that has one, its Latin-1 bytes (Python's
    http.client sends header text as Latin-1).
    """
    try:
        sent = given.encode("latin-1")
    except UnicodeEncodeError:  # a server (or test client) that passed decoded text through
        sent = given.encode("utf-8", "replace")
    utf8 = token.encode("utf-8")
    try:
        legacy = token.encode("latin-1")
    except UnicodeEncodeError:  # never "replace": "€" would turn into a "?" anyone can send
        legacy = utf8
    # Both comparisons always run (|, not "or"): the time taken tells nothing.
    return hmac.compare_digest(sent, utf8) | hmac.compare_digest(sent, legacy)


@bp.post("/refresh")
def refresh_now() -> Response:
    settings: Settings = current_app.config["FEEDSVC"]
    refresher: Callable[[], RefreshStats] | None = current_app.extensions.get(REFRESH)
    if settings.token is None or refresher is None:
        raise NotFound()
    # Flask checks MAX_CONTENT_LENGTH only when the body is read: read it (at most that many
    # bytes), so an oversized POST is a 413 under any WSGI server, not only waitress.
    request.get_data(cache=False)
    auth = request.headers.get("Authorization", "")
    scheme, _, given = auth.partition(" ")
    if scheme.lower() != "bearer":  # auth schemes are case-insensitive (RFC 9110 11.1)
        given = ""
    if not _token_matches(given, settings.token):
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
