"""The two interfaces a store backend implements: Store (the index) and Coordinator."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from types import TracebackType
from typing import Protocol

from ..model import Article
from ..model import Listing
from ..model import Skipped
from ..model import Topic
from ..model import TopicKind
from ._types import Changes
from ._types import FileRow
from ._types import Identity
from ._types import Snapshot
from ._types import Vanished


class Coordinator(Protocol):
    """How the processes sharing one index take turns writing and learn that it changed.

    Two implementations: ``files.FileCoordinator`` beside a SQLite index (``flock`` on
    ``<index>.lock``, a counter in ``<index>.gen`` read with ``pread``: one machine) and
    ``postgres.PgCoordinator`` (an advisory lock, LISTEN/NOTIFY with a polling fallback: any
    number of machines).
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
        each with its count and, as its name, the spelling most of its articles use (ties: the
        least in code point order). An article's topics are ``topics.article_topics(article)``: a backend
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

    def redirect(self, slug: str) -> str | None:
        """Where an old URL went: the current slug of the published article that ``slug`` named
        before a rename (see ``move_identity``). None when ``slug`` is no old slug, or when its
        article is not published now."""
        ...

    # ------------------------------------------------------------------ reads (WebSub)

    def reading(self) -> AbstractContextManager[None]:
        """Several reads from one snapshot: every read method called inside (in this thread)
        sees the same state of the index."""
        ...

    def changes(self, since: int) -> Changes | None:
        """What the generations after ``since`` changed, up to the current one: each article a
        write in them replaced, removed or added (and each whose slug moved), as it was before
        the first such write (None: not published) and as it is now. Every write method logs
        that; a backend keeps KEEP_CHANGES generations of it and returns None for a ``since``
        older than what it kept."""
        ...

    def topic_count(self, kind: TopicKind, slug: str) -> int:
        """``topic()``'s count alone (0 for no such topic), without choosing its name."""
        ...

    def topic_keys(self, kind: TopicKind, slug: str, limit: int) -> list[tuple[datetime, str]]:
        """(published, id) of a topic's newest ``limit`` articles, in ``articles()``'s order."""
        ...

    def topic_spellings(self, kind: TopicKind, slug: str) -> dict[str, int]:
        """Each spelling of a topic's name and how many of its articles use it (``topic()``'s
        name is the most used, ties to the least in code point order)."""
        ...

    # ------------------------------------------------------------------ reads (refresh)

    def skipped(self) -> list[Skipped]: ...

    def stamps(self, paths: Iterable[str] | None = None) -> tuple[dict[str, tuple[int, int]], set[str]]:
        """(path -> (size, mtime_ns)) of every file the index knows (or of just ``paths``), and
        which of those paths are skipped."""
        ...

    def file_row(self, path: str) -> FileRow | None: ...

    def identity(self, article_id: str) -> Identity | None: ...

    def identity_at(self, path: str) -> Identity | None:
        """The identity whose ``path`` is ``path``: the one the file there has, or last had."""
        ...

    def identities(self) -> dict[str, Identity]:
        """Every identity ever given, by id (``path`` included)."""
        ...

    def redirects(self) -> dict[str, str]:
        """Every old slug -> the id of the identity it redirects to."""
        ...

    def slug_taken(self, slug: str) -> bool:
        """Whether any identity has this slug, now or as an old slug (a redirect): an address,
        once given, never names another article."""
        ...

    def vanished(self, since: datetime) -> list[Vanished]:
        """The vanished records (``add_vanished``) whose ``gone_at`` is ``since`` or later."""
        ...

    def article_path(self, article_id: str) -> str | None: ...

    def article_owners(self) -> dict[str, str]:
        """Published article id -> its file's path."""
        ...

    # ------------------------------------------------------------------ writes (refresh)

    def transaction(self) -> AbstractContextManager[None]:
        """One write transaction; the coordinator is notified after it commits."""
        ...

    def add_identities(self, identities: Iterable[Identity]) -> None:
        """Store new identities. The caller guarantees that their ids, slugs (current and old)
        and paths are not in use."""
        ...

    def move_identity(self, article_id: str, path: str | None, slug: str) -> None:
        """A renamed file: identity ``article_id`` now belongs to ``path`` (any other identity
        with that path loses it: its path becomes None) and its slug becomes ``slug``.

        When the slug changes, the old one is kept as a redirect to this identity; a redirect
        of this identity's own that equals ``slug`` is dropped (the address is its own again).
        The caller guarantees that ``slug`` is this identity's, or free (``slug_taken``).
        """
        ...

    def put_articles(self, items: Iterable[tuple[Article, str]]) -> None:
        """Publish (article, raw hash of its file) pairs, replacing what the paths had."""
        ...

    def touch_file(self, path: str, size: int, mtime_ns: int, raw_hash: str | None = None) -> None: ...

    def put_skipped(self, path: str, reason: str, size: int, mtime_ns: int) -> bool:
        """Mark a file skipped; True when this unpublished an article."""
        ...

    def unskip(self, path: str) -> None: ...

    def forget_file(self, path: str) -> FileRow | None:
        """The file is gone: unpublish it. Returns what the index had of the article it removed
        (``updated`` and both hashes set), or None when it published nothing."""
        ...

    def add_vanished(self, items: Iterable[Vanished]) -> None:
        """Remember articles whose files disappeared (one record per id: a newer one replaces
        an older one), for ``vanished``."""
        ...

    def prune_vanished(self, before: datetime) -> None:
        """Forget the vanished records whose ``gone_at`` is earlier than ``before``."""
        ...

    def set_state(self, key: str, value: str) -> None: ...

    def bump_generation(self) -> None: ...
