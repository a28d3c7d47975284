"""Benchmark the PostgreSQL store against the SQLite store: a refresh's cost, one node's throughput.

    python bench/bench_postgres.py --postgres-url postgresql://feedsvc@127.0.0.1:PORT/feedsvc_test
    python bench/bench_postgres.py --generate 5000 --runs 5 --duration 3

The server is FEEDSVC_TEST_POSTGRES_URL unless --postgres-url is given (`. .ci/services/postgres.sh`
starts one: PostgreSQL 15, defaults but synchronous_commit = off, as SQLite runs WAL with
synchronous = NORMAL). Each index lives in a schema of its own, dropped at the end.

Part 1, the cost of a refresh (in this process; the backends alternate within each round, and
each figure sits next to its floor, measured in the same round):
  cold ingest     run_refresh into an empty, migrated index     floor: read-all (walk + read every file)
  no-change       run_refresh with nothing changed              floor: walk (scandir + lstat)
  edit-1          run_refresh after one file was edited          floor: walk
CPU is this process's (user + system) plus, for PostgreSQL, the server backend serving the
refresh's connection (/proc/<backend pid>/stat): the database's own work is counted too.

Part 2, one node's throughput (`feedsvc serve`'s waitress with 8 threads, built by
bench/benchapp.py with its floor routes), the two backends' servers loaded in turn each round:
  feed 200        GET /atom.xml                                floor: GET /_bench/atom.xml
  feed 304        GET /atom.xml + If-None-Match: <its ETag>    floor: GET /_bench/304
  article pages   GET /articles/<slug>, every slug in turn (more than the 128 pages cached per
                  generation: nearly every request reads the store)   floor: GET /_bench/atom.xml
"pg/sqlite" is the ratio of the two backends' req/s, paired per round. Server CPU per request
counts the app process and, for PostgreSQL, its database sessions (pg_stat_activity).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchapp import FLOOR_200
from benchapp import FLOOR_304
from common import DEFAULT_CORPUS
from common import env_lines
from common import fmt_seconds
from common import log
from common import read_all
from common import walk
from gencorpus import generate
from loadgen import Req
from loadgen import run_load
from serving import BENCH_DIR
from serving import cpu_seconds
from serving import free_port
from serving import get
from serving import loadavg
from serving import server_process
from serving import text_table

from feedsvc.config import Settings
from feedsvc.config import load_settings
from feedsvc.refresh import run_refresh
from feedsvc.store import Store
from feedsvc.store import open_store

BACKENDS = ("sqlite", "postgres")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--postgres-url", default=os.environ.get("FEEDSVC_TEST_POSTGRES_URL"))
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="source of the generated articles")
    p.add_argument("--generate", type=int, default=2000, metavar="N", help="articles (default 2000)")
    p.add_argument("--runs", type=int, default=5, help="rounds per figure (default 5)")
    p.add_argument("--duration", type=float, default=3.0, help="seconds per load (default 3)")
    p.add_argument("--connections", type=int, default=16, help="load connections (default 16)")
    p.add_argument("--skip", choices=("refresh", "serve"), help="leave one part out")
    args = p.parse_args(argv)
    if not args.postgres_url:
        p.error("no PostgreSQL: pass --postgres-url or set FEEDSVC_TEST_POSTGRES_URL")
    return args


# --------------------------------------------------------------------------- indexes


@contextlib.contextmanager
def schema_url(url: str) -> Iterator[str]:
    """A fresh schema on the server: the URL of an index in it. Dropped afterwards."""
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def backend_cpu(store: Store) -> float:
    """CPU seconds of the PostgreSQL backend serving this thread's connection (0 for SQLite)."""
    conn = getattr(store, "conn", None)
    info = getattr(conn, "info", None)
    return cpu_seconds(info.backend_pid) if info is not None else 0.0


def session_cpu(url: str, app_pid: int) -> float:
    """CPU seconds of every database session a feedsvc process opened (application_name)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        pids = [r[0] for r in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (f"feedsvc {app_pid}",)
        )]  # fmt: skip
    return sum(cpu_seconds(pid) for pid in pids)


# --------------------------------------------------------------------------- part 1: refresh


def timed_refresh(store: Store, fn: Callable[[], Any]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``fn``: this process plus the store's database backend."""
    cpu, backend, start = time.process_time(), backend_cpu(store), time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    return wall, time.process_time() - cpu + backend_cpu(store) - backend


