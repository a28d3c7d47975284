"""The feed table: every kind of feed document feedsvc publishes, as one FeedSpec each.

A FeedSpec is format x scope x page: Atom, RSS or JSON Feed; of the whole site, one tag, one
section or one author; the subscription document or an RFC 5005 archive page. FEEDS is their
product, and the one map that routes, the feed cache, the WSGI fast path, autodiscovery, OPML
and (later) export read: a feed path is spelled here and nowhere else. A concrete document is a
spec bound to a topic slug and an archive page number (``Feed``). Contains no rendering.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from itertools import product
from typing import Literal

from ..model import Article
from ..model import FeedMeta
from ..model import TopicKind
from .render import render_atom
from .render import render_json
from .render import render_rss

FeedFormat = Literal["atom", "rss", "json"]
ScopeKind = Literal["site", "tag", "section", "author"]
PageKind = Literal["current", "archive"]

#: (articles newest first, feed meta, the document being rendered, fallback `updated` for an
#: empty feed) -> bytes
Renderer = Callable[[Sequence[Article], FeedMeta, "FeedDoc", datetime], bytes]

#: where a scope's documents live below the base URL ({slug}: the topic's slug)
SCOPE_PREFIX: dict[ScopeKind, str] = {
    "site": "",
    "tag": "tags/{slug}/",
    "section": "sections/{slug}/",
    "author": "authors/{slug}/",
}
#: what a scope is called in titles
SCOPE_LABEL: dict[ScopeKind, str] = {"site": "", "tag": "Tag", "section": "Section", "author": "Author"}
ARCHIVE_PREFIX = "archive/{page}/"  #: below the scope's prefix; page 1 holds the oldest articles


@dataclass(frozen=True, slots=True)
class Format:
    """A feed format: its file name, media type and renderer."""

    name: FeedFormat
    file: str  #: the document's file name in every scope: "atom.xml"
    media_type: str  #: without parameters: what autodiscovery and rel=self announce
    label: str  #: what a reader calls the format: autodiscovery title and the page footer
    renderer: Renderer = field(repr=False, compare=False)


FORMATS: tuple[Format, ...] = (
    Format("atom", "atom.xml", "application/atom+xml", "Atom", render_atom),
    Format("rss", "rss.xml", "application/rss+xml", "RSS", render_rss),
    Format("json", "feed.json", "application/feed+json", "JSON Feed", render_json),
)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One kind of feed document: a format, for a kind of scope, a subscription or archive page."""

    format: FeedFormat
    file: str
    media_type: str
    label: str
    renderer: Renderer = field(repr=False, compare=False)
    scope: ScopeKind = "site"
    page: PageKind = "current"

    @property
    def pattern(self) -> str:
        """The path below the base URL, with {slug} and {page} to fill: "tags/{slug}/atom.xml"."""
        archive = ARCHIVE_PREFIX if self.page == "archive" else ""
        return SCOPE_PREFIX[self.scope] + archive + self.file

    @property
    def key(self) -> str:
        """The spec's name in the cache and in route endpoints: the format alone for the site's
        subscription feeds, else format:scope:page."""
        if self.scope == "site" and self.page == "current":
            return self.format
        return f"{self.format}:{self.scope}:{self.page}"

    @property
    def route(self) -> str:
        """The Flask URL rule: "/tags/<slug>/archive/<int:page>/atom.xml"."""
        rule = "/" + self.pattern.replace("{slug}", "<slug>").replace("{page}", "<int:page>")
        return rule

    @property
    def content_type(self) -> str:
        """The Content-Type it is served with (every feed is UTF-8)."""
        return f"{self.media_type}; charset=utf-8"

    @property
    def topic_kind(self) -> TopicKind | None:
        return None if self.scope == "site" else self.scope

    def bind(self, slug: str | None = None, page: int | None = None) -> Feed:
        """The concrete document of this spec for a topic's slug and an archive page number."""
        return Feed(self, slug, page)

    def render(self, articles: Sequence[Article], meta: FeedMeta, doc: FeedDoc, fallback: datetime) -> bytes:
        return self.renderer(articles, meta, doc, fallback)


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed document: a spec with its slug (None for the site) and page (None: current)."""

    spec: FeedSpec
    slug: str | None = None
    page: int | None = None

    @property
    def path(self) -> str:
        return self.spec.pattern.format(slug=self.slug, page=self.page)

    @property
    def media_type(self) -> str:
        return self.spec.media_type

    @property
    def label(self) -> str:
        return self.spec.label

    def url(self, base_url: str) -> str:
        """Absolute URL, for rel=self, autodiscovery and OPML."""
        return base_url + self.path

    def sibling(self, page: int | None) -> Feed:
        """The same format and scope, another page (None: the subscription document)."""
        spec = spec_for(self.spec.format, self.spec.scope, "current" if page is None else "archive")
        return Feed(spec, self.slug, page)


@dataclass(frozen=True, slots=True)
class FeedDoc:
    """Everything a renderer needs to know about the document it renders, beyond its articles."""

    feed: Feed
    title: str  #: the feed's title (site title, with the scope's name)
    home: str  #: absolute URL of the scope's HTML page: the feed's id and alternate link
    prev_archive: str | None = None  #: RFC 5005 prev-archive (JSON Feed: next_url)
    next_archive: str | None = None  #: RFC 5005 next-archive (archive pages only)
    current: str | None = None  #: archive pages: the subscription document (rel=current)

    @property
    def archive(self) -> bool:
        return self.feed.spec.page == "archive"


PAGES: tuple[PageKind, ...] = ("current", "archive")

FEEDS: tuple[FeedSpec, ...] = tuple(
    FeedSpec(f.name, f.file, f.media_type, f.label, f.renderer, scope, page)
    for scope, page, f in product(SCOPE_PREFIX, PAGES, FORMATS)
)


def spec_for(fmt: FeedFormat, scope: ScopeKind, page: PageKind = "current") -> FeedSpec:
    """The table's entry for a format, scope and page kind."""
    for spec in FEEDS:
        if (spec.format, spec.scope, spec.page) == (fmt, scope, page):
            return spec
    raise KeyError((fmt, scope, page))


def subscriptions(scope: ScopeKind = "site", slug: str | None = None) -> tuple[Feed, ...]:
    """A scope's subscription documents, one per format, in table order (autodiscovery, OPML)."""
    return tuple(s.bind(slug) for s in FEEDS if s.scope == scope and s.page == "current")


SITE_FEEDS = subscriptions()  #: the site's three subscription feeds
