"""The SQLite schema: migrations, connection settings, and how a row maps to an Article."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from collections.abc import Iterable
from datetime import UTC
from datetime import datetime
from pathlib import Path

from ..errors import StoreError
from ..model import Article
from ..model import Block
from ..model import BlockKind
from ..topics import article_topics
from ._types import format_time
from ._types import parse_time


def _backfill_topics(conn: sqlite3.Connection) -> None:
    """Migration 3's data step: index the topics of every article already published."""
    rows = conn.execute(SELECT).fetchall()
    conn.executemany(TOPIC_INSERT, topic_rows(row_to_article(r) for r in rows))


def _suffix_free_ids(conn: sqlite3.Connection) -> None:
    """Migration 4: every stored id, guid, slug and date stays.

    Before it, a file's id was its path (ending in .txt, the one article suffix then): the new
    ``identities.path`` records that, so each such file keeps its id. An id an Id: header gave
    (its article published from another path) gets none. Ids that start like the new
    path-derived ids ("path:") or like an escaped header ("id:") are escaped with "id:"
    (identity.header_key), in two steps through a key no id has (char(1) and the row's own
    guid), so that no step collides with an existing id. Run again on an index rewound by hand
    (as tests do), it only makes what is missing.
    """
    columns = {row[1] for row in conn.execute("PRAGMA table_info(identities)")}
    if "path" not in columns:
        for statement in _statements(_SUFFIX_FREE_IDS):
            conn.execute(statement)
    for statement in _statements(_RENAMES):
        conn.execute(statement)


_SUFFIX_FREE_IDS = """
    ALTER TABLE identities ADD COLUMN path TEXT;
    UPDATE identities SET path = id WHERE id LIKE '%.txt'
        AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = identities.id AND a.path <> identities.id);
    CREATE TEMP TABLE escaped_ids AS SELECT id AS old, char(1) || guid AS tmp, 'id:' || id AS new
        FROM identities WHERE substr(id, 1, 5) = 'path:' OR substr(id, 1, 3) = 'id:';
    UPDATE identities SET id = (SELECT tmp FROM escaped_ids WHERE old = identities.id)
        WHERE id IN (SELECT old FROM escaped_ids);
    UPDATE identities SET id = (SELECT new FROM escaped_ids WHERE tmp = identities.id)
        WHERE id IN (SELECT tmp FROM escaped_ids);
    UPDATE articles SET id = (SELECT tmp FROM escaped_ids WHERE old = articles.id)
        WHERE id IN (SELECT old FROM escaped_ids);
    UPDATE articles SET id = (SELECT new FROM escaped_ids WHERE tmp = articles.id)
        WHERE id IN (SELECT tmp FROM escaped_ids);
    UPDATE topics SET id = (SELECT new FROM escaped_ids WHERE old = topics.id)
        WHERE id IN (SELECT old FROM escaped_ids);
    DROP TABLE escaped_ids;
"""
_RENAMES = """
    CREATE UNIQUE INDEX IF NOT EXISTS identities_path ON identities(path) WHERE path IS NOT NULL;
    CREATE TABLE IF NOT EXISTS redirects (  -- old slug -> identity: a renamed file's old URL
        slug TEXT PRIMARY KEY,
        id TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS vanished (   -- articles whose file just disappeared: rename sources
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        raw_hash TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        updated TEXT NOT NULL,
        gone_at TEXT NOT NULL
    ) WITHOUT ROWID;
"""


