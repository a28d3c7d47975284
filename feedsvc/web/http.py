"""HTTP helpers: a cacheable Representation (ETags, gzip, prebuilt headers) and serving it
with conditional requests and content coding. No routes, no app state."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from email.utils import format_datetime

from flask import request
from werkzeug.wrappers import Response

HTML_TYPE = "text/html; charset=utf-8"
CSS_TYPE = "text/css; charset=utf-8"
HTML_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

# gzip level of every cached representation (feeds: once per generation, in the refreshing
# thread, after the plain bytes are already served). Not 6: that compression runs while the
# first readers fetch the new plain bytes, on the same cores; level 6 costs 2.4x the CPU of 4
# for 4 % smaller bodies, and showed in pickup latency (bench/RESULTS.md, "gzip level").
GZIP_LEVEL = 4

Headers = tuple[tuple[str, str], ...]
NOSNIFF = ("X-Content-Type-Options", "nosniff")  # what security_headers adds to every response
# What werkzeug leaves out of a 304 (werkzeug.http.remove_entity_headers), so the WSGI fast
# path sends exactly what a Flask response would.
_NOT_IN_304 = frozenset(["content-encoding", "content-length", "content-type", "last-modified"])


@dataclass(frozen=True, slots=True)
class Representation:
    """One cacheable response body, plain and gzipped, with its validators and its headers.

    ``gzipped`` is None while it is still being compressed (a feed just rendered): until then
    every client gets the plain body, which a client accepting gzip accepts too.
    """

    body: bytes
    gzipped: bytes | None
    etag: str  #: strong, quoted
    gzip_etag: str
    last_modified: datetime
    content_type: str
    headers: Headers  #: of a 200, without Content-Length, built once
    gzip_headers: Headers
    headers_304: Headers
    gzip_headers_304: Headers

    @classmethod
    def build(
        cls, body: bytes, content_type: str, last_modified: datetime, max_age: int, *, compress: bool = True,
        links: str | None = None,
    ) -> Representation:  # fmt: skip
        """``compress=False``: without the gzipped body for now (see ``compressed``). ``links``:
        a ``Link`` header value (WebSub's rel="hub" and rel="self"), on 200s and 304s."""
        digest = hashlib.sha256(body).hexdigest()[:32]
        http_date = format_datetime(last_modified.astimezone(UTC), usegmt=True)
        link = (("Link", links),) if links else ()

        def headers(etag: str, *extra: tuple[str, str]) -> Headers:
            return (
                ("ETag", etag), ("Last-Modified", http_date), ("Cache-Control", f"public, max-age={max_age}"),
                ("Vary", "Accept-Encoding"), ("Content-Type", content_type), *link, *extra,
            )  # fmt: skip

        plain = headers(f'"{digest}"')
        gzipped = headers(f'"{digest}-gz"', ("Content-Encoding", "gzip"))
        return cls(
            body=body,
            gzipped=gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0) if compress else None,
            etag=f'"{digest}"',
            gzip_etag=f'"{digest}-gz"',
            last_modified=last_modified.astimezone(UTC).replace(microsecond=0),
            content_type=content_type,
            headers=plain,
            gzip_headers=gzipped,
            headers_304=tuple(h for h in plain if h[0].lower() not in _NOT_IN_304),
            gzip_headers_304=tuple(h for h in gzipped if h[0].lower() not in _NOT_IN_304),
        )

    def compressed(self) -> Representation:
        """This representation with its gzipped body (mtime=0: the same bytes every time)."""
        if self.gzipped is not None:
            return self
        return dataclasses.replace(self, gzipped=gzip.compress(self.body, compresslevel=GZIP_LEVEL, mtime=0))


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
    gz = rep.gzipped is not None and _wants_gzip()
    if _not_modified(rep):
        return Response(status=304, headers=list(rep.gzip_headers_304 if gz else rep.headers_304))
    body = rep.gzipped if gz and rep.gzipped is not None else rep.body
    return Response(body, headers=list(rep.gzip_headers if gz else rep.headers))


def security_headers(response: Response) -> Response:
    """after_request: nosniff everywhere; CSP, referrer and framing policy on HTML."""
    response.headers[NOSNIFF[0]] = NOSNIFF[1]
    if response.mimetype == "text/html":
        response.headers.update(HTML_SECURITY_HEADERS)
    return response
