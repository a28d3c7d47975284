"""A SQL Store's identities, old slugs (redirects) and vanished files, for both backends: a
mixin beside ``_sql.SqlRows``, on the same connections, transactions and Dialect."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any

from ._sql import SqlRows
from ._types import Identity
from ._types import Vanished

_IDENTITY = "SELECT id, guid, slug, first_seen, path FROM identities"


class IdentityRows(SqlRows):
    """Identity, redirect and vanished-file queries (see Store for each contract). The backend
    gives ``_many(sql, rows)``: one statement run for many parameter rows."""

    if TYPE_CHECKING:  # provided by the backend

        def _many(self, sql: str, rows: list[tuple[Any, ...]]) -> None: ...

    def _to_identity(self, row: tuple[Any, ...]) -> Identity:
        return Identity(row[0], row[1], row[2], self.dialect.time_out(row[3]), row[4])

    def redirect(self, slug: str) -> str | None:
        """The current slug of the published article an old slug named (None: none, or not published)."""
        row = self._one(
            self._q(
                "SELECT i.slug FROM redirects r JOIN identities i USING (id) JOIN articles a USING (id)"
                " WHERE r.slug = ?"
            ),
            (slug,),
        )
        return None if row is None else str(row[0])

    def identity(self, article_id: str) -> Identity | None:
        row = self._one(self._q(_IDENTITY + " WHERE id = ?"), (article_id,))
        return None if row is None else self._to_identity(row)

    def identity_at(self, path: str) -> Identity | None:
        """The identity whose file is (or last was) ``path``."""
        row = self._one(self._q(_IDENTITY + " WHERE path = ?"), (path,))
        return None if row is None else self._to_identity(row)

    def slug_taken(self, slug: str) -> bool:
        """Whether an identity has this slug, now or as a redirect."""
        row = self._one(
            self._q(
                "SELECT EXISTS (SELECT 1 FROM identities WHERE slug = ?)"
                " OR EXISTS (SELECT 1 FROM redirects WHERE slug = ?)"
            ),
            (slug, slug),
        )
        return bool(row and row[0])

    def identities(self) -> dict[str, Identity]:
        """Every identity ever given, by id (one query: a refresh looks them up in memory)."""
        with self._read() as conn:
            rows = conn.execute(_IDENTITY).fetchall()
        return {r[0]: self._to_identity(r) for r in rows}

    def redirects(self) -> dict[str, str]:
        """Every old slug -> the id it redirects to."""
        with self._read() as conn:
            return dict(conn.execute("SELECT slug, id FROM redirects").fetchall())

    def vanished(self, since: datetime) -> list[Vanished]:
        """Articles whose file disappeared at ``since`` or later."""
        t = self.dialect.time_out
        with self._read() as conn:
            rows = conn.execute(
                self._q("SELECT id, path, raw_hash, content_hash, updated, gone_at FROM vanished WHERE gone_at >= ?"),
                (self.dialect.time_in(since),),
            ).fetchall()
        return [Vanished(r[0], r[1], r[2], r[3], t(r[4]), t(r[5])) for r in rows]

    # ------------------------------------------------------------------ writes (in transaction())

    def add_identities(self, identities: Iterable[Identity]) -> None:
        t = self.dialect.time_in
        self._many(
            self._q("INSERT INTO identities (id, guid, slug, first_seen, path) VALUES (?, ?, ?, ?, ?)"),
            [(i.id, i.guid, i.slug, t(i.first_seen), i.path) for i in identities],
        )

    def move_identity(self, article_id: str, path: str | None, slug: str) -> None:
        """Identity ``article_id`` now belongs to ``path`` (taken from any other) and has ``slug``;
        an old slug stays as a redirect to it."""
        conn, q = self.conn, self._q
        if path is not None:
            conn.execute(q("UPDATE identities SET path = NULL WHERE path = ? AND id <> ?"), (path, article_id))
        row = conn.execute(q("SELECT slug FROM identities WHERE id = ?"), (article_id,)).fetchone()
        if row is not None and row[0] != slug:
            conn.execute(q("DELETE FROM redirects WHERE slug = ? AND id = ?"), (slug, article_id))
            conn.execute(
                q("INSERT INTO redirects (slug, id) VALUES (?, ?) ON CONFLICT (slug) DO UPDATE SET id = excluded.id"),
                (row[0], article_id),
            )
        conn.execute(q("UPDATE identities SET path = ?, slug = ? WHERE id = ?"), (path, slug, article_id))

    def add_vanished(self, items: Iterable[Vanished]) -> None:
        t = self.dialect.time_in
        self._many(
            self._q(
                "INSERT INTO vanished (id, path, raw_hash, content_hash, updated, gone_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET path = excluded.path,"
                " raw_hash = excluded.raw_hash, content_hash = excluded.content_hash,"
                " updated = excluded.updated, gone_at = excluded.gone_at"
            ),
            [(v.id, v.path, v.raw_hash, v.content_hash, t(v.updated), t(v.gone_at)) for v in items],
        )

    def prune_vanished(self, before: datetime) -> None:
        self.conn.execute(self._q("DELETE FROM vanished WHERE gone_at < ?"), (self.dialect.time_in(before),))
