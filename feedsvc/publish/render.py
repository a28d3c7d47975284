"""Articles -> feed bytes: Atom and RSS 2.0 through feedgen, JSON Feed 1.1 by hand.

Output depends only on its inputs (no clock): the same articles give the same bytes. Each
renderer takes the FeedDoc it renders (feeds.py): its own URL and media type, title, home page
and RFC 5005 archive links (Atom and RSS: ``atom:link`` prev-archive/next-archive/current and
``fh:archive``; JSON Feed: ``next_url`` to the next older page).
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import quote

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from ..model import Article
from ..model import FeedMeta
from ..model import rfc3339
from ..topics import article_topics
from .html import body_html

if TYPE_CHECKING:
    from .feeds import FeedDoc

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"  #: RFC 5005's fh: namespace
CATEGORY_DIRS = {"tag": "tags/", "section": "sections/"}  #: category scheme/domain, below base_url

# feedgen formats RSS dates under locale.setlocale(LC_ALL, "C"), which is process-wide and not
# thread-safe: two renders at once could restore the wrong locale. The locale is a process
# global, so the lock guarding it is one too.
_SETLOCALE_LOCK = threading.Lock()
# lxml refuses these; the parser already removes them, this guards config-supplied strings.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def article_url(base_url: str, slug: str) -> str:
    """Absolute URL of an article's HTML page."""
    return f"{base_url}articles/{quote(slug)}"


def categories(article: Article) -> list[tuple[str, str]]:
    """(kind, name) of an article's tags and section: its categories in every format."""
    return [(t.kind, t.name) for t in article_topics(article) if t.kind in CATEGORY_DIRS]


class _History(BaseExtension):  # type: ignore[misc]
    """feedgen extension: RFC 5005 links and fh:archive, before the first entry or item."""

    def __init__(self) -> None:
        self.links: list[tuple[str, str]] = []  #: (rel, href)
        self.archive = False

    def extend_ns(self) -> dict[str, str]:
        return {"fh": HISTORY_NS} if self.archive else {}

    def _add(self, parent: Any, before: str, link: str) -> None:
        at = next((i for i, child in enumerate(parent) if child.tag == before), len(parent))
        # SubElement, then move: made in place, the element uses the parent's prefixes (RSS's
        # atom:), where a detached one would declare ns0.
        elements = [etree.SubElement(parent, link, rel=rel, href=href) for rel, href in self.links]
        if self.archive:
            elements.append(etree.SubElement(parent, f"{{{HISTORY_NS}}}archive"))
        for offset, element in enumerate(elements):
            parent.insert(at + offset, element)

    def extend_atom(self, feed: Any) -> Any:
        self._add(feed, "entry", "link")  # feedgen writes Atom without namespaces: the default one
        return feed

    def extend_rss(self, feed: Any) -> Any:
        self._add(feed[0], "item", f"{{{ATOM_NS}}}link")  # <rss><channel>
        return feed


def feed_updated(articles: Sequence[Article], fallback: datetime = EPOCH) -> datetime:
    """The feed's `updated`: the newest item's update, never "now"."""
    return max((a.updated for a in articles), default=fallback)


def _feedgen(articles: Sequence[Article], meta: FeedMeta, doc: FeedDoc, fallback: datetime) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(doc.home)
    fg.title(xml_safe(doc.title))
    fg.subtitle(xml_safe(meta.subtitle or meta.title))
    fg.link(href=doc.feed.url(meta.base_url), rel="self", type=doc.feed.media_type)
    fg.link(href=doc.home, rel="alternate", type="text/html")  # last: RSS's <link>
    history = _History()
    history.archive = doc.archive
    for rel, href in (("current", doc.current), ("prev-archive", doc.prev_archive), ("next-archive", doc.next_archive)):
        if href is not None:
            history.links.append((rel, href))
    # WebSub: a <link rel="hub"> (RSS: <atom:link>) per hub, beside rel="self"; not on
    # archive pages, which are no WebSub topics: nothing pings the hubs when one changes.
    if not doc.archive:
        history.links.extend(("hub", hub) for hub in meta.hubs)
    if history.links or history.archive:
        fg.register_extension("history", lambda: history, None)
    fg.language(meta.language)
    # Atom: the feed's <author> stands for every entry without one of its own (RFC 4287 4.1.1).
    # RSS has no place for a name alone (managingEditor is an e-mail address): none there.
    fg.author({"name": xml_safe(meta.author)})
    fg.generator("feedsvc", version=meta.version or None, uri="https://pypi.org/project/feedsvc/")
    _images(fg, meta, doc)
    newest = feed_updated(articles, fallback)
    fg.updated(newest)  # feedgen defaults both to now()
    fg.lastBuildDate(newest)
    for article in articles:
        content = body_html(article.blocks)
        fe = fg.add_entry(order="append")  # feedgen prepends by default
        fe.id(article.guid)
        fe.guid(article.guid, permalink=False)
        fe.title(xml_safe(article.title))
        fe.link(href=article_url(meta.base_url, article.slug), rel="alternate", type="text/html")
        if article.summary and article.summary != content:
            # Atom title and summary stay type="text", even when the text looks like markup
            # (the validator then says ContainsUndeclaredHTML): as "html", feedparser and the
            # readers built on it hand the escaped markup back instead of the text.
            fe.summary(xml_safe(article.summary))
            # RSS <description> is read as HTML by every reader: escape the plain-text summary,
            # or "<script>" in an article would come out as markup.
            fe.description(xml_safe(html.escape(article.summary, quote=False)))
        fe.content(xml_safe(content), type="html")
        fe.published(article.published)
        fe.updated(article.updated)
        if article.author:  # the site's author is the feed's (Atom <author>), never an item's
            fe.author({"name": xml_safe(article.author)})
            fe.dc.dc_creator(xml_safe(article.author))
        cats = categories(article)
        if cats:
            # One call: feedgen re-maps every category on each call, so one per tag is quadratic.
            # The scheme (RSS: domain) tells a tag from a section of the same name.
            fe.category(
                [{"term": xml_safe(name), "scheme": meta.base_url + CATEGORY_DIRS[kind]} for kind, name in cats]
            )
    return fg


