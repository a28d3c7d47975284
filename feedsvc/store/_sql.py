"""The Store methods both SQL backends (SQLite, PostgreSQL) share: their SQL written once, with
``?`` marks, and run through each backend's ``Dialect``: its DB-API parameter mark, how it stores
an instant and reads one back, how a row becomes an Article. Connections, transactions, error
wrapping and the queries that truly differ (topic counts, bulk writes, stamp lookups) stay in the
backends; identities, redirects and vanished files are in ``_identities``.

Shared SQL is the common subset of both: ``INSERT ... ON CONFLICT``, ``DELETE ... RETURNING``,
row-value comparisons, ``CAST``. No literal ``%`` or ``?`` may appear in it but as a mark.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from typing import NamedTuple

from ..model import Article
from ..model import Listing
from ..model import Skipped
from ..model import Topic
from ..model import TopicKind
from ._types import FileRow
from ._types import Snapshot
from ._types import parse_time


class Dialect(NamedTuple):
    """What the shared queries need to know of a backend."""

    mark: str  #: the DB-API parameter mark: "?" (sqlite3's qmark) or "%s" (psycopg's format)
    time_in: Callable[[datetime], Any]  #: an aware instant as the backend stores it
    time_out: Callable[[Any], datetime]  #: a stored instant as an aware UTC datetime
    row_to_article: Callable[[Any], Article]  #: a row of ``select`` -> Article
    select: str  #: every article column with its identity's (``row_to_article``'s row)


@lru_cache(maxsize=256)
def marked(mark: str, sql: str) -> str:
    """``sql`` with each ``?`` mark written as ``mark`` (cached: the same few dozen statements)."""
    return sql if mark == "?" else sql.replace("?", mark)


@lru_cache(maxsize=16)
def _articles_sql(select: str, in_topic: bool, oldest_first: bool) -> str:
    """Store.articles' query: the OFFSET walks an index alone (articles' (published, id), or the
    topics primary key) and only the page's rows are read."""
    order = "ASC" if oldest_first else "DESC"
    where = "FROM topics WHERE kind = ? AND slug = ?" if in_topic else "FROM articles"
    inner = f"SELECT id {where} ORDER BY published {order}, id {order} LIMIT ? OFFSET ?"  # noqa: S608 (constants)
    return f"{select} WHERE a.id IN ({inner}) ORDER BY a.published {order}, a.id {order}"


_NEWEST = " ORDER BY a.published DESC, a.id DESC"
_LISTING = (
    "SELECT a.id, i.slug, a.title, a.summary, a.author, a.published, a.updated"
    " FROM articles a JOIN identities i USING (id)"
)
#: One page of the listing: as in articles(), the OFFSET walks the (published, id) index alone
#: and only the page's rows are joined (the last of 2,000 pages: ~40 ms -> ~7 ms on SQLite).
_PAGE = (
    _LISTING + " WHERE a.id IN (SELECT id FROM articles ORDER BY published DESC, id DESC LIMIT ? OFFSET ?)"  # noqa: S608
    + _NEWEST
)  # fmt: skip
_FILE_ROW = "SELECT path, size, mtime_ns, raw_hash, id, content_hash, updated FROM articles"


