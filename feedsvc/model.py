"""Typed, immutable data objects that travel between feedsvc's layers. Stdlib only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import tzinfo
from typing import Literal

BlockKind = Literal["p", "caption"]
TopicKind = Literal["tag", "section", "author"]
TOPIC_KINDS: tuple[TopicKind, ...] = ("tag", "section", "author")


def rfc3339(dt: datetime) -> str:
    """An aware datetime as RFC 3339 in UTC: whole seconds unless it has a fraction."""
    dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt.isoformat(timespec="microseconds" if dt.microsecond else "seconds") + "Z"


@dataclass(frozen=True, slots=True)
class Block:
    """One line of an article body: a paragraph or a photo/video caption."""

    kind: BlockKind
    text: str


@dataclass(frozen=True, slots=True)
class ParseRules:
    """What the parser needs to know; built from Settings, so parsing never reads config."""

    captions: tuple[re.Pattern[str], ...]
    boilerplate: tuple[re.Pattern[str], ...]  #: a paragraph matching one of these is dropped
    debris: tuple[re.Pattern[str], ...]  #: matches are cut out of a paragraph
    timezone: tzinfo  #: naive header dates are taken in this zone
    summary_length: int = 400
    title_length: int = 140


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """What one seed file says, after cleaning. Pure data: no I/O, no identity yet."""

    title: str
    summary: str
    blocks: tuple[Block, ...]  #: body paragraphs and captions, in file order
    author: str | None = None
    tags: tuple[str, ...] = ()
    date: datetime | None = None  #: the header's Date:, timezone-aware
    explicit_id: str | None = None  #: the header's Id:
    warnings: tuple[str, ...] = ()  #: non-fatal problems (an unparseable date...)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.blocks if b.kind == "p")

    @property
    def captions(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.blocks if b.kind == "caption")


@dataclass(frozen=True, slots=True)
class Article:
    """One published article, as the store keeps it and the renderers take it."""

    id: str  #: permanent: the path relative to the seeds dir, or the Id: header
    guid: str  #: permanent feed identity (urn:uuid:...), the same in all three feeds
    slug: str  #: permanent URL segment, ASCII
    title: str
    summary: str
    blocks: tuple[Block, ...]
    author: str | None
    tags: tuple[str, ...]
    published: datetime  #: header date, else the moment feedsvc first saw the file (UTC)
    updated: datetime  #: moves only when the content changes (UTC)
    path: str  #: source path relative to the seeds dir, POSIX separators
    size: int
    mtime_ns: int
    content_hash: str

    @property
    def body_text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.kind == "p")

    @property
    def captions(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.blocks if b.kind == "caption")


@dataclass(frozen=True, slots=True)
class Listing:
    """What an index page shows of an article: no body, so deep pages stay cheap."""

    id: str
    slug: str
    title: str
    summary: str
    author: str | None
    published: datetime
    updated: datetime


@dataclass(frozen=True, slots=True)
class Topic:
    """A tag, a section (first-level folder) or an author, with the articles filed under it."""

    kind: TopicKind
    slug: str  #: its identity and URL segment (topics.topic_slug): ASCII [a-z0-9-]
    name: str  #: how it is shown: the spelling most of its articles use
    count: int = 0  #: published articles filed under it (0 when not counted)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file in the seeds dir that is not published, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class RefreshStats:
    """What one refresh did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: tuple[Skipped, ...] = ()  #: every file currently skipped, with its reason
    deferred: tuple[str, ...] = ()  #: files still being written (or changed while read): later
    deferred_reasons: tuple[str, ...] = ()  #: why, one per path in ``deferred``
    retry_in: float | None = None  #: seconds until the soonest deferred file is worth a look
    seconds: float = 0.0
    ran: bool = True  #: False when another process held the lock and we did not wait

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary_line(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, removed {self.removed}, "
            f"unchanged {self.unchanged}, skipped {len(self.skipped)}"
            + (f", deferred {len(self.deferred)}" if self.deferred else "")
            + f" in {self.seconds:.2f}s"
        )


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """Feed-level data the renderers need."""

    title: str
    subtitle: str
    base_url: str  #: absolute, ends with "/"
    language: str
    author: str
    version: str = ""  #: feedsvc's, for the feeds' <generator>
    icon: str = ""  #: absolute URL of the large square icon (JSON Feed icon); "" for none
    favicon: str = ""  #: absolute URL of the small icon (Atom <icon>, JSON Feed favicon)
    logo: str = ""  #: absolute URL of a GIF, JPEG or PNG: Atom <logo> and RSS <image>
    logo_size: tuple[int, int] | None = None  #: its width and height, when within RSS's 144x400
    hubs: tuple[str, ...] = ()  #: WebSub hubs each feed names (rel="hub"); () for none
