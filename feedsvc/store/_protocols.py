"""The two interfaces a store backend implements: Store (the index) and Coordinator."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Protocol

from ..model import Article
from ..model import Listing
from ..model import Skipped
from ..model import Topic
from ..model import TopicKind
from ._types import FileRow
from ._types import Identity
from ._types import Snapshot


class Coordinator(Protocol):
    """How the processes sharing one index take turns writing and learn that it changed.

    File-based today (``files.FileCoordinator``: ``flock`` on ``<index>.lock`` and a
    memory-mapped counter in ``<index>.gen``); a PostgreSQL backend would use an advisory lock
    and LISTEN/NOTIFY.
    """

    def ingest_lock(self, timeout: float | None) -> AbstractContextManager[bool]:
        """Hold the one-refresh-at-a-time lock, across processes; yields True when held.

        With ``timeout=None`` it does not wait and yields False when someone else holds it;
        otherwise it waits up to ``timeout`` seconds, then raises LockTimeout.
        """
        ...

    def notify_changed(self) -> None:
        """Tell every process that a write was committed (the store calls it after each commit)."""
        ...

    def change_count(self) -> int | None:
        """A number that moves after every notify_changed(), from any process: one cheap read
        per request. None when unavailable; then ask the store (``Store.data_version``)."""
        ...

    def close(self) -> None: ...


class Store(Protocol):
    """The article index, as refresh, web, the CLI and the server use it.

    Writes happen inside ``transaction()``; a reader never sees half of one. Every method may
    raise StoreError when the index cannot be read or written.
    """

    @property
    def coordinator(self) -> Coordinator:
        """The ingest lock and change notification for this index."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    # ------------------------------------------------------------------ reads (web, CLI)

    def data_version(self) -> object:
        """Changes whenever anything is committed, by any connection, this thread's own too."""
        ...

    def generation(self) -> int:
        """Bumped by every refresh that changed what is published."""
        ...

    def state(self, key: str) -> str | None: ...

    def latest(self, limit: int | None = None) -> list[Article]:
        """Published articles, newest first."""
        ...

    def snapshot(self, limit: int) -> Snapshot:
        """The newest ``limit`` articles and the generation, read consistently."""
        ...

    def page(self, limit: int, offset: int) -> list[Listing]:
        """One page of the newest-first listing (titles and summaries, no bodies)."""
        ...

    def get_by_slug(self, slug: str) -> Article | None: ...

    def topics(self, kind: TopicKind) -> list[Topic]:
        """Every topic of ``kind`` that at least one published article has, ordered by slug,
        each with its count and, as its name, the least (in code point order) of the spellings
        its articles use. An article's topics are ``topics.article_topics(article)``: a backend
        indexes them in put_articles and drops them with the article (skip, removal, replace)."""
        ...

    def topic(self, kind: TopicKind, slug: str) -> Topic | None:
        """``topics(kind)``'s entry for ``slug``, or None."""
        ...

    def articles(
        self, topic: Topic | None, limit: int, offset: int = 0, *, oldest_first: bool = False
    ) -> list[Article]:
        """Published articles that have ``topic`` (its kind and slug; None: every article), in
        (published, id) order, descending or, with ``oldest_first``, ascending: the ``limit``
        after the first ``offset``. The id breaks ties, so consecutive pages never overlap or
        leave a gap (archive pages rely on it)."""
        ...

    def neighbours(self, article_id: str) -> tuple[Listing | None, Listing | None]:
        """The articles just newer and just older than this one in the listing's order
        (published, then id, both descending); None at either end or for an unknown id."""
        ...

    # ------------------------------------------------------------------ reads (refresh)

    def skipped(self) -> list[Skipped]: ...

    def stamps(self, paths: Iterable[str] | None = None) -> tuple[dict[str, tuple[int, int]], set[str]]:
        """(path -> (size, mtime_ns)) of every file the index knows (or of just ``paths``), and
        which of those paths are skipped."""
        ...

    def file_row(self, path: str) -> FileRow | None: ...

    def identity(self, article_id: str) -> Identity | None: ...

    def identities(self) -> dict[str, Identity]: ...

    def slug_taken(self, slug: str) -> bool: ...

    def article_path(self, article_id: str) -> str | None: ...

    def article_owners(self) -> dict[str, str]:
        """Published article id -> its file's path."""
        ...

    # ------------------------------------------------------------------ writes (refresh)

    def transaction(self) -> AbstractContextManager[None]:
        """One write transaction; the coordinator is notified after it commits."""
        ...

    def add_identities(self, identities: Iterable[Identity]) -> None: ...

    def put_articles(self, items: Iterable[tuple[Article, str]]) -> None:
        """Publish (article, raw hash of its file) pairs, replacing what the paths had."""
        ...

    def touch_file(self, path: str, size: int, mtime_ns: int, raw_hash: str | None = None) -> None: ...

    def put_skipped(self, path: str, reason: str, size: int, mtime_ns: int) -> bool:
        """Mark a file skipped; True when this unpublished an article."""
        ...

    def unskip(self, path: str) -> None: ...

    def forget_file(self, path: str) -> bool:
        """The file is gone: unpublish it. True when an article was removed."""
        ...

    def set_state(self, key: str, value: str) -> None: ...

    def bump_generation(self) -> None: ...
