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
"""

from __future__ import annotations

import argparse
import http.client
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
from loadgen import LoadResult
from loadgen import Req
from loadgen import run_load
from loadgen import wrk_path
from serving import HOST
from serving import DataSet
from serving import Server
from serving import children_of
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
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
