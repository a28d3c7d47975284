"""Benchmark pick-up latency: a new article file -> visible in all three feeds over HTTP.

    python bench/bench_pickup.py                      # 10,000 generated articles, 20 probes per mode
    python bench/bench_pickup.py --n 100000 -k 10     # a bigger folder
    python bench/bench_pickup.py --modes write        # only the plain write+close mode

Over a generated corpus (bench/gencorpus.py, kept in <tmp>/feedsvc-bench/serve-N between runs)
that is ingested first, a real ``python -m feedsvc --config CFG serve`` runs as a subprocess
(watcher on, ``[refresh] interval_seconds = 3600``, so only the watcher can pick a file up).
Then, K times per mode, a new article file is written into an existing folder:

  write    open(name.txt, "w"), write, close
  rename   write .name.txt.tmp (an ignored name), close, os.rename to name.txt (atomic publish)

and /atom.xml, /rss.xml and /feed.json are polled every --interval ms (keep-alive connections,
If-None-Match with the last ETag, so a poll is a cheap 304 until the feed changes) until all
three contain the new article's title. The latency runs from just before the write to the
poll that shows it in the last of the three. Target (issue 11): median <= 15 ms, p95 <= 40 ms.
Each of --runs runs starts its own server; the summary gives the median over the runs of each
run's median and p95, with the spread (min-max), the server's CPU time per probe (it also
answers the polls: see the idle row) and the 1-minute load average at the end of each run.

Breakdown (medians):
  index committed   /healthz "generation" moved (polled alongside; --no-healthz to skip)
  refresh logged    the server's "refresh: added 1 ..." log line (its timestamp has ms resolution),
                    and the refresh's own duration from that line
  first feed        the first of the three feeds showing the article
  all three         the headline figure
Floors, measured in the same run: "poll round" (the three feeds' 304s and /healthz, back to
back: the resolution of the measurement); "in-process pickup" (write the file, run_refresh of
just that path, FeedCache.warm(): plain bytes published, then gzipped; wall and CPU, median of
--floor-runs), the work a pickup needs without the watcher and HTTP; and "cold render" (a fresh
FeedCache rendering all three feeds with every entry, what each change cost before fragments
were cached). --profile adds a cProfile of a render and the time and size of gzip levels 1-9.
--trace runs the server through bench/pickup_trace.py and reports when each stage of each
pickup happened (inotify event read, refresh requested and started, file parsed, commit, each
feed rendered, plain and gzipped bytes published, first request served, each feed seen).

The probe files are deleted at the end (the running server sees that too).
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import re
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from pathlib import Path
from typing import Any

from common import DEFAULT_CORPUS
from common import env_lines
from common import log
from serving import CACHE_ROOT
from serving import HOST
from serving import Server
from serving import cpu_seconds
from serving import fmt_ms
from serving import free_port
from serving import loadavg
from serving import median
from serving import percentile
from serving import prepare_dataset
from serving import request
from serving import serve_argv
from serving import server_process
from serving import text_table

import feedsvc

FEEDS = ("/atom.xml", "/rss.xml", "/feed.json")
PROBE_PREFIX = "zz-pickup-"
LOG_TIME = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO feedsvc\.refresh: refresh: (.*) in ([\d.]+)s$"
)


@dataclass
class Probe:
    mode: str
    name: str
    title: str
    total_ms: float | None  #: write -> all three feeds show it (None: timed out)
    first_ms: float | None
    generation_ms: float | None
    refresh_done_ms: float | None = None  #: from the server log
    refresh_ms: float | None = None
    polls: int = 0
    cpu_ms: float = 0.0  #: the server's CPU time from the write to the last poll
    run: int = 0
    t0_ns: int = 0  #: time.perf_counter_ns() just before the write (CLOCK_MONOTONIC)
    stages: dict[str, float] = field(default_factory=dict)  #: --trace: stage -> ms after the write


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10000, help="articles in the generated corpus (default 10000)")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="source articles for the generator")
    p.add_argument("--workdir", type=Path, help="corpus + index folder (default <tmp>/feedsvc-bench/serve-N)")
    p.add_argument("-k", "--probes", type=int, default=20, help="new files per mode (default 20)")
    p.add_argument("--modes", default="write,rename", help="comma-separated: write, rename (default both)")
    p.add_argument("--interval", type=float, default=2.0, help="poll interval, ms (default 2)")
    p.add_argument("--timeout", type=float, default=10.0, help="give up on one probe after this many s")
    p.add_argument("--gap", type=float, default=0.3, help="seconds between probes (default 0.3)")
    p.add_argument("--no-healthz", dest="healthz", action="store_false", help="do not poll /healthz")
    p.add_argument("--profile", action="store_true", help="also cProfile 10 renders and time gzip levels 1-9")
    p.add_argument(
        "--trace",
        action="store_true",
        help="run the server through bench/pickup_trace.py: a time for each stage of each pickup",
    )
    p.add_argument("--runs", type=int, default=3, help="servers started one after another (default 3)")
    p.add_argument("--floor-runs", type=int, default=7, help="in-process pickups per floor (default 7)")
    args = p.parse_args(argv)
    args.mode_list = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not args.mode_list or any(m not in ("write", "rename") for m in args.mode_list):
        p.error("--modes takes write and/or rename")
    if not 1 <= args.probes <= 1000 or args.n < 1 or not 1 <= args.runs <= 50:
        p.error("--probes must be 1..1000, --runs 1..50 and --n positive")
    return args


def probe_text(title: str, i: int) -> str:
    return (
        f"Title: {title}\nAuthor: bench_pickup\n\n"
        f"This article was written by bench_pickup.py as probe number {i}, to time how fast a new "
        "file shows up in every feed.\n"
        "It has a second paragraph, so that it looks like an ordinary article.\n"
    )


def write_probe(folder: Path, name: str, text: str, mode: str) -> None:
    data = text.encode("utf-8")
    if mode == "write":
        with open(folder / name, "wb") as f:
            f.write(data)
        return
    tmp = folder / f".{name}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, folder / name)


def remove_probes(seeds: Path) -> int:
    n = 0
    for path in seeds.rglob(f"*{PROBE_PREFIX}*"):
        path.unlink(missing_ok=True)
        n += 1
    return n


class Poller:
    """Keep-alive connections: one per feed and one for /healthz, with the last ETags."""

    def __init__(self, port: int) -> None:
        self.conns = {
            path: http.client.HTTPConnection(HOST, port, timeout=10) for path in (*FEEDS, "/healthz")
        }
        self.etags: dict[str, str] = {}
        self.bodies: dict[str, bytes] = {}
        self.requests = 0

    def feed(self, path: str) -> bytes:
        """The feed's current body (a 304 reuses the last one)."""
        headers = {"If-None-Match": self.etags[path]} if path in self.etags else {}
        got = request(self.conns[path], path, headers)
        self.requests += 1
        if got.status == 200:
            self.etags[path] = got.headers["etag"]
            self.bodies[path] = got.body
        elif got.status != 304:
            raise RuntimeError(f"GET {path}: {got.status}")
        return self.bodies[path]

    def generation(self) -> int:
        got = request(self.conns["/healthz"], "/healthz")
        self.requests += 1
        return int(json.loads(got.body)["generation"])

    def close(self) -> None:
        for c in self.conns.values():
            c.close()


