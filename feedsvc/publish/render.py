"""Articles -> feed bytes: Atom and RSS 2.0 through feedgen, JSON Feed 1.1 by hand.

Output depends only on its inputs (no clock): the same articles give the same bytes. Each
renderer takes the FeedSpec it renders (feeds.py) for its own URL and media type.
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

from feedgen.feed import FeedGenerator

from ..model import Article
from ..model import FeedMeta
from ..model import rfc3339
from .html import body_html

if TYPE_CHECKING:
    from .feeds import FeedSpec

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

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


def feed_updated(articles: Sequence[Article], fallback: datetime = EPOCH) -> datetime:
    """The feed's `updated`: the newest item's update, never "now"."""
    return max((a.updated for a in articles), default=fallback)


def _feedgen(
    articles: Sequence[Article], meta: FeedMeta, spec: FeedSpec, fallback: datetime
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(meta.base_url)
    fg.title(xml_safe(meta.title))
    fg.subtitle(xml_safe(meta.subtitle or meta.title))
    fg.link(href=spec.url(meta.base_url), rel="self", type=spec.media_type)
    fg.link(href=meta.base_url, rel="alternate", type="text/html")  # last: RSS's <link>
    fg.language(meta.language)
    # Atom: the feed's <author> stands for every entry without one of its own (RFC 4287 4.1.1).
    # RSS has no place for a name alone (managingEditor is an e-mail address): none there.
    fg.author({"name": xml_safe(meta.author)})
    fg.generator("feedsvc", version=meta.version or None, uri="https://pypi.org/project/feedsvc/")
    _images(fg, meta)
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
        if article.tags:
            # One call: feedgen re-maps every category on each call, so one per tag is quadratic.
            fe.category([{"term": xml_safe(tag)} for tag in article.tags])
    return fg


def _images(fg: FeedGenerator, meta: FeedMeta) -> None:
    """Atom <icon> and <logo>, RSS <image> (feedgen's image() sets the Atom logo as well)."""
    if meta.logo:
        width, height = (str(n) for n in meta.logo_size) if meta.logo_size else (None, None)
        # title and link must be the channel's own: the W3C validator warns otherwise
        fg.image(url=meta.logo, title=xml_safe(meta.title), link=meta.base_url, width=width, height=height)
    if meta.favicon:
        fg.icon(meta.favicon)


_RSS_TEXT = re.compile(rb"<(title|category)>([^<]*)</\1>")


def _rss_character_references(document: bytes) -> bytes:
    """In RSS plain-text elements, write & and < as character references (&#x26; &#x3C;), the
    RSS Advisory Board's advice, so no reader takes them for markup."""

    def fix(m: re.Match[bytes]) -> bytes:
        text = m.group(2).replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
        return b"<%s>%s</%s>" % (m.group(1), text, m.group(1))

    return _RSS_TEXT.sub(fix, document)


def render_atom(
    articles: Sequence[Article], meta: FeedMeta, spec: FeedSpec, fallback: datetime = EPOCH
) -> bytes:
    fg = _feedgen(articles, meta, spec, fallback)
    out: bytes = fg.atom_str(pretty=True, encoding="UTF-8")
    return out


def render_rss(
    articles: Sequence[Article], meta: FeedMeta, spec: FeedSpec, fallback: datetime = EPOCH
) -> bytes:
    fg = _feedgen(articles, meta, spec, fallback)
    with _SETLOCALE_LOCK:
        out: bytes = fg.rss_str(pretty=True, encoding="UTF-8")
    return _rss_character_references(out)


def json_feed(articles: Sequence[Article], meta: FeedMeta, spec: FeedSpec) -> dict[str, Any]:
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
        if article.tags:
            item["tags"] = list(article.tags)
        items.append(item)
    return {
        "version": JSON_FEED_VERSION,
        "title": meta.title,
        "description": meta.subtitle,
        "home_page_url": meta.base_url,
        "feed_url": spec.url(meta.base_url),
        "language": meta.language,
        "authors": [{"name": meta.author}],
        **({"icon": meta.icon} if meta.icon else {}),
        **({"favicon": meta.favicon} if meta.favicon else {}),
        "items": items,
    }


def render_json(
    articles: Sequence[Article], meta: FeedMeta, spec: FeedSpec, fallback: datetime = EPOCH
) -> bytes:
    doc = json_feed(articles, meta, spec)  # no feed-level date in JSON Feed: fallback is unused
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
