"""Coordination between nodes sharing one PostgreSQL index: an advisory lock for the ingest,
LISTEN/NOTIFY for changes, and a poll in case a notification is missed."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from ...errors import LockTimeout
from ...errors import StoreError
from .connections import Connection
from .connections import Connections
from .connections import wrap

log = logging.getLogger("feedsvc.store")


class PgCoordinator:
    """The Coordinator protocol on PostgreSQL, for any number of processes on any machines.

    - ``ingest_lock``: a session-level advisory lock taken on the calling thread's own store
      connection, the one its refresh then writes through. A node that dies (SIGKILL, power)
      loses its session, and with it both the lock and its uncommitted refresh: another node
      takes the lock at its next refresh and writes everything again, once.
    - ``notify_changed``: ``pg_notify`` on the index's channel (and this process's count).
    - ``change_count``: a count this process keeps, moved by a listener thread that LISTENs on
      the channel and, every ``poll`` seconds, also reads the store's commit counter (a
      notification sent by a node that died between its commit and its NOTIFY is not lost).
      The thread starts on the first call (a ``feedsvc refresh`` never starts it). While it has
      no connection the count is None, and readers ask the store itself on every request.
    """

    RETRY = 0.05  #: seconds between tries for a held lock
    BACKOFF = 1.0  #: seconds before the listener reconnects

    def __init__(self, connections: Connections, *, poll: float = 1.0) -> None:
        self._conns = connections
        self.poll = poll
        self._count = 0
        self._count_lock = threading.Lock()
        self._listening = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._listener: Connection | None = None

    # ------------------------------------------------------------------ the ingest lock

    @contextmanager
    def ingest_lock(self, timeout: float | None) -> Iterator[bool]:
        """See Coordinator.ingest_lock."""
        with self._conns.pinned() as conn:
            key = self._conns.key("ingest")
            deadline = None if timeout is None else time.monotonic() + timeout
            while not self._try_lock(conn, key):
                if deadline is None:
                    yield False
                    return
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"another node held the refresh lock for more than {timeout:g}s")
                time.sleep(self.RETRY)
            try:
                yield True
            finally:
                if not (conn.closed or conn.broken):
                    with contextlib.suppress(psycopg.Error):
                        conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def _try_lock(self, conn: Connection, key: int) -> bool:
        with wrap("cannot take the refresh lock"):
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        return bool(row and row[0])

    # ------------------------------------------------------------------ change notification

    def notify_changed(self) -> None:
        self._bump()
        try:
            conn = self._conns.get()
            with wrap("cannot notify the other nodes"):
                conn.execute("SELECT pg_notify(%s, '')", (self._conns.channel(),))
        except StoreError as e:  # they learn it from their poll
            log.warning("%s", e)

    def change_count(self) -> int | None:
        if self._thread is None:
            self._start()
        return self._count if self._listening else None

    def _bump(self) -> None:
        with self._count_lock:
            self._count += 1

    def _start(self) -> None:
        with self._count_lock:
            if self._thread is not None or self._stop.is_set():
                return
            self._thread = threading.Thread(target=self._listen, name="feedsvc-listen", daemon=True)
            self._thread.start()

    def _listen(self) -> None:
        """The listener thread: LISTEN, poll, reconnect until close()."""
        while not self._stop.is_set():
            try:
                self._listen_once()
            except (psycopg.Error, StoreError) as e:
                if self._stop.is_set():
                    break
                if self._listening:
                    log.warning("change notifications lost (%s): asking the index on each request", e)
                self._listening = False
            self._stop.wait(self.BACKOFF)
        self._listening = False

    def _listen_once(self) -> None:
        self._conns.get()  # the namespace (and the schema) before the channel name
        conn = self._listener = self._conns.open()
        try:
            if self._stop.is_set():
                return
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._conns.channel())))
            last = self._commits(conn)
            self._bump()  # whatever happened while nobody listened
            self._listening = True
            while not self._stop.is_set():
                for _ in conn.notifies(timeout=self.poll):
                    self._bump()
                now = self._commits(conn)
                if now != last:  # committed, but the notification never came
                    last = now
                    self._bump()
        finally:
            self._listener = None
            with contextlib.suppress(psycopg.Error):
                conn.close()

    @staticmethod
    def _commits(conn: Connection) -> int:
        row = conn.execute("SELECT n FROM commits").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self._stop.set()
        listener = self._listener
        if listener is not None:
            with contextlib.suppress(psycopg.Error):
                listener.close()  # wakes the thread from notifies()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
