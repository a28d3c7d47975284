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


@dataclass(frozen=True, slots=True)
class Identity:
    id: str
    guid: str
    slug: str
    first_seen: datetime


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A consistent view of the index: the articles and the generation they belong to."""

    generation: int
    articles: tuple[Article, ...]
    changed_at: datetime  #: when the generation last moved (else when the index was made)
    count: int = 0  #: how many articles are published in all