def run_probe(
    poller: Poller, folder: Path, mode: str, i: int, nonce: str, args: argparse.Namespace, pid: int
) -> tuple[Probe, float]:
    name = f"{PROBE_PREFIX}{nonce}-{mode}-{i:03d}.txt"
    title = f"Pickup probe {nonce} {mode} {i}"
    needle = title.encode()
    for path in FEEDS:  # fresh ETags: every poll below is a 304 until the feed changes
        poller.feed(path)
    gen0 = poller.generation() if args.healthz else 0
    text = probe_text(title, i)
    cpu0 = cpu_seconds(pid)
    wall0 = time.time()
    t0_ns = time.perf_counter_ns()
    t0 = t0_ns / 1e9
    write_probe(folder, name, text, mode)
    written = time.perf_counter()
    seen: dict[str, float] = {}
    gen_at: float | None = None
    deadline = t0 + args.timeout
    interval = args.interval / 1000
    polls = 0
    while len(seen) < len(FEEDS) and time.perf_counter() < deadline:
        tick = time.perf_counter()
        polls += 1
        if args.healthz and gen_at is None and poller.generation() != gen0:
            gen_at = time.perf_counter()
        for path in FEEDS:
            if path not in seen and needle in poller.feed(path):
                seen[path] = time.perf_counter()
        rest = interval - (time.perf_counter() - tick)
        if rest > 0 and len(seen) < len(FEEDS):
            time.sleep(rest)
    if args.healthz and gen_at is None and seen:
        gen_at = max(seen.values())  # it moved between two polls of the last round

    def ms(t: float | None) -> float | None:
        return None if t is None else (t - t0) * 1000

    done = len(seen) == len(FEEDS)
    probe = Probe(
        mode, name, title,
        total_ms=ms(max(seen.values())) if done else None,
        first_ms=ms(min(seen.values())) if seen else None,
        generation_ms=ms(gen_at), polls=polls, cpu_ms=(cpu_seconds(pid) - cpu0) * 1000, t0_ns=t0_ns,
    )  # fmt: skip
    probe.stages["written"] = ms(written) or 0.0
    for path, at in seen.items():
        probe.stages["seen " + path] = ms(at) or 0.0
    return probe, wall0