def refresh_part(args: argparse.Namespace, work: Path, seeds: Path) -> None:
    figures: dict[tuple[str, str], list[tuple[float, float, float]]] = {}  # -> [(wall, cpu, floor)]
    loads: list[str] = []
    victim = next(p for p in sorted(seeds.rglob("*.txt")))
    for round_ in range(args.runs):
        order = BACKENDS if round_ % 2 == 0 else BACKENDS[::-1]
        for backend in order:
            with contextlib.ExitStack() as stack:
                if backend == "sqlite":  # the bench picks the backend; feedsvc itself never does
                    settings = Settings(seeds_dir=seeds, db_path=work / f"r{round_}.sqlite")
                else:
                    url = stack.enter_context(schema_url(args.postgres_url))
                    settings = Settings(seeds_dir=seeds, db_path=work / "unused", store_url=url)
                store = stack.enter_context(open_store(settings))
                store.generation()  # opens and migrates: not part of the ingest
                floor, _ = timed_wall(lambda: read_all(seeds))
                wall, cpu = timed_refresh(store, lambda: run_refresh(settings, store))  # noqa: B023
                figures.setdefault((backend, "cold ingest"), []).append((wall, cpu, floor))
                floor, _ = timed_wall(lambda: walk(seeds))
                wall, cpu = timed_refresh(store, lambda: run_refresh(settings, store))  # noqa: B023
                figures.setdefault((backend, "no-change"), []).append((wall, cpu, floor))
                victim.write_text(victim.read_text("utf-8") + f"\nEdited in round {round_}.\n", "utf-8")
                floor, _ = timed_wall(lambda: walk(seeds))
                wall, cpu = timed_refresh(store, lambda: run_refresh(settings, store))  # noqa: B023
                figures.setdefault((backend, "edit-1"), []).append((wall, cpu, floor))
            loads.append(loadavg())
        log(f"refresh round {round_ + 1}/{args.runs} done (load {loads[-1]})")
    rows = []
    for what in ("cold ingest", "no-change", "edit-1"):
        for backend in BACKENDS:
            runs = figures[backend, what]
            walls = [w for w, _, _ in runs]
            ratios = [w / f for w, _, f in runs]
            rows.append([
                what, backend, fmt_seconds(statistics.median(walls)),
                f"{fmt_seconds(min(walls))}-{fmt_seconds(max(walls))}",
                fmt_seconds(statistics.median(c for _, c, _ in runs)),
                fmt_seconds(statistics.median(f for _, _, f in runs)),
                f"{statistics.median(ratios):.1f}x ({min(ratios):.1f}-{max(ratios):.1f})",
            ])  # fmt: skip
        pg = [w for w, _, _ in figures["postgres", what]]
        lite = [w for w, _, _ in figures["sqlite", what]]
        paired = sorted(p / s for p, s in zip(pg, lite, strict=True))
        rows.append([what, "pg/sqlite", f"{statistics.median(paired):.2f}x",
                     f"{paired[0]:.2f}-{paired[-1]:.2f}x", "", "", ""])  # fmt: skip
    print("\n## A refresh on each backend (medians of", args.runs, "rounds)\n")
    print(text_table(["refresh", "backend", "wall", "spread", "CPU", "floor", "vs floor (spread)"], rows))
    print(f"\nload (1/5/15 min) after each round: {'; '.join(loads)}")


