"""The article index in SQLite (WAL): one connection per thread.

Over the ~400-line mark: one class implements the whole Store protocol, method for method beside
the PostgreSQL backend; identity and redirect queries are already apart in _sqlite_identities.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from ..errors import StoreError
from ..model import Article
from ..model import Listing
from ..model import Skipped
from ..model import Topic
from ..model import TopicKind
from ._protocols import Coordinator
from ._schema import SELECT
from ._schema import TOPIC_INSERT
from ._schema import connect
from ._schema import encode_blocks
from ._schema import migrate
from ._schema import row_to_article
from ._schema import topic_rows
from ._sqlite_identities import IdentityRows
from ._types import FileRow
from ._types import Snapshot
from ._types import format_time
from ._types import parse_time
from .files import FileCoordinator


@contextmanager
def _wrap(message: str) -> Iterator[None]:
    """Turn environmental SQLite failures (locked, full, read-only) into StoreError."""
    try:
        yield
    except sqlite3.OperationalError as e:
        raise StoreError(f"{message}: {e}") from e
    except sqlite3.DatabaseError as e:  # "file is not a database", corruption
        if isinstance(e, (sqlite3.IntegrityError, sqlite3.ProgrammingError)):
            raise
        raise StoreError(f"{message}: {e}") from e


def _articles_sql(in_topic: bool, oldest_first: bool) -> str:
    order = "ASC" if oldest_first else "DESC"
    by = f"ORDER BY published {order}, id {order}"
    where = "FROM topics WHERE kind = ? AND slug = ?" if in_topic else "FROM articles"
    inner = f"SELECT id {where} {by} LIMIT ? OFFSET ?"  # noqa: S608 (constants)
    return f"{SELECT} WHERE a.id IN ({inner}) ORDER BY a.published {order}, a.id {order}"


#: Each topic of a kind with its count and the spelling most of its articles use (ties: the
#: least in code point order). One slug: its rows alone (the primary key's range).
_TOPICS_SQL, _TOPIC_SQL = (
    "SELECT slug, name, total FROM ("  # noqa: S608 (constants)
    " SELECT slug, name, sum(count(*)) OVER (PARTITION BY slug) AS total,"
    " row_number() OVER (PARTITION BY slug ORDER BY count(*) DESC, name) AS choice"
    f" FROM topics WHERE kind = ?{one} GROUP BY slug, name"
    ") WHERE choice = 1 ORDER BY slug"
    for one in ("", " AND slug = ?")
)

#: Store.articles' four queries: (in a topic?, oldest first?) -> SQL
_ARTICLES_SQL = {(t, o): _articles_sql(t, o) for t in (False, True) for o in (False, True)}


class SQLiteStore(IdentityRows):
    """Reads and writes the index. Thread-safe: each thread gets its own connection."""

    def __init__(
        self, path: Path | str, *, timeout: float = 10.0, coordinator: Coordinator | None = None
    ) -> None:
        self.path = str(path)
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._migrated = False
        self._migrated_ident: tuple[int, int] | None = None  # the file the migrations ran on
        self._migrate_lock = threading.Lock()
        #: the ingest lock and change notification; files next to the index unless given
        self.coordinator: Coordinator = coordinator if coordinator is not None else FileCoordinator(self.path)

    # ------------------------------------------------------------------ connections

    CHECK_EVERY = 1.0  #: seconds between a thread's looks at the index file (deleted? replaced?)

    def _identity(self) -> tuple[int, int] | None:
        """(device, inode) of the index file; None when it is not there."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection. Every CHECK_EVERY seconds (outside a transaction) it checks
        that the index file is still the one it opened: deleted or replaced under a running
        server, the connection is dropped and the file at the path opened (and migrated)."""
        local = self._local
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is not None and self.path != ":memory:" and not conn.in_transaction:
            now = time.monotonic()
            if now - local.checked >= self.CHECK_EVERY:
                local.checked = now
                if self._identity() != local.ident:
                    self._drop(conn)
                    conn = None
        if conn is None:
            with _wrap(f"cannot open the index {self.path}"):
                conn = connect(self.path, self.timeout)
                ident = self._identity()
                with self._migrate_lock:  # migrations are idempotent: a second run finds nothing to do
                    if not self._migrated or ident != self._migrated_ident:
                        migrate(conn, self.path)
                        self._migrated, self._migrated_ident = True, ident
            local.conn, local.ident, local.checked = conn, ident, time.monotonic()
            with self._lock:
                self._connections.append(conn)
        return conn

    def _drop(self, conn: sqlite3.Connection) -> None:
        """Forget and close this thread's connection to a file that is no longer the index."""
        with self._lock:
            if conn in self._connections:
                self._connections.remove(conn)
        with contextlib.suppress(sqlite3.Error):
            conn.close()
        self._local.conn = None
        with self._migrate_lock:  # the file at the path may reuse the old inode: migrate it anyway
            self._migrated = False

    def close(self) -> None:
        """Close every connection this Store opened (from any thread)."""
        self.coordinator.close()
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: a reader never sees half of it."""
        conn = self.conn
        with _wrap("cannot start a write transaction"):
            conn.execute("BEGIN IMMEDIATE")
        try:
            with _wrap("cannot write the index"):  # disk full, read-only, I/O error...
                yield
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        with _wrap("cannot commit the refresh"):
            conn.execute("COMMIT")
        self.coordinator.notify_changed()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        with _wrap("cannot read the index"):
            own = not conn.in_transaction
            if own:
                conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if own:
                    conn.execute("COMMIT")

    # ------------------------------------------------------------------ reads

    def data_version(self) -> tuple[int, int]:
        """Changes whenever anything commits: a cheap "did anything change?" for this thread.

        PRAGMA data_version ignores this connection's own commits (POST /refresh runs the
        refresh on the request thread, through this thread's connection): total_changes counts
        exactly those.
        """
        with _wrap("cannot read the index"):
            conn = self.conn
            return int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes

    def generation(self) -> int:
        """Bumped by every refresh that changed what is published."""
        with _wrap("cannot read the index"):
            row = self.conn.execute("SELECT value FROM state WHERE key = 'generation'").fetchone()
        return int(row[0])

    def state(self, key: str) -> str | None:
        with _wrap("cannot read the index"):
            row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def count(self) -> int:
        with _wrap("cannot read the index"):
            return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def latest(self, limit: int | None = None) -> list[Article]:
        """Published articles, newest first."""
        sql = SELECT + " ORDER BY a.published DESC, a.id DESC"
        with self._read() as conn:
            if limit is None:
                rows = conn.execute(sql).fetchall()
            else:
                rows = conn.execute(sql + " LIMIT ?", (limit,)).fetchall()
        return [row_to_article(r) for r in rows]

    def snapshot(self, limit: int) -> Snapshot:
        """The newest ``limit`` articles and the generation, read in one transaction."""
        with self._read() as conn:
            state = dict(conn.execute("SELECT key, value FROM state").fetchall())
            (count,) = conn.execute("SELECT count(*) FROM articles").fetchone()
            rows = conn.execute(SELECT + " ORDER BY a.published DESC, a.id DESC LIMIT ?", (limit,)).fetchall()
        return Snapshot(
            int(state["generation"]),
            tuple(row_to_article(r) for r in rows),
            parse_time(state["changed_at"] if "changed_at" in state else state["created_at"]),
            count,
        )

    def page(self, limit: int, offset: int) -> list[Listing]:
        """One page of the newest-first listing (titles and summaries, no bodies).

        The OFFSET walks the (published, id) index alone, then only the page's rows are read:
        with the join inside the OFFSET, every skipped row was looked up too (the last of
        2,000 pages: ~40 ms -> ~7 ms).
        """
        with self._read() as conn:
            rows = conn.execute(
                "SELECT a.id, i.slug, a.title, a.summary, a.author, a.published, a.updated"
                " FROM articles a JOIN identities i USING (id)"
                " WHERE a.id IN (SELECT id FROM articles ORDER BY published DESC, id DESC LIMIT ? OFFSET ?)"
                " ORDER BY a.published DESC, a.id DESC",
                (limit, offset),
            ).fetchall()
        return [Listing(r[0], r[1], r[2], r[3], r[4], parse_time(r[5]), parse_time(r[6])) for r in rows]

    def topics(self, kind: TopicKind) -> list[Topic]:
        """Every topic of ``kind`` that has a published article, by slug, with its count."""
        with self._read() as conn:
            rows = conn.execute(_TOPICS_SQL, (kind,)).fetchall()
        return [Topic(kind, slug, name, count) for slug, name, count in rows]

    def topic(self, kind: TopicKind, slug: str) -> Topic | None:
        """One topic with its count; None when no published article has it."""
        with self._read() as conn:
            row = conn.execute(_TOPIC_SQL, (kind, slug)).fetchone()
        return None if row is None else Topic(kind, row[0], row[1], row[2])

    def articles(
        self, topic: Topic | None, limit: int, offset: int = 0, *, oldest_first: bool = False
    ) -> list[Article]:
        """``limit`` published articles of ``topic`` (None: of the whole site) after ``offset``,
        in (published, id) order: descending, or ascending with ``oldest_first``.

        As in page(), the OFFSET walks an index alone (articles_newest, or the topics primary
        key) and only the page's rows are read.
        """
        params: tuple[object, ...] = (limit, offset)
        if topic is not None:
            params = (topic.kind, topic.slug, limit, offset)
        sql = _ARTICLES_SQL[topic is not None, oldest_first]
        with self._read() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [row_to_article(r) for r in rows]

    _LISTING = (
        "SELECT a.id, i.slug, a.title, a.summary, a.author, a.published, a.updated"
        " FROM articles a JOIN identities i USING (id)"
    )

    def neighbours(self, article_id: str) -> tuple[Listing | None, Listing | None]:
        """The article just newer and just older in (published, id) order: two index seeks."""
        with self._read() as conn:
            row = conn.execute("SELECT published FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                return None, None
            key = (row[0], article_id)
            newer = conn.execute(
                self._LISTING + " WHERE (a.published, a.id) > (?, ?) ORDER BY a.published, a.id LIMIT 1", key
            ).fetchone()
            older = conn.execute(
                self._LISTING
                + " WHERE (a.published, a.id) < (?, ?) ORDER BY a.published DESC, a.id DESC LIMIT 1",
                key,
            ).fetchone()

        def listing(r: tuple[str, str, str, str, str | None, str, str] | None) -> Listing | None:
            return None if r is None else Listing(r[0], r[1], r[2], r[3], r[4], parse_time(r[5]), parse_time(r[6]))

        return listing(newer), listing(older)

    def get(self, article_id: str) -> Article | None:
        with self._read() as conn:
            row = conn.execute(SELECT + " WHERE a.id = ?", (article_id,)).fetchone()
        return None if row is None else row_to_article(row)

    def get_by_slug(self, slug: str) -> Article | None:
        with self._read() as conn:
            row = conn.execute(SELECT + " WHERE i.slug = ?", (slug,)).fetchone()
        return None if row is None else row_to_article(row)

    def skipped(self) -> list[Skipped]:
        with _wrap("cannot read the index"):
            rows = self.conn.execute("SELECT path, reason FROM skipped ORDER BY path").fetchall()
        return [Skipped(p, r) for p, r in rows]

    def stamps(self, paths: Iterable[str] | None = None) -> tuple[dict[str, tuple[int, int]], set[str]]:
        """(path -> (size, mtime_ns)) of every file the index knows (or of just ``paths``), and
        which of those paths are skipped.

        All a no-change refresh reads: two narrow queries, no row objects. With ``paths`` (a
        watcher's few), two lookups a path instead of two scans.
        """
        stamps: dict[str, tuple[int, int]] = {}
        skipped: set[str] = set()
        with self._read() as conn:
            if paths is None:
                stamps = {p: (s, m) for p, s, m in conn.execute("SELECT path, size, mtime_ns FROM articles")}
                skipped_rows = conn.execute("SELECT path, size, mtime_ns FROM skipped").fetchall()
            else:
                skipped_rows = []
                for path in paths:
                    row = conn.execute(
                        "SELECT size, mtime_ns FROM articles WHERE path = ?", (path,)
                    ).fetchone()
                    if row is not None:
                        stamps[path] = (row[0], row[1])
                    else:
                        skipped_rows += conn.execute(
                            "SELECT path, size, mtime_ns FROM skipped WHERE path = ?", (path,)
                        ).fetchall()
            for p, s, m in skipped_rows:  # a path is an article or skipped, never both
                stamps.setdefault(p, (s, m))
                skipped.add(p)
        return stamps, skipped

    def file_row(self, path: str) -> FileRow | None:
        """What the index remembers about one file (for a file whose stamp changed)."""
        conn = self.conn
        row = conn.execute(
            "SELECT path, size, mtime_ns, raw_hash, id, content_hash, updated FROM articles WHERE path = ?",
            (path,),
        ).fetchone()
        if row is not None:
            return FileRow(row[0], row[1], row[2], row[3], row[4], row[5], parse_time(row[6]))
        row = conn.execute("SELECT path, size, mtime_ns FROM skipped WHERE path = ?", (path,)).fetchone()
        return None if row is None else FileRow(row[0], row[1], row[2], None, None)

    def article_path(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT path FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else str(row[0])

    def unskip(self, path: str) -> None:
        self.conn.execute("DELETE FROM skipped WHERE path = ?", (path,))

    def article_owners(self) -> dict[str, str]:
        """Published article id -> its file's path."""
        with self._read() as conn:
            return dict(conn.execute("SELECT id, path FROM articles").fetchall())

    def put_articles(self, items: Iterable[tuple[Article, str]]) -> None:
        """put_article for many (one prepared statement, executemany), and their topics."""
        items = list(items)
        conn = self.conn
        # The rows REPLACE is about to delete (same id, or another id at the same path) take
        # their topics with them: REPLACE does not fire the delete trigger.
        conn.executemany(
            "DELETE FROM topics WHERE id IN (SELECT id FROM articles WHERE id = ? OR path = ?)",
            [(a.id, a.path) for a, _ in items],
        )
        conn.executemany(TOPIC_INSERT, topic_rows(a for a, _ in items))
        conn.executemany(
            "INSERT OR REPLACE INTO articles (id, path, title, summary, blocks, author,"
            " tags, published, updated, size, mtime_ns, raw_hash, content_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    a.id, a.path, a.title, a.summary, encode_blocks(a.blocks), a.author,
                    "\n".join(a.tags), format_time(a.published), format_time(a.updated),
                    a.size, a.mtime_ns, raw_hash, a.content_hash,
                )
                for a, raw_hash in items
            ],
        )  # fmt: skip

    def touch_file(self, path: str, size: int, mtime_ns: int, raw_hash: str | None = None) -> None:
        """Record a new stat (and raw hash) for a file whose published content did not change."""
        if raw_hash is None:
            self.conn.execute(
                "UPDATE articles SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, path)
            )
        else:
            self.conn.execute(
                "UPDATE articles SET size = ?, mtime_ns = ?, raw_hash = ? WHERE path = ?",
                (size, mtime_ns, raw_hash, path),
            )

    def put_skipped(self, path: str, reason: str, size: int, mtime_ns: int) -> bool:
        """Mark a file skipped; returns True when this unpublished an article."""
        conn = self.conn
        removed = conn.execute("DELETE FROM articles WHERE path = ?", (path,)).rowcount
        conn.execute(
            "INSERT OR REPLACE INTO skipped (path, reason, size, mtime_ns) VALUES (?, ?, ?, ?)",
            (path, reason, size, mtime_ns),
        )
        return removed > 0

    def forget_file(self, path: str) -> FileRow | None:
        """The file is gone: unpublish it. Returns what the index had of the article removed."""
        conn = self.conn
        conn.execute("DELETE FROM skipped WHERE path = ?", (path,))
        row = conn.execute(
            "DELETE FROM articles WHERE path = ? RETURNING path, size, mtime_ns, raw_hash, id, content_hash, updated",
            (path,),
        ).fetchone()
        return None if row is None else FileRow(row[0], row[1], row[2], row[3], row[4], row[5], parse_time(row[6]))

    def set_state(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    def bump_generation(self) -> None:
        self.conn.execute("UPDATE state SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