def attach_log_times(server: Server, probes: list[tuple[Probe, float]]) -> None:
    """Match each probe with the first "refresh: added 1" log line after its write."""
    events = []
    for line in server.log_path.read_text("utf-8", errors="replace").splitlines():
        m = LOG_TIME.match(line)
        if m and "added 1," in m.group(2):
            stamp = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            events.append((stamp, float(m.group(3))))
    for probe, wall0 in probes:
        after = [e for e in events if e[0] >= wall0 - 0.001]
        if after:
            stamp, seconds = after[0]
            probe.refresh_done_ms = (stamp - wall0) * 1000
            probe.refresh_ms = seconds * 1000


def render_floor(config: Path, runs: int = 5) -> float:
    """Seconds of a cold render of the three feeds (a fresh FeedCache: every entry rendered,
    snapshot, gzip), median of ``runs``: what each change cost before entries were cached."""
    from feedsvc.config import load_settings
    from feedsvc.store import open_store
    from feedsvc.web import FeedCache

    settings = load_settings(config)
    times = []
    with open_store(settings) as store:
        generation = store.generation()
        for _ in range(runs):
            cache = FeedCache(store, settings)
            start = time.perf_counter()
            cache._render(generation)
            times.append(time.perf_counter() - start)
    return median(times)


@dataclass
class Floor:
    plain_ms: float  #: write -> refresh committed -> plain feeds published (median)
    gzip_ms: float  #: ... -> gzipped feeds published too
    cpu_ms: float  #: CPU time of the whole (this process)
    poll_ms: float  #: one poll round over HTTP (three feeds + /healthz, 304s), median


