"""RFC 5005 archive paging: which articles each archive document of a scope holds, and the
links between a scope's documents. Pure.

A scope's articles in (published, id) order, oldest first, are cut into pages of ``size``;
archive page n (from 1) holds articles (n-1)*size .. n*size-1, and only complete pages are
published. A new article, dated now, lands after every archived one: pages fill and then do not
move, and an edit changes only the page that holds the article (its published date, and so its
place, never moves). The rest, fewer than ``size``, are in the subscription document, which
holds the newest ``max_items``: config keeps ``size <= max_items``, so that is all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import FeedMeta
from .feeds import SCOPE_LABEL
from .feeds import SCOPE_PREFIX
from .feeds import Feed
from .feeds import FeedDoc


@dataclass(frozen=True, slots=True)
class Paging:
    """How a scope with ``total`` articles is split between its subscription and archive pages."""

    total: int
    size: int  #: articles per archive page
    max_items: int  #: the subscription document's usual length

    @property
    def archived(self) -> int:
        """How many complete archive pages there are (page numbers 1..archived)."""
        return self.total // self.size

    @property
    def subscription_items(self) -> int:
        """The subscription document's length: max_items, and never fewer than the articles not
        yet archived (config keeps size <= max_items, so that is max_items or the total)."""
        return min(self.total, max(self.max_items, self.total - self.archived * self.size))

    def has(self, page: int) -> bool:
        return 1 <= page <= self.archived

    def offset(self, page: int) -> int:
        """Where archive ``page`` starts, counting from the oldest article."""
        return (page - 1) * self.size


def feed_doc(feed: Feed, meta: FeedMeta, paging: Paging, topic_name: str | None = None) -> FeedDoc:
    """The document ``feed`` of a scope paged by ``paging``: its title, home page and links.

    A subscription document links its newest archive page (prev-archive; JSON Feed next_url);
    archive page n links n-1 (prev-archive, next_url), the subscription document (current) and
    n+1 (next-archive), or, on the newest page, the subscription document, which holds the
    articles that follow (so a lone archive page links somewhere: the W3C validator's
    ArchiveIncomplete). Nothing in an archive page depends on how many pages follow it but that
    next-archive link, so a page changes only when its own articles do (and once, when the
    page after it fills).
    """
    spec = feed.spec
    base = meta.base_url
    home = base + SCOPE_PREFIX[spec.scope].format(slug=feed.slug)
    title = meta.title if spec.scope == "site" else f"{meta.title}: {SCOPE_LABEL[spec.scope]} {topic_name}"
    if feed.page is None:
        newest = feed.sibling(paging.archived).url(base) if paging.archived else None
        return FeedDoc(feed, title, home, prev_archive=newest)
    page = feed.page
    return FeedDoc(
        feed,
        f"{title} (archive {page})",
        home,
        prev_archive=feed.sibling(page - 1).url(base) if page > 1 else None,
        next_archive=feed.sibling(page + 1 if page < paging.archived else None).url(base),
        current=feed.sibling(None).url(base),
    )
