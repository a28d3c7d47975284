"""PostgresStore's identities, old slugs (redirects) and vanished files: a mixin, split off
store.py for size. The same connections and transactions as the store itself."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from typing import LiteralString

from .._types import Identity
from .._types import Vanished
from .connections import Connection
from .schema import utc

_IDENTITY: LiteralString = "SELECT id, guid, slug, first_seen, path FROM identities"


def _to_identity(row: tuple[Any, ...]) -> Identity:
    return Identity(row[0], row[1], row[2], utc(row[3]), row[4])


class IdentityRows:
    """Identity, redirect and vanished-file queries of PostgresStore (see Store for each contract)."""

    if TYPE_CHECKING:  # provided by PostgresStore

        @property
        def conn(self) -> Connection: ...

        def _read(self) -> AbstractContextManager[Connection]: ...

        def _one(self, query: LiteralString, params: tuple[object, ...] = ()) -> tuple[Any, ...] | None: ...

    def redirect(self, slug: str) -> str | None:
        """The current slug of the published article an old slug named (None: none, or not published)."""
        row = self._one(
            "SELECT i.slug FROM redirects r JOIN identities i USING (id) JOIN articles a USING (id)"
            " WHERE r.slug = %s",
            (slug,),
        )
        return None if row is None else str(row[0])

    def identity(self, article_id: str) -> Identity | None:
        row = self._one(_IDENTITY + " WHERE id = %s", (article_id,))
        return None if row is None else _to_identity(row)

    def identity_at(self, path: str) -> Identity | None:
        """The identity whose file is (or last was) ``path``."""
        row = self._one(_IDENTITY + " WHERE path = %s", (path,))
        return None if row is None else _to_identity(row)

    def slug_taken(self, slug: str) -> bool:
        """Whether an identity has this slug, now or as a redirect."""
        row = self._one(
            "SELECT EXISTS (SELECT 1 FROM identities WHERE slug = %s)"
            " OR EXISTS (SELECT 1 FROM redirects WHERE slug = %s)",
            (slug, slug),
        )
        return bool(row and row[0])

    def identities(self) -> dict[str, Identity]:
        """Every identity ever given, by id (one query: a refresh looks them up in memory)."""
        with self._read() as conn:
            rows = conn.execute(_IDENTITY).fetchall()
        return {r[0]: _to_identity(r) for r in rows}

    def redirects(self) -> dict[str, str]:
        """Every old slug -> the id it redirects to."""
        with self._read() as conn:
            return dict(conn.execute("SELECT slug, id FROM redirects").fetchall())

    def vanished(self, since: datetime) -> list[Vanished]:
        """Articles whose file disappeared at ``since`` or later."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, path, raw_hash, content_hash, updated, gone_at FROM vanished WHERE gone_at >= %s",
                (since,),
            ).fetchall()
        return [Vanished(r[0], r[1], r[2], r[3], utc(r[4]), utc(r[5])) for r in rows]

    def add_identities(self, identities: Iterable[Identity]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO identities (id, guid, slug, first_seen, path) VALUES (%s, %s, %s, %s, %s)",
                [(i.id, i.guid, i.slug, i.first_seen, i.path) for i in identities],
            )

    def move_identity(self, article_id: str, path: str | None, slug: str) -> None:
        """Identity ``article_id`` now belongs to ``path`` (taken from any other) and has ``slug``;
        an old slug stays as a redirect to it."""
        conn = self.conn
        if path is not None:
            conn.execute("UPDATE identities SET path = NULL WHERE path = %s AND id <> %s", (path, article_id))
        row = conn.execute("SELECT slug FROM identities WHERE id = %s", (article_id,)).fetchone()
        if row is not None and row[0] != slug:
            conn.execute("DELETE FROM redirects WHERE slug = %s AND id = %s", (slug, article_id))
            conn.execute(
                "INSERT INTO redirects (slug, id) VALUES (%s, %s) ON CONFLICT (slug) DO UPDATE SET id = excluded.id",
                (row[0], article_id),
            )
        conn.execute("UPDATE identities SET path = %s, slug = %s WHERE id = %s", (path, slug, article_id))

    def add_vanished(self, items: Iterable[Vanished]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO vanished (id, path, raw_hash, content_hash, updated, gone_at)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET path = excluded.path,"
                " raw_hash = excluded.raw_hash, content_hash = excluded.content_hash,"
                " updated = excluded.updated, gone_at = excluded.gone_at",
                [(v.id, v.path, v.raw_hash, v.content_hash, v.updated, v.gone_at) for v in items],
            )

    def prune_vanished(self, before: datetime) -> None:
        self.conn.execute("DELETE FROM vanished WHERE gone_at < %s", (before,))