def timed_wall(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


# --------------------------------------------------------------------------- part 2: serving


def write_config(root: Path, seeds: Path, backend: str, url: str) -> Path:
    store = f'url = "{url}"' if backend == "postgres" else f'path = "{root / "index.sqlite"}"'
    path = root / f"{backend}.toml"
    path.write_text(
        f'[seeds]\ndir = "{seeds}"\n[store]\n{store}\n[server]\nthreads = 8\n'
        "[refresh]\ninterval_seconds = 3600\nwatch = false\n",
        "utf-8",
    )
    return path


def serve_part(args: argparse.Namespace, work: Path, seeds: Path) -> None:
    with schema_url(args.postgres_url) as url:
        configs = {b: write_config(work, seeds, b, url) for b in BACKENDS}
        slugs: list[str] = []
        for config in configs.values():
            settings = load_settings(config)
            with open_store(settings) as store:
                run_refresh(settings, store)
                slugs = [a.slug for a in store.latest()]
        results: dict[tuple[str, str], list[tuple[float, float, float]]] = {}  # -> [(rps, floor, cpu/req)]
        loads: list[str] = []
        with contextlib.ExitStack() as stack:
            servers = {}
            for backend, config in configs.items():
                port = free_port()
                argv = [sys.executable, str(BENCH_DIR / "benchapp.py"), "--port", str(port), "--threads", "8"]
                servers[backend] = stack.enter_context(server_process(
                    argv, port, work / f"{backend}.log", name=backend,
                    env={"FEEDSVC_CONFIG": str(config), "FEEDSVC_BENCH_ACCESS_LOG": "0"}, cwd=BENCH_DIR,
                ))  # fmt: skip
            etags = {b: get(s.port, "/atom.xml").headers["etag"] for b, s in servers.items()}
            for round_ in range(args.runs):
                order = BACKENDS if round_ % 2 == 0 else BACKENDS[::-1]
                for backend in order:
                    server = servers[backend]
                    inm = {"If-None-Match": etags[backend]}
                    cases = {
                        "feed 200": ([Req("/atom.xml")], [Req(FLOOR_200)]),
                        "feed 304": ([Req("/atom.xml", inm)], [Req(FLOOR_304, inm)]),
                        "article pages": ([Req(f"/articles/{s}") for s in slugs], [Req(FLOOR_200)]),
                    }
                    for what, (real, floor) in cases.items():
                        cpu = server.tree_cpu_seconds() + (session_cpu(url, server.pid) if backend == "postgres" else 0)
                        got = run_load(server.base, real, duration=args.duration, connections=args.connections)
                        cpu = server.tree_cpu_seconds() + (session_cpu(url, server.pid) if backend == "postgres" else 0) - cpu
                        base = run_load(server.base, floor, duration=args.duration, connections=args.connections)
                        if got.error_count or base.error_count:
                            log(f"  {backend} {what}: errors {got.errors} / floor {base.errors}")
                        results.setdefault((backend, what), []).append(
                            (got.rps, base.rps, cpu / max(got.requests, 1) * 1e6)
                        )
                    loads.append(loadavg())
                log(f"serving round {round_ + 1}/{args.runs} done (load {loads[-1]})")
    rows = []
    for what in ("feed 200", "feed 304", "article pages"):
        for backend in BACKENDS:
            runs = results[backend, what]
            rps = [r for r, _, _ in runs]
            ratios = [r / f for r, f, _ in runs]
            rows.append([
                what, backend, f"{statistics.median(rps):,.0f}", f"{min(rps):,.0f}-{max(rps):,.0f}",
                f"{statistics.median(f for _, f, _ in runs):,.0f}",
                f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})",
                f"{statistics.median(c for _, _, c in runs):.0f}",
            ])  # fmt: skip
        paired = sorted(p[0] / s[0] for p, s in zip(results["postgres", what], results["sqlite", what], strict=True))
        rows.append([what, "pg/sqlite", f"{statistics.median(paired):.2f}x",
                     f"{paired[0]:.2f}-{paired[-1]:.2f}x", "", "", ""])  # fmt: skip
    print(f"\n## One node serving ({args.connections} connections, {args.duration:g} s a load, {args.runs} rounds)\n")
    print(text_table(["load", "backend", "req/s", "spread", "floor req/s", "vs floor (spread)",
                      "server CPU us/req"], rows))  # fmt: skip
    print(f"\nload (1/5/15 min) after each round: {'; '.join(loads)}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    work = Path(tempfile.mkdtemp(prefix="feedsvc-bench-pg-")).resolve()
    try:
        seeds = work / "seeds"
        log(f"generating {args.generate:,} articles ...")
        generate(args.generate, seeds, src=args.corpus.resolve())
        print("# PostgreSQL vs SQLite store\n")
        print("\n".join(env_lines()))
        import psycopg

        with psycopg.connect(args.postgres_url) as conn:
            print(f"postgres: {conn.execute('SHOW server_version').fetchone()[0]}; psycopg {psycopg.__version__}")  # type: ignore[index]
        print(f"corpus:   {args.generate:,} generated articles")
        if args.skip != "refresh":
            refresh_part(args, work, seeds)
        if args.skip != "serve":
            serve_part(args, work, seeds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
