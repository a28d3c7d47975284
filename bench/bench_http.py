"""Benchmark serving the cached feeds over HTTP against trivial endpoints of the same app and server.

    python bench/bench_http.py                          # ../shared/corpus/bbc-seedstyle, 5 setups
    python bench/bench_http.py --generate 10000         # a generated corpus (bench/gencorpus.py)
    python bench/bench_http.py --setups waitress:t8,gthread:w2:t4 --runs 5 --duration 3
    python bench/bench_http.py --profile-only           # in-process WSGI timings + cProfile

The app is built as production builds it (load_settings, run_refresh, Service/create_app; see
bench/benchapp.py) and served in a subprocess by each server setup:

  waitress:tN          `feedsvc serve`'s own server (feedsvc.serve.run_waitress), N threads
  sync:wN              gunicorn -k sync -w N (sync workers close the connection after each response)
  gthread:wN:tM        gunicorn -k gthread -w N --threads M --keep-alive 5
  ...+nolog            the same with the access log off (production logs every request at INFO)
  ...+flask            the same with feedsvc's WSGI fast path for feeds taken out: every
                       request goes through a Flask dispatch, as before that path existed

For each setup, wrk (or the Python fallback of bench/loadgen.py) loads, in turn, for --duration
seconds each, --runs rounds (interleaved, so a drifting machine load biases no ratio):

  feed 200        GET /atom.xml                                 floor: GET /_bench/atom.xml
  feed 304        GET /atom.xml + If-None-Match: <its ETag>     floor: GET /_bench/304 (same header)
  feed 200 gzip   GET /atom.xml + Accept-Encoding: gzip         floor: GET /_bench/atom.xml.gz

The floors are routes added to the same Flask app object (benchapp.add_floor_routes) that
return the same bytes / an empty 304 from a closure: (feed) / (floor) is what feedsvc's own
per-request work costs. Targets: feed 200 >= 0.9x, feed 304 >= 0.9x. ratio = median over the
rounds of (feed req/s / floor req/s) measured back to back; req/s columns are medians.

"CPU us/req" is the server's own CPU time (utime+stime of the server process and its workers,
from /proc, 10 ms ticks) per request served in a run; "CPU ratio" = floor CPU/req over feed
CPU/req, paired per round. It leaves out the load generator and any other process on the
machine, so it is the steadier figure when the machine is shared: when the two ratios disagree,
trust the CPU ratio and re-run the req/s one.

--profile adds an in-process figure (no server, no sockets): microseconds per WSGI call of
each route, and a cProfile of the feed's 304 path.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import logging
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from benchapp import FLOOR_200
from benchapp import FLOOR_304
from benchapp import FLOOR_GZIP
from common import DEFAULT_CORPUS
from common import env_lines
from common import log
from loadgen import LoadResult
from loadgen import Req
from loadgen import run_load
from loadgen import wrk_path
from serving import BENCH_DIR
from serving import HOST
from serving import Server
from serving import children_of
from serving import fmt_ms
from serving import fmt_rate
from serving import free_port
from serving import get
from serving import loadavg
from serving import prepare_dataset
from serving import server_process
from serving import text_table

DEFAULT_SETUPS = "waitress:t8,sync:w2,sync:w4,gthread:w2:t4,gthread:w2:t8"


@dataclass(frozen=True)
class Setup:
    spec: str
    kind: str  #: waitress | sync | gthread
    workers: int
    threads: int
    access_log: bool
    flask_only: bool = False  #: without feedsvc's FeedFastPath (FEEDSVC_BENCH_FLASK_ONLY)

    @classmethod
    def parse(cls, spec: str) -> Setup:
        base, *flags = spec.split("+")
        if any(f not in ("nolog", "flask") for f in flags):
            raise ValueError(f"bad setup flags in {spec!r}: +nolog, +flask")
        log_on = "nolog" not in flags
        flask_only = "flask" in flags
        parts = base.split(":")
        kind, nums = parts[0], {p[0]: int(p[1:]) for p in parts[1:] if p[:1] in "wt" and p[1:].isdigit()}
        if len(nums) != len(parts) - 1 or kind not in ("waitress", "sync", "gthread"):
            raise ValueError(f"bad setup {spec!r}: e.g. waitress:t8, sync:w4, gthread:w2:t4, ...+nolog")
        if kind == "waitress":
            return cls(spec, kind, 1, nums.get("t", 8), log_on, flask_only)
        threads = nums.get("t", 1) if kind == "gthread" else 1
        return cls(spec, kind, nums.get("w", 2), threads, log_on, flask_only)

    def argv(self, port: int) -> list[str]:
        if self.kind == "waitress":
            return [
                sys.executable,
                str(BENCH_DIR / "benchapp.py"),
                "--port",
                str(port),
                "--threads",
                str(self.threads),
            ]
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        argv = [
            gunicorn, "--chdir", str(BENCH_DIR), "-b", f"{HOST}:{port}", "-w", str(self.workers),
            "-k", self.kind, "--graceful-timeout", "5", "--log-level", "warning",
        ]  # fmt: skip
        if self.kind == "gthread":
            argv += ["--threads", str(self.threads), "--keep-alive", "5"]
        return [*argv, "benchapp:gunicorn_app()"]

    def command(self) -> str:
        """The production command this setup corresponds to (for the report)."""
        if self.kind == "waitress":
            return f"feedsvc serve  ([server] threads = {self.threads})"
        extra = f" --threads {self.threads} --keep-alive 5" if self.kind == "gthread" else ""
        return f"FEEDSVC_CONFIG=CFG gunicorn -k {self.kind} -w {self.workers}{extra} -b HOST:PORT 'feedsvc.wsgi:app'"


@dataclass(frozen=True)
class Load:
    name: str
    req: Req


@dataclass
class Pair:
    """A feed request and its floor, measured back to back in every round."""

    what: str
    feed: Load
    floor: Load
    feed_runs: list[LoadResult] = field(default_factory=list)
    floor_runs: list[LoadResult] = field(default_factory=list)
    feed_cpu: list[float] = field(default_factory=list)  #: server CPU seconds per request, per run
    floor_cpu: list[float] = field(default_factory=list)

    @property
    def feed_rps(self) -> float:
        return statistics.median(r.rps for r in self.feed_runs)

    @property
    def floor_rps(self) -> float:
        return statistics.median(r.rps for r in self.floor_runs)

    @property
    def ratio(self) -> float:
        return statistics.median(a.rps / b.rps for a, b in zip(self.feed_runs, self.floor_runs, strict=True))

    @property
    def cpu_ratio(self) -> float:
        """floor CPU per request / feed CPU per request (paired per round): the capacity ratio
        with the load generator's and other processes' CPU left out."""
        return statistics.median(b / a for a, b in zip(self.feed_cpu, self.floor_cpu, strict=True))

    def p(self, which: str, pct: str) -> float:
        runs = self.feed_runs if which == "feed" else self.floor_runs
        return float(statistics.median(getattr(r, f"p{pct}_ms") for r in runs))


@dataclass
class SetupResult:
    setup: Setup
    pairs: list[Pair]
    rss_kib: int
    processes: int
    errors: list[str]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help=f"seeds folder (default {DEFAULT_CORPUS})"
    )
    p.add_argument("--generate", type=int, metavar="N", help="serve a generated corpus of N articles instead")
    p.add_argument(
        "--workdir",
        type=Path,
        help="where the index (and generated corpus) live (default: a cache in the temp dir)",
    )
    p.add_argument("--setups", default=DEFAULT_SETUPS, help=f"comma-separated (default {DEFAULT_SETUPS})")
    p.add_argument("--duration", type=int, default=2, help="seconds per load run (default 2)")
    p.add_argument("--runs", type=int, default=3, help="rounds per setup; medians are reported (default 3)")
    p.add_argument("--connections", "-c", type=int, default=16, help="load connections (default 16)")
    p.add_argument("--threads", "-t", type=int, default=1, help="load generator threads (default 1)")
    p.add_argument("--engine", choices=("auto", "wrk", "python"), default="auto", help="load generator")
    p.add_argument("--profile", action="store_true", help="also time and cProfile the routes in-process")
    p.add_argument("--profile-only", action="store_true", help="only the in-process figures")
    p.add_argument("--profile-calls", type=int, default=20000, help="WSGI calls per in-process figure")
    args = p.parse_args(argv)
    if args.runs < 1 or args.duration < 1:
        p.error("--runs and --duration must be at least 1")
    try:
        args.setup_list = [Setup.parse(s.strip()) for s in args.setups.split(",") if s.strip()]
    except ValueError as e:
        p.error(str(e))
    return args


def make_pairs(etag: str, gzip_etag: str) -> list[Pair]:
    inm = {"If-None-Match": etag}
    gz = {"Accept-Encoding": "gzip"}
    return [
        Pair("feed 200", Load("/atom.xml", Req("/atom.xml")), Load("floor 200", Req(FLOOR_200))),
        Pair(
            "feed 304", Load("/atom.xml INM", Req("/atom.xml", inm)), Load("floor 304", Req(FLOOR_304, inm))
        ),
        Pair(
            "feed 200 gzip", Load("/atom.xml gz", Req("/atom.xml", gz)), Load("floor gz", Req(FLOOR_GZIP, gz))
        ),
    ]


def verify(server: Server) -> tuple[str, str]:
    """Check the floors really mirror the feed; return the feed's (ETag, gzip ETag)."""
    feed = get(server.port, "/atom.xml")
    floor = get(server.port, FLOOR_200)
    if feed.status != 200 or floor.status != 200 or feed.body != floor.body:
        raise RuntimeError(f"{server.name}: /atom.xml and {FLOOR_200} differ ({feed.status}, {floor.status})")
    if feed.headers.get("content-type") != floor.headers.get("content-type"):
        raise RuntimeError(f"{server.name}: content types differ")
    etag = feed.headers["etag"]
    for path in ("/atom.xml", FLOOR_304):
        got = get(server.port, path, {"If-None-Match": etag})
        if got.status != 304 or got.body:
            raise RuntimeError(
                f"{server.name}: {path} with If-None-Match gave {got.status}, not an empty 304"
            )
    gz = get(server.port, "/atom.xml", {"Accept-Encoding": "gzip"})
    gz_floor = get(server.port, FLOOR_GZIP, {"Accept-Encoding": "gzip"})
    if gz.headers.get("content-encoding") != "gzip" or gz.body != gz_floor.body:
        raise RuntimeError(f"{server.name}: gzip /atom.xml and {FLOOR_GZIP} differ")
    if gzip.decompress(gz.body) != feed.body:
        raise RuntimeError(f"{server.name}: gzip body does not decompress to the feed")
    return etag, gz.headers["etag"]