def pickup_floor(config: Path, folder: Path, runs: int) -> Floor:
    """The work of one pickup in-process, without the watcher and HTTP: write a new file,
    run_refresh of just its path, FeedCache.warm() (the server's refresh thread does the same)."""
    from feedsvc.config import load_settings
    from feedsvc.refresh import run_refresh
    from feedsvc.store import open_store
    from feedsvc.web import FeedCache

    settings = load_settings(config)
    plain, gz, cpu = [], [], []
    with open_store(settings) as store:
        cache = FeedCache(store, settings)
        # An older checkout (PYTHONPATH=...) renders in current() and publishes plain and gzipped
        # bytes at once: then "plain published" is when both are.
        warm = getattr(cache, "warm", cache.current)
        warm()
        published: list[float] = []
        real = getattr(cache, "_render_plain", None)

        def timed(generation: int) -> Any:
            assert real is not None
            out = real(generation)
            published.append(time.perf_counter())
            return out

        if real is not None:
            cache._render_plain = timed  # type: ignore[method-assign]
        for i in range(runs):
            name = f"{PROBE_PREFIX}floor-{i:03d}.txt"
            rel = (folder / name).relative_to(settings.seeds_dir).as_posix()
            published.clear()
            c0, t0 = time.process_time(), time.perf_counter()
            write_probe(folder, name, probe_text(f"Floor probe {i}", i), "write")
            run_refresh(settings, store, paths=[rel])
            warm()
            t1, c1 = time.perf_counter(), time.process_time()
            plain.append(((published[0] if published else t1) - t0) * 1000)
            gz.append((t1 - t0) * 1000)
            cpu.append((c1 - c0) * 1000)
            (folder / name).unlink()
            run_refresh(settings, store, paths=[rel])
            warm()
    return Floor(median(plain), median(gz), median(cpu), 0.0)


def poll_floor(poller: Poller, rounds: int = 50) -> float:
    """Median ms of one poll round (the three feeds and /healthz, all 304 or cheap)."""
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        for path in FEEDS:
            poller.feed(path)
        poller.generation()
        times.append((time.perf_counter() - t) * 1000)
    return median(times)


def profile_render(config: Path, renders: int = 10) -> None:
    """Where a render goes: cProfile of ``renders`` FeedCache renders; gzip -6 vs -1 per feed."""
    import cProfile
    import gzip
    import io
    import pstats

    from feedsvc.config import load_settings
    from feedsvc.store import open_store
    from feedsvc.web import FeedCache

    settings = load_settings(config)
    with open_store(settings) as store:
        cache = FeedCache(store, settings)
        generation = store.generation()
        cache._render(generation)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(renders):
            cache._current = None
            cache._render(generation)
        profiler.disable()
        feeds = cache._render(generation).feeds
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf).sort_stats("cumulative")
    stats.print_stats(r"web/|publish/|gzip|store/sqlite.py|feedgen/feed.py|json", 16)
    text = buf.getvalue()
    print(f"\ncProfile of {renders} renders of the three feeds, by cumulative time:")
    print(text[text.find("   ncalls") :].rstrip() if "   ncalls" in text else text)
    from feedsvc.web.http import GZIP_LEVEL

    rows = []
    total = sum(len(rep.body) for rep in feeds.values())
    by_level = {}
    for level in range(1, 10):
        wall, cpu, size = [], [], 0
        for _ in range(renders):
            c, t = time.process_time(), time.perf_counter()
            size = sum(len(gzip.compress(rep.body, compresslevel=level, mtime=0)) for rep in feeds.values())
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        by_level[level] = (median(wall), median(cpu), size)
    w6, _, s6 = by_level[6]
    for level, (wall_ms, cpu_ms, size) in by_level.items():
        mark = " (used)" if level == GZIP_LEVEL else ""
        rows.append([f"{level}{mark}", fmt_ms(wall_ms), fmt_ms(cpu_ms), f"{wall_ms / w6:.2f}x", f"{size:,}",
                     f"{size / s6:.3f}x", f"{total / size:.2f}x"])  # fmt: skip
    print(f"\ngzip of the three feed bodies ({total:,} bytes) at each level, median of {renders}:")
    print(text_table(["level", "wall", "CPU", "wall / level 6", "bytes", "bytes / level 6", "ratio"], rows))


