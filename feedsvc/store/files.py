"""File-based coordination between the processes sharing one index."""

from __future__ import annotations

import fcntl
import mmap
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import LockTimeout
from ..errors import StoreError


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


class FileCoordinator:
    """Coordination through files next to the index: ``<index>.lock`` and ``<index>.gen``.

    Works for processes on one machine (``flock`` and a shared memory map do not span hosts).
    """

    def __init__(self, index_path: str) -> None:
        self.lock_path = index_path + ".lock"
        self._counter = ChangeCounter(index_path + ".gen") if index_path != ":memory:" else None

    @contextmanager
    def ingest_lock(self, timeout: float | None) -> Iterator[bool]:
        """Hold ``flock`` on ``<index>.lock``: see Coordinator.ingest_lock."""
        lock_path = self.lock_path
        os.makedirs(os.path.dirname(lock_path) or ".", exist_ok=True)
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as e:
            raise StoreError(f"cannot open the refresh lock {lock_path}: {e.strerror}") from e
        try:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is None:
                        yield False
                        return
                    if time.monotonic() >= deadline:
                        raise LockTimeout(
                            f"another refresh held {lock_path} for more than {timeout:g}s"
                        ) from None
                    time.sleep(0.02)
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def notify_changed(self) -> None:
        if self._counter is not None:
            self._counter.bump()

    def change_count(self) -> int | None:
        return None if self._counter is None else self._counter.value()

    def close(self) -> None:
        if self._counter is not None:
            self._counter.close()
