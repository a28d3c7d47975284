"""Shared helpers for the feedsvc benchmarks: timing, medians, floors, tables, Settings.

Stdlib only (plus feedsvc). Every figure is a warm-cache figure: nothing here drops the OS
page cache (that needs root), so the floors and the measurements see the same warm cache.
"""

from __future__ import annotations

import contextlib
import gc
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

try:
    import feedsvc
    from feedsvc.config import Settings
    from feedsvc.config import validate
except ImportError:  # pragma: no cover - depends on how the script is launched
    sys.exit(
        "error: cannot import feedsvc. Run the benchmarks with the project's venv, e.g.\n"
        "  .venv/bin/python bench/bench_refresh.py   (after: .venv/bin/pip install -e .)"
    )

REPO_ROOT = Path(__file__).resolve().parents[1]
#: ../shared/corpus/bbc-seedstyle relative to the repo root (2,225 BBC articles in seed format).
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bbc-seedstyle"
ARTICLE_SUFFIX = ".txt"


# --------------------------------------------------------------------------- timing


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``fn`` once; return (seconds, result). A gc.collect() first keeps runs comparable."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def timed_cpu(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Like timed(), also with the process's CPU seconds (user + system, all threads): on a
    shared or virtualised machine, time stolen by other tenants shows in wall time only."""
    gc.collect()
    cpu, start = time.process_time(), time.perf_counter()
    result = fn()
    return time.perf_counter() - start, time.process_time() - cpu, result


def median_of(
    fn: Callable[[], Any],
    runs: int,
    *,
    warmup: int = 0,
    setup: Callable[[int], None] | None = None,
    check: Callable[[Any], None] | None = None,
) -> tuple[float, list[float]]:
    """Median seconds of ``runs`` timed calls of ``fn`` (after ``warmup`` untimed ones).

    ``setup(i)`` runs untimed before the i-th timed call; ``check(result)`` after it.
    """
    for _ in range(warmup):
        fn()
    times: list[float] = []
    for i in range(runs):
        if setup is not None:
            setup(i)
        seconds, result = timed(fn)
        if check is not None:
            check(result)
        times.append(seconds)
    return statistics.median(times), times


# --------------------------------------------------------------------------- floors


def walk(root: str | os.PathLike[str]) -> list[tuple[str, int, int]]:
    """The walk floor: recursive os.scandir + lstat of every entry, as little as possible.

    Returns (path, size, mtime_ns) of every *.txt regular file (hidden names skipped), which is
    the least a refresh must learn about the tree to detect changes.
    """
    out: list[tuple[str, int, int]] = []
    stack = [os.fspath(root)]
    while stack:
        with os.scandir(stack.pop()) as it:
            for entry in it:
                if entry.name.startswith("."):
                    continue
                st = entry.stat(follow_symlinks=False)
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name.endswith(ARTICLE_SUFFIX):
                    out.append((entry.path, st.st_size, st.st_mtime_ns))
    return out


def read_all(root: str | os.PathLike[str]) -> int:
    """The read floor: the walk, then open + read + close every article file. Returns bytes."""
    total = 0
    for path, _size, _mtime in walk(root):
        with open(path, "rb", buffering=0) as f:
            total += len(f.read())
    return total


@dataclass(frozen=True)
class TreeInfo:
    files: int
    bytes: int
    dirs: int


def tree_info(root: str | os.PathLike[str]) -> TreeInfo:
    files = walk(root)
    dirs = {os.path.dirname(p) for p, _, _ in files}
    return TreeInfo(len(files), sum(s for _, s, _ in files), len(dirs))


# --------------------------------------------------------------------------- feedsvc


def make_settings(seeds_dir: str | os.PathLike[str], db_path: str | os.PathLike[str]) -> Settings:
    """Default Settings for a seeds dir and a (scratch) index path."""
    return validate(Settings(seeds_dir=Path(seeds_dir).resolve(), db_path=Path(db_path).resolve()), "bench")


def remove_db(db_path: str | os.PathLike[str]) -> None:
    """Delete an index and its WAL, shared-memory and lock files, when present."""
    for suffix in ("", "-wal", "-shm", ".lock"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.fspath(db_path) + suffix)


# --------------------------------------------------------------------------- output


def fmt_seconds(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1000:.0f} ms"
    if seconds >= 0.001:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1e6:.0f} us"


def fmt_ratio(measured: float, floor: float | None) -> str:
    if floor is None or floor <= 0:
        return "-"
    return f"{measured / floor:.1f}x"


class Table:
    """A plain-text table: what | measured | floor | ratio."""

    HEADER = ("what", "measured", "floor", "ratio")

    def __init__(self, what_width: int = 46) -> None:
        self.widths = (what_width, 10, 10, 8)
        self.rows: list[tuple[str, str, str, str]] = []

    def row(self, what: str, measured: float, floor: float | None = None) -> None:
        self.rows.append(
            (
                what,
                fmt_seconds(measured),
                "-" if floor is None else fmt_seconds(floor),
                fmt_ratio(measured, floor),
            )
        )

    def _line(self, cells: tuple[str, str, str, str]) -> str:
        w = self.widths
        return f"{cells[0]:<{w[0]}} | {cells[1]:>{w[1]}} | {cells[2]:>{w[2]}} | {cells[3]:>{w[3]}}"

    def render(self) -> str:
        sep = "-+-".join("-" * w for w in self.widths)
        return "\n".join([self._line(self.HEADER), sep, *(self._line(r) for r in self.rows)])

    def print(self) -> None:
        print(self.render(), flush=True)


def env_lines() -> list[str]:
    """Python version, CPU count, date and friends: the context every figure needs."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 0
    return [
        f"date:     {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"python:   {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"platform: {platform.platform()}",
        f"cpus:     {os.cpu_count()} (usable by this process: {usable})",
        f"sqlite:   {sqlite3.sqlite_version}; feedsvc {feedsvc.__version__}",
    ]


def log(message: str) -> None:
    """Progress notes go to stderr, so stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)
