"""The article index in PostgreSQL: the Store protocol, one connection per thread."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import Any

from psycopg.pq import TransactionStatus

from ...model import Article
from .._changes import ChangeRows
from .._identities import IdentityRows
from .._sql import Dialect
from .connections import Connection
from .connections import Connections
from .connections import wrap
from .coordinator import PgCoordinator
from .schema import SELECT
from .schema import TOPIC_INSERT
from .schema import article_row
from .schema import row_to_article
from .schema import topic_rows
from .schema import utc


def _as_is(dt: datetime) -> datetime:
    return dt


class PostgresStore(ChangeRows, IdentityRows):
    """Reads and writes the index in one PostgreSQL database (in the schema the URL's
    ``options=-csearch_path=...`` names, else ``public``). Thread-safe: each thread gets its own
    connection. Opens nothing until first used. The queries it shares with the SQLite store
    are in _sql and _identities (with ``?`` marks, written ``%s`` here)."""

    #: instants are timestamptz, passed and read as aware datetimes (read back in UTC)
    dialect = Dialect("%s", _as_is, utc, row_to_article, SELECT)
    #: an article's topics in one text (Store.changes): "kind TAB slug TAB name" lines
    _TOPICS_OF = "(SELECT string_agg(t.kind || chr(9) || t.slug || chr(9) || t.name, chr(10)) FROM topics t WHERE t.id = a.id)"
    #: Each topic of a kind with its count and the spelling most of its articles use (ties: the
    #: least in code point order, COLLATE "C" whatever the database's collation). One slug: its rows.
    _TOPICS_SQL, _TOPIC_SQL = (
        "SELECT slug, name, total FROM ("  # noqa: S608 (constants)
        " SELECT slug, name, CAST(sum(count(*)) OVER (PARTITION BY slug) AS bigint) AS total,"
        ' row_number() OVER (PARTITION BY slug ORDER BY count(*) DESC, name COLLATE "C") AS choice'
        f" FROM topics WHERE kind = %s{one} GROUP BY slug, name"
        ') AS spellings WHERE choice = 1 ORDER BY slug COLLATE "C"'
        for one in ("", " AND slug = %s")
    )

    def __init__(self, url: str, *, timeout: float = 10.0, poll: float = 1.0) -> None:
        self._conns = Connections(url, timeout=timeout)
        self.url = self._conns.shown  #: without its password
        #: the ingest lock and change notification, through the same database
        self.coordinator = PgCoordinator(self._conns, poll=poll)

    @property
    def conn(self) -> Connection:
        """This thread's connection."""
        return self._conns.get()

    def close(self) -> None:
        """Stop the listener and close every connection this Store opened (from any thread)."""
        self.coordinator.close()
        self._conns.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: a reader never sees half of it. It bumps the commit counter
        (data_version), and the coordinator tells every node after it commits."""
        conn = self.conn
        with wrap("cannot start a write transaction"):
            conn.execute("BEGIN")
        try:
            with wrap("cannot write the index"):
                yield
                conn.execute("UPDATE commits SET n = n + 1")
        except BaseException:
            if not (conn.closed or conn.broken):
                with wrap("cannot roll back"):
                    conn.execute("ROLLBACK")
            raise
        with wrap("cannot commit the refresh"):
            conn.execute("COMMIT")
        self.coordinator.notify_changed()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """Several reads from one snapshot (inside a write transaction: that one)."""
        conn = self.conn
        with wrap("cannot read the index"):
            own = conn.info.transaction_status == TransactionStatus.IDLE  # not inside transaction()
            if own:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield conn
            finally:
                if own and not (conn.closed or conn.broken):
                    conn.execute("COMMIT")

    def _one(self, query: str, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
        with wrap("cannot read the index"):
            return self.conn.execute(query, params).fetchone()

    def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(sql, rows)

    # ------------------------------------------------------------------ reads

    def data_version(self) -> int:
        """The commit counter: moves with every write transaction, from any node."""
        row = self._one("SELECT n FROM commits")
        return int(row[0]) if row else 0

    def stamps(self, paths: Iterable[str] | None = None) -> tuple[dict[str, tuple[int, int]], set[str]]:
        """(path -> (size, mtime_ns)) of every file the index knows (or of just ``paths``), and
        which of those paths are skipped. A path is an article or skipped, never both."""
        with self._read() as conn:
            if paths is None:
                articles = conn.execute("SELECT path, size, mtime_ns FROM articles").fetchall()
                skipped_rows = conn.execute("SELECT path, size, mtime_ns FROM skipped").fetchall()
            else:
                wanted = list(paths)
                articles = conn.execute(
                    "SELECT path, size, mtime_ns FROM articles WHERE path = ANY(%s)", (wanted,)
                ).fetchall()
                skipped_rows = conn.execute(
                    "SELECT path, size, mtime_ns FROM skipped WHERE path = ANY(%s)", (wanted,)
                ).fetchall()
        stamps = {p: (s, m) for p, s, m in articles}
        skipped: set[str] = set()
        for p, s, m in skipped_rows:
            if p not in stamps:
                stamps[p] = (s, m)
                skipped.add(p)
        return stamps, skipped

    # ------------------------------------------------------------------ writes (in transaction())

    def put_articles(self, items: Iterable[tuple[Article, str]]) -> None:
        """Publish (article, raw hash) pairs. As SQLite's INSERT OR REPLACE: a row that had the
        same id or the same path is replaced (an Id: header moved, a file renamed its id)."""
        items = list(items)
        rows = [article_row(a, raw_hash) for a, raw_hash in items]
        if not rows:
            return
        conn = self.conn
        self.log_replaced((a.id, a.path) for a, _ in items)  # while the rows it replaces are there
        conn.execute(
            "DELETE FROM articles WHERE id = ANY(%s) OR path = ANY(%s)",
            ([r[0] for r in rows], [r[1] for r in rows]),
        )
        with conn.cursor() as cur:  # the trigger took the replaced rows' topics
            cur.executemany(TOPIC_INSERT, list(topic_rows(a for a, _ in items)))
            cur.executemany(
                "INSERT INTO articles (id, path, title, summary, blocks, author, tags, published,"
                " updated, size, mtime_ns, raw_hash, content_hash)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
