"""What feedsvc publishes: the feed table (FeedSpec, FEEDS), the feed renderers, the HTML site.

``feeds`` is the one map of feeds (format x scope x page) that routes, the cache, autodiscovery,
OPML and (later) export read; ``archive`` pages a scope (RFC 5005) and links its documents;
``render`` turns articles into feed bytes; ``opml`` lists every subscription feed; ``pages``
renders the HTML site from ``templates/`` (or a theme folder); ``icons`` the site's icons and
where each is used; ``sitemap`` sitemap.xml and robots.txt; ``html`` is the one place an
article body becomes markup. Imports: model and topics only.
"""

from __future__ import annotations

from .archive import Paging
from .archive import feed_doc
from .feeds import FEEDS
from .feeds import SCOPE_PREFIX
from .feeds import SITE_FEEDS
from .feeds import Feed
from .feeds import FeedDoc
from .feeds import FeedSpec
from .feeds import spec_for
from .feeds import subscriptions
from .html import body_html
from .opml import OPML_PATH
from .opml import render_opml
from .pages import SitePages
from .pages import topic_url
from .render import EPOCH
from .render import article_url
from .render import feed_updated

__all__ = [
    "EPOCH",
    "FEEDS",
    "OPML_PATH",
    "SCOPE_PREFIX",
    "SITE_FEEDS",
    "Feed",
    "FeedDoc",
    "FeedSpec",
    "Paging",
    "SitePages",
    "article_url",
    "body_html",
    "feed_doc",
    "feed_updated",
    "render_opml",
    "spec_for",
    "subscriptions",
    "topic_url",
]
