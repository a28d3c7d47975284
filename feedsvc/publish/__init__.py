"""What feedsvc publishes: the feed table (FeedSpec, FEEDS), the feed renderers, the HTML site.

``feeds`` is the one map of feeds that routes, the cache, autodiscovery and (later) export and
OPML read; ``render`` turns articles into feed bytes; ``pages`` renders the HTML site from
``templates/`` (or a theme folder); ``icons`` the site's icons and where each is used;
``sitemap`` sitemap.xml and robots.txt; ``html`` is the one place an article body becomes
markup. Imports: model only.
"""

from __future__ import annotations

from .feeds import FEEDS
from .feeds import SITE
from .feeds import FeedSpec
from .feeds import Scope
from .html import body_html
from .pages import SitePages
from .render import EPOCH
from .render import article_url
from .render import feed_updated

__all__ = [
    "EPOCH",
    "FEEDS",
    "SITE",
    "FeedSpec",
    "Scope",
    "SitePages",
    "article_url",
    "body_html",
    "feed_updated",
]
