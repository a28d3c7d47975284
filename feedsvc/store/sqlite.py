"""The article index in SQLite (WAL): one connection per thread.

What only SQLite does is here: connections per thread that notice a replaced index file, its
transactions, INSERT OR REPLACE with the topics a replaced row leaves. The queries both SQL
backends share are in _sql and _identities.
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
from typing import Any

from ..errors import StoreError
from ..model import Article
from ._changes import ChangeRows
from ._identities import IdentityRows
from ._protocols import Coordinator
from ._schema import SELECT
from ._schema import TOPIC_INSERT
from ._schema import connect
from ._schema import encode_blocks
from ._schema import migrate
from ._schema import row_to_article
from ._schema import topic_rows
from ._sql import Dialect
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


class SQLiteStore(ChangeRows, IdentityRows):
    """Reads and writes the index. Thread-safe: each thread gets its own connection. The queries
    it shares with the PostgreSQL store are in _sql and _identities (with ``?`` marks)."""

    #: instants are stored as RFC 3339 text (format_time): sortable, and exact to the microsecond
    dialect = Dialect("?", format_time, parse_time, row_to_article, SELECT)
    #: an article's topics in one text (Store.changes): "kind TAB slug TAB name" lines
    _TOPICS_OF = "(SELECT group_concat(t.kind || char(9) || t.slug || char(9) || t.name, char(10)) FROM topics t WHERE t.id = a.id)"
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

    def _one(self, query: str, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
        with _wrap("cannot read the index"):
            row: tuple[Any, ...] | None = self.conn.execute(query, params).fetchone()
        return row

    def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self.conn.executemany(sql, rows)

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

    def put_articles(self, items: Iterable[tuple[Article, str]]) -> None:
        """put_article for many (one prepared statement, executemany), and their topics."""
        items = list(items)
        conn = self.conn
        self.log_replaced((a.id, a.path) for a, _ in items)  # while the rows it replaces are there
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
