"""Prototypes of the proposed change to feedsvc/web.py, for measurement only (nothing in feedsvc/).

bench_http.py measures them next to the current code: ``--profile`` in-process, and over HTTP
with the setup flags ``+lean`` and ``+fast`` (e.g. ``waitress:t8+fast``), which benchapp.py
installs into the app it serves.

lean  (install_lean_serve) web.serve() with everything that is the same for every request of a
      representation computed once: the header list (ETag, Last-Modified formatted once,
      Cache-Control, Vary, Content-Type, Content-Encoding), and an exact-match fast path for
      If-None-Match (a reader echoes the ETag it got) before werkzeug's full ETag parsing.
      Same responses; still one Flask dispatch per request.

fast  (install_fast_path) a small WSGI layer in front of Flask for GET /atom.xml, /rss.xml and
      /feed.json: when the request is the common case (no query string; no Accept-Encoding or a
      plain list of codings without q-values; no conditional header, or an If-None-Match that
      is exactly the current ETag), it answers from the FeedCache with prebuilt header lists,
      the same status line and headers Flask would send (after_request's
      X-Content-Type-Options included, the 304 stripped of entity headers the way werkzeug
      strips them). Anything else (HEAD, If-Modified-Since, q-values, a list of ETags, an
      error) falls through to the Flask app unchanged.

The shared change counter prototyped here before (``shmgen``) is now feedsvc's own
(store.ChangeCounter), so it and the ``nopragma`` diagnostic are gone.

``check_same_responses`` compares the prototype's answers with the unmodified app's.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from email.utils import format_datetime
from typing import Any

from flask import Flask
from flask import current_app
from flask import request
from werkzeug.http import remove_entity_headers
from werkzeug.wrappers import Response

from feedsvc import web
from feedsvc.web import FeedCache
from feedsvc.web import Representation

Headers = list[tuple[str, str]]
NOSNIFF = ("X-Content-Type-Options", "nosniff")
FEED_ROUTES = {"/atom.xml": "atom", "/rss.xml": "rss", "/feed.json": "json"}


def _header_lists(rep: Representation, gz: bool, max_age: int) -> tuple[Headers, Headers]:
    """(headers of a 200 before Content-Length, headers of the 304), in serve()'s order."""
    common = [
        ("ETag", rep.gzip_etag if gz else rep.etag),
        ("Last-Modified", format_datetime(rep.last_modified, usegmt=True)),
        ("Cache-Control", f"public, max-age={max_age}"),
        ("Vary", "Accept-Encoding"),
    ]
    full = [*common, ("Content-Type", rep.content_type)]
    if gz:
        full.append(("Content-Encoding", "gzip"))
    return full, common


