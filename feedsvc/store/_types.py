"""The store's data objects and the text form of its times. Contains no I/O."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

from ..model import Article


@functools.lru_cache(maxsize=256)  # a refresh formats the same instant two or three times
def format_time(dt: datetime) -> str:
    """Aware datetime -> the RFC 3339 UTC text stored (microseconds, sortable)."""
    # Fixed width (always six fraction digits) so that text order is time order.
    if dt.tzinfo is not UTC:  # every time feedsvc makes is in UTC already
        dt = dt.astimezone(UTC)
    return dt.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)  # "Z" is understood since Python 3.11


@dataclass(frozen=True, slots=True)
class FileRow:
    """What the index remembers about one file, for change detection."""

    path: str
    size: int
    mtime_ns: int
    raw_hash: str | None  #: None for a skipped file
    id: str | None
    content_hash: str | None = None
    updated: datetime | None = None  #: the article's `updated` (None for a skipped file)


@dataclass(frozen=True, slots=True)
class Identity:
    """An article's permanent identity: never deleted, so a file that comes back gets it again."""

    id: str  #: the Id: header's key, or a path-derived "path:..." id (feedsvc.identity)
    guid: str  #: the feeds' entry id; never changes
    slug: str  #: the current URL segment; an old one stays as a redirect (Store.move_identity)
    first_seen: datetime  #: the date of an article whose text gives none
    #: the file this path-derived identity belongs to (its file now, or last); None for an
    #: identity an Id: header gives (it follows its header, not a path). Unique when set.
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Vanished:
    """An article unpublished because its file disappeared: a file with the same bytes that
    appears soon after is the same article, renamed (refresh.identify)."""

    id: str
    path: str  #: where it was
    raw_hash: str  #: of the file's bytes
    content_hash: str  #: of what it published
    updated: datetime  #: its `updated` then: kept when the rename changes nothing published
    gone_at: datetime  #: the refresh that found it gone


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A consistent view of the index: the articles and the generation they belong to."""

    generation: int
    articles: tuple[Article, ...]
    changed_at: datetime  #: when the generation last moved (else when the index was made)
    count: int = 0  #: how many articles are published in all


@dataclass(frozen=True, slots=True)
class Filed:
    """One article as its topic feeds see it: where it sorts, what its entry is made of, and
    the topics it is filed under (Store.changes)."""

    published: datetime
    #: what its feed entry is made of beyond the id: content hash, `updated`, slug and path
    entry: tuple[str, datetime, str, str]
    topics: frozenset[tuple[str, str, str]]  #: (kind, slug, this article's spelling)


@dataclass(frozen=True, slots=True)
class Changes:
    """What the generations after ``since`` changed, up to ``generation`` (Store.changes): each
    article written or removed in them, as it was before the first and is after the last
    (None: not published then)."""

    since: int
    generation: int
    before: dict[str, Filed | None]  #: by article id
    after: dict[str, Filed | None]  #: the same ids


#: generations of changes the index keeps (Store.changes); older ones are pruned
KEEP_CHANGES = 1024
