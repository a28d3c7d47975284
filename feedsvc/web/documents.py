"""Documents rendered on request from the store: a topic's feeds, every RFC 5005 archive page,
the topic pages and the OPML list. The site's three subscription feeds are FeedCache's (one
render per generation); these are kept in its page LRU for the current generation. No routes.
"""

from __future__ import annotations

from ..model import TOPIC_KINDS
from ..model import Topic
from ..model import TopicKind
from ..publish import Feed
from ..publish import SitePages
from ..publish import feed_doc
from ..publish import feed_updated
from ..publish import render_opml
from ..publish.opml import OPML_TYPE
from ..publish.pages import Pagination
from .cache import FeedCache
from .cache import websub_links
from .http import HTML_TYPE
from .http import Representation


def feed_document(cache: FeedCache, feed: Feed) -> Representation | None:
    """A topic's subscription document or any archive page; None when it does not exist (no
    such topic, or no such complete archive page)."""
    store, spec = cache.store, feed.spec
    published = cache.current()
    topic: Topic | None = None
    total = published.count
    if spec.topic_kind is not None:
        assert feed.slug is not None
        topic = store.topic(spec.topic_kind, feed.slug)
        if topic is None:
            return None
        total = topic.count
    paging = cache.paging(total)
    if feed.page is None:
        articles = store.articles(topic, paging.subscription_items)
        max_age = cache.max_age
    else:
        if not paging.has(feed.page):
            return None
        oldest_first = store.articles(topic, paging.size, paging.offset(feed.page), oldest_first=True)
        articles = oldest_first[::-1]  # newest first, as in every feed
        max_age = cache.settings.archive_max_age  # archive pages hardly ever change: cache long
    doc = feed_doc(feed, cache.meta, paging, topic.name if topic else None)
    fallback = published.last_modified
    body = spec.render(articles, cache.meta, doc, fallback)
    # WebSub topics are the subscription documents alone (archive pages are not pinged)
    links = websub_links(cache.meta.hubs, feed.url(cache.meta.base_url)) if feed.page is None else None
    return Representation.build(body, spec.content_type, feed_updated(articles, fallback), max_age, links=links)


def topic_page(cache: FeedCache, pages: SitePages, kind: TopicKind, slug: str, page: int) -> Representation | None:
    """Page ``page`` of a topic's articles, newest first ([site] page_size a page, as the front
    page); None when there is no such page."""
    topic = cache.store.topic(kind, slug)
    per_page = cache.settings.page_size
    if topic is None or (page - 1) * per_page >= topic.count:
        return None
    articles = cache.store.articles(topic, per_page, (page - 1) * per_page)
    body = pages.topic(topic, articles, Pagination(page, -(-topic.count // per_page)))
    return Representation.build(body, HTML_TYPE, feed_updated(articles), cache.max_age)


def topics_page(cache: FeedCache, pages: SitePages, kind: TopicKind) -> Representation:
    """The list of every topic of a kind."""
    body = pages.topics(kind, cache.store.topics(kind))
    return Representation.build(body, HTML_TYPE, cache.current().last_modified, cache.max_age)


def opml_document(cache: FeedCache) -> Representation:
    """The OPML list of every subscription feed."""
    modified = cache.current().last_modified
    topics = [t for kind in TOPIC_KINDS for t in cache.store.topics(kind)]
    return Representation.build(render_opml(cache.meta, topics, modified), OPML_TYPE, modified, cache.max_age)