def _images(fg: FeedGenerator, meta: FeedMeta, doc: FeedDoc) -> None:
    """Atom <icon> and <logo>, RSS <image> (feedgen's image() sets the Atom logo as well)."""
    if meta.logo:
        width, height = (str(n) for n in meta.logo_size) if meta.logo_size else (None, None)
        # title and link must be the channel's own: the W3C validator warns otherwise
        fg.image(url=meta.logo, title=xml_safe(doc.title), link=doc.home, width=width, height=height)
    if meta.favicon:
        fg.icon(meta.favicon)


_RSS_TEXT = re.compile(rb"<(title|category)((?: [^>]*)?)>([^<]*)</\1>")


def _rss_character_references(document: bytes) -> bytes:
    """In RSS plain-text elements, write & and < as character references (&#x26; &#x3C;), the
    RSS Advisory Board's advice, so no reader takes them for markup."""

    def fix(m: re.Match[bytes]) -> bytes:
        text = m.group(3).replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
        return b"<%s%s>%s</%s>" % (m.group(1), m.group(2), text, m.group(1))

    return _RSS_TEXT.sub(fix, document)


def render_atom(
    articles: Sequence[Article], meta: FeedMeta, doc: FeedDoc, fallback: datetime = EPOCH
) -> bytes:
    fg = _feedgen(articles, meta, doc, fallback)
    out: bytes = fg.atom_str(pretty=True, encoding="UTF-8")
    return out


def render_rss(
    articles: Sequence[Article], meta: FeedMeta, doc: FeedDoc, fallback: datetime = EPOCH
) -> bytes:
    fg = _feedgen(articles, meta, doc, fallback)
    with _SETLOCALE_LOCK:
        out: bytes = fg.rss_str(pretty=True, encoding="UTF-8")
    return _rss_character_references(out)


def json_feed(articles: Sequence[Article], meta: FeedMeta, doc: FeedDoc) -> dict[str, Any]:
    """The JSON Feed 1.1 document as a dict (feedgen has no JSON Feed support)."""
    items = []
    for article in articles:
        item: dict[str, Any] = {
            "id": article.guid,
            "url": article_url(meta.base_url, article.slug),
            "title": article.title,
            "summary": article.summary,
            "content_html": body_html(article.blocks),
            "content_text": article.body_text,
            "date_published": rfc3339(article.published),
            "date_modified": rfc3339(article.updated),
        }
        if article.author:  # else the feed's top-level authors stand for it (JSON Feed 1.1)
            item["authors"] = [{"name": article.author}]
        tags = list(dict.fromkeys(name for _, name in categories(article)))
        if tags:
            item["tags"] = tags
        items.append(item)
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": doc.title,
        "description": meta.subtitle,
        "home_page_url": doc.home,
        "feed_url": doc.feed.url(meta.base_url),
    }
    if doc.prev_archive is not None:
        feed["next_url"] = doc.prev_archive  # JSON Feed pages: the next (older) page
    feed.update(language=meta.language, authors=[{"name": meta.author}])
    if meta.icon:
        feed["icon"] = meta.icon
    if meta.favicon:
        feed["favicon"] = meta.favicon
    if meta.hubs and not doc.archive:  # as rel="hub" above
        feed["hubs"] = [{"type": "WebSub", "url": hub} for hub in meta.hubs]
    feed["items"] = items
    return feed


def render_json(
    articles: Sequence[Article], meta: FeedMeta, doc: FeedDoc, fallback: datetime = EPOCH
) -> bytes:
    feed = json_feed(articles, meta, doc)  # no feed-level date in JSON Feed: fallback is unused
    return json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
