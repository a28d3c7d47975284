"""Is a file a refresh found complete? Not while it is open for writing or still settling.

The rule (README, "Partial writes never show"): a file is read for publishing only when
nobody has it open for writing. The kernel says so through a read lease
(``sources.open_for_writing``); where it will not say (another user's file without
CAP_LEASE, a file system without leases), a file modified less than ``[seeds]
settle_seconds`` ago waits, unless the file watcher saw it closed after writing (or moved in)
with the very size and mtime it has now. A deferred file is not touched in the index: what
was published before stays, and the caller is told when to look again (``retry_in``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

from ..sources import SourceFile
from ..sources import open_for_writing

#: (size, mtime_ns) the watcher saw a path closed after writing (or moved in) with, by relpath
Complete = Mapping[str, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Settle:
    """The completeness check of one refresh pass (see the module docstring)."""

    settle_ns: int  #: [seeds] settle_seconds, in ns
    complete: Complete = field(default_factory=dict)
    writers: Callable[[int], bool | None] = open_for_writing  #: injectable for tests
    clock_ns: Callable[[], int] = time.time_ns  #: the clock file mtimes are written by

    def __call__(self, fd: int, src: SourceFile) -> str | None:
        """Why the open file ``fd`` (what the walk saw as ``src``) is not complete, or None.

        The kernel is asked about every file a refresh reads, however old its mtime (a writer
        may sit idle): two fcntl calls on the descriptor the read opened anyway cost little
        next to reading and parsing the file (bench/bench_settle.py; figures in
        bench/RESULTS.md), so guessing which files to spare would buy nothing.
        """
        busy = self.writers(fd)
        age = abs(self.clock_ns() - src.mtime_ns)  # a future mtime (clock skew) counts as recent
        if busy:
            return "still open for writing"
        if busy is None and age < self.settle_ns and self.complete.get(src.relpath) != (src.size, src.mtime_ns):
            return f"modified {age / 1e9:.2f} s ago, within the settle time ({self.settle_ns / 1e9:g} s)"
        return None

    def retry_in(self, src: SourceFile) -> float:
        """Seconds until a deferred file is worth another look: when its settle time is up,
        else (still open, or changed while read) one settle time from now, at least 0.1 s."""
        age = abs(self.clock_ns() - src.mtime_ns)
        wait = self.settle_ns - age if age < self.settle_ns else self.settle_ns
        return max(0.1, wait / 1e9 + 0.01)  # a hair past the settle time, not a hair before
