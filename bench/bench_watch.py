"""What the file watcher itself adds to pick-up: a file's close() -> the watcher's request.

    python bench/bench_watch.py            # 40 probes per setting
    python bench/bench_watch.py -k 100

A SeedsWatcher on a scratch folder (real inotify, its own thread) hands its requests to a
recorder that notes the time; each probe writes and closes one new file and waits for the
request naming it; probes are 60 ms apart (lone files: a burst is events closer than 50 ms).
Run with the default coalescing (2 ms of quiet within a burst) and without (0), interleaved
probe by probe, against a floor: the same write and close with nothing watching. Then a burst:
--burst files written back to back, and how many requests the watcher made of them (fewer is
less work for the runner) and when the last one came. Medians, p95 and spread over the
probes; the 1-minute load average at the start and the end (the machine is shared).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path

from common import env_lines

from feedsvc.config import Settings
from feedsvc.serve import SeedsWatcher


class Stamp:
    """Stands in for the refresh runner: notes when each path was asked for."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}
        self.requests = 0
        self.event = threading.Event()

    def request(self, delay: float = 0.0, paths: Iterable[str] | None = None,
                complete: Mapping[str, tuple[int, int]] | None = None) -> None:  # fmt: skip
        now = time.perf_counter()
        self.requests += 1
        for p in paths or ():
            self.seen.setdefault(p, now)
        self.event.set()


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def probe(seeds: Path, stamp: Stamp | None, name: str) -> float:
    """Seconds from just before the close to the request (or the bare write+close: floor)."""
    path = seeds / name
    f = path.open("w", encoding="utf-8")
    f.write("A probe article: one paragraph, written and closed.\n")
    start = time.perf_counter()
    f.close()
    if stamp is None:
        return time.perf_counter() - start
    deadline = time.monotonic() + 5
    while name not in stamp.seen:
        if time.monotonic() > deadline:
            raise SystemExit(f"no request for {name} in 5 s")
        stamp.event.wait(0.5)
        stamp.event.clear()
    return stamp.seen[name] - start


def burst(seeds: Path, stamp: Stamp, n: int) -> tuple[int, float]:
    """Write ``n`` files back to back; (requests that named them, seconds from the last close
    to the request naming the last file)."""
    time.sleep(0.1)
    before = stamp.requests
    names = [f"b{i:05d}.txt" for i in range(n)]
    for name in names:
        (seeds / name).write_text("A burst article.\n", "utf-8")
    done = time.perf_counter()
    deadline = time.monotonic() + 10
    while names[-1] not in stamp.seen and time.monotonic() < deadline:
        stamp.event.wait(0.1)
        stamp.event.clear()
    time.sleep(0.1)
    return stamp.requests - before, stamp.seen[names[-1]] - done


def summary(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):6.2f} ms  p95 {p95:6.2f} ms  min {ms[0]:5.2f}  max {ms[-1]:6.2f}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-k", type=int, default=40, help="probes per setting")
    p.add_argument("--burst", type=int, default=500, help="files in the burst")
    args = p.parse_args(argv)
    print("\n".join(env_lines()))
    print(f"load at start: {loadavg()}")
    results: dict[str, list[float]] = {"floor (no watcher)": [], "coalesce 2 ms": [], "coalesce 0": []}
    with tempfile.TemporaryDirectory(prefix="feedsvc-watch-") as tmp:
        watchers = {}
        for label, coalesce in (("coalesce 2 ms", 0.002), ("coalesce 0", 0.0)):
            seeds = Path(tmp) / label.replace(" ", "-")
            seeds.mkdir()
            stamp = Stamp()
            watcher = SeedsWatcher(Settings(seeds_dir=seeds, db_path=Path(tmp) / "x.sqlite"), stamp,
                                   coalesce=coalesce)  # fmt: skip
            watcher.start()
            watchers[label] = (seeds, stamp, watcher)
        bare = Path(tmp) / "bare"
        bare.mkdir()
        try:
            for i in range(args.k):
                order = list(watchers)
                for label in order if i % 2 == 0 else order[::-1]:
                    seeds, stamp, _ = watchers[label]
                    results[label].append(probe(seeds, stamp, f"p{i:04d}.txt"))
                    time.sleep(0.06)  # lone files: no burst in progress
                results["floor (no watcher)"].append(probe(bare, None, f"p{i:04d}.txt"))
            bursts = {label: burst(seeds, stamp, args.burst) for label, (seeds, stamp, _) in watchers.items()}
        finally:
            for _, _, watcher in watchers.values():
                watcher.stop()
    print(f"probes: {args.k} per setting, interleaved")
    for label, values in results.items():
        print(f"{label:<20} {summary(values)}")
    for label, (requests, last) in bursts.items():
        print(f"burst of {args.burst}, {label:<13}: {requests} requests, the last {last * 1000:.1f} ms after the last close")
    print(f"load at end: {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
