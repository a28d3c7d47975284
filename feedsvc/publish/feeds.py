"""The feed table: every feed feedsvc publishes, as one FeedSpec each. Contains no rendering.

Routes, the feed cache, the WSGI fast path and the autodiscovery links in the templates all
read FEEDS; a feed file name is spelled here and nowhere else. Adding a feed is one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Literal

from ..model import Article
from ..model import FeedMeta
from .render import render_atom
from .render import render_json
from .render import render_rss

FeedFormat = Literal["atom", "rss", "json"]
ScopeKind = Literal["site"]  # later: "tag", "section", "author"

#: (articles, feed meta, the spec being rendered, fallback `updated` for an empty feed) -> bytes
Renderer = Callable[[Sequence[Article], FeedMeta, "FeedSpec", datetime], bytes]


@dataclass(frozen=True, slots=True)
class Scope:
    """Which articles a feed holds. Today only the whole site; a tag, section or author scope
    is a new kind with its value (``Scope("tag", "politics")``), and the cache selects by it."""

    kind: ScopeKind = "site"
    value: str | None = None  #: the tag, section or author; None for the whole site


SITE = Scope()


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One published feed: its format, what it holds, where it lives and how it is rendered.

    An archive page (the articles before the newest ``max_items``) will be another field with
    its own path, so that a page of a scope is one more entry, not another code path.
    """

    format: FeedFormat
    path: str  #: below the site's base URL, no leading slash: "atom.xml"
    media_type: str  #: without parameters: what autodiscovery and rel=self announce
    label: str  #: what a reader calls the format: autodiscovery title and the page footer
    renderer: Renderer = field(repr=False, compare=False)
    scope: Scope = SITE

    @property
    def key(self) -> str:
        """The feed's name in the cache and in route endpoints: its format, for the whole site."""
        if self.scope == SITE:
            return self.format
        return f"{self.format}:{self.scope.kind}:{self.scope.value}"

    @property
    def route(self) -> str:
        """The URL rule, relative to the app's root."""
        return "/" + self.path

    @property
    def content_type(self) -> str:
        """The Content-Type it is served with (every feed is UTF-8)."""
        return f"{self.media_type}; charset=utf-8"

    def url(self, base_url: str) -> str:
        """Absolute URL, for rel=self, autodiscovery and (later) OPML."""
        return base_url + self.path

    def render(self, articles: Sequence[Article], meta: FeedMeta, fallback: datetime) -> bytes:
        return self.renderer(articles, meta, self, fallback)


FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec("atom", "atom.xml", "application/atom+xml", "Atom", render_atom),
    FeedSpec("rss", "rss.xml", "application/rss+xml", "RSS", render_rss),
    FeedSpec("json", "feed.json", "application/feed+json", "JSON Feed", render_json),
)
