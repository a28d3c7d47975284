"""What asking the kernel "is this file open for writing?" costs a refresh (refresh.settle).

    python bench/bench_settle.py                 # ../shared/corpus/bbc-seedstyle (2,225 files)
    python bench/bench_settle.py --runs 9

The corpus is copied to a scratch folder, so every file is freshly modified (the case where
the read lease is asked for). Figures, medians of --runs, the variants interleaved run by run:

  read floor        sources.read_file of every file, no check
  read + lease      the same with the refresh's check: a read lease taken and given back on
                    the descriptor the read opened (sources.open_for_writing)
  cold ingest       run_refresh into a fresh index, the lease asked for every file,
                    against the same with a probe that asks nothing (``writers=lambda fd: False``)

Wall and CPU time (the process's, all threads) are both shown: on a shared machine the CPU
figure is the steadier one. The 1-minute load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from common import DEFAULT_CORPUS
from common import env_lines
from common import log
from common import make_settings
from common import remove_db
from common import timed_cpu

from feedsvc.refresh import run_refresh
from feedsvc.refresh.settle import Settle
from feedsvc.sources import SourceFile
from feedsvc.sources import read_file
from feedsvc.sources import scan
from feedsvc.store import open_store


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def read_all(files: list[SourceFile], check: Settle | None) -> int:
    total = 0
    for src in files:
        total += len(read_file(src, 1 << 30, check))
    return total


def spread(values: list[float], scale: float, unit: str) -> str:
    med = statistics.median(values) * scale
    return f"{med:8.2f} {unit} (min {min(values) * scale:.2f}, max {max(values) * scale:.2f})"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args(argv)
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    logging.getLogger("feedsvc").setLevel(logging.ERROR)
    print("\n".join(env_lines()))
    print(f"load at start: {loadavg()}")
    with tempfile.TemporaryDirectory(prefix="feedsvc-settle-") as tmp:
        seeds = Path(tmp) / "seeds"
        shutil.copytree(args.corpus, seeds, copy_function=shutil.copyfile)  # fresh mtimes
        files = scan(seeds).files
        n = len(files)
        log(f"{n} files in {seeds}")
        lease = Settle(10**9)
        reads: dict[str, tuple[list[float], list[float]]] = {"floor": ([], []), "lease": ([], [])}
        for i in range(args.runs):
            order = [("floor", None), ("lease", lease)]
            for name, check in order if i % 2 == 0 else order[::-1]:
                wall, cpu, _ = timed_cpu(lambda c=check: read_all(files, c))  # type: ignore[misc]
                reads[name][0].append(wall / n)
                reads[name][1].append(cpu / n)
        settings = make_settings(seeds, Path(tmp) / "index.sqlite")

        def ingest(writers: Callable[[int], bool | None] | None) -> None:
            remove_db(settings.db_path)
            with open_store(settings) as store:
                stats = run_refresh(settings, store, writers=writers)
            assert stats.added + len(stats.skipped) == n and not stats.deferred, stats

        ingests: dict[str, tuple[list[float], list[float]]] = {"no probe": ([], []), "lease": ([], [])}
        for i in range(max(3, args.runs // 2)):
            variants: list[tuple[str, Callable[[int], bool | None] | None]] = [
                ("no probe", lambda fd: False), ("lease", None)
            ]
            for name, writers in variants if i % 2 == 0 else variants[::-1]:
                wall, cpu, _ = timed_cpu(lambda w=writers: ingest(w))  # type: ignore[misc]
                ingests[name][0].append(wall)
                ingests[name][1].append(cpu)
    print(f"files: {n}; runs: {args.runs} (reads), {len(ingests['lease'][0])} (ingests)")
    print("per file                 wall                                  cpu")
    for name in ("floor", "lease"):
        w, c = reads[name]
        print(f"read {name:<8} {spread(w, 1e6, 'us')}   {spread(c, 1e6, 'us')}")
    extra_w = statistics.median(reads["lease"][0]) - statistics.median(reads["floor"][0])
    extra_c = statistics.median(reads["lease"][1]) - statistics.median(reads["floor"][1])
    print(f"the lease adds {extra_w * 1e6:.2f} us wall, {extra_c * 1e6:.2f} us cpu per file")
    print("cold ingest              wall                                  cpu")
    for name in ("no probe", "lease"):
        w, c = ingests[name]
        print(f"{name:<13} {spread(w, 1, 's ')}   {spread(c, 1, 's ')}")
    for i, what in ((0, "wall"), (1, "cpu")):
        ratio = statistics.median(ingests["lease"][i]) / statistics.median(ingests["no probe"][i])
        print(f"cold ingest with the lease / without ({what}): {ratio:.3f}x")
    print(f"load at end: {loadavg()}")
    os.sync()


if __name__ == "__main__":
    main()