def bench_setup(setup: Setup, config: Path, args: argparse.Namespace, work: Path) -> SetupResult:
    port = free_port()
    env = {
        "FEEDSVC_CONFIG": str(config),
        "FEEDSVC_BENCH_ACCESS_LOG": "1" if setup.access_log else "0",
        "FEEDSVC_BENCH_FLASK_ONLY": "1" if setup.flask_only else "",
    }
    log_path = work / f"server-{setup.spec.replace(':', '-').replace('+', '-')}.log"
    errors: list[str] = []
    with server_process(setup.argv(port), port, log_path, name=setup.spec, env=env) as server:
        etag, gzip_etag = verify(server)
        pairs = make_pairs(etag, gzip_etag)
        base = server.base

        def load(req: Req, seconds: int) -> LoadResult:
            return run_load(
                base, [req], duration=seconds, connections=args.connections, threads=args.threads,
                engine=args.engine,
            )  # fmt: skip

        log(f"[{setup.spec}] warm-up ...")
        for pair in pairs:
            load(pair.feed.req, 1)
            load(pair.floor.req, 1)
        for r in range(args.runs):
            order = pairs if r % 2 == 0 else pairs[::-1]
            for pair in order:
                pair_loads = [
                    (pair.feed, pair.feed_runs, pair.feed_cpu),
                    (pair.floor, pair.floor_runs, pair.floor_cpu),
                ]
                if r % 2:
                    pair_loads.reverse()
                for ld, sink, cpu_sink in pair_loads:
                    cpu0 = server.tree_cpu_seconds()
                    res = load(ld.req, args.duration)
                    cpu_sink.append((server.tree_cpu_seconds() - cpu0) / max(1, res.requests))
                    sink.append(res)
                    if res.error_count:
                        errors.append(f"{ld.name} run {r + 1}: {res.errors}")
                    log(f"[{setup.spec}] round {r + 1}/{args.runs} {ld.name:<14} {res.line()}")
        rss = server.tree_rss_kib()
        processes = 1 + len(children_of(server.pid))
        if verify(server) != (etag, gzip_etag):
            errors.append("the feed changed during the run")
    log_path.unlink(missing_ok=True)  # a busy access log: tens of MB
    return SetupResult(setup, pairs, rss, processes, errors)