def stats_row(label: str, values: list[float | None], timeouts: bool = False) -> list[str]:
    got = [v for v in values if v is not None]
    if not got:
        return [label, "0", "-", "-", "-", "-"]
    missing = len(values) - len(got)
    n = f"{len(got)}" + (f" (+{missing} timed out)" if missing and timeouts else "")
    return [label, n, fmt_ms(median(got)), fmt_ms(percentile(got, 95)), fmt_ms(max(got)), fmt_ms(min(got))]


@dataclass
class Run:
    load: str  #: 1-minute load average at the end of the run
    poll_ms: float  #: one poll round, median
    idle_cpu: float  #: the server's CPU ms per ms of polling with nothing new (the polls' own cost)


def idle_polling(poller: Poller, pid: int, args: argparse.Namespace, seconds: float = 1.0) -> float:
    """Poll as a probe does, with nothing new, for ``seconds``: server CPU ms per ms polled."""
    for path in FEEDS:
        poller.feed(path)
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        tick = time.perf_counter()
        if args.healthz:
            poller.generation()
        for path in FEEDS:
            poller.feed(path)
        rest = args.interval / 1000 - (time.perf_counter() - tick)
        if rest > 0:
            time.sleep(rest)
    return (cpu_seconds(pid) - cpu0) / (time.perf_counter() - t0)


def one_run(
    data: Any, folder: Path, args: argparse.Namespace, run: int
) -> tuple[list[tuple[Probe, float]], Run]:
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"feedsvc-bench-pickup-{port}.log"
    trace_path = Path(tempfile.gettempdir()) / f"feedsvc-bench-pickup-{port}.trace"
    nonce = secrets.token_hex(3)
    results: list[tuple[Probe, float]] = []
    argv = serve_argv(data.config, port)
    if args.trace:  # feedsvc's own CLI, with a timestamp at each stage (bench/pickup_trace.py)
        argv = [argv[0], str(Path(__file__).with_name("pickup_trace.py")), str(trace_path), *argv[3:]]
    try:
        # cwd: not this checkout (`python -m` puts the cwd before PYTHONPATH on sys.path)
        with server_process(argv, port, log_path, name="feedsvc serve", cwd=data.root) as server:
            poller = Poller(port)
            try:
                poll = poll_floor(poller)
                idle = idle_polling(poller, server.pid, args)
                for mode in args.mode_list:
                    for i in range(args.probes):
                        time.sleep(args.gap)
                        probe, wall0 = run_probe(poller, folder, mode, i, nonce, args, server.pid)
                        probe.run = run
                        results.append((probe, wall0))
                        shown = "timed out" if probe.total_ms is None else fmt_ms(probe.total_ms)
                        log(f"run {run + 1} {mode} {i + 1}/{args.probes}: {shown} ({probe.polls} polls)")
                time.sleep(0.5)  # let the last log lines land
                attach_log_times(server, results)
            finally:
                poller.close()
                remove_probes(data.seeds)
                time.sleep(0.5)
        if args.trace:
            attach_trace(trace_path, results)
    finally:
        log_path.unlink(missing_ok=True)
        trace_path.unlink(missing_ok=True)
    return results, Run(loadavg(), poll, idle)


#: --trace: the stages of a pickup in the order they happen (bench/pickup_trace.py)
STAGES = ("written", "inotify", "request", "run", "refresh", "read", "commit", "render", "feed:atom", "feed:rss",
          "feed:json", "published", "served", *(f"seen {f}" for f in FEEDS), "gzipped")  # fmt: skip


