"""A SQL Store's change log, for both backends: each article a write replaces or removes, as it
was, by the generation the write is published in (what ``Store.changes`` reads to tell which
topic feeds changed), and the topic reads that go with it. A mixin beside ``_sql.SqlRows`` and
``_identities.IdentityRows``, on the same connections, transactions and Dialect."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from ..model import TopicKind
from ._sql import SqlRows
from ._types import KEEP_CHANGES
from ._types import Changes
from ._types import Filed
from ._types import FileRow

_NEXT_GENERATION = "(SELECT CAST(value AS BIGINT) + 1 FROM state WHERE key = 'generation')"
_BATCH = 500  #: ids per IN (...) list


def parse_topics(text: str | None) -> frozenset[tuple[str, str, str]]:
    """ "kind TAB slug TAB name" lines -> a set of triples (names never hold a tab or newline)."""
    if not text:
        return frozenset()
    triples = (line.split("\t", 2) for line in text.split("\n"))
    return frozenset((k, s, n) for k, s, n in triples)


class ChangeRows(SqlRows):
    """Change-log and topic-key queries (see Store for each contract). The backend gives
    ``_TOPICS_OF``: the topics of article ``a`` as "kind TAB slug TAB name" lines, one text."""

    _TOPICS_OF: ClassVar[str]

    if TYPE_CHECKING:  # provided by the backend

        def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> None: ...

    @property
    def _filed_columns(self) -> str:
        """An article as its topic feeds see it: sort key, what its entry is made of, topics."""
        return f"a.published, a.content_hash, a.updated, coalesce(i.slug, ''), a.path, {self._TOPICS_OF}"

    def _filed(self, row: tuple[Any, ...]) -> Filed | None:
        """_filed_columns -> a Filed (None: the article was not published)."""
        published, content_hash, updated, slug, path, topics = row
        if published is None:
            return None
        t = self.dialect.time_out
        return Filed(t(published), (str(content_hash), t(updated), str(slug), str(path)), parse_topics(topics))

    def _log(self, where: str, rows: list[tuple[Any, ...]]) -> None:
        """Log the published articles ``where`` picks (one parameter row each), as they are."""
        if rows:
            self._many(
                self._q(
                    "INSERT INTO changes (generation, id, published, content_hash, updated, slug, path, topics)"  # noqa: S608
                    f" SELECT {_NEXT_GENERATION}, a.id, {self._filed_columns}"
                    f" FROM articles a LEFT JOIN identities i USING (id) WHERE {where}"
                ),
                rows,
            )

    # ------------------------------------------------------------------ writes (in transaction())

    def log_replaced(self, keys: Iterable[tuple[str, str]]) -> None:
        """Before (id, path) pairs are written: the articles they replace, and each id that was
        not published (put_articles)."""
        keys = list(keys)
        self._log("a.id = ? OR a.path = ?", keys)
        self._many(
            self._q(
                f"INSERT INTO changes (generation, id) SELECT {_NEXT_GENERATION}, CAST(? AS TEXT)"  # noqa: S608
                " WHERE NOT EXISTS (SELECT 1 FROM articles WHERE id = ?)"
            ),
            [(article_id, article_id) for article_id, _ in keys],
        )

    def put_skipped(self, path: str, reason: str, size: int, mtime_ns: int) -> bool:
        self._log("a.path = ?", [(path,)])  # the article it unpublishes, if any
        return super().put_skipped(path, reason, size, mtime_ns)

    def forget_file(self, path: str) -> FileRow | None:
        self._log("a.path = ?", [(path,)])
        return super().forget_file(path)

    def move_identity(self, article_id: str, path: str | None, slug: str) -> None:
        row = self._one(self._q("SELECT slug FROM identities WHERE id = ?"), (article_id,))
        if row is not None and row[0] != slug:  # its entries' links change: as it was before
            self._log("a.id = ?", [(article_id,)])
        super().move_identity(article_id, path, slug)  # type: ignore[misc]  # IdentityRows'

    def bump_generation(self) -> None:
        """The generation moves; changes older than KEEP_CHANGES generations are forgotten."""
        super().bump_generation()
        oldest = self.generation() - KEEP_CHANGES
        if oldest > 0:
            self.prune_changes(oldest)

    def prune_changes(self, oldest: int) -> None:
        """Forget the changes of generation ``oldest`` and before."""
        q = self._q
        self.conn.execute(q("DELETE FROM changes WHERE generation <= ?"), (oldest,))
        self.conn.execute(
            q("UPDATE state SET value = ? WHERE key = 'changes_after' AND CAST(value AS BIGINT) < ?"),
            (str(oldest), oldest),
        )

    # ------------------------------------------------------------------ reads

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Several reads from one snapshot: every read inside sees the same index."""
        with self._read():
            yield

    def changes(self, since: int) -> Changes | None:
        """What the generations after ``since`` changed (None: the index no longer knows)."""
        q = self._q
        with self._read() as conn:
            generation = self.generation()
            if since >= generation:
                return Changes(since, generation, {}, {})
            kept = self.state("changes_after")
            if kept is None or since < int(kept):
                return None
            before: dict[str, Filed | None] = {}
            for row in conn.execute(
                q(
                    "SELECT id, published, content_hash, updated, slug, path, topics FROM changes"
                    " WHERE generation > ? AND generation <= ? ORDER BY seq"
                ),
                (since, generation),
            ).fetchall():
                if row[0] not in before:  # the first: as it was before these generations
                    before[row[0]] = self._filed(row[1:])
            after: dict[str, Filed | None] = dict.fromkeys(before)
            ids = list(before)
            for start in range(0, len(ids), _BATCH):
                chunk = ids[start : start + _BATCH]
                sql = (
                    f"SELECT a.id, {self._filed_columns} FROM articles a LEFT JOIN identities i USING (id)"  # noqa: S608
                    f" WHERE a.id IN ({', '.join('?' * len(chunk))})"
                )
                for row in conn.execute(q(sql), chunk).fetchall():
                    after[row[0]] = self._filed(row[1:])
        return Changes(since, generation, before, after)

    def topic_count(self, kind: TopicKind, slug: str) -> int:
        """How many published articles a topic has (0: none, no such topic)."""
        row = self._one(self._q("SELECT count(*) FROM topics WHERE kind = ? AND slug = ?"), (kind, slug))
        return int(row[0]) if row else 0

    def topic_keys(self, kind: TopicKind, slug: str, limit: int) -> list[tuple[datetime, str]]:
        """(published, id) of a topic's newest ``limit`` articles, newest first."""
        with self._read() as conn:
            rows = conn.execute(
                self._q(
                    "SELECT published, id FROM topics WHERE kind = ? AND slug = ?"
                    " ORDER BY published DESC, id DESC LIMIT ?"
                ),
                (kind, slug, limit),
            ).fetchall()
        return [(self.dialect.time_out(p), i) for p, i in rows]

    def topic_spellings(self, kind: TopicKind, slug: str) -> dict[str, int]:
        """How many of a topic's articles spell its name each way."""
        with self._read() as conn:
            rows = conn.execute(
                self._q("SELECT name, count(*) FROM topics WHERE kind = ? AND slug = ? GROUP BY name"), (kind, slug)
            ).fetchall()
        return {name: int(count) for name, count in rows}