def report(results: list[SetupResult], args: argparse.Namespace) -> None:
    rows = []
    for res in results:
        for pair in res.pairs:
            rows.append(
                [
                    res.setup.spec, pair.what, fmt_rate(pair.feed_rps), fmt_rate(pair.floor_rps),
                    f"{pair.ratio:.2f}x", f"{statistics.median(pair.feed_cpu) * 1e6:.0f}",
                    f"{statistics.median(pair.floor_cpu) * 1e6:.0f}", f"{pair.cpu_ratio:.2f}x",
                    fmt_ms(pair.p("feed", "50")), fmt_ms(pair.p("feed", "99")),
                ]
            )  # fmt: skip
    header = ["setup", "what", "req/s", "floor (trivial) req/s", "ratio", "CPU us/req", "floor CPU us/req",
              "CPU ratio", "p50", "p99"]  # fmt: skip
    print(f"\nfeed vs trivial endpoint, same app and server (medians of {args.runs} runs x {args.duration} s, "
          f"{args.connections} connections; target ratio >= 0.90x)")  # fmt: skip
    print(text_table(header, rows, "llrrrrrrrr"))

    rows = []
    for res in results:
        by = {p.what: p for p in res.pairs}
        rows.append(
            [
                res.setup.spec, fmt_rate(by["feed 200"].feed_rps), fmt_rate(by["feed 304"].feed_rps),
                fmt_rate(by["feed 200 gzip"].feed_rps), fmt_rate(by["feed 200"].floor_rps),
                f"{statistics.median(by['feed 200'].feed_cpu) * 1e6:.0f}",
                f"{statistics.median(by['feed 304'].feed_cpu) * 1e6:.0f}",
                fmt_ms(by["feed 200"].p("feed", "99")), f"{res.rss_kib / 1024:.0f} MB", str(res.processes),
            ]
        )  # fmt: skip
    print("\nabsolute, by server setup (req/s, medians; RSS of all the setup's processes after the runs)")
    header = ["setup", "feed 200", "feed 304", "feed gzip", "floor 200", "CPU us/req 200", "CPU us/req 304",
              "feed 200 p99", "RSS", "procs"]  # fmt: skip
    print(text_table(header, rows))
    print("\ncommands:")
    for res in results:
        print(f"  {res.setup.spec:<16} {res.setup.command()}")
    for res in results:
        for e in res.errors:
            print(f"warning: {res.setup.spec}: {e}")


