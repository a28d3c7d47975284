"""The feed cache: every feed in the FeedSpec table rendered once per store generation, and a
bounded LRU of HTML pages for the current generation. No routes."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from .. import __version__
from ..config import Settings
from ..errors import StoreError
from ..model import Article
from ..model import FeedMeta
from ..publish import FEEDS
from ..publish import SITE_FEEDS
from ..publish import Paging
from ..publish import feed_doc
from ..publish import feed_updated
from ..publish import subscriptions
from ..publish.splice import SplicedRenderer
from ..store import Store
from .changes import changed_topics
from .http import Representation

log = logging.getLogger(__name__)

MAX_PAGES = 128  #: HTML pages kept per generation (LRU)


def websub_links(hubs: Sequence[str], self_url: str) -> str | None:
    """The ``Link`` header a feed carries when WebSub hubs are configured (WebSub 4: the hubs
    and the topic URL, which must be exactly the feed's rel="self"), else None."""
    if not hubs:
        return None
    links = [f'<{quote(hub, safe=_URL_SAFE)}>; rel="hub"' for hub in hubs]
    return ", ".join([*links, f'<{quote(self_url, safe=_URL_SAFE)}>; rel="self"'])


_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"  #: everything a URL may hold but "<", ">", space and the like


@dataclass(frozen=True, slots=True)
class Published:
    """Everything rendered for one store generation."""

    generation: int
    articles: tuple[Article, ...]
    feeds: dict[str, Representation]  #: by FeedSpec.key
    last_modified: datetime
    count: int  #: articles published in all


class FeedCache:
    """Renders feeds once per store generation; every request after that is a dict lookup.

    Change detection per request is one read of the coordinator's change count (a shared mmap
    every writer bumps); where that is unavailable, the store's ``data_version()``. Only when
    something committed do we read the generation.
    """

    def __init__(
        self, store: Store, settings: Settings, meta: FeedMeta | None = None, *,
        on_render: Callable[[str, float], None] | None = None,
    ) -> None:  # fmt: skip
        """``on_render(what, seconds)`` is told each render's time: "feeds", "gzip", "page".
        Each listener in ``on_change`` is told the URLs of the subscription feeds a new
        generation changed, each once: the site's whose bytes differ, and each tag, section
        and author feed whose document changed (web.changes); not at the first render: there
        is nothing to compare with."""
        self.store = store
        self._on_render = on_render
        self.on_change: list[Callable[[tuple[str, ...]], None]] = []
        self.settings = settings
        self.meta: FeedMeta = meta or settings.feed_meta(__version__)
        self.max_age = min(settings.interval_seconds, 3600)  #: Cache-Control: a reader polls no faster
        self._lock = threading.Lock()
        self._current: Published | None = None
        self._local = threading.local()
        self._pages: OrderedDict[tuple[int, str], Representation] = OrderedDict()
        self._seen_counter: int | None = None
        self._splicer = SplicedRenderer(self.meta)  #: used under self._lock only
        #: where the topic feeds' changes are worked out: a function that runs a job in the
        #: background (serve: the WebSub publisher's thread), else in the thread that rendered
        self.defer: Callable[[Callable[[], None]], None] | None = None
        #: the generation up to which topic feed changes were told (None: before the first render)
        self._topics_seen: int | None = None
        self._topics_lock = threading.Lock()  #: one look at the change log at a time

    def warm(self) -> None:
        """Render now if anything was committed since the last look. The refresh thread calls
        this right after its commit, so no reader's request pays for rendering (a request that
        comes meanwhile waits for this render rather than doing its own)."""
        try:
            self.current()
        except StoreError as e:
            log.warning("could not render after the refresh: %s", e)

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
        """Render ``generation`` (or newer) and publish it: plain first, so a new article is
        served at once, then with the gzipped bodies (compressed outside the lock; until they
        are there, clients that accept gzip get the plain bytes)."""
        published, rendered, changed = self._render_plain(generation)
        if not rendered:
            return published
        if self.on_change:  # someone listens (WebSub): worth reading the change log
            if self.defer is None:
                changed += self._changed_topic_feeds()
            else:  # a bulk refresh touches thousands of topics: not in a refresh's or a request's way
                self.defer(self._tell_topic_changes)
        if changed:
            self._changed(changed)
        started = time.perf_counter()
        done = dataclasses.replace(published, feeds={k: r.compressed() for k, r in published.feeds.items()})
        with self._lock:
            if self._current is published:  # else a newer generation is already out
                self._current = done
        elapsed = time.perf_counter() - started
        log.debug("compressed generation %d in %.1f ms", done.generation, elapsed * 1000)
        self._rendered("gzip", elapsed)
        return done

    def _rendered(self, what: str, seconds: float) -> None:
        if self._on_render is not None:
            self._on_render(what, seconds)

    def _changed(self, urls: tuple[str, ...]) -> None:
        """The feed-changed point (after a refresh's commit, in the thread that rendered it):
        tell the listeners (serve's WebSub publisher), whose failure must not fail a render."""
        for listener in self.on_change:
            try:
                listener(urls)
            except Exception:  # a bug in a listener: logged; the feeds are out regardless
                log.exception("a feed-change listener failed")

    def _changed_site_feeds(self, before: Published, after: Published) -> tuple[str, ...]:
        """URLs of the site's subscription feeds whose bytes ``after`` changed."""
        return tuple(
            feed.url(self.meta.base_url) for feed in SITE_FEEDS
            if feed.spec.key not in before.feeds or before.feeds[feed.spec.key].etag != after.feeds[feed.spec.key].etag
        )  # fmt: skip

    def _tell_topic_changes(self) -> None:
        """Tell the listeners which topic feeds changed since the last look (``defer``'s job)."""
        urls = self._changed_topic_feeds()
        if urls:
            self._changed(urls)

    def _changed_topic_feeds(self) -> tuple[str, ...]:
        """URLs of the tag, section and author subscription feeds the generations since the
        last look changed (web.changes: from the store's change log, not from their bytes,
        which are rendered on request). Archive pages are not WebSub topics (no rel="hub")."""
        with self._topics_lock:
            since = self._topics_seen
            if since is None:
                return ()
            try:
                found = changed_topics(self.store, since, self.paging)
            except StoreError as e:  # looked at again after the next commit
                log.warning("websub: could not tell which topic feeds changed: %s", e)
                return ()
            if found is None:
                log.warning(
                    "websub: the index no longer holds what changed since generation %d: "
                    "the topic feeds changed since then are not pinged", since,
                )  # fmt: skip
                self._topics_seen = self.store.generation()
                return ()
            self._topics_seen, topics = found
        base = self.meta.base_url
        return tuple(feed.url(base) for kind, slug in topics for feed in subscriptions(kind, slug))

    def _render_plain(self, generation: int) -> tuple[Published, bool, tuple[str, ...]]:
        """The published state at ``generation`` or newer, whether this call rendered it, and
        the URLs of the feeds whose bytes it changed."""
        with self._lock:
            current = self._current
            if current is not None and current.generation >= generation:
                return current, False, ()
            started = time.perf_counter()
            snap = self.store.snapshot(self.settings.max_items)
            fallback = snap.changed_at
            arts = snap.articles
            modified = max(feed_updated(arts, fallback), fallback)
            paging = self.paging(snap.count)
            items = arts
            if paging.subscription_items > len(arts):  # more than max_items not yet archived
                items = tuple(self.store.articles(None, paging.subscription_items))
            # The site's subscription feeds, rendered now; topic feeds and archive pages are
            # rendered on request (web.documents) and kept in the page LRU.
            published = Published(
                generation=snap.generation,
                articles=arts,
                feeds={
                    spec.key: Representation.build(
                        self._splicer.render(feed_doc(spec.bind(), self.meta, paging), items, fallback),
                        spec.content_type,
                        modified,
                        self.max_age,
                        compress=False,
                        links=websub_links(self.meta.hubs, spec.bind().url(self.meta.base_url)),
                    )
                    for spec in FEEDS  # the table, read at each render
                    if spec.scope == "site" and spec.page == "current"
                },
                last_modified=modified,
                count=snap.count,
            )
            changed = () if current is None else self._changed_site_feeds(current, published)
            if self._topics_seen is None:  # the first render: topic changes count from here
                self._topics_seen = snap.generation
            self._splicer.prune()
            self._current = published
            self._pages.clear()
            elapsed = time.perf_counter() - started
            log.debug(
                "rendered generation %d (%d articles) in %.1f ms", snap.generation, len(arts), elapsed * 1000
            )
            self._rendered("feeds", elapsed)
            return published, True, changed

    def paging(self, total: int) -> Paging:
        """How a scope of ``total`` articles is split into a subscription and archive pages."""
        return Paging(total, self.settings.archive_page_size, self.settings.max_items)

    def page(self, key: str, make: Callable[[], Representation | None]) -> Representation | None:
        """A rendered HTML page, cached for the current generation (bounded LRU)."""
        generation = self.current().generation
        cache_key = (generation, key)
        with self._lock:
            hit = self._pages.get(cache_key)
            if hit is not None:
                self._pages.move_to_end(cache_key)
                return hit
        started = time.perf_counter()
        rep = make()
        self._rendered("page", time.perf_counter() - started)
        if rep is not None:
            with self._lock:
                self._pages[cache_key] = rep
                while len(self._pages) > MAX_PAGES:
                    self._pages.popitem(last=False)
        return rep
