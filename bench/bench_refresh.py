"""Benchmark feedsvc.refresh.run_refresh against the floors the file system sets.

    python bench/bench_refresh.py                     # ../shared/corpus/bbc-seedstyle (2,225 files)
    python bench/bench_refresh.py --generate 10000    # a generated corpus (bench/gencorpus.py)
    python bench/bench_refresh.py --profile 25        # also cProfile one cold ingest

Figures (medians of --runs; warm page cache, nothing is dropped):
  walk floor      os.scandir + lstat over the tree, recursive
  read-all floor  the walk, then open + read + close every article file
  cold ingest     run_refresh into a fresh index           (vs read-all floor)
  no-change       run_refresh with nothing changed         (vs walk floor)
  edit-1          run_refresh after editing one file        (vs no-change)

The corpus is copied to a scratch folder first (the edit-1 runs write to it), so the source
folder is never modified; everything goes under --workdir (default: a new temp dir, removed
at the end unless --keep).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import DEFAULT_CORPUS
from common import Table
from common import env_lines
from common import fmt_seconds
from common import log
from common import make_settings
from common import read_all
from common import remove_db
from common import timed
from common import timed_cpu
from common import tree_info
from common import walk
from gencorpus import generate

from feedsvc.model import RefreshStats
from feedsvc.refresh import run_refresh
from feedsvc.store import open_store


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help=f"seeds folder to benchmark, or the source of --generate (default {DEFAULT_CORPUS})",
    )
    p.add_argument(
        "--generate",
        type=int,
        metavar="N",
        help="benchmark a generated corpus of N articles (built from --corpus) instead",
    )
    p.add_argument("--per-dir", type=int, default=100, help="files per folder for --generate (default 100)")
    p.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    p.add_argument("--cold-runs", type=int, help="cold ingest runs (default: --runs, within --cold-budget)")
    p.add_argument(
        "--cold-budget",
        type=float,
        default=45.0,
        help="stop cold ingest runs (at least one) before this many seconds in total (default 45)",
    )
    p.add_argument("--workdir", type=Path, help="scratch folder (default: a new temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the scratch folder")
    p.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=25,
        default=0,
        metavar="TOP",
        help="also run one cold ingest under cProfile and print the TOP (default 25) entries",
    )
    p.add_argument("--profile-out", type=Path, help="save the cProfile stats here (for pstats/snakeviz)")
    p.add_argument(
        "--log-level", default="WARNING", help="feedsvc log level during the runs (default WARNING)"
    )
    args = p.parse_args(argv)
    if args.runs < 1 or (args.cold_runs is not None and args.cold_runs < 1):
        p.error("--runs and --cold-runs must be at least 1")
    if args.generate is not None and args.generate < 1:
        p.error("--generate must be at least 1")
    return args


def prepare_seeds(args: argparse.Namespace, work: Path) -> tuple[Path, str]:
    """The seeds folder to benchmark (always a scratch copy we may edit) and its description."""
    src = args.corpus.resolve()
    if not src.is_dir():
        sys.exit(
            f"error: corpus folder not found: {src}\n"
            "  (the default is ../shared/corpus/bbc-seedstyle relative to the repo root; pass --corpus DIR)"
        )
    seeds = work / "seeds"
    if args.generate:
        log(f"generating {args.generate:,} articles from {src} ...")
        g = generate(args.generate, seeds, src=src, per_dir=args.per_dir)
        return seeds, f"generated: {g.files:,} articles from {src.name}, {args.per_dir} per folder"
    log(f"copying {src} to scratch ...")
    shutil.copytree(src, seeds, symlinks=True)
    return seeds, f"copy of {src}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="feedsvc-bench-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        return run(args, work)
    finally:
        if args.keep:
            log(f"kept scratch folder {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        log(f"total wall time {time.perf_counter() - started:.1f} s")


def run(args: argparse.Namespace, work: Path) -> int:
    seeds, origin = prepare_seeds(args, work)
    info = tree_info(seeds)
    if info.files == 0:
        sys.exit(f"error: no .txt articles in {args.corpus}")
    runs = args.runs

    # Warm the page cache so the floors and the refreshes see the same (warm) cache.
    read_all(seeds)

    log("floors ...")
    walk(seeds)  # warm-up; the walk floor itself is timed next to (d) and (e) below
    read_all(seeds)

    # (c) cold ingest: a fresh index per run; the last one is kept for (d) and (e). Each run is
    # paired with a read-all floor measured just before it, so a machine that speeds up or
    # slows down between rounds biases neither side of the ratio.
    cold_runs = args.cold_runs or runs
    cold_times: list[float] = []
    read_times: list[float] = []
    pair_ratios: list[float] = []
    cpu_ratios: list[float] = []
    db = work / "index.sqlite"
    spent = 0.0
    for i in range(cold_runs):
        read_wall, read_cpu, _ = timed_cpu(lambda: read_all(seeds))
        read_times.append(read_wall)
        remove_db(db)
        settings = make_settings(seeds, db)
        with open_store(db) as store:
            seconds, cpu, stats = timed_cpu(lambda settings=settings, store=store: run_refresh(settings, store))
        if stats.added != info.files or stats.skipped:
            sys.exit(f"error: cold ingest added {stats.added} of {info.files} files: {stats.summary_line()}")
        cold_times.append(seconds)
        pair_ratios.append(seconds / read_wall)
        cpu_ratios.append(cpu / read_cpu)
        spent += seconds + read_wall
        log(f"cold ingest {i + 1}/{cold_runs}: {fmt_seconds(seconds)} (read-all floor {fmt_seconds(read_wall)})")
        if spent + seconds > args.cold_budget:
            break
    read_s = statistics.median(read_times)
    cold_s = statistics.median(cold_times)

    settings = make_settings(seeds, db)
    with open_store(db) as store:
        # (d) no-change refresh on the ingested index. One Store for all runs, as in the
        # long-running server; an untimed warm-up refresh opens its connection.
        def no_change_check(stats: RefreshStats) -> None:
            if stats.changed or stats.unchanged != info.files:
                sys.exit(f"error: no-change refresh changed something: {stats}")

        # (e) edit one (different) file per run, then refresh.
        files = sorted(p for p, _, _ in walk(seeds))

        def edit(i: int) -> None:
            path = files[(i * 7919 + 17) % len(files)]
            st = os.stat(path)
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"Benchmark edit number {i}.\n")
            # a clearly newer mtime even on coarse-timestamp file systems
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + (i + 1) * 1_000_000_000))

        def edit_check(stats: RefreshStats) -> None:
            if stats.updated != 1 or stats.added or stats.removed:
                sys.exit(f"error: edit-1 refresh did not update exactly one article: {stats}")

        # Rounds interleave walk floor, no-change and edit-1, so a drifting machine load (other
        # processes) biases none of the three ratios.
        log("no-change and edit-1 refreshes ...")
        run_refresh(settings, store)  # untimed warm-up
        walk_times, nochange_times, edit_times = [], [], []
        for i in range(runs):
            walk_times.append(timed(lambda: walk(seeds))[0])
            seconds, stats = timed(lambda: run_refresh(settings, store))
            no_change_check(stats)
            nochange_times.append(seconds)
            edit(i)
            seconds, stats = timed(lambda: run_refresh(settings, store))
            edit_check(stats)
            edit_times.append(seconds)
    walk_s = statistics.median(walk_times)
    nochange_s = statistics.median(nochange_times)
    edit_s = statistics.median(edit_times)

    print("\n".join(env_lines()))
    print(f"corpus:   {origin}")
    print(
        f"          {info.files:,} files, {info.bytes / 1e6:.1f} MB, {info.dirs} folder(s); scratch {seeds}"
    )
    print(f"runs:     median of {runs} (cold ingest: {len(cold_times)}); warm page cache")
    print()
    table = Table()
    table.row(f"walk floor: scandir+lstat, recursive ({runs})", walk_s)
    table.row(f"read-all floor: walk + open/read all ({len(read_times)})", read_s)
    table.row(f"cold ingest, vs read-all floor ({len(cold_times)})", cold_s, read_s)
    table.row(f"no-change refresh, vs walk floor ({runs})", nochange_s, walk_s)
    table.row(f"edit-1 refresh, vs no-change ({runs})", edit_s, nochange_s)
    table.print()
    print()
    print(
        f"cold ingest: {cold_s / info.files * 1e6:.0f} us/file, {info.files / cold_s:,.0f} files/s "
        f"(runs: {', '.join(fmt_seconds(t) for t in cold_times)})"
    )
    print(
        f"cold ingest / read-all floor, paired per round: median {statistics.median(pair_ratios):.1f}x "
        f"(rounds: {', '.join(f'{r:.1f}x' for r in pair_ratios)}); "
        f"in CPU time: median {statistics.median(cpu_ratios):.1f}x"
    )
    for name, times in (("read-all", read_times), ("walk floor", walk_times), ("no-change", nochange_times), ("edit-1", edit_times)):
        print(f"{name + ':':<12} runs {', '.join(fmt_seconds(t) for t in times)}")
    print(
        f"no-change:   {nochange_s / info.files * 1e6:.1f} us/file; walk floor {walk_s / info.files * 1e6:.1f} us/file"
    )
    sys.stdout.flush()

    if args.profile:
        profile_cold(seeds, work / "profile.sqlite", args.profile, args.profile_out, info.files)
    return 0


def profile_cold(seeds: Path, db: Path, top: int, out: Path | None, files: int) -> None:
    """One cold ingest under cProfile: the hot spots, by cumulative and by own time."""
    remove_db(db)
    settings = make_settings(seeds, db)
    profiler = cProfile.Profile()
    with open_store(db) as store:
        profiler.enable()
        stats = run_refresh(settings, store)
        profiler.disable()
    if stats.added != files:
        sys.exit(f"error: profiled ingest added {stats.added} of {files} files")
    if out is not None:
        profiler.dump_stats(out)
        log(f"profile saved to {out}")
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        ps = pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(order)
        ps.print_stats(top)
        text = buf.getvalue()
        body = text[text.find("   ncalls") :] if "   ncalls" in text else text
        print(
            f"\ncProfile of one cold ingest ({files:,} files), top {top} by {order} "
            f"(total {ps.total_tt:.2f} s under the profiler):"
        )
        print(body.rstrip())


if __name__ == "__main__":
    sys.exit(main())
