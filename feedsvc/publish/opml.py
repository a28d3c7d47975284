"""The OPML 2.0 subscription list of every subscription feed: the site's, then each tag's,
section's and author's, one outline per feed, in folders by scope. Pure: handed the topics."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from email.utils import format_datetime

from ..model import FeedMeta
from ..model import Topic
from ..model import TopicKind
from .feeds import SCOPE_PREFIX
from .feeds import Feed
from .feeds import subscriptions
from .render import xml_safe

OPML_PATH = "feeds.opml"  #: below the base URL
OPML_TYPE = "text/x-opml; charset=utf-8"
FOLDERS: dict[TopicKind, str] = {"tag": "Tags", "section": "Sections", "author": "Authors"}


def _outline(parent: ET.Element, feed: Feed, name: str, home: str, meta: FeedMeta) -> None:
    # OPML 2.0: `text` may hold HTML, and the W3C validator reads `title` so too: a name is
    # escaped in both ("AT&T" -> "AT&amp;T"), so it never turns into markup.
    text = html.escape(xml_safe(f"{name} ({feed.label})"), quote=False)
    attrs = {"type": "rss", "text": text, "title": text, "xmlUrl": feed.url(meta.base_url), "htmlUrl": home}
    if feed.spec.format == "rss":
        attrs["version"] = "RSS2"
    attrs["language"] = meta.language
    ET.SubElement(parent, "outline", attrs)


def render_opml(meta: FeedMeta, topics: Sequence[Topic], modified: datetime) -> bytes:
    """Every subscription document as OPML 2.0; ``modified`` (the newest change, never "now")
    is its dateModified, so the same state gives the same bytes."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = xml_safe(f"{meta.title}: every feed")
    ET.SubElement(head, "dateModified").text = format_datetime(modified.astimezone(UTC), usegmt=True)
    ET.SubElement(head, "ownerName").text = xml_safe(meta.author)
    body = ET.SubElement(root, "body")
    site = ET.SubElement(body, "outline", text=html.escape(xml_safe(meta.title), quote=False))
    for feed in subscriptions():
        _outline(site, feed, meta.title, meta.base_url, meta)
    for kind, folder_name in FOLDERS.items():
        mine = [t for t in topics if t.kind == kind]
        if not mine:
            continue
        folder = ET.SubElement(body, "outline", text=folder_name)
        for topic in mine:
            home = meta.base_url + SCOPE_PREFIX[kind].format(slug=topic.slug)
            for feed in subscriptions(kind, topic.slug):
                _outline(folder, feed, topic.name, home, meta)
    ET.indent(root, space=" ")
    out: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return out + b"\n"