# --------------------------------------------------------------------------- in-process


def profile_in_process(config: Path, calls: int) -> None:
    """Microseconds per WSGI call of each route, no server, no sockets; then a cProfile.

    The feed is timed twice: as served (FeedFastPath in front of Flask) and through the Flask
    route alone (the fast path taken out), against the floor route (always a Flask dispatch).
    """
    from benchapp import add_floor_routes
    from werkzeug.test import EnvironBuilder

    from feedsvc.config import load_settings
    from feedsvc.refresh import run_refresh
    from feedsvc.serve import Service
    from feedsvc.web import FeedFastPath

    logging.getLogger().setLevel(logging.WARNING)  # access log off: it is the same for both sides
    service = Service(load_settings(config), run_refresh, watch=False)
    service.runner.run()
    add_floor_routes(service.app)
    flask_app = service.app
    etag, _ = flask_app.config["BENCH_ETAGS"]
    metrics = flask_app.wsgi_app  # RequestMetrics, in front of the fast path
    fast_path = metrics.app  # type: ignore[attr-defined]
    assert isinstance(fast_path, FeedFastPath)

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        return None

    def caller(path: str, headers: dict[str, str]) -> Callable[[], None]:
        environ = EnvironBuilder(path=path, headers=list(headers.items())).get_environ()

        def call() -> None:
            result = flask_app.wsgi_app(dict(environ), start_response)
            b"".join(result)
            close = getattr(result, "close", None)
            if close is not None:
                close()

        return call

    def per_call_us(fn: Callable[[], None]) -> float:
        for _ in range(min(1000, calls)):
            fn()
        batches = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(calls // 5):
                fn()
            batches.append((time.perf_counter() - start) / (calls // 5) * 1e6)
        return statistics.median(batches)

    inm = {"If-None-Match": etag}
    gz = {"Accept-Encoding": "gzip"}
    cases = [
        ("feed 200", caller("/atom.xml", {}), caller(FLOOR_200, {})),
        ("feed 304", caller("/atom.xml", inm), caller(FLOOR_304, inm)),
        ("feed 200 gzip", caller("/atom.xml", gz), caller(FLOOR_GZIP, gz)),
    ]
    rows = []
    for what, feed, floor in cases:
        # interleave the batches three times; keep the medians
        times: dict[str, list[float]] = {"served": [], "flask": [], "floor": []}
        for _ in range(3):
            times["served"].append(per_call_us(feed))
            times["floor"].append(per_call_us(floor))
            metrics.app = fast_path.app
            try:
                times["flask"].append(per_call_us(feed))
            finally:
                metrics.app = fast_path
        us = {k: statistics.median(v) for k, v in times.items()}
        fl = us["floor"]
        rows.append(
            [what, f"{us['served']:.1f} us", f"{fl / us['served']:.2f}x", f"{us['flask']:.1f} us",
             f"{fl / us['flask']:.2f}x", f"{fl:.1f} us"]
        )  # fmt: skip
    print(f"\nin-process WSGI call (no server; access log off; median of 3x5 batches "
          f"of {calls // 5:,} calls); ratio = floor time / feed time = the req/s ratio")  # fmt: skip
    header = ["what", "feed as served", "ratio", "feed via Flask only", "ratio", "floor (Flask)"]
    print(text_table(header, rows))

    profiler = cProfile.Profile()
    call = cases[1][1]
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf).sort_stats("cumulative")
    stats.print_stats(r"feedsvc|flask/app|werkzeug/wrappers/response|sqlite|email", 30)
    text = buf.getvalue()
    body = text[text.find("   ncalls") :] if "   ncalls" in text else text
    print(f"\ncProfile of {calls:,} in-process GET /atom.xml with If-None-Match (304), current code, "
          "by cumulative time:")  # fmt: skip
    print(body.rstrip())
    service.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    load_before = loadavg()
    data = prepare_dataset(generate_n=args.generate, corpus=args.corpus, root=args.workdir)
    work = Path(tempfile.mkdtemp(prefix="feedsvc-bench-http-"))
    try:
        print("\n".join(env_lines()))
        print(f"loadavg:  {load_before} at the start (1 min; 2 cores)")
        print(f"corpus:   {data.description}, {data.files:,} files; index {data.root / 'var'}")
        engine = args.engine if args.engine != "auto" else ("wrk" if wrk_path() else "python")
        print(f"load:     {engine}, {args.connections} connections, {args.threads} thread(s); "
              f"{args.runs} rounds x {args.duration} s per figure")  # fmt: skip
        sys.stdout.flush()
        if not args.profile_only:
            results = []
            for setup in args.setup_list:
                results.append(bench_setup(setup, data.config, args, work))
            report(results, args)
        if args.profile or args.profile_only:
            profile_in_process(data.config, args.profile_calls)
        print(f"\nloadavg:  {loadavg()} at the end (1 min; 2 cores)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        log(f"total wall time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