def attach_trace(trace_path: Path, results: list[tuple[Probe, float]]) -> None:
    """Each probe's stages: the first event of each after its write (and before the next write)."""
    events = []
    for line in trace_path.read_text("utf-8").splitlines():
        ns, _thread, stage, detail = line.split("\t")
        events.append((int(ns), f"feed:{detail}" if stage == "feed" else stage))
    events.sort()
    starts = [p.t0_ns for p, _ in results] + [2**63]
    for (probe, _), end in zip(results, starts[1:], strict=True):
        for ns, stage in events:
            if probe.t0_ns <= ns < end and stage not in probe.stages:
                probe.stages[stage] = (ns - probe.t0_ns) / 1e6


def spread(values: list[float]) -> str:
    """median (min-max), ms"""
    return f"{fmt_ms(median(values))} ({fmt_ms(min(values))}-{fmt_ms(max(values))})"


def report(args: argparse.Namespace, results: list[tuple[Probe, float]], runs: list[Run]) -> None:
    rows = []
    for mode in args.mode_list:
        probes = [p for p, _ in results if p.mode == mode]
        rows.append(stats_row(f"{mode}: all three feeds show it", [p.total_ms for p in probes], True))
        rows.append(stats_row(f"{mode}:   first feed shows it", [p.first_ms for p in probes]))
        if args.healthz:
            rows.append(stats_row(f"{mode}:   /healthz generation moved", [p.generation_ms for p in probes]))
        rows.append(stats_row(f"{mode}:   refresh committed (log)", [p.refresh_done_ms for p in probes]))
        rows.append(stats_row(f"{mode}:   refresh duration (log)", [p.refresh_ms for p in probes]))
    print(f"all {len(runs)} runs pooled: new file -> visible over HTTP")
    print(text_table(["what", "n", "median", "p95", "max", "min"], rows))
    if args.trace:
        report_trace(args, [p for p, _ in results])
    rows = []
    for r, run in enumerate(runs):
        for mode in args.mode_list:
            probes = [p for p, _ in results if p.mode == mode and p.run == r]
            done = [p.total_ms for p in probes if p.total_ms is not None]
            cpu = mean_cpu(probes)
            polling = run.idle_cpu * sum(p.total_ms or 0 for p in probes) / len(probes)
            rows.append([str(r + 1), mode, f"{len(done)}/{len(probes)}", fmt_ms(median(done)) if done else "-",
                         fmt_ms(percentile(done, 95)) if done else "-", fmt_ms(cpu),
                         fmt_ms(polling), fmt_ms(run.poll_ms), run.load])  # fmt: skip
    print("\nper run (server CPU: from the write to the last poll, polls included, the mean per probe:")
    print("/proc counts in 10 ms ticks; idle polling: what the same polling costs the server with nothing")
    print("new, for as long; load: 1 min, at the run's end)")
    print(text_table(["run", "mode", "seen", "median", "p95", "server CPU", "idle polling", "poll round",
                      "load"], rows))  # fmt: skip
    print(
        f"\nover the {len(runs)} runs, median (min-max) of each run's figure; target: median <= 15 ms, p95 <= 40 ms"
    )
    for mode in args.mode_list:
        meds, p95s, cpus = [], [], []
        for r in range(len(runs)):
            done = [p.total_ms for p in results_of(results, mode, r) if p.total_ms is not None]
            if done:
                meds.append(median(done))
                p95s.append(percentile(done, 95))
                cpus.append(mean_cpu(results_of(results, mode, r)))
        if meds:
            print(f"{mode:6}  median {spread(meds)}   p95 {spread(p95s)}   server CPU/probe {spread(cpus)}")


