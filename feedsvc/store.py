"""The article index: SQLite (WAL), one connection per thread, versioned schema."""

from __future__ import annotations

import contextlib
import functools
import mmap
import os
import sqlite3
import threading
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from types import TracebackType

from .errors import StoreError
from .model import Article
from .model import Block
from .model import BlockKind
from .model import Listing
from .model import Skipped

# Each entry upgrades the schema by one version; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE identities (          -- permanent: survives edits, deletes and re-adds
        id TEXT PRIMARY KEY,
        guid TEXT NOT NULL UNIQUE,
        slug TEXT NOT NULL UNIQUE,
        first_seen TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE articles (
        id TEXT PRIMARY KEY REFERENCES identities(id),
        path TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        summary TEXT NOT NULL,
        blocks TEXT NOT NULL,          -- one block a line: "p" or "c", then the text
        author TEXT,
        tags TEXT NOT NULL,            -- one tag a line
        published TEXT NOT NULL,       -- RFC 3339, UTC
        updated TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        raw_hash TEXT NOT NULL,        -- of the file's bytes: a touch changes nothing
        content_hash TEXT NOT NULL     -- of what is published: only this moves `updated`
    );
    CREATE INDEX articles_newest ON articles(published DESC, id DESC);
    CREATE TABLE skipped (
        path TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    INSERT INTO state VALUES ('generation', '0');
    """,
    # 2: no UNIQUE index on guid. A guid is uuid5 of the (unique) id, nothing looks one up, and
    # its random keys made the index the costliest part of inserting an identity (~0.5 s of a
    # 100,000-file ingest with a 1 MiB page cache).
    """
    CREATE TABLE identities_v2 (
        id TEXT PRIMARY KEY,
        guid TEXT NOT NULL,
        slug TEXT NOT NULL UNIQUE,
        first_seen TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO identities_v2 (id, guid, slug, first_seen) SELECT id, guid, slug, first_seen FROM identities;
    DROP TABLE identities;
    ALTER TABLE identities_v2 RENAME TO identities;
    """,
)

_ARTICLE_COLUMNS = (
    "a.id, i.guid, i.slug, a.title, a.summary, a.blocks, a.author, a.tags, "
    "a.published, a.updated, a.path, a.size, a.mtime_ns, a.content_hash"
)
_SELECT = f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN identities i USING (id)"  # noqa: S608 (constants)


@functools.lru_cache(maxsize=256)  # a refresh formats the same instant two or three times
def format_time(dt: datetime) -> str:
    """Aware datetime -> the RFC 3339 UTC text stored (microseconds, sortable)."""
    # Fixed width (always six fraction digits) so that text order is time order.
    if dt.tzinfo is not UTC:  # every time feedsvc makes is in UTC already
        dt = dt.astimezone(UTC)
    return dt.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)  # "Z" is understood since Python 3.11


_KIND_CODES = {"p": "p", "caption": "c"}
_CODE_KINDS: dict[str, BlockKind] = {"p": "p", "c": "caption"}


def encode_blocks(blocks: tuple[Block, ...]) -> str:
    """Blocks -> one line each, kind code first. Cleaned text never holds a line break."""
    return "\n".join(_KIND_CODES[b.kind] + b.text for b in blocks)


def decode_blocks(text: str) -> tuple[Block, ...]:
    return tuple(Block(_CODE_KINDS[line[0]], line[1:]) for line in text.split("\n") if line)


def _row_to_article(row: tuple) -> Article:  # type: ignore[type-arg]
    return Article(
        id=row[0], guid=row[1], slug=row[2], title=row[3], summary=row[4],
        blocks=decode_blocks(row[5]), author=row[6], tags=tuple(row[7].split("\n")) if row[7] else (),
        published=parse_time(row[8]), updated=parse_time(row[9]), path=row[10],
        size=row[11], mtime_ns=row[12], content_hash=row[13],
    )  # fmt: skip


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
    last_refresh: datetime | None
    changed_at: datetime  #: when the generation last moved (else when the index was made)
    count: int = 0  #: how many articles are published in all


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


class ChangeCounter:
    """An 8-byte counter in ``<index>.gen``, memory-mapped by every process using the index.

    Every committed write transaction bumps it, so a reader learns "nothing changed" from one
    memory read, without a SQLite call (which releases the GIL: a thread hand-off per request
    in a threaded server). Unavailable (read-only folder, ":memory:") means readers ask SQLite.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        self._failed = False
        self._lock = threading.Lock()

    def _mapped(self) -> mmap.mmap | None:
        if self._map is None and not self._failed:
            with self._lock:
                if self._map is None and not self._failed:
                    try:
                        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
                        try:
                            if os.fstat(fd).st_size < 8:
                                os.ftruncate(fd, 8)
                            self._map = mmap.mmap(fd, 8)
                        finally:
                            os.close(fd)
                    except (OSError, ValueError):
                        self._failed = True
        return self._map

    def value(self) -> int | None:
        mapped = self._mapped()
        return None if mapped is None else int.from_bytes(mapped[:8], "little")

    def bump(self) -> None:
        mapped = self._mapped()
        if mapped is not None:
            mapped[:8] = ((int.from_bytes(mapped[:8], "little") + 1) % 2**64).to_bytes(8, "little")

    def close(self) -> None:
        with self._lock:
            if self._map is not None:
                self._map.close()
                self._map = None


class Store:
    """Reads and writes the index. Thread-safe: each thread gets its own connection."""

    def __init__(self, path: Path | str, *, timeout: float = 10.0) -> None:
        self.path = str(path)
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._migrated = False
        self._migrate_lock = threading.Lock()
        self._counter = ChangeCounter(self.path + ".gen") if self.path != ":memory:" else None

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False only so that close() can close every thread's connection at
        # shutdown (from the main thread); each one is still used only by the thread that
        # opened it (self._local).
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        # For a new index only (an existing one keeps its page size; WAL cannot change it): an
        # article row is ~3 KB, so a 4 KiB page holds one and wastes a quarter of the file.
        # 16 KiB pages hold five: ~20% less to write and checkpoint on a cold ingest.
        conn.execute("PRAGMA page_size = 16384")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        # 2 MiB by default, per connection, and a server has one per request thread: a crawl
        # of deep index pages grew the process by ~20 MB. Pages come from the OS cache anyway.
        conn.execute("PRAGMA cache_size = -1024")
        # No foreign_keys: enforcing REFERENCES doubled the cost of an article insert, and
        # refresh.py writes the identity before its article in the same transaction.
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            with _wrap(f"cannot open the index {self.path}"):
                conn = self._connect()
                if not self._migrated:
                    with self._migrate_lock:
                        self._migrate(conn)
                        self._migrated = True
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path} was written by a newer feedsvc (schema {version})")
        if version == len(MIGRATIONS):
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            for number in range(version, len(MIGRATIONS)):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")
            # When the index was made: the date of a feed that has never had an article.
            conn.execute(
                "INSERT OR IGNORE INTO state (key, value) VALUES ('created_at', ?)",
                (format_time(datetime.now(UTC).replace(microsecond=0)),),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        """Close every connection this Store opened (from any thread)."""
        if self._counter is not None:
            self._counter.close()
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Store:
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
        if self._counter is not None:
            self._counter.bump()

    def change_counter(self) -> int | None:
        """Moves after every committed write, from any process; None when not available."""
        return None if self._counter is None else self._counter.value()

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

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap "did anything change?"."""
        with _wrap("cannot read the index"):
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

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
        sql = _SELECT + " ORDER BY a.published DESC, a.id DESC"
        with self._read() as conn:
            if limit is None:
                rows = conn.execute(sql).fetchall()
            else:
                rows = conn.execute(sql + " LIMIT ?", (limit,)).fetchall()
        return [_row_to_article(r) for r in rows]

    def snapshot(self, limit: int) -> Snapshot:
        """The newest ``limit`` articles and the generation, read in one transaction."""
        with self._read() as conn:
            state = dict(conn.execute("SELECT key, value FROM state").fetchall())
            (count,) = conn.execute("SELECT count(*) FROM articles").fetchone()
            rows = conn.execute(
                _SELECT + " ORDER BY a.published DESC, a.id DESC LIMIT ?", (limit,)
            ).fetchall()
        return Snapshot(
            int(state["generation"]),
            tuple(_row_to_article(r) for r in rows),
            parse_time(state["last_refresh"]) if "last_refresh" in state else None,
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

    def get(self, article_id: str) -> Article | None:
        with self._read() as conn:
            row = conn.execute(_SELECT + " WHERE a.id = ?", (article_id,)).fetchone()
        return None if row is None else _row_to_article(row)

    def get_by_slug(self, slug: str) -> Article | None:
        with self._read() as conn:
            row = conn.execute(_SELECT + " WHERE i.slug = ?", (slug,)).fetchone()
        return None if row is None else _row_to_article(row)

    def skipped(self) -> list[Skipped]:
        with _wrap("cannot read the index"):
            rows = self.conn.execute("SELECT path, reason FROM skipped ORDER BY path").fetchall()
        return [Skipped(p, r) for p, r in rows]

    def stamps(self) -> tuple[dict[str, tuple[int, int]], set[str]]:
        """(path -> (size, mtime_ns)) of every file the index knows, and the skipped paths.

        All a no-change refresh reads: two narrow queries, no row objects.
        """
        with self._read() as conn:
            stamps = {p: (s, m) for p, s, m in conn.execute("SELECT path, size, mtime_ns FROM articles")}
            skipped = set()
            for p, s, m in conn.execute("SELECT path, size, mtime_ns FROM skipped"):
                stamps.setdefault(p, (s, m))
                skipped.add(p)
        return stamps, skipped

    def stamps_for(self, paths: Iterable[str]) -> tuple[dict[str, tuple[int, int]], set[str]]:
        """Like stamps(), for just these paths."""
        stamps: dict[str, tuple[int, int]] = {}
        skipped = set()
        with self._read() as conn:
            for path in paths:
                row = conn.execute("SELECT size, mtime_ns FROM articles WHERE path = ?", (path,)).fetchone()
                if row is None:
                    row = conn.execute(
                        "SELECT size, mtime_ns FROM skipped WHERE path = ?", (path,)
                    ).fetchone()
                    if row is not None:
                        skipped.add(path)
                if row is not None:
                    stamps[path] = (row[0], row[1])
        return stamps, skipped

    def file_row(self, path: str) -> FileRow | None:
        """What the index remembers about one file (for a file whose stamp changed)."""
        conn = self.conn
        row = conn.execute(
            "SELECT path, size, mtime_ns, raw_hash, id, content_hash FROM articles WHERE path = ?", (path,)
        ).fetchone()
        if row is not None:
            return FileRow(*row)
        row = conn.execute("SELECT path, size, mtime_ns FROM skipped WHERE path = ?", (path,)).fetchone()
        return None if row is None else FileRow(row[0], row[1], row[2], None, None)

    def identity(self, article_id: str) -> Identity | None:
        row = self.conn.execute(
            "SELECT id, guid, slug, first_seen FROM identities WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else Identity(row[0], row[1], row[2], parse_time(row[3]))

    def slug_taken(self, slug: str) -> bool:
        return self.conn.execute("SELECT 1 FROM identities WHERE slug = ?", (slug,)).fetchone() is not None

    def article_path(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT path FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else str(row[0])

    def identities(self) -> dict[str, Identity]:
        """Every identity ever given, by id (one query: a refresh looks them up in memory)."""
        with self._read() as conn:
            rows = conn.execute("SELECT id, guid, slug, first_seen FROM identities").fetchall()
        return {r[0]: Identity(r[0], r[1], r[2], parse_time(r[3])) for r in rows}

    def unskip(self, path: str) -> None:
        self.conn.execute("DELETE FROM skipped WHERE path = ?", (path,))

    def article_owners(self) -> dict[str, str]:
        """Published article id -> its file's path."""
        with self._read() as conn:
            return dict(conn.execute("SELECT id, path FROM articles").fetchall())

    def add_identities(self, identities: Iterable[Identity]) -> None:
        self.conn.executemany(
            "INSERT INTO identities (id, guid, slug, first_seen) VALUES (?, ?, ?, ?)",
            [(i.id, i.guid, i.slug, format_time(i.first_seen)) for i in identities],
        )

    def put_articles(self, items: Iterable[tuple[Article, str]]) -> None:
        """put_article for many (one prepared statement, executemany)."""
        self.conn.executemany(
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

    def forget_file(self, path: str) -> bool:
        """The file is gone: unpublish it. Returns True when an article was removed."""
        conn = self.conn
        conn.execute("DELETE FROM skipped WHERE path = ?", (path,))
        return conn.execute("DELETE FROM articles WHERE path = ?", (path,)).rowcount > 0

    def set_state(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    def bump_generation(self) -> None:
        self.conn.execute("UPDATE state SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
