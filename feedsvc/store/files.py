"""File-based coordination between the processes sharing one index."""

from __future__ import annotations

import mmap
import os
import threading


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
