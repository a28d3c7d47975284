"""What the export holds: every URL of the published site, fetched through the app.

The URLs come from the FeedSpec table (every format x scope x page, with each topic's slug
and every complete archive page) and the store (articles, topics, page counts); each is
fetched with the app's test client, so a file holds exactly the bytes `feedsvc serve` sends.
Paged listings and archive pages are fetched from 1 until the app answers 404.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from ..model import TOPIC_KINDS
from ..publish import FEEDS
from ..publish import OPML_PATH
from ..publish import SCOPE_PREFIX
from ..publish.pages import FEEDS_PAGE
from ..web.cache import FeedCache
from ..web.views import CACHE
from ..web.views import PAGES

log = logging.getLogger(__name__)

#: media types whose files get a .gz beside them (images are compressed already)
_TEXT_TYPES = ("text/", "application/atom+xml", "application/rss+xml", "application/feed+json",
               "application/xml", "application/json", "image/svg+xml")  # fmt: skip
_LISTING_BATCH = 500  #: articles read from the store at a time to list their addresses


@dataclass(frozen=True, slots=True)
class Document:
    """One published URL and the response the app gives for it."""

    url: str  #: path and query below the root: "/tags/python/?page=2"
    file: str  #: where it lives in the export: "tags/python/index-page-2.html"
    body: bytes
    media_type: str  #: the Content-Type header, parameters included
    last_modified: datetime  #: the file's mtime, so the web server sends the same Last-Modified
    etag: str  #: the app's ETag
    cache_control: str

    @property
    def compressible(self) -> bool:
        return self.media_type.startswith(_TEXT_TYPES)


def file_for(url: str) -> str:
    """The export's file for a URL: a folder's page N is index[-page-N].html, an article's
    extension-less address gets .html, everything else keeps its name."""
    parts = urlsplit(url)
    path = parts.path.lstrip("/")
    if path == "" or path.endswith("/"):
        page = parse_qs(parts.query).get("page", ["1"])[0]
        return path + ("index.html" if page == "1" else f"index-page-{page}.html")
    if path.startswith("articles/"):
        return path + ".html"
    return path


def _fetch(client: FlaskClient, url: str) -> Document | None:
    """The app's 200 for ``url``, or None for a 404 (the end of a paged listing)."""
    response = client.get(url)
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise RuntimeError(f"export: {url} answered {response.status_code}")
    modified = parsedate_to_datetime(response.headers["Last-Modified"]).astimezone(UTC)
    return Document(
        url=url,
        file=file_for(url),
        body=response.get_data(),
        media_type=response.headers["Content-Type"],
        last_modified=modified,
        etag=response.headers["ETag"],
        cache_control=response.headers["Cache-Control"],
    )


def _paged(client: FlaskClient, first: str, query: bool) -> Iterator[Document]:
    """Page 1, 2, ... of a listing (``?page=N``) or an archive (``{page}`` in ``first``)."""
    page = 1
    while True:
        url = (first if page == 1 else f"{first}?page={page}") if query else first.format(page=page)
        doc = _fetch(client, url)
        if doc is None:
            return
        yield doc
        page += 1


def _urls(cache: FeedCache) -> Iterator[tuple[str, bool]]:
    """(URL, paged) for everything that is not a feed: paged URLs take ``?page=N``."""
    yield "/", True
    for fixed in (FEEDS_PAGE, OPML_PATH, "sitemap.xml", "robots.txt", "favicon.ico", "style.css"):
        yield "/" + fixed, False
    for kind in TOPIC_KINDS:
        prefix = "/" + SCOPE_PREFIX[kind]
        yield prefix.split("{", 1)[0], False
        for topic in cache.store.topics(kind):
            yield prefix.format(slug=topic.slug), True
    offset = 0
    while listings := cache.store.page(_LISTING_BATCH, offset):
        for listing in listings:
            yield f"/articles/{listing.slug}", False
        offset += len(listings)


def collect(app: Flask) -> Iterator[Document]:
    """Every published document, one at a time (a big site's bodies never sit in memory
    together); a file is yielded once."""
    cache: FeedCache = app.extensions[CACHE]
    client = app.test_client()
    seen: set[str] = set()
    for doc in _documents(app, cache, client):
        if doc.file not in seen:
            seen.add(doc.file)
            yield doc


def _documents(app: Flask, cache: FeedCache, client: FlaskClient) -> Iterator[Document]:
    for url, paged in _urls(cache):
        yield from _paged(client, url, query=True) if paged else filter(None, [_fetch(client, url)])
    for icon in app.extensions[PAGES].icons.files:
        yield from filter(None, [_fetch(client, "/" + icon.path)])
    yield from _paged(client, "/sitemaps/{page}.xml", query=False)
    for spec in FEEDS:
        slugs = [None] if spec.topic_kind is None else [t.slug for t in cache.store.topics(spec.topic_kind)]
        for slug in slugs:
            if spec.page == "current":
                yield from filter(None, [_fetch(client, "/" + spec.bind(slug).path)])
            else:
                pattern = "/" + spec.pattern.replace("{slug}", slug or "")
                yield from _paged(client, pattern, query=False)
