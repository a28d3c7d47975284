"""Connections to PostgreSQL: one per thread, opened on first use, replaced when broken, and
errors from the server turned into StoreError."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import psycopg

from ...errors import StoreError
from .schema import migrate

Connection = psycopg.Connection[Any]


def redact(url: str) -> str:
    """The URL without its password, to show in messages and logs."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.rsplit("@", 1)
        return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc[-1]}"))
    except ValueError:
        return "the [store] url"


@contextmanager
def wrap(message: str) -> Iterator[None]:
    """Turn environmental failures (server gone, connection lost, disk full, read-only,
    canceled) into StoreError; programming errors (bad SQL, integrity) stay loud."""
    try:
        yield
    except (psycopg.OperationalError, psycopg.InterfaceError, psycopg.InternalError) as e:
        # libpq's messages run over several lines ("...refused\n\tIs the server running..."):
        # one line in the log and in a 503's reason
        raise StoreError(f"{message}: {' '.join(str(e).split()) or type(e).__name__}") from e


class Connections:
    """This process's connections to one index: one per thread (a psycopg connection runs one
    statement at a time), in autocommit mode, transactions begun explicitly.

    A connection found broken is replaced on the thread's next call, unless the thread holds the
    ingest lock on it (``pinned``): the lock went with the old session, so carrying on in a new
    one would write without it. Then it raises StoreError and the refresh is abandoned.
    """

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        self.url = url
        self.shown = redact(url)
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[Connection] = []
        self._migrated = False
        self.namespace = ""  #: "database.schema" of the index, known after the first connection

    def open(self) -> Connection:
        """A new connection, set up as every connection must be (not this thread's)."""
        with wrap(f"cannot connect to {self.shown}"):
            conn = psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=max(1, int(self.timeout)),
                # which process a session belongs to (pg_stat_activity: who holds the lock)
                application_name=f"feedsvc {os.getpid()}",
            )
            conn.execute("SET TIME ZONE 'UTC'")
        return conn

    def get(self) -> Connection:
        """This thread's connection (opened, and the schema migrated, on first use)."""
        local = self._local
        conn: Connection | None = getattr(local, "conn", None)
        if conn is not None and (conn.closed or conn.broken):
            if getattr(local, "pinned", False):
                raise StoreError(f"lost the connection to {self.shown} while holding the refresh lock")
            self._forget(conn)
            conn = None
        if conn is None:
            conn = self.open()
            try:
                if not self._migrated:
                    with wrap(f"cannot set up the index in {self.shown}"):
                        migrate(conn, self.shown)
                        db, schema = conn.execute("SELECT current_database(), current_schema()").fetchone()  # type: ignore[misc]
                    self.namespace, self._migrated = f"{db}.{schema}", True
            except BaseException:
                conn.close()
                raise
            local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def pinned(self) -> Iterator[Connection]:
        """This thread's connection, which must not be replaced until the block ends."""
        conn = self.get()
        self._local.pinned = True
        try:
            yield conn
        finally:
            self._local.pinned = False

    def key(self, purpose: str) -> int:
        """A signed 64-bit number naming ``purpose`` for this index (its database and schema):
        an advisory lock key; two sites sharing a server in two schemas do not share one."""
        digest = hashlib.sha256(f"feedsvc:{purpose}:{self.namespace}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def channel(self) -> str:
        """The LISTEN/NOTIFY channel of this index (an identifier: at most 63 bytes)."""
        return "feedsvc_" + hashlib.sha256(self.namespace.encode()).hexdigest()[:24]

    def _forget(self, conn: Connection) -> None:
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)
        with contextlib.suppress(psycopg.Error):
            conn.close()
        self._local.conn = None

    def close(self) -> None:
        """Close every connection (from any thread)."""
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(psycopg.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
