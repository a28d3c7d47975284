"""The article index in PostgreSQL: the Store protocol, one connection per thread."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any
from typing import LiteralString

from psycopg.pq import TransactionStatus

from ...model import Article
from ...model import Listing
from ...model import Skipped
from ...model import Topic
from ...model import TopicKind
from .._types import FileRow
from .._types import Snapshot
from .._types import parse_time
from .connections import Connection
from .connections import Connections
from .connections import wrap
from .coordinator import PgCoordinator
from .identities import IdentityRows
from .schema import ARTICLES_SQL
from .schema import SELECT
from .schema import TOPIC_INSERT
from .schema import article_row
from .schema import row_to_article
from .schema import topic_rows
from .schema import utc

_NEWEST = " ORDER BY a.published DESC, a.id DESC"
_LISTING: LiteralString = (
    "SELECT a.id, i.slug, a.title, a.summary, a.author, a.published, a.updated"
    " FROM articles a JOIN identities i USING (id)"
)
_PAGE = _LISTING + " ORDER BY a.published DESC, a.id DESC LIMIT %s OFFSET %s"


def _listing(r: tuple[Any, ...] | None) -> Listing | None:
    return None if r is None else Listing(r[0], r[1], r[2], r[3], r[4], utc(r[5]), utc(r[6]))


#: Each topic of a kind with its count and the spelling most of its articles use (ties: the
#: least in code point order, COLLATE "C" whatever the database's collation). One slug: its rows.
_TOPICS, _TOPIC = (
    "SELECT slug, name, total FROM ("  # noqa: S608 (constants)
    " SELECT slug, name, CAST(sum(count(*)) OVER (PARTITION BY slug) AS bigint) AS total,"
    ' row_number() OVER (PARTITION BY slug ORDER BY count(*) DESC, name COLLATE "C") AS choice'
    f" FROM topics WHERE kind = %s{one} GROUP BY slug, name"
    ') AS spellings WHERE choice = 1 ORDER BY slug COLLATE "C"'
    for one in ("", " AND slug = %s")
)

class PostgresStore(IdentityRows):
    """Reads and writes the index in one PostgreSQL database (in the schema the URL's
    ``options=-csearch_path=...`` names, else ``public``). Thread-safe: each thread gets its own
    connection. Opens nothing until first used."""

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

    def _one(self, query: LiteralString, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
        with wrap("cannot read the index"):
            return self.conn.execute(query, params).fetchone()

    # ------------------------------------------------------------------ reads

    def data_version(self) -> int:
        """The commit counter: moves with every write transaction, from any node."""
        row = self._one("SELECT n FROM commits")
        return int(row[0]) if row else 0

    def generation(self) -> int:
        row = self._one("SELECT value FROM state WHERE key = 'generation'")
        assert row is not None
        return int(row[0])

    def state(self, key: str) -> str | None:
        row = self._one("SELECT value FROM state WHERE key = %s", (key,))
        return None if row is None else str(row[0])

    def count(self) -> int:
        row = self._one("SELECT count(*) FROM articles")
        return int(row[0]) if row else 0

    def latest(self, limit: int | None = None) -> list[Article]:
        with self._read() as conn:
            rows = conn.execute(SELECT + _NEWEST + " LIMIT %s", (limit,)).fetchall()  # LIMIT NULL: all
        return [row_to_article(r) for r in rows]

    def snapshot(self, limit: int) -> Snapshot:
        """The newest ``limit`` articles and the generation, read from one snapshot."""
        with self._read() as conn:
            state = dict(conn.execute("SELECT key, value FROM state").fetchall())
            count = conn.execute("SELECT count(*) FROM articles").fetchone()
            rows = conn.execute(SELECT + _NEWEST + " LIMIT %s", (limit,)).fetchall()
        return Snapshot(
            int(state["generation"]),
            tuple(row_to_article(r) for r in rows),
            parse_time(state["changed_at"] if "changed_at" in state else state["created_at"]),
            int(count[0]) if count else 0,
        )

    def page(self, limit: int, offset: int) -> list[Listing]:
        """One page of the newest-first listing (titles and summaries, no bodies)."""
        with self._read() as conn:
            rows = conn.execute(_PAGE, (limit, offset)).fetchall()
        return [Listing(r[0], r[1], r[2], r[3], r[4], utc(r[5]), utc(r[6])) for r in rows]

    def topics(self, kind: TopicKind) -> list[Topic]:
        """Every topic of ``kind`` that has a published article, by slug, with its count."""
        with self._read() as conn:
            rows = conn.execute(_TOPICS, (kind,)).fetchall()
        return [Topic(kind, slug, name, int(count)) for slug, name, count in rows]

    def topic(self, kind: TopicKind, slug: str) -> Topic | None:
        """One topic with its count; None when no published article has it."""
        row = self._one(_TOPIC, (kind, slug))
        return None if row is None else Topic(kind, row[0], row[1], int(row[2]))

    def articles(
        self, topic: Topic | None, limit: int, offset: int = 0, *, oldest_first: bool = False
    ) -> list[Article]:
        """``limit`` published articles of ``topic`` (None: of the whole site) after ``offset``,
        in (published, id) order: descending, or ascending with ``oldest_first``."""
        params: tuple[object, ...] = (limit, offset)
        if topic is not None:
            params = (topic.kind, topic.slug, limit, offset)
        with self._read() as conn:
            rows = conn.execute(ARTICLES_SQL[topic is not None, oldest_first], params).fetchall()
        return [row_to_article(r) for r in rows]

    def neighbours(self, article_id: str) -> tuple[Listing | None, Listing | None]:
        """The article just newer and just older in (published, id) order: two index seeks."""
        with self._read() as conn:
            row = conn.execute("SELECT published FROM articles WHERE id = %s", (article_id,)).fetchone()
            if row is None:
                return None, None
            key = (row[0], article_id)
            newer = conn.execute(
                _LISTING + " WHERE (a.published, a.id) > (%s, %s) ORDER BY a.published, a.id LIMIT 1", key
            ).fetchone()
            older = conn.execute(
                _LISTING
                + " WHERE (a.published, a.id) < (%s, %s) ORDER BY a.published DESC, a.id DESC LIMIT 1",
                key,
            ).fetchone()
        return _listing(newer), _listing(older)

    def get(self, article_id: str) -> Article | None:
        with self._read() as conn:
            row = conn.execute(SELECT + " WHERE a.id = %s", (article_id,)).fetchone()
        return None if row is None else row_to_article(row)

    def get_by_slug(self, slug: str) -> Article | None:
        with self._read() as conn:
            row = conn.execute(SELECT + " WHERE i.slug = %s", (slug,)).fetchone()
        return None if row is None else row_to_article(row)

    def skipped(self) -> list[Skipped]:
        with self._read() as conn:
            rows = conn.execute("SELECT path, reason FROM skipped ORDER BY path").fetchall()
        return [Skipped(p, r) for p, r in rows]

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

    def file_row(self, path: str) -> FileRow | None:
        """What the index remembers about one file (for a file whose stamp changed)."""
        row = self._one(
            "SELECT path, size, mtime_ns, raw_hash, id, content_hash, updated FROM articles WHERE path = %s",
            (path,),
        )
        if row is not None:
            return FileRow(row[0], row[1], row[2], row[3], row[4], row[5], utc(row[6]))
        row = self._one("SELECT path, size, mtime_ns FROM skipped WHERE path = %s", (path,))
        return None if row is None else FileRow(row[0], row[1], row[2], None, None)

    def article_path(self, article_id: str) -> str | None:
        row = self._one("SELECT path FROM articles WHERE id = %s", (article_id,))
        return None if row is None else str(row[0])

    def article_owners(self) -> dict[str, str]:
        """Published article id -> its file's path."""
        with self._read() as conn:
            return dict(conn.execute("SELECT id, path FROM articles").fetchall())

    # ------------------------------------------------------------------ writes (in transaction())

    def put_articles(self, items: Iterable[tuple[Article, str]]) -> None:
        """Publish (article, raw hash) pairs. As SQLite's INSERT OR REPLACE: a row that had the
        same id or the same path is replaced (an Id: header moved, a file renamed its id)."""
        items = list(items)
        rows = [article_row(a, raw_hash) for a, raw_hash in items]
        if not rows:
            return
        conn = self.conn
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

    def touch_file(self, path: str, size: int, mtime_ns: int, raw_hash: str | None = None) -> None:
        """Record a new stat (and raw hash) for a file whose published content did not change."""
        self.conn.execute(
            "UPDATE articles SET size = %s, mtime_ns = %s, raw_hash = coalesce(%s, raw_hash) WHERE path = %s",
            (size, mtime_ns, raw_hash, path),
        )

    def put_skipped(self, path: str, reason: str, size: int, mtime_ns: int) -> bool:
        """Mark a file skipped; returns True when this unpublished an article."""
        conn = self.conn
        removed = conn.execute("DELETE FROM articles WHERE path = %s", (path,)).rowcount
        conn.execute(
            "INSERT INTO skipped (path, reason, size, mtime_ns) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (path) DO UPDATE SET reason = excluded.reason, size = excluded.size,"
            " mtime_ns = excluded.mtime_ns",
            (path, reason, size, mtime_ns),
        )
        return removed > 0

    def unskip(self, path: str) -> None:
        self.conn.execute("DELETE FROM skipped WHERE path = %s", (path,))

    def forget_file(self, path: str) -> FileRow | None:
        """The file is gone: unpublish it. Returns what the index had of the article removed."""
        conn = self.conn
        conn.execute("DELETE FROM skipped WHERE path = %s", (path,))
        row = conn.execute(
            "DELETE FROM articles WHERE path = %s"
            " RETURNING path, size, mtime_ns, raw_hash, id, content_hash, updated",
            (path,),
        ).fetchone()
        return None if row is None else FileRow(row[0], row[1], row[2], row[3], row[4], row[5], utc(row[6]))

    def set_state(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO state (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def bump_generation(self) -> None:
        self.conn.execute("UPDATE state SET value = (value::bigint + 1)::text WHERE key = 'generation'")
