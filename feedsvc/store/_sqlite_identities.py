"""SQLiteStore's identities, old slugs (redirects) and vanished files: a mixin, split off
sqlite.py for size. The same connection and transactions as the store itself."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING

from ._types import Identity
from ._types import Vanished
from ._types import format_time
from ._types import parse_time

_IDENTITY = "SELECT id, guid, slug, first_seen, path FROM identities"


def _to_identity(row: tuple) -> Identity:  # type: ignore[type-arg]
    return Identity(row[0], row[1], row[2], parse_time(row[3]), row[4])


class IdentityRows:
    """Identity, redirect and vanished-file queries of SQLiteStore (see Store for each contract)."""

    if TYPE_CHECKING:  # provided by SQLiteStore

        @property
        def conn(self) -> sqlite3.Connection: ...

        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def redirect(self, slug: str) -> str | None:
        """The current slug of the published article an old slug named (None: none, or not published)."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT i.slug FROM redirects r JOIN identities i USING (id) JOIN articles a USING (id)"
                " WHERE r.slug = ?",
                (slug,),
            ).fetchone()
        return None if row is None else str(row[0])

    def identity(self, article_id: str) -> Identity | None:
        row = self.conn.execute(_IDENTITY + " WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else _to_identity(row)

    def identity_at(self, path: str) -> Identity | None:
        """The identity whose file is (or last was) ``path``."""
        row = self.conn.execute(_IDENTITY + " WHERE path = ?", (path,)).fetchone()
        return None if row is None else _to_identity(row)

    def slug_taken(self, slug: str) -> bool:
        """Whether an identity has this slug, now or as a redirect."""
        conn = self.conn
        return (
            conn.execute("SELECT 1 FROM identities WHERE slug = ?", (slug,)).fetchone() is not None
            or conn.execute("SELECT 1 FROM redirects WHERE slug = ?", (slug,)).fetchone() is not None
        )

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
                "SELECT id, path, raw_hash, content_hash, updated, gone_at FROM vanished WHERE gone_at >= ?",
                (format_time(since),),
            ).fetchall()
        return [Vanished(r[0], r[1], r[2], r[3], parse_time(r[4]), parse_time(r[5])) for r in rows]

    def add_identities(self, identities: Iterable[Identity]) -> None:
        self.conn.executemany(
            "INSERT INTO identities (id, guid, slug, first_seen, path) VALUES (?, ?, ?, ?, ?)",
            [(i.id, i.guid, i.slug, format_time(i.first_seen), i.path) for i in identities],
        )

    def move_identity(self, article_id: str, path: str | None, slug: str) -> None:
        """Identity ``article_id`` now belongs to ``path`` (taken from any other) and has ``slug``;
        an old slug stays as a redirect to it."""
        conn = self.conn
        if path is not None:
            conn.execute("UPDATE identities SET path = NULL WHERE path = ? AND id <> ?", (path, article_id))
        row = conn.execute("SELECT slug FROM identities WHERE id = ?", (article_id,)).fetchone()
        if row is not None and row[0] != slug:
            conn.execute("DELETE FROM redirects WHERE slug = ? AND id = ?", (slug, article_id))
            conn.execute("INSERT OR REPLACE INTO redirects (slug, id) VALUES (?, ?)", (row[0], article_id))
        conn.execute("UPDATE identities SET path = ?, slug = ? WHERE id = ?", (path, slug, article_id))

    def add_vanished(self, items: Iterable[Vanished]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO vanished (id, path, raw_hash, content_hash, updated, gone_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (v.id, v.path, v.raw_hash, v.content_hash, format_time(v.updated), format_time(v.gone_at))
                for v in items
            ],
        )

    def prune_vanished(self, before: datetime) -> None:
        self.conn.execute("DELETE FROM vanished WHERE gone_at < ?", (format_time(before),))
