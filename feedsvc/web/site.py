"""The site around the articles: the feeds page, icons and /favicon.ico, sitemap.xml and
robots.txt (a blueprint), and building the site's pages and icons from Settings."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from ..config import Settings
from ..errors import ConfigError
from ..model import TOPIC_KINDS
from ..model import FeedMeta
from ..publish import EPOCH
from ..publish import SitePages
from ..publish.icons import IconFile
from ..publish.icons import SiteIcons
from ..publish.icons import default_icons
from ..publish.icons import user_icons
from ..publish.pages import FEEDS_PAGE
from ..publish.sitemap import robots
from ..publish.sitemap import sitemap
from ..publish.sitemap import sitemap_count
from ..publish.sitemap import sitemap_index
from ..publish.sitemap import sitemap_slice
from .http import HTML_TYPE
from .http import Representation
from .http import serve
from .views import get_cache
from .views import get_pages

XML_TYPE = "application/xml; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
ICON_MAX_AGE = 86400  #: icons change only with the config: a day

site_bp = Blueprint("feedsvc_site", __name__)


@dataclass(frozen=True, slots=True)
class Site:
    """What create_app needs for the HTML site: the pages and the feed meta with icon URLs."""

    pages: SitePages
    meta: FeedMeta


def build_site(settings: Settings, meta: FeedMeta) -> Site:
    """Load ``[site] icon`` (or the built-in one) and check ``[site] theme_dir``'s templates.

    Raises ConfigError, one line, naming the setting: a bad icon or theme stops the server
    before it listens, never on a visitor's request.
    """
    where = str(settings.config_path or "config")
    icons: SiteIcons
    if settings.icon is None:
        icons = default_icons()
    else:
        try:
            data = settings.icon.read_bytes()
            icons = user_icons(data)
        except OSError as e:
            raise ConfigError(f"{where}: [site] icon cannot be read: {e.strerror or e}: {settings.icon}") from None
        except ValueError as e:
            raise ConfigError(f"{where}: [site] icon {e}: {settings.icon}") from None
    meta = icons.feed_meta(meta)
    pages = SitePages(meta, icons, settings.theme_dir)
    if settings.theme_dir is not None:
        try:
            pages.check()
        except ValueError as e:
            raise ConfigError(f"{where}: [site] theme_dir {settings.theme_dir}: {e}") from None
    return Site(pages, meta)


@site_bp.get("/" + FEEDS_PAGE)
def feeds_page() -> Response:
    cache = get_cache()
    published = cache.current()

    def make() -> Representation:
        topics = [t for kind in TOPIC_KINDS for t in cache.store.topics(kind)]  # their feeds too
        return Representation.build(get_pages().feeds(topics), HTML_TYPE, published.last_modified, cache.max_age)

    rep = cache.page(FEEDS_PAGE, make)
    assert rep is not None
    return serve(rep)


def _icon(icon: IconFile) -> Response:
    def make() -> Representation:
        return Representation.build(icon.data, icon.media_type, EPOCH, ICON_MAX_AGE)

    rep = get_cache().page("icon:" + icon.name, make)
    assert rep is not None
    return serve(rep)


@site_bp.get("/icons/<string(maxlength=40):name>")
def icon(name: str) -> Response:
    found = get_pages().icons.by_name(name)
    if found is None:
        raise NotFound("There is no such icon.")
    return _icon(found)


@site_bp.get("/favicon.ico")
def favicon() -> Response:
    return _icon(get_pages().icons.favicon_ico)


@site_bp.get("/robots.txt")
def robots_txt() -> Response:
    cache = get_cache()

    def make() -> Representation:
        return Representation.build(robots(cache.meta.base_url), TEXT_TYPE, EPOCH, cache.max_age)

    rep = cache.page("robots.txt", make)
    assert rep is not None
    return serve(rep)


def _sitemap_file(n: int) -> Response:
    cache = get_cache()
    published = cache.current()
    count = sitemap_count(published.count)
    if not 1 <= n <= count:
        raise NotFound("There is no such sitemap.")

    def make() -> Representation:
        offset, limit = sitemap_slice(n)
        listings = cache.store.page(limit, offset)
        newest = published.last_modified
        body = sitemap(cache.meta.base_url, listings, site_pages=n == 1, newest=newest)
        return Representation.build(body, XML_TYPE, published.last_modified, cache.max_age)

    rep = cache.page(f"sitemap:{n}", make)
    assert rep is not None
    return serve(rep)


@site_bp.get("/sitemap.xml")
def sitemap_xml() -> Response:
    cache = get_cache()
    published = cache.current()
    count = sitemap_count(published.count)
    if count == 1:
        return _sitemap_file(1)

    def make() -> Representation:
        body = sitemap_index(cache.meta.base_url, count)
        return Representation.build(body, XML_TYPE, published.last_modified, cache.max_age)

    rep = cache.page("sitemap-index", make)
    assert rep is not None
    return serve(rep)


@site_bp.get("/sitemaps/<int(min=1, max=100000):n>.xml")
def sitemap_part(n: int) -> Response:
    if sitemap_count(get_cache().current().count) == 1:
        raise NotFound("This site has one sitemap: /sitemap.xml.")
    return _sitemap_file(n)