class SqlRows:
    """The shared half of a SQL Store (see Store in _protocols for each method's contract)."""

    dialect: ClassVar[Dialect]
    #: every topic of a kind with its count and most used spelling; the same for one slug
    #: (the backends differ in how they order text and type a window sum)
    _TOPICS_SQL: ClassVar[str]
    _TOPIC_SQL: ClassVar[str]

    if TYPE_CHECKING:  # provided by the backend

        @property
        def conn(self) -> Any: ...

        def _read(self) -> AbstractContextManager[Any]: ...

        def _one(self, query: str, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None: ...

    def _q(self, sql: str) -> str:
        return marked(self.dialect.mark, sql)

    def _listing(self, r: tuple[Any, ...]) -> Listing:
        t = self.dialect.time_out
        return Listing(r[0], r[1], r[2], r[3], r[4], t(r[5]), t(r[6]))

    def _file_row(self, r: tuple[Any, ...]) -> FileRow:
        return FileRow(r[0], r[1], r[2], r[3], r[4], r[5], self.dialect.time_out(r[6]))

    # ------------------------------------------------------------------ reads

    def generation(self) -> int:
        """Bumped by every refresh that changed what is published."""
        row = self._one("SELECT value FROM state WHERE key = 'generation'")
        assert row is not None  # written by the first migration
        return int(row[0])

    def state(self, key: str) -> str | None:
        row = self._one(self._q("SELECT value FROM state WHERE key = ?"), (key,))
        return None if row is None else str(row[0])

    def count(self) -> int:
        row = self._one("SELECT count(*) FROM articles")
        return int(row[0]) if row else 0

    def latest(self, limit: int | None = None) -> list[Article]:
        """Published articles, newest first."""
        sql = self.dialect.select + _NEWEST
        with self._read() as conn:
            if limit is None:
                rows = conn.execute(sql).fetchall()
            else:
                rows = conn.execute(self._q(sql + " LIMIT ?"), (limit,)).fetchall()
        return [self.dialect.row_to_article(r) for r in rows]

    def snapshot(self, limit: int) -> Snapshot:
        """The newest ``limit`` articles and the generation, read in one transaction."""
        with self._read() as conn:
            state = dict(conn.execute("SELECT key, value FROM state").fetchall())
            (count,) = conn.execute("SELECT count(*) FROM articles").fetchone()
            rows = conn.execute(self._q(self.dialect.select + _NEWEST + " LIMIT ?"), (limit,)).fetchall()
        return Snapshot(
            int(state["generation"]),
            tuple(self.dialect.row_to_article(r) for r in rows),
            parse_time(state["changed_at"] if "changed_at" in state else state["created_at"]),
            int(count),
        )

    def page(self, limit: int, offset: int) -> list[Listing]:
        """One page of the newest-first listing (titles and summaries, no bodies)."""
        with self._read() as conn:
            rows = conn.execute(self._q(_PAGE), (limit, offset)).fetchall()
        return [self._listing(r) for r in rows]

    def topics(self, kind: TopicKind) -> list[Topic]:
        """Every topic of ``kind`` that has a published article, by slug, with its count."""
        with self._read() as conn:
            rows = conn.execute(self._TOPICS_SQL, (kind,)).fetchall()
        return [Topic(kind, slug, name, int(count)) for slug, name, count in rows]

    def topic(self, kind: TopicKind, slug: str) -> Topic | None:
        """One topic with its count; None when no published article has it."""
        row = self._one(self._TOPIC_SQL, (kind, slug))
        return None if row is None else Topic(kind, row[0], row[1], int(row[2]))

    def articles(
        self, topic: Topic | None, limit: int, offset: int = 0, *, oldest_first: bool = False
    ) -> list[Article]:
        """``limit`` published articles of ``topic`` (None: of the whole site) after ``offset``,
        in (published, id) order: descending, or ascending with ``oldest_first``."""
        params: tuple[object, ...] = (limit, offset)
        if topic is not None:
            params = (topic.kind, topic.slug, limit, offset)
        sql = self._q(_articles_sql(self.dialect.select, topic is not None, oldest_first))
        with self._read() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [self.dialect.row_to_article(r) for r in rows]

    def neighbours(self, article_id: str) -> tuple[Listing | None, Listing | None]:
        """The article just newer and just older in (published, id) order: two index seeks."""
        q = self._q
        with self._read() as conn:
            row = conn.execute(q("SELECT published FROM articles WHERE id = ?"), (article_id,)).fetchone()
            if row is None:
                return None, None
            key = (row[0], article_id)
            newer = conn.execute(
                q(_LISTING + " WHERE (a.published, a.id) > (?, ?) ORDER BY a.published, a.id LIMIT 1"), key
            ).fetchone()
            older = conn.execute(
                q(_LISTING + " WHERE (a.published, a.id) < (?, ?)" + _NEWEST + " LIMIT 1"), key
            ).fetchone()
        return (
            None if newer is None else self._listing(newer),
            None if older is None else self._listing(older),
        )

    def get(self, article_id: str) -> Article | None:
        row = self._one(self._q(self.dialect.select + " WHERE a.id = ?"), (article_id,))
        return None if row is None else self.dialect.row_to_article(row)

    def get_by_slug(self, slug: str) -> Article | None:
        row = self._one(self._q(self.dialect.select + " WHERE i.slug = ?"), (slug,))
        return None if row is None else self.dialect.row_to_article(row)

    def skipped(self) -> list[Skipped]:
        with self._read() as conn:
            rows = conn.execute("SELECT path, reason FROM skipped ORDER BY path").fetchall()
        return [Skipped(p, r) for p, r in rows]

    def file_row(self, path: str) -> FileRow | None:
        """What the index remembers about one file (for a file whose stamp changed)."""
        row = self._one(self._q(_FILE_ROW + " WHERE path = ?"), (path,))
        if row is not None:
            return self._file_row(row)
        row = self._one(self._q("SELECT path, size, mtime_ns FROM skipped WHERE path = ?"), (path,))
        return None if row is None else FileRow(row[0], row[1], row[2], None, None)

    def article_path(self, article_id: str) -> str | None:
        row = self._one(self._q("SELECT path FROM articles WHERE id = ?"), (article_id,))
        return None if row is None else str(row[0])

    def article_owners(self) -> dict[str, str]:
        """Published article id -> its file's path."""
        with self._read() as conn:
            return dict(conn.execute("SELECT id, path FROM articles").fetchall())

    # ------------------------------------------------------------------ writes (in transaction())

    def touch_file(self, path: str, size: int, mtime_ns: int, raw_hash: str | None = None) -> None:
        """Record a new stat (and raw hash) for a file whose published content did not change."""
        self.conn.execute(
            self._q("UPDATE articles SET size = ?, mtime_ns = ?, raw_hash = coalesce(?, raw_hash) WHERE path = ?"),
            (size, mtime_ns, raw_hash, path),
        )

    def put_skipped(self, path: str, reason: str, size: int, mtime_ns: int) -> bool:
        """Mark a file skipped; returns True when this unpublished an article."""
        conn = self.conn
        removed = conn.execute(self._q("DELETE FROM articles WHERE path = ?"), (path,)).rowcount
        conn.execute(
            self._q(
                "INSERT INTO skipped (path, reason, size, mtime_ns) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (path) DO UPDATE SET reason = excluded.reason, size = excluded.size,"
                " mtime_ns = excluded.mtime_ns"
            ),
            (path, reason, size, mtime_ns),
        )
        return bool(removed > 0)

    def unskip(self, path: str) -> None:
        self.conn.execute(self._q("DELETE FROM skipped WHERE path = ?"), (path,))

    def forget_file(self, path: str) -> FileRow | None:
        """The file is gone: unpublish it. Returns what the index had of the article removed."""
        conn = self.conn
        conn.execute(self._q("DELETE FROM skipped WHERE path = ?"), (path,))
        row = conn.execute(
            self._q(
                "DELETE FROM articles WHERE path = ?"
                " RETURNING path, size, mtime_ns, raw_hash, id, content_hash, updated"
            ),
            (path,),
        ).fetchone()
        return None if row is None else self._file_row(row)

    def set_state(self, key: str, value: str) -> None:
        self.conn.execute(
            self._q("INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
            (key, value),
        )

    def bump_generation(self) -> None:
        self.conn.execute(
            "UPDATE state SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'generation'"
        )