def report_trace(args: argparse.Namespace, probes: list[Probe]) -> None:
    """--trace: when each stage happened after the write, and what it added to the one before."""
    print("\n--trace: each stage, ms after the write (pooled; the first event of each after each write;")
    print('"step": the median over probes of the time since the stage before it)')
    for mode in args.mode_list:
        rows = []
        mine = [p for p in probes if p.mode == mode and p.stages]
        previous: str | None = None
        for stage in STAGES:
            at = [p.stages[stage] for p in mine if stage in p.stages]
            if not at:
                continue
            steps = [p.stages[stage] - p.stages[previous] for p in mine
                     if previous is not None and stage in p.stages and previous in p.stages]  # fmt: skip
            rows.append([f"{mode}: {stage}", str(len(at)), fmt_ms(median(at)), fmt_ms(percentile(at, 95)),
                         fmt_ms(median(steps)) if steps else "-"])  # fmt: skip
            previous = stage
        seen = [
            p.total_ms - p.stages["served"] for p in mine if p.total_ms is not None and "served" in p.stages
        ]
        if seen:
            rows.append([f"{mode}: poll that saw all three, after served", str(len(seen)), fmt_ms(median(seen)),
                         fmt_ms(percentile(seen, 95)), "-"])  # fmt: skip
        print(text_table(["stage", "n", "median", "p95", "step (median)"], rows))


def mean_cpu(probes: list[Probe]) -> float:
    return sum(p.cpu_ms for p in probes) / len(probes) if probes else 0.0


def results_of(results: list[tuple[Probe, float]], mode: str, run: int) -> list[Probe]:
    return [p for p, _ in results if p.mode == mode and p.run == run]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    load_before = loadavg()
    root = (args.workdir or CACHE_ROOT / f"serve-{args.n}").resolve()
    if (root / "seeds").is_dir():
        remove_probes(root / "seeds")  # left over by an interrupted run
    data = prepare_dataset(generate_n=args.n, corpus=args.corpus, root=root)
    folder = sorted(p for p in data.seeds.iterdir() if p.is_dir())[0]  # an existing folder: no dir event
    results: list[tuple[Probe, float]] = []
    runs: list[Run] = []
    try:
        for r in range(args.runs):
            got, run = one_run(data, folder, args, r)
            results += got
            runs.append(run)
        floor = pickup_floor(data.config, folder, args.floor_runs)
        cold = render_floor(data.config)
        floor_load = loadavg()
    finally:
        remove_probes(data.seeds)
        log(f"total wall time {time.perf_counter() - started:.1f} s")

    print("\n".join(env_lines()))
    print(f"feedsvc:  {Path(feedsvc.__file__).parent} (server and in-process floors)")
    print(f"loadavg:  {load_before} at the start, {loadavg()} at the end (1 min; 2 cores)")
    print(f"corpus:   {data.description}; {data.files:,} files; probes into {folder}")
    print(f"polling:  every {args.interval:g} ms, If-None-Match; /healthz {'on' if args.healthz else 'off'}; "
          f"{args.probes} probes per mode, {args.gap:g} s apart; {args.runs} runs (a server each)")  # fmt: skip
    print()
    report(args, results, runs)
    everything = [p.total_ms for p, _ in results if p.total_ms is not None]
    print(f"\nfloors (measured in this run; load {floor_load} at the end):")
    print(
        f"  poll round over HTTP (3 feeds + /healthz, 304s): {spread([r.poll_ms for r in runs])} over the runs"
    )
    print(f"  in-process pickup (write, refresh of the path, warm), median of {args.floor_runs}: "
          f"plain published {fmt_ms(floor.plain_ms)}, gzipped too {fmt_ms(floor.gzip_ms)}, "
          f"CPU {fmt_ms(floor.cpu_ms)}")  # fmt: skip
    if everything:
        print(f"  pickup over HTTP / in-process pickup (plain): {median(everything) / floor.plain_ms:.2f}x "
              "(the watcher's wake-up, the server's own scheduling, and the polling interval)")  # fmt: skip
    print(f"  cold render of the three feeds (fresh cache, every entry), median of 5: {fmt_ms(cold * 1000)}")
    print("log times have 1 ms resolution and the server's clock is this machine's: +-1 ms;")
    print("the refresh duration is logged with 10 ms resolution (0.00 s: under 5 ms)")
    if args.profile:
        profile_render(data.config)
    return 0 if all(p.total_ms is not None for p, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
