"""Feed bytes assembled from cached per-entry fragments: one new article renders one entry,
not the whole feed. A speed-up twin of ``FeedSpec.render`` that gives the same bytes.

A feed document is a skeleton (the feed-level elements: rendered with no entries, and the
`updated` of the full feed) with its entries spliced in at one place. Each entry's bytes do not
depend on its neighbours (pretty-printed XML indents by depth; JSON strings never hold a raw
newline), so an entry rendered once is reused until that article changes. Entries are rendered
by the plain renderer itself, in one document for all the missing ones, and cut apart at their
start lines. Every such cut is checked: the document must be exactly skeleton + entries, or the
plain render is used and nothing is cached (tests/test_splice.py holds the twins equal).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..model import Article
from ..model import FeedMeta
from .feeds import FeedDoc
from .feeds import FeedSpec
from .render import feed_updated


@dataclass(frozen=True, slots=True)
class Layout:
    """Where one format's entries sit in its document, and how they are cut apart."""

    entry_start: re.Pattern[bytes]  #: matches the first line of each top-level entry, only those
    empty: bytes  #: in a document without entries: what the entries replace (the last match)
    head: bytes  #: ...and what comes before the first entry instead (with the entries' opening)
    tail: bytes  #: ...and after the last entry
    separator: bytes = b""  #: between two entries

    def split(self, skeleton: bytes) -> tuple[bytes, bytes]:
        """The skeleton's bytes before and after its entries."""
        at = skeleton.rindex(self.empty)
        return skeleton[:at] + self.head, self.tail + skeleton[at + len(self.empty) :]

    def cut(self, document: bytes, skeleton: bytes, count: int) -> list[bytes] | None:
        """The ``count`` entries of ``document`` (rendered with the skeleton's feed-level data),
        or None when the document is not exactly skeleton + ``count`` entries."""
        before, after = self.split(skeleton)
        if not (document.startswith(before) and document.endswith(after)):
            return None
        region = document[len(before) : len(document) - len(after)]
        starts = [m.start() for m in self.entry_start.finditer(region)]
        if len(starts) != count:
            return None
        ends = [s - len(self.separator) for s in starts[1:]] + [len(region)]
        entries = [region[s:e] for s, e in zip(starts, ends, strict=True)]
        if self.separator.join(entries) != region:
            return None
        return entries

    def assemble(self, skeleton: bytes, entries: Sequence[bytes]) -> bytes:
        if not entries:
            return skeleton
        before, after = self.split(skeleton)
        return before + self.separator.join(entries) + after


# lxml pretty-prints one level as two spaces: <feed><entry>, <rss><channel><item>. Text never
# holds a raw "<" (it is escaped), so a line that is exactly the start tag is an entry's start.
ATOM = Layout(re.compile(rb"^  <entry>$", re.M), b"</feed>", b"", b"</feed>")
RSS = Layout(re.compile(rb"^    <item>$", re.M), b"  </channel>", b"", b"  </channel>")
# json.dumps(indent=1): an item is an object two levels down; its keys are three spaces in.
JSON = Layout(re.compile(rb"^  \{$", re.M), b'"items": []', b'"items": [\n', b"\n ]", b",\n")

LAYOUTS = {"atom": ATOM, "rss": RSS, "json": JSON}


class SplicedRenderer:
    """Renders FeedSpecs from per-entry fragments cached across renders.

    Not thread-safe: the owner (web.cache.FeedCache) calls it under its render lock. Call
    ``prune()`` after rendering every feed of a generation: fragments not used since the last
    prune are dropped, so the cache holds about one feed's worth of entries per format.
    """

    def __init__(self, meta: FeedMeta) -> None:
        self.meta = meta
        #: (format, article id) -> (the article the entry was rendered from, the entry's bytes)
        self._fragments: dict[tuple[str, str], tuple[Article, bytes]] = {}
        self._used: set[tuple[str, str]] = set()
        #: skeletons made since the last prune: (document, its `updated`) -> bytes
        self._skeletons: dict[tuple[FeedDoc, datetime], bytes] = {}
        self.rendered = 0  #: entries rendered (not reused) so far: for tests and benchmarks

    def render(self, doc: FeedDoc, articles: Sequence[Article], fallback: datetime) -> bytes:
        """The bytes ``spec.render(articles, meta, doc, fallback)`` gives (``doc.feed.spec``).

        An entry's bytes depend on the article, the format and the site (never on the document's
        own links or title), so fragments are shared by every document of a format."""
        spec = doc.feed.spec
        layout = LAYOUTS.get(spec.format)
        if layout is None:
            return spec.render(articles, self.meta, doc, fallback)
        # A fragment is found by the article's id and used only for an article equal to the one
        # it was rendered from (all fields: an edit, a touch, a new slug re-renders it). The id
        # finds it without hashing every field of every article; the comparison is the same.
        keys = [(spec.format, a.id) for a in articles]
        entries: list[bytes | None] = []
        missing: list[Article] = []
        for key, article in zip(keys, articles, strict=True):
            hit = self._fragments.get(key)
            if hit is not None and (hit[0] is article or hit[0] == article):
                entries.append(hit[1])
            else:
                entries.append(None)
                missing.append(article)
        if missing:
            made = self._fill(spec, doc, layout, missing, fallback)
            if made is None:
                return spec.render(articles, self.meta, doc, fallback)
            fresh = iter(made)
            entries = [entry if entry is not None else next(fresh) for entry in entries]
        self._used.update(keys)
        skeleton = self._skeleton(spec, doc, feed_updated(articles, fallback))
        return layout.assemble(skeleton, [entry for entry in entries if entry is not None])

    def _skeleton(self, spec: FeedSpec, doc: FeedDoc, updated: datetime) -> bytes:
        """The document without entries (the one that cuts a new entry is usually the one its
        feed is assembled in: the new article is the newest)."""
        key = (doc, updated)
        skeleton = self._skeletons.get(key)
        if skeleton is None:
            skeleton = self._skeletons[key] = spec.render((), self.meta, doc, updated)
        return skeleton

    def _fill(
        self, spec: FeedSpec, doc: FeedDoc, layout: Layout, missing: list[Article], fallback: datetime
    ) -> list[bytes] | None:
        """Render the missing entries in one document and cache them; None if it did not cut."""
        document = spec.render(missing, self.meta, doc, fallback)
        skeleton = self._skeleton(spec, doc, feed_updated(missing, fallback))
        entries = layout.cut(document, skeleton, len(missing))
        if entries is None:
            return None
        for article, entry in zip(missing, entries, strict=True):
            self._fragments[(spec.format, article.id)] = (article, entry)
        self.rendered += len(missing)
        return entries

    def prune(self) -> None:
        """Forget the fragments no render used since the last prune, and the skeletons."""
        self._fragments = {k: v for k, v in self._fragments.items() if k in self._used}
        self._used = set()
        self._skeletons = {}