class _Prepared:
    """Header lists per (representation, gzip): computed on first use, then reused.

    In feedsvc itself they would simply be fields of Representation, built with it.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[int, bool], tuple[Representation, Headers, Headers, Headers]] = {}

    def get(self, rep: Representation, gz: bool, max_age: int) -> tuple[Headers, Headers, Headers]:
        """(200 headers for Flask, complete 200 WSGI headers, complete 304 WSGI headers)."""
        key = (id(rep), gz)
        hit = self._cache.get(key)
        if hit is None or hit[0] is not rep:
            full, common = _header_lists(rep, gz, max_age)
            body = rep.gzipped if gz else rep.body
            wsgi_200 = [*full, ("Content-Length", str(len(body))), NOSNIFF]
            wsgi_304 = [*common, NOSNIFF]
            remove_entity_headers(wsgi_304)
            if len(self._cache) > 4096:
                self._cache.clear()
            hit = (rep, full, wsgi_200, wsgi_304)
            self._cache[key] = hit
        return hit[1], hit[2], hit[3]


# --------------------------------------------------------------------------- lean


def install_lean_serve() -> Callable[[], None]:
    """Replace feedsvc.web.serve (the routes look it up at call time); returns an undo."""
    original = web.serve
    prepared = _Prepared()

    def serve(rep: Representation) -> Response:
        environ = request.environ
        accept = environ.get("HTTP_ACCEPT_ENCODING", "")
        gz = "gzip" in accept and request.accept_encodings["gzip"] > 0
        max_age = min(current_app.config["FEEDSVC"].interval_seconds, 3600)
        full, _, wsgi_304 = prepared.get(rep, gz, max_age)
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if inm is not None and (inm == rep.etag or inm == rep.gzip_etag):
            return Response(status=304, headers=wsgi_304[:-1])
        if (inm is not None or "HTTP_IF_MODIFIED_SINCE" in environ) and web._not_modified(rep):
            return Response(status=304, headers=wsgi_304[:-1])
        return Response(rep.gzipped if gz else rep.body, headers=full)

    web.serve = serve

    def undo() -> None:
        web.serve = original

    return undo


# --------------------------------------------------------------------------- fast


def _simple_gzip(accept: str) -> bool | None:
    """True/False for a plain coding list ("gzip, deflate, br"); None when it needs real parsing."""
    if not accept:
        return False
    if ";" in accept or "*" in accept:
        return None
    return "gzip" in (c.strip().lower() for c in accept.split(","))


class FeedFastPath:
    """WSGI: the common feed requests straight from the FeedCache; the rest to ``app``."""

    def __init__(self, app: Callable[..., Iterable[bytes]], cache: FeedCache, max_age: int) -> None:
        self.app = app
        self.cache = cache
        self.max_age = max_age
        self.prepared = _Prepared()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        name = FEED_ROUTES.get(environ.get("PATH_INFO", ""))
        if name is None or environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
            return self.app(environ, start_response)
        gz = _simple_gzip(environ.get("HTTP_ACCEPT_ENCODING", ""))
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if gz is None or (inm is None and "HTTP_IF_MODIFIED_SINCE" in environ):
            return self.app(environ, start_response)
        try:
            rep = self.cache.current().feeds[name]
        except Exception:  # the app's error handling answers
            return self.app(environ, start_response)
        _, wsgi_200, wsgi_304 = self.prepared.get(rep, gz, self.max_age)
        if inm is not None:
            if inm != rep.etag and inm != rep.gzip_etag:
                return self.app(environ, start_response)  # lists, weak tags, *: full parsing
            start_response("304 NOT MODIFIED", list(wsgi_304))
            return []
        start_response("200 OK", list(wsgi_200))
        return [rep.gzipped if gz else rep.body]


def install_fast_path(app: Flask) -> None:
    settings = app.config["FEEDSVC"]
    app.wsgi_app = FeedFastPath(  # type: ignore[method-assign]
        app.wsgi_app, app.extensions["feedsvc"], min(settings.interval_seconds, 3600)
    )


# --------------------------------------------------------------------------- check


def check_same_responses(app: Flask, make_variant: Callable[[], Callable[[], None]]) -> list[str]:
    """Differences between the app's answers before and after ``make_variant()`` (which
    installs a prototype and returns an undo), for the feed requests that matter."""
    cache: FeedCache = app.extensions["feedsvc"]
    reps = cache.current().feeds
    cases: list[tuple[str, dict[str, str]]] = []
    for path, name in FEED_ROUTES.items():
        rep = reps[name]
        cases += [
            (path, {}), (path, {"Accept-Encoding": "gzip"}), (path, {"Accept-Encoding": "gzip, deflate, br"}),
            (path, {"Accept-Encoding": "gzip;q=0"}), (path, {"Accept-Encoding": "identity"}),
            (path, {"If-None-Match": rep.etag}), (path, {"If-None-Match": rep.gzip_etag}),
            (path, {"If-None-Match": rep.etag, "Accept-Encoding": "gzip"}),
            (path, {"If-None-Match": f'"x", {rep.etag}'}), (path, {"If-None-Match": '"nope"'}),
            (path, {"If-None-Match": "*"}), (path, {"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}),
            (path, {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}),
        ]  # fmt: skip
    cases.append(("/atom.xml?x=1", {}))

    def answers() -> list[tuple[int, list[tuple[str, str]], bytes]]:
        client = app.test_client()
        out = []
        for path, headers in cases:
            r = client.get(path, headers=headers)
            out.append((r.status_code, sorted((k, v) for k, v in r.headers.items() if k != "Date"), r.data))
        return out

    before = answers()
    undo = make_variant()
    try:
        after = answers()
    finally:
        undo()
    return [
        f"{path} {headers}: {b[:2]} != {a[:2]}" if b[:2] != a[:2] else f"{path} {headers}: bodies differ"
        for (path, headers), b, a in zip(cases, before, after, strict=True)
        if b != a
    ]
