"""File-based coordination between the processes sharing one index."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import LockTimeout
from ..errors import StoreError


class ChangeCounter:
    """An 8-byte counter in ``<index>.gen``, shared by every process using the index.

    Every committed write transaction bumps it, so a reader learns "nothing changed" from one
    8-byte ``pread``, without a SQLite call. The file is read through a descriptor, never
    memory-mapped: a mapping of a file someone truncates kills the process with SIGBUS on the
    next read, where a short ``pread`` is only a short read. Every RECHECK seconds the path
    is looked at again: a counter file deleted or replaced (a new index, a restore) is opened
    anew, so this process keeps seeing other processes' changes; a folder that did not exist
    yet, or was read-only, is tried again. Unavailable means readers ask SQLite (None).
    """

    RECHECK = 1.0  #: seconds between looks at the path

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._ident: tuple[int, int] | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def _open(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        st = os.fstat(fd)
        if st.st_size < 8:
            os.ftruncate(fd, 8)
        self._fd, self._ident = fd, (st.st_dev, st.st_ino)

    def _close_fd(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._ident = None, None

    def _recheck(self, now: float) -> None:
        """Under the lock: reopen when the path is gone, replaced or truncated; retry a failed
        open."""
        self._checked = now
        if self._fd is not None:
            try:
                st = os.stat(self.path)
                if (st.st_dev, st.st_ino) != self._ident or st.st_size < 8:
                    self._close_fd()
            except FileNotFoundError:
                self._close_fd()
            except OSError:  # a transient error: keep what we have
                return
        if self._fd is None:
            try:
                self._open()
            except OSError:
                self._close_fd()

    def _descriptor(self) -> int | None:
        now = time.monotonic()
        if now - self._checked >= self.RECHECK:
            with self._lock:
                if now - self._checked >= self.RECHECK:
                    self._recheck(now)
        return self._fd

    def value(self) -> int | None:
        fd = self._descriptor()
        if fd is None:
            return None
        try:
            data = os.pread(fd, 8, 0)
        except OSError:  # closed under us by a recheck in another thread: ask again next time
            return None
        if len(data) < 8:  # truncated since the last look: not a value; look again at once
            self._checked = float("-inf")
            return None
        return int.from_bytes(data, "little")

    def bump(self) -> None:
        fd = self._descriptor()
        if fd is None:
            return
        with self._lock:
            try:
                data = os.pread(fd, 8, 0)
                current = int.from_bytes(data, "little") if len(data) == 8 else 0
                os.pwrite(fd, ((current + 1) % 2**64).to_bytes(8, "little"), 0)
            except OSError:
                self._checked = float("-inf")

    def close(self) -> None:
        with self._lock:
            self._close_fd()


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
