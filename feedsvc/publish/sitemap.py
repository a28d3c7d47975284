"""sitemap.xml (sitemaps.org 0.9) and robots.txt. Pure: articles in, bytes out.

Sitemap URLs must be absolute, so they come from the base URL, like the feeds' links. One
sitemap file holds SITEMAP_URLS URLs (the protocol allows 50,000; fewer keeps the articles a
request reads, and the bytes kept in the page cache, small); a bigger site gets a sitemap
index at /sitemap.xml that points at /sitemaps/N.xml.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from ..model import Listing
from ..model import rfc3339
from .pages import FEEDS_PAGE
from .pages import article_path

SITEMAP_URLS = 5_000  #: URLs per file (the protocol's limit is 50,000)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
FIXED_PAGES = 2  #: the front page and the feeds page, in the first sitemap


def _url(loc: str, lastmod: datetime | None) -> str:
    mod = f"<lastmod>{rfc3339(lastmod)}</lastmod>" if lastmod else ""
    return f"<url><loc>{escape(loc)}</loc>{mod}</url>\n"


def sitemap(base_url: str, articles: Sequence[Listing], *, site_pages: bool, newest: datetime | None) -> bytes:
    """One sitemap: the front and feeds pages (when ``site_pages``) and these articles."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n']
    if site_pages:
        parts.append(_url(base_url, newest))
        parts.append(_url(base_url + FEEDS_PAGE, None))
    parts += (_url(base_url + article_path(a.slug), a.updated) for a in articles)
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8")


def sitemap_index(base_url: str, count: int) -> bytes:
    """The index of ``count`` sitemaps, /sitemaps/1.xml to /sitemaps/N.xml."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n']
    parts += (f"<sitemap><loc>{escape(base_url)}sitemaps/{n}.xml</loc></sitemap>\n" for n in range(1, count + 1))
    parts.append("</sitemapindex>\n")
    return "".join(parts).encode("utf-8")


def sitemap_count(articles: int) -> int:
    """How many sitemap files a site with this many articles needs (1 means no index)."""
    return max(1, -(-(articles + FIXED_PAGES) // SITEMAP_URLS))


def sitemap_slice(n: int) -> tuple[int, int]:
    """(offset, limit) in the newest-first listing of the articles in sitemap file ``n`` (from 1):
    the first file also holds the FIXED_PAGES site pages."""
    if n == 1:
        return 0, SITEMAP_URLS - FIXED_PAGES
    return (n - 1) * SITEMAP_URLS - FIXED_PAGES, SITEMAP_URLS


def robots(base_url: str) -> bytes:
    """Everything may be crawled; the sitemap says where the articles are."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n".encode()