# Each entry upgrades the schema by one version (SQL, or a function for a data step); never
# edit one that has shipped.
MIGRATIONS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
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
    # 3: topics (tags, sections, authors), one row per article and topic, derived from the
    # article by topics.article_topics in put_articles. `published` is the article's, so a
    # topic's newest-first page and its oldest-first archive pages are index range scans.
    # The trigger removes an article's rows whatever deletes it (skip, removal). IF NOT EXISTS:
    # an index rewound by hand to an older user_version migrates again.
    """
    CREATE TABLE IF NOT EXISTS topics (
        kind TEXT NOT NULL,            -- tag, section, author
        slug TEXT NOT NULL,
        published TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,            -- this article's spelling
        PRIMARY KEY (kind, slug, published, id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS topics_by_article ON topics(id);
    CREATE TRIGGER IF NOT EXISTS articles_delete_topics AFTER DELETE ON articles BEGIN
        DELETE FROM topics WHERE id = old.id;
    END
    """,
    _backfill_topics,
    # 4: ids independent of the file suffix, renames that keep identity (README "Ids").
    _suffix_free_ids,
    # 5: the change log: each article a write replaces or removes, as it was (its sort key,
    # what its entry is made of, its topics), by the generation the write is published in; a
    # new article as its id alone. Store.changes reads it to tell which topic feeds changed
    # (WebSub pings). `changes_after`: the log is complete for the generations after it.
    """
    CREATE TABLE IF NOT EXISTS changes (
        seq INTEGER PRIMARY KEY,
        generation INTEGER NOT NULL,
        id TEXT NOT NULL,
        published TEXT,                -- NULL: the id was not published before
        content_hash TEXT,
        updated TEXT,
        slug TEXT,
        path TEXT,
        topics TEXT                    -- kind TAB slug TAB name, one topic a line
    );
    CREATE INDEX IF NOT EXISTS changes_generation ON changes(generation);
    INSERT OR IGNORE INTO state (key, value) SELECT 'changes_after', value FROM state WHERE key = 'generation';
    """,
)

_ARTICLE_COLUMNS = (
    "a.id, i.guid, i.slug, a.title, a.summary, a.blocks, a.author, a.tags, "
    "a.published, a.updated, a.path, a.size, a.mtime_ns, a.content_hash"
)
SELECT = f"SELECT {_ARTICLE_COLUMNS} FROM articles a JOIN identities i USING (id)"  # noqa: S608 (constants)

_KIND_CODES = {"p": "p", "caption": "c"}
_CODE_KINDS: dict[str, BlockKind] = {"p": "p", "c": "caption"}


def encode_blocks(blocks: tuple[Block, ...]) -> str:
    """Blocks -> one line each, kind code first. Cleaned text never holds a line break."""
    return "\n".join(_KIND_CODES[b.kind] + b.text for b in blocks)


def decode_blocks(text: str) -> tuple[Block, ...]:
    return tuple(Block(_CODE_KINDS[line[0]], line[1:]) for line in text.split("\n") if line)


def row_to_article(row: tuple) -> Article:  # type: ignore[type-arg]
    return Article(
        id=row[0], guid=row[1], slug=row[2], title=row[3], summary=row[4],
        blocks=decode_blocks(row[5]), author=row[6], tags=tuple(row[7].split("\n")) if row[7] else (),
        published=parse_time(row[8]), updated=parse_time(row[9]), path=row[10],
        size=row[11], mtime_ns=row[12], content_hash=row[13],
    )  # fmt: skip


TOPIC_INSERT = "INSERT OR IGNORE INTO topics (kind, slug, published, id, name) VALUES (?, ?, ?, ?, ?)"


def topic_rows(articles: Iterable[Article]) -> Iterable[tuple[str, str, str, str, str]]:
    """The topics rows of these articles (TOPIC_INSERT's parameters)."""
    for a in articles:
        published = format_time(a.published)
        for t in article_topics(a):
            yield t.kind, t.slug, published, a.id, t.name


def connect(path: str, timeout: float) -> sqlite3.Connection:
    """A new connection to the index, set up as every connection must be."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # check_same_thread=False only so that close() can close every thread's connection at
    # shutdown (from the main thread); each one is still used only by the thread that
    # opened it (SQLiteStore._local).
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
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
    # the refresh pass writes the identity before its article in the same transaction.
    return conn


def _statements(script: str) -> list[str]:
    """A migration's statements (a trigger's body holds semicolons: sqlite3.complete_statement
    says where each statement really ends)."""
    out: list[str] = []
    pending = ""
    for part in script.split(";"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                out.append(pending.strip())
            pending = ""
    return out


def migrate(conn: sqlite3.Connection, path: str) -> None:
    """Bring the schema to the newest version (PRAGMA user_version counts MIGRATIONS applied)."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version > len(MIGRATIONS):
        raise StoreError(f"{path} was written by a newer feedsvc (schema {version})")
    if version == len(MIGRATIONS):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        for number in range(version, len(MIGRATIONS)):
            step = MIGRATIONS[number]
            if callable(step):
                step(conn)
            else:
                for statement in _statements(step):
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
