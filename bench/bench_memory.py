"""Benchmark the server's memory under load, and how a feed request grows with the folder.

    python bench/bench_memory.py                         # 10,000 articles, 60 s mixed load
    python bench/bench_memory.py --n 100000              # the issue's row (generates + ingests first)
    python bench/bench_memory.py --n 10000 100000        # both, plus the growth table 10k -> 100k
    python bench/bench_memory.py --seconds 20 --growth-runs 5

For each N: a generated corpus (bench/gencorpus.py, kept in <tmp>/feedsvc-bench/serve-N) is
ingested, then a real ``python -m feedsvc --config CFG serve`` subprocess is started (watcher on,
as in production). Figures:

  start -> /healthz      seconds from the process start to the first 200 of /healthz
                         (serve refreshes once before it listens: a no-change walk of N files)
  RSS after start        VmRSS from /proc/<pid>/status after one request of every route
  mixed load             --seconds of wrk (or the Python fallback) cycling feeds (plain, gzip,
                         If-None-Match 304s), index pages (shallow and deep), /healthz and
                         article pages of --slugs distinct articles (more than the 512-entry
                         page cache holds; --crawl K adds index pages 2..K+1, as a crawler
                         would), RSS sampled every second: max, end and the slope
                         (least squares over the samples, MB/min; "flat" = within noise)
  growth                 /atom.xml: req/s (medians of --growth-runs x --growth-seconds) and
                         the latency of single requests on one keep-alive connection; the same
                         for a 304, feed.json, /healthz, index pages and an article page (cached
                         after their first request: "1st" is that first, uncached one), and an
                         in-process render of the three feeds (what the first request after a
                         change pays). With several N the last table gives the ratio of each N
                         to the first: target about 1x for a feed request.

Targets (the issue): RSS <= 100 MB after start with 100,000 articles, flat across a 60 s load.

    python bench/bench_memory.py --first-serve --n 100000 --runs 3

First serve: ``feedsvc serve`` started on a fresh, empty index over a generated folder, so its
first refresh ingests every article before it answers /healthz. Per run (a new index each
time): VmHWM (the peak RSS of the process, which is the ingest's), VmRSS once it answers, wall
and CPU time to /healthz. The floor, measured in the same run: the same server over an empty
folder (what the interpreter, Flask, lxml and SQLite take before any article). Medians and
spreads (min-max) over the runs. ``--checkout DIR`` runs the server from another checkout
(PYTHONPATH=DIR) to compare commits. Target: peak <= 100 MB with 100,000 articles.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from bench_pickup import render_floor
from common import DEFAULT_CORPUS
from common import env_lines
from common import log
from gencorpus import generate
from loadgen import LoadResult
from loadgen import Req
from loadgen import run_load
from loadgen import wrk_path
from serving import CACHE_ROOT
from serving import HOST
from serving import DataSet
from serving import Server
from serving import children_of
from serving import corpus_matches
from serving import cpu_seconds
from serving import fmt_ms
from serving import fmt_rate
from serving import free_port
from serving import get
from serving import loadavg
from serving import median
from serving import percentile
from serving import prepare_dataset
from serving import request
from serving import serve_argv
from serving import server_process
from serving import text_table
from serving import write_config

from feedsvc.config import load_settings


@dataclass
class Latency:
    what: str
    median_ms: float
    p95_ms: float


@dataclass
class NResult:
    n: int
    data: DataSet
    startup_s: float
    render_ms: float  #: in-process render of the three feeds (what a change costs the next request)
    rss_start_kib: int
    samples: list[tuple[float, int]]  #: (seconds since load start, VmRSS KiB)
    hwm_kib: int
    mixed: LoadResult | None
    atom_runs: list[LoadResult] = field(default_factory=list)
    latencies: dict[str, Latency] = field(default_factory=dict)
    deep_page: int = 1
    first_ms: dict[str, float] = field(default_factory=dict)  #: first (uncached) request of a route
    pss_start_kib: int = 0
    processes: int = 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--n", type=int, nargs="+", default=[10000], help="articles (default 10000); several: growth"
    )
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="source articles for the generator")
    p.add_argument("--seconds", type=int, default=60, help="mixed load duration (default 60)")
    p.add_argument("--connections", "-c", type=int, default=8, help="load connections (default 8)")
    p.add_argument("--slugs", type=int, default=1000, help="distinct article pages in the mix (default 1000)")
    p.add_argument("--growth-runs", type=int, default=3, help="/atom.xml load runs per N (default 3)")
    p.add_argument("--growth-seconds", type=int, default=3, help="seconds per /atom.xml run (default 3)")
    p.add_argument("--engine", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument(
        "--crawl",
        type=int,
        default=0,
        metavar="K",
        help="also put index pages 2..K+1 in the mix (a crawler; K=700 is more than the 512-page cache)",
    )
    p.add_argument(
        "--server",
        default="serve",
        help="serve (default: `feedsvc serve`), or gunicorn running feedsvc.wsgi:app: sync:wN, gthread:wN:tM",
    )
    p.add_argument("--first-serve", action="store_true", help="measure a first serve's peak instead (above)")
    p.add_argument("--runs", type=int, default=3, help="first-serve runs (default 3)")
    p.add_argument("--first-load", type=int, default=20, metavar="S",
                   help="seconds of mixed load after each first serve (default 20; 0: none)")  # fmt: skip
    p.add_argument("--checkout", type=Path, help="run the server from this checkout (PYTHONPATH)")
    args = p.parse_args(argv)
    if any(n < 1 for n in args.n) or not 1 <= args.seconds <= 600:
        p.error("--n must be positive and --seconds 1..600")
    return args


def vm_kib(pid: int, key: str) -> int:
    """A /proc/<pid>/status field (VmRSS, VmHWM) or, for "Pss", /proc/<pid>/smaps_rollup's, KiB,
    summed over the process and its descendants (gunicorn's workers). 0 when gone."""
    total = 0
    for p in (pid, *children_of(pid)):
        source = "smaps_rollup" if key == "Pss" else "status"
        try:
            lines = Path(f"/proc/{p}/{source}").read_text().splitlines()
        except OSError:
            continue
        total += next((int(x.split()[1]) for x in lines if x.startswith(key + ":")), 0)
    return total


def server_argv(spec: str, config: Path, port: int) -> tuple[list[str], dict[str, str], str]:
    """(argv, env, description): `feedsvc serve`, or gunicorn running feedsvc.wsgi:app."""
    if spec == "serve":
        return serve_argv(config, port), {}, "feedsvc serve (waitress)"
    parts = spec.split(":")
    nums = {p[0]: int(p[1:]) for p in parts[1:] if p[:1] in "wt" and p[1:].isdigit()}
    if parts[0] not in ("sync", "gthread") or len(nums) != len(parts) - 1:
        raise SystemExit(f"bad --server {spec!r}: serve, sync:wN or gthread:wN:tM")
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    argv = [
        gunicorn,
        "-k",
        parts[0],
        "-w",
        str(nums.get("w", 2)),
        "-b",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]
    if parts[0] == "gthread":
        argv += ["--threads", str(nums.get("t", 4)), "--keep-alive", "5"]
    argv.append("feedsvc.wsgi:app")
    return argv, {"FEEDSVC_CONFIG": str(config)}, "gunicorn " + " ".join(argv[1:])


def pick_slugs(config: Path, count: int) -> list[str]:
    """``count`` article slugs spread over the whole index (deterministic)."""
    settings = load_settings(config)
    conn = sqlite3.connect(f"file:{settings.db_path}?mode=ro", uri=True)
    try:
        slugs = [
            r[0]
            for r in conn.execute("SELECT i.slug FROM articles a JOIN identities i USING (id) ORDER BY a.id")
        ]
    finally:
        conn.close()
    step = max(1, len(slugs) // max(1, count))
    return slugs[::step][:count]


def sequential_latency(port: int, path: str, headers: dict[str, str] | None = None, n: int = 200) -> Latency:
    """Single requests one after another on one keep-alive connection (no load)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    times = []
    try:
        for i in range(n + 10):
            t = time.perf_counter()
            got = request(conn, path, headers)
            if got.status not in (200, 304):
                raise RuntimeError(f"GET {path}: {got.status}")
            if i >= 10:
                times.append((time.perf_counter() - t) * 1000)
    finally:
        conn.close()
    return Latency(path, median(times), percentile(times, 95))


def mixed_requests(etags: dict[str, str], slugs: list[str], deep_page: int, crawl: int = 0) -> list[Req]:
    feeds = ("/atom.xml", "/rss.xml", "/feed.json")
    reqs = []
    for path in feeds:
        reqs += [Req(path), Req(path, {"Accept-Encoding": "gzip"}), Req(path, {"If-None-Match": etags[path]})]
        reqs.append(Req(path, {"If-None-Match": etags[path]}))
    reqs += [Req("/"), Req("/", {"If-None-Match": etags["/"]}), Req("/healthz")]
    pages = sorted({2, 3, 5, 10, max(2, deep_page // 2), deep_page})
    if crawl:  # a crawler walking the index: many distinct (and deep) pages
        pages = sorted(set(pages) | set(range(2, min(deep_page, crawl + 1) + 1)))
    reqs += [Req(f"/?page={p}") for p in pages]
    # article pages: many distinct ones, so the 512-entry page cache keeps evicting
    reqs += [Req(f"/articles/{s}") for s in slugs]
    reqs.append(Req("/style.css"))
    # interleave the cheap feed requests among the article pages
    hot = reqs[: len(feeds) * 4 + 3]
    out = []
    for i, r in enumerate(reqs):
        out.append(r)
        out.append(hot[i % len(hot)])
    return out


def run_n(n: int, args: argparse.Namespace, log_dir: Path) -> NResult:
    data = prepare_dataset(generate_n=n, corpus=args.corpus)
    port = free_port()
    log_path = log_dir / f"serve-{n}.log"
    t0 = time.perf_counter()
    argv, env, args.server_description = server_argv(args.server, data.config, port)
    with server_process(argv, port, log_path, name=f"{args.server} ({n:,})", env=env) as server:
        startup = time.perf_counter() - t0
        pid = server.pid
        atom = get(port, "/atom.xml")
        slugs = pick_slugs(data.config, args.slugs)
        per_page = load_settings(data.config).max_items
        deep_page = max(2, (data.files + per_page - 1) // per_page)
        etags = {"/atom.xml": atom.headers["etag"]}
        # one request of every route
        for path in ("/rss.xml", "/feed.json", "/"):
            etags[path] = get(port, path).headers["etag"]
        first: dict[str, float] = {}
        for name, path in (("/?page=<last>", f"/?page={deep_page}"), ("/articles/<slug>", f"/articles/{slugs[0]}"),
                           ("/?page=2", "/?page=2"), ("/healthz", "/healthz"), ("/style.css", "/style.css")):  # fmt: skip
            t = time.perf_counter()
            got = get(port, path)
            first[name] = (time.perf_counter() - t) * 1000
            if got.status != 200:
                raise RuntimeError(f"GET {path}: {got.status}")
        for path in ("/atom.xml", "/rss.xml", "/feed.json"):
            get(port, path, {"Accept-Encoding": "gzip"})
        time.sleep(1.0)
        rss_start = vm_kib(pid, "VmRSS")
        pss_start = vm_kib(pid, "Pss")
        processes = 1 + len(children_of(pid))
        log(f"[{n:,}] started in {startup:.1f} s; RSS after start {rss_start / 1024:.1f} MB")

        samples: list[tuple[float, int]] = []
        stop = threading.Event()
        load_start = time.perf_counter()

        def sample() -> None:
            while not stop.is_set():
                samples.append((time.perf_counter() - load_start, vm_kib(pid, "VmRSS")))
                stop.wait(1.0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            mixed = run_load(
                server.base, mixed_requests(etags, slugs, deep_page, args.crawl), duration=args.seconds,
                connections=args.connections, engine=args.engine, timeout=10,
            )  # fmt: skip
        finally:
            stop.set()
            sampler.join(5)
        samples.append((time.perf_counter() - load_start, vm_kib(pid, "VmRSS")))
        log(f"[{n:,}] mixed load: {mixed.line()}")
        result = NResult(n, data, startup, render_floor(data.config) * 1000, rss_start, samples,
                         vm_kib(pid, "VmHWM"), mixed, deep_page=deep_page, first_ms=first,
                         pss_start_kib=pss_start, processes=processes)  # fmt: skip
        growth(server, result, etags, slugs, args)
    return result


def growth(
    server: Server, result: NResult, etags: dict[str, str], slugs: list[str], args: argparse.Namespace
) -> None:
    port = server.port
    for _ in range(args.growth_runs):
        res = run_load(
            server.base, [Req("/atom.xml")], duration=args.growth_seconds, connections=16, engine=args.engine
        )
        result.atom_runs.append(res)
        log(f"[{result.n:,}] /atom.xml: {res.line()}")
    cases = {
        "/atom.xml": ("/atom.xml", None),
        "/atom.xml 304": ("/atom.xml", {"If-None-Match": etags["/atom.xml"]}),
        "/feed.json": ("/feed.json", None),
        "/healthz": ("/healthz", None),
        "/?page=2": ("/?page=2", None),
        "/?page=<last>": (f"/?page={result.deep_page}", None),
        "/articles/<slug>": (f"/articles/{slugs[len(slugs) // 2]}", None),
    }
    for name, (path, headers) in cases.items():
        result.latencies[name] = sequential_latency(port, path, headers)


def slope_mb_per_min(samples: list[tuple[float, int]]) -> float:
    if len(samples) < 3:
        return float("nan")
    xs = [s[0] for s in samples]
    ys = [s[1] / 1024 for s in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den * 60 if den else float("nan")


def report(results: list[NResult], args: argparse.Namespace) -> None:
    mb = 1024
    rows = []
    for r in results:
        rss = [s[1] for s in r.samples]
        half = r.samples[len(r.samples) // 2 :]
        rows.append(
            [
                f"{r.n:,}", str(r.processes), f"{r.startup_s:.1f} s", f"{r.rss_start_kib / mb:.1f} MB",
                f"{r.pss_start_kib / mb:.1f} MB", f"{max(rss) / mb:.1f} MB",
                f"{rss[-1] / mb:.1f} MB", f"{slope_mb_per_min(r.samples):+.2f}", f"{slope_mb_per_min(half):+.2f}",
                f"{r.hwm_kib / mb:.1f} MB",
                fmt_rate(r.mixed.rps) if r.mixed else "-",
                str(r.mixed.error_count) if r.mixed else "-",
            ]
        )  # fmt: skip
    print(f"\nserver: {args.server_description}")
    print(f"memory (VmRSS, summed over the server's processes; PSS counts shared pages once), {args.seconds} s mixed load, {args.connections} connections "
          "(target with 100,000: <= 100 MB after start, flat)")  # fmt: skip
    header = ["articles", "procs", "start->healthz", "RSS after start", "PSS after start", "max", "end", "MB/min",
              "MB/min 2nd half", "VmHWM", "mixed req/s", "errors"]  # fmt: skip
    print(text_table(header, rows))

    rows = []
    for r in results:
        rps = statistics.median(x.rps for x in r.atom_runs)
        p50 = statistics.median(x.p50_ms for x in r.atom_runs)
        lat = r.latencies
        rows.append(
            [
                f"{r.n:,}", fmt_rate(rps), fmt_ms(p50), fmt_ms(lat["/atom.xml"].median_ms),
                fmt_ms(lat["/atom.xml 304"].median_ms), fmt_ms(lat["/feed.json"].median_ms),
                fmt_ms(lat["/healthz"].median_ms), fmt_ms(lat["/?page=2"].median_ms),
                fmt_ms(lat["/?page=<last>"].median_ms), fmt_ms(lat["/articles/<slug>"].median_ms),
                fmt_ms(r.first_ms["/?page=<last>"]), fmt_ms(r.first_ms["/articles/<slug>"]), fmt_ms(r.render_ms),
            ]
        )  # fmt: skip
    print(f"\nrequest cost by folder size: /atom.xml under load (16 connections, medians of {args.growth_runs} x "
          f"{args.growth_seconds} s) and single requests (median of 200, one keep-alive connection)")  # fmt: skip
    header = ["articles", "atom req/s", "atom p50 (load)", "atom", "atom 304", "feed.json", "healthz",
              "page 2", "last page", "article",
              "last page 1st", "article 1st", "render 3 feeds"]  # fmt: skip
    print(text_table(header, rows))

    if len(results) > 1:
        base = results[0]
        rows = []
        b_rps = statistics.median(x.rps for x in base.atom_runs)
        for r in results[1:]:
            r_rps = statistics.median(x.rps for x in r.atom_runs)
            row = [f"{base.n:,} -> {r.n:,}", f"{b_rps / r_rps:.2f}x"]
            for key in ("/atom.xml", "/atom.xml 304", "/healthz"):
                row.append(f"{r.latencies[key].median_ms / base.latencies[key].median_ms:.2f}x")
            row.append(f"{r.first_ms['/?page=<last>'] / base.first_ms['/?page=<last>']:.2f}x")
            row.append(f"{r.render_ms / base.render_ms:.2f}x")
            row.append(f"{r.rss_start_kib / base.rss_start_kib:.2f}x")
            row.append(f"{r.startup_s / base.startup_s:.2f}x")
            rows.append(row)
        print("\ngrowth (cost at the larger N / cost at the smaller; time per request, so 1x = constant; "
              "target about 1x for a feed request)")  # fmt: skip
        header = ["growth", "atom under load", "atom", "atom 304", "healthz", "last page 1st", "render",
                  "RSS after start",
                  "start->healthz"]  # fmt: skip
        print(text_table(header, rows))


@dataclass
class FirstServe:
    articles: int
    hwm_kib: int  #: VmHWM when /healthz first answers: the peak of the first refresh
    rss_kib: int  #: VmRSS then
    wall_s: float  #: process start -> /healthz 200
    cpu_s: float  #: the server's CPU time by then
    load: str  #: 1-minute load average when the run ended
    load_max_kib: int = 0  #: max VmRSS under the mixed load that follows (--first-load)
    load_rps: float = 0.0
    hwm_after_kib: int = 0  #: VmHWM after that load


def generated_seeds(n: int, corpus: Path) -> Path:
    """The generated folder of ``n`` articles (bench/gencorpus.py), made once and kept."""
    seeds = CACHE_ROOT / f"serve-{n}" / "seeds"
    if not corpus_matches(seeds, n, 100):
        log(f"generating {n:,} articles into {seeds} ...")
        generate(n, seeds, src=corpus.resolve(), per_dir=100)
    return seeds


def load_after(server: Server, config: Path, seconds: int) -> tuple[int, float]:
    """The mixed load of run_n on the server that just did its first serve: max VmRSS, req/s."""
    port = server.port
    etags = {path: get(port, path).headers["etag"] for path in ("/atom.xml", "/rss.xml", "/feed.json", "/")}
    slugs = pick_slugs(config, 1000)
    deep_page = max(2, len(slugs))
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append(vm_kib(server.pid, "VmRSS"))
            stop.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = run_load(server.base, mixed_requests(etags, slugs, deep_page), duration=seconds, connections=8,
                          engine="auto", timeout=10)  # fmt: skip
    finally:
        stop.set()
        sampler.join(5)
    samples.append(vm_kib(server.pid, "VmRSS"))
    return max(samples), result.rps


def one_first_serve(seeds: Path, articles: int, env: dict[str, str], load_seconds: int = 0) -> FirstServe:
    root = Path(tempfile.mkdtemp(prefix="feedsvc-bench-first-"))
    try:
        port = free_port()
        config = write_config(root, seeds, port=port)
        t0 = time.perf_counter()
        # cwd: a folder without feedsvc in it (`python -m` puts the cwd first on sys.path, before
        # PYTHONPATH: run from this checkout, --checkout would import this checkout's code)
        with server_process(serve_argv(config, port), port, root / "serve.log", name="first serve",
                            env=env, startup=1800, cwd=root) as server:  # fmt: skip
            wall = time.perf_counter() - t0
            result = FirstServe(articles, vm_kib(server.pid, "VmHWM"), vm_kib(server.pid, "VmRSS"), wall,
                                cpu_seconds(server.pid), loadavg())  # fmt: skip
            if articles and json_get(port, "/healthz")["articles"] != articles:
                raise RuntimeError(f"the first serve did not publish all {articles:,} articles")
            if articles and load_seconds:
                result.load_max_kib, result.load_rps = load_after(server, config, load_seconds)
                result.hwm_after_kib = vm_kib(server.pid, "VmHWM")
        return result
    finally:
        shutil.rmtree(root, ignore_errors=True)


def json_get(port: int, path: str) -> dict[str, object]:
    got = get(port, path)
    value: dict[str, object] = json.loads(got.body)
    return value


def first_serve(args: argparse.Namespace) -> int:
    """Peak memory of a first serve over N new articles, against the empty-folder floor."""
    env = {"PYTHONPATH": str(args.checkout.resolve())} if args.checkout else {}
    empty = Path(tempfile.mkdtemp(prefix="feedsvc-bench-empty-"))
    load_before = loadavg()
    rows = []
    try:
        for n in args.n:
            seeds = generated_seeds(n, args.corpus)
            for run in range(args.runs):
                floor = one_first_serve(empty, 0, env)
                full = one_first_serve(seeds, n, env, args.first_load)
                log(f"[{n:,}] run {run + 1}/{args.runs}: peak {full.hwm_kib / 1024:.1f} MB "
                    f"(floor {floor.hwm_kib / 1024:.1f} MB), {full.wall_s:.1f} s, CPU {full.cpu_s:.1f} s, "
                    f"load {full.load}")  # fmt: skip
                rows.append((floor, full))
    finally:
        shutil.rmtree(empty, ignore_errors=True)
    print("\n".join(env_lines()))
    print(f"loadavg:  {load_before} at the start, {loadavg()} at the end (1 min; 2 cores)")
    print(
        f"server:   {'PYTHONPATH=' + env['PYTHONPATH'] + ' ' if env else ''}python -m feedsvc serve, fresh index each run"
    )
    print("\nper run (floor: the same server over an empty folder, started just before)")
    table = []
    for floor, full in rows:
        table.append([f"{full.articles:,}", f"{full.hwm_kib / 1024:.1f} MB", f"{floor.hwm_kib / 1024:.1f} MB",
                      f"{full.hwm_kib / floor.hwm_kib:.2f}x", f"{(full.hwm_kib - floor.hwm_kib) / 1024:.1f} MB",
                      f"{full.rss_kib / 1024:.1f} MB", f"{full.wall_s:.1f} s", f"{full.cpu_s:.1f} s", full.load])  # fmt: skip
    print(text_table(["articles", "peak (VmHWM)", "floor peak", "peak/floor", "peak-floor", "RSS at healthz",
                      "wall to healthz", "CPU", "load at end"], table))  # fmt: skip
    loaded = [r for _, r in rows if r.load_max_kib]
    if loaded:
        print(
            f"\nthen {args.first_load} s of the mixed load (8 connections: feeds, pages, articles, /healthz)"
        )
        print(text_table(["articles", "max RSS under load", "VmHWM after", "req/s"],
                         [[f"{r.articles:,}", f"{r.load_max_kib / 1024:.1f} MB", f"{r.hwm_after_kib / 1024:.1f} MB",
                           fmt_rate(r.load_rps)] for r in loaded]))  # fmt: skip
    print("\nmedian (min-max) over the runs")
    for n in args.n:
        mine = [(f, r) for f, r in rows if r.articles == n]

        def spread(values: list[float], unit: str, fmt: str = ".1f") -> str:
            return f"{statistics.median(values):{fmt}}{unit} ({min(values):{fmt}}-{max(values):{fmt}})"

        print(f"{n:,} articles: peak {spread([r.hwm_kib / 1024 for _, r in mine], ' MB')}, "
              f"peak/floor {spread([r.hwm_kib / f.hwm_kib for f, r in mine], 'x', '.2f')}, "
              f"wall {spread([r.wall_s for _, r in mine], ' s')}, CPU {spread([r.cpu_s for _, r in mine], ' s')}"
              + (f", max RSS under the load after {spread([r.load_max_kib / 1024 for _, r in mine], ' MB')}"
                 if all(r.load_max_kib for _, r in mine) else "")
              + "; target: <= 100 MB")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.first_serve:
        return first_serve(args)
    started = time.perf_counter()
    load_before = loadavg()
    log_dir = Path(tempfile.mkdtemp(prefix="feedsvc-bench-mem-"))
    results = []
    try:
        for n in args.n:
            results.append(run_n(n, args, log_dir))
    finally:
        for p in log_dir.iterdir():
            p.unlink()
        log_dir.rmdir()
        log(f"total wall time {time.perf_counter() - started:.1f} s")
    print("\n".join(env_lines()))
    print(f"loadavg:  {load_before} at the start, {loadavg()} at the end (1 min; 2 cores)")
    engine = args.engine if args.engine != "auto" else ("wrk" if wrk_path() else "python")
    for r in results:
        print(f"corpus:   {r.data.description}; index {r.data.root / 'var'}")
    crawl = f", every index page 2..{args.crawl + 1}" if args.crawl else ""
    print(f"load:     {engine}; mixed = feeds (plain, gzip, 304), index pages (2..{results[-1].deep_page}{crawl}), "
          f"/healthz, {args.slugs} article pages")  # fmt: skip
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
