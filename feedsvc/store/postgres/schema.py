"""The PostgreSQL schema: versioned migrations and how a row maps to an Article."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import LiteralString

import psycopg

from ...errors import StoreError
from ...model import Article
from ...topics import article_topics
from .._schema import decode_blocks
from .._schema import encode_blocks
from .._types import format_time

# Each entry upgrades the schema by one version; never edit one that has shipped. The same
# tables as the SQLite backend's (store/_schema.py), in PostgreSQL's types: times are
# timestamptz, tags a text[]. Keys and the newest-first order compare bytes (COLLATE "C"), as
# SQLite does, so both backends list articles in the same order whatever the database's locale.
# No foreign key from articles to identities: the SQLite index does not enforce one either, and
# a refresh writes an identity before its article in the same transaction.
MIGRATIONS: tuple[str, ...] = (
    """
    -- Permanent: survives edits, deletes and re-adds. `path`: the file a path-derived id
    -- belongs to (now, or last); NULL for an id an Id: header gives.
    CREATE TABLE identities (
        id text COLLATE "C" PRIMARY KEY,
        guid text NOT NULL,
        slug text COLLATE "C" NOT NULL UNIQUE,
        first_seen timestamptz NOT NULL,
        path text COLLATE "C"
    );
    CREATE UNIQUE INDEX identities_path ON identities (path) WHERE path IS NOT NULL;
    -- A renamed file's old URL: old slug -> identity, for ever.
    CREATE TABLE redirects (slug text COLLATE "C" PRIMARY KEY, id text COLLATE "C" NOT NULL);
    -- Articles whose file just disappeared: the sources of renames within the settle window.
    CREATE TABLE vanished (
        id text COLLATE "C" PRIMARY KEY,
        path text COLLATE "C" NOT NULL,
        raw_hash text NOT NULL,
        content_hash text NOT NULL,
        updated timestamptz NOT NULL,
        gone_at timestamptz NOT NULL
    );
    CREATE TABLE articles (
        id text COLLATE "C" PRIMARY KEY,
        path text COLLATE "C" NOT NULL UNIQUE,
        title text NOT NULL,
        summary text NOT NULL,
        blocks text NOT NULL,
        author text,
        tags text[] NOT NULL,
        published timestamptz NOT NULL,
        updated timestamptz NOT NULL,
        size bigint NOT NULL,
        mtime_ns bigint NOT NULL,
        raw_hash text NOT NULL,
        content_hash text NOT NULL
    );
    CREATE INDEX articles_newest ON articles (published DESC, id DESC);
    CREATE TABLE skipped (
        path text COLLATE "C" PRIMARY KEY,
        reason text NOT NULL,
        size bigint NOT NULL,
        mtime_ns bigint NOT NULL
    );
    -- Topics (tags, sections, authors): one row per article and topic, from
    -- topics.article_topics in put_articles; `published` is the article's, so a topic's pages
    -- are index range scans. The trigger drops an article's rows whatever deletes it.
    CREATE TABLE topics (
        kind text NOT NULL,
        slug text COLLATE "C" NOT NULL,
        published timestamptz NOT NULL,
        id text COLLATE "C" NOT NULL,
        name text COLLATE "C" NOT NULL,
        PRIMARY KEY (kind, slug, published, id)
    );
    CREATE INDEX topics_by_article ON topics (id);
    -- Once per statement, for all its rows; the function finds `topics` by the search path the
    -- index was made with, whatever the session that deletes has.
    CREATE FUNCTION articles_delete_topics() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
    BEGIN
        DELETE FROM topics WHERE id IN (SELECT id FROM gone);
        RETURN NULL;
    END $$;
    CREATE TRIGGER articles_delete_topics AFTER DELETE ON articles
        REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION articles_delete_topics();
    CREATE TABLE state (key text PRIMARY KEY, value text NOT NULL);
    INSERT INTO state (key, value) VALUES ('generation', '0');
    -- Bumped by every write transaction: Store.data_version() and the coordinator's poll.
    CREATE TABLE commits (n bigint NOT NULL);
    INSERT INTO commits (n) VALUES (0);
    """,
)

#: serialises migrations between nodes starting at once (pg_advisory_xact_lock)
_MIGRATION_LOCK = 0x66656564737663  # "feedsvc"

SELECT: LiteralString = (
    "SELECT a.id, i.guid, i.slug, a.title, a.summary, a.blocks, a.author, a.tags, a.published,"
    " a.updated, a.path, a.size, a.mtime_ns, a.content_hash FROM articles a JOIN identities i USING (id)"
)


TOPIC_INSERT = (
    "INSERT INTO topics (kind, slug, published, id, name) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)


def topic_rows(articles: Iterable[Article]) -> Iterator[tuple[str, str, datetime, str, str]]:
    """The topics rows of these articles (TOPIC_INSERT's parameters)."""
    for a in articles:
        for t in article_topics(a):
            yield t.kind, t.slug, a.published, a.id, t.name


def utc(dt: datetime) -> datetime:
    """A timestamptz as read (in the session's time zone) -> the same instant in UTC."""
    return dt.astimezone(UTC)


def row_to_article(row: tuple[Any, ...]) -> Article:
    return Article(
        id=row[0], guid=row[1], slug=row[2], title=row[3], summary=row[4],
        blocks=decode_blocks(row[5]), author=row[6], tags=tuple(row[7]),
        published=utc(row[8]), updated=utc(row[9]), path=row[10],
        size=row[11], mtime_ns=row[12], content_hash=row[13],
    )  # fmt: skip


def article_row(article: Article, raw_hash: str) -> tuple[Any, ...]:
    a = article
    return (
        a.id, a.path, a.title, a.summary, encode_blocks(a.blocks), a.author, list(a.tags),
        a.published, a.updated, a.size, a.mtime_ns, raw_hash, a.content_hash,
    )  # fmt: skip


def migrate(conn: psycopg.Connection[Any], where: str) -> None:
    """Bring the schema (in the connection's current schema) to the newest version.

    ``feedsvc_schema`` holds the number of MIGRATIONS applied. Nodes that start together take
    turns (a transaction-level advisory lock); the second finds nothing to do.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS feedsvc_schema (version integer NOT NULL)")
        row = conn.execute("SELECT version FROM feedsvc_schema").fetchone()
        version = 0 if row is None else int(row[0])
        if version > len(MIGRATIONS):
            raise StoreError(f"{where} was written by a newer feedsvc (schema {version})")
        if version == len(MIGRATIONS):
            return
        for number in range(version, len(MIGRATIONS)):
            conn.execute(MIGRATIONS[number])
        if row is None:
            conn.execute("INSERT INTO feedsvc_schema (version) VALUES (%s)", (len(MIGRATIONS),))
        else:
            conn.execute("UPDATE feedsvc_schema SET version = %s", (len(MIGRATIONS),))
        # When the index was made: the date of a feed that has never had an article.
        conn.execute(
            "INSERT INTO state (key, value) VALUES ('created_at', %s) ON CONFLICT (key) DO NOTHING",
            (format_time(datetime.now(UTC).replace(microsecond=0)),),
        )
