"""The parser's share of a cold ingest: this tree against the same tree with the old parser.

    python bench/bench_parse_cost.py                      # HEAD vs HEAD with e62a76c's parse/
    python bench/bench_parse_cost.py --rounds 7 --n 2000 --callgrind-every 5
    python bench/bench_parse_cost.py --rev main --old e62a76c --no-callgrind

Issue 9's target: a cold ingest stays within 1.5x of the old parser's per article
(bench_refresh.py's ratio to the read-all floor in the same run). In one run this script

1. builds two trees from git under --workdir: "new" is ``git archive REV feedsvc``; "old" is
   the same with ``feedsvc/parse/`` replaced by OLD's (e62a76c: the parser before issue 9), so
   only the parser differs. The old parser is older than the rest of the tree: the few names
   one side needs of the other are shimmed, in the old tree's copy only (SHIM_IMPORTS and
   SHIM_STUBS below; the report lists the shims applied). The product never sees them;
2. generates a corpus (bench/gencorpus.py: --n articles to measure, 100 others to warm up on)
   and runs one worker process per tree (``PYTHONPATH=<tree>``; each checks that it imports
   that tree's feedsvc). Each worker warms up with a cold ingest of the 100 warm-up articles,
   then the rounds interleave the trees (new first in odd rounds, old first in even ones). A
   round of one tree is the read-all floor (walk + open/read/close every file; the median of 5
   reads) and then a cold ingest (``run_refresh`` into a fresh index), both in CPU time
   (user + system of the worker). Per round: each tree's cold/floor ratio, and new/old;
3. when valgrind is installed, counts instructions (callgrind ``Ir``) of one cold ingest of
   every --callgrind-every-th article per tree, after the same warm-up ingest, counted only
   inside the ingest (``--toggle-collect`` on a ``functools.reduce`` around it), with
   PYTHONHASHSEED=0: other processes do not move these counts, so they are the figure to go
   by on a busy machine. Without valgrind the report says so and skips that part.

The 1-minute load is printed at the start, beside each round and at the end. Nothing is written
outside --workdir (a new temp dir, removed at the end unless --keep); the corpus comes from
../shared/corpus/bbc-seedstyle and is never copied into the repository (without it the script
says so and exits 0).
"""

from __future__ import annotations

import argparse
import ast
import functools
import io
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import DEFAULT_CORPUS
from common import REPO_ROOT
from common import env_lines
from common import log
from common import make_settings
from common import read_all
from common import remove_db
from common import timed_cpu
from common import tree_info
from gencorpus import generate

OLD_PARSER = "e62a76c"  # the last commit before issue 9's line classifier
WARM_FILES = 100
FLOOR_READS = 5  # the read-all floor of a round: the median of this many reads
TOGGLE = "*functools_reduce*"  # callgrind counts only inside functools.reduce (the C function)

# The old parser imports these from the rest of the tree, which no longer has them: rewrite the
# import in the old tree's copy to the name that does the same job now.
#   (module under feedsvc, name) -> (module to import from, relative to feedsvc.parse, its name)
SHIM_IMPORTS: dict[tuple[str, str], tuple[str, str]] = {
    ("model", "blocks_html"): ("..publish.html", "body_html"),
}
# The rest of the tree imports these from feedsvc.parse[.module], and the old parser has no such
# thing: define them in the old tree's copy. (module under feedsvc.parse, "" for the package;
# name) -> source appended to that module.
SHIM_STUBS: dict[tuple[str, str], str] = {
    # The fingerprint of the parser's data files, part of the rules key (refresh/rules.py); the
    # old parser ships no data files.
    ("", "data_fingerprint"): (
        "\n\ndef data_fingerprint() -> str:  # bench_parse_cost.py shim\n"
        '    return "old-parser"\n'
    ),
}


# --------------------------------------------------------------------------- the two trees


def git(*args: str) -> bytes:
    return subprocess.run(["git", "-C", str(REPO_ROOT), *args], check=True, capture_output=True).stdout


def extract(rev: str, path: str, dest: Path) -> None:
    """``git archive REV PATH`` unpacked under ``dest``."""
    with tarfile.open(fileobj=io.BytesIO(git("archive", "--format=tar", rev, path))) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4+
            tar.extractall(dest, filter="data")
        else:  # pragma: no cover - our own repository's archive
            tar.extractall(dest)


def top_level_names(source: str) -> set[str]:
    """Names a module defines at its top level (defs, classes, assignments, imports)."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def module_file(tree: Path, dotted: list[str]) -> Path | None:
    base = tree.joinpath(*dotted)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imports_from(tree: Path, path: Path) -> Iterator[tuple[ast.ImportFrom, list[str], str]]:
    """(node, absolute module as parts, name) of each relative ``from ... import name`` in ``path``."""
    package = list(path.relative_to(tree).parent.parts)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            module = base + (node.module.split(".") if node.module else [])
            for alias in node.names:
                yield node, module, alias.name


@dataclass(frozen=True)
class Trees:
    new: Path
    old: Path
    new_commit: str
    old_commit: str
    shims: tuple[str, ...]  #: what was changed in the old tree's copy, one line each
    unshimmed: tuple[str, ...]  #: imports of the old parser nobody the bench runs needs


def build_trees(rev: str, old_rev: str, work: Path) -> Trees:
    new_commit = git("rev-parse", "--verify", f"{rev}^{{commit}}").decode().strip()
    old_commit = git("rev-parse", "--verify", f"{old_rev}^{{commit}}").decode().strip()
    new, old = work / "tree-new", work / "tree-old"
    extract(new_commit, "feedsvc", new)
    extract(new_commit, "feedsvc", old)
    shutil.rmtree(old / "feedsvc" / "parse")
    extract(old_commit, "feedsvc/parse", old)
    shims: list[str] = []
    unshimmed: list[str] = []

    # (a) what the old parser imports from the rest of the (new) tree
    for path in sorted((old / "feedsvc" / "parse").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        changed = False
        for node, module, name in list(imports_from(old, path)):
            if module[:2] == ["feedsvc", "parse"]:
                continue
            target = module_file(old, module)
            if target is not None and name in top_level_names(target.read_text(encoding="utf-8")):
                continue
            key = (".".join(module[1:]), name)
            if key not in SHIM_IMPORTS or len(node.names) != 1 or node.end_lineno is None:
                sys.exit(
                    f"error: the old parser's {path.relative_to(old)} imports {name} from "
                    f"{'.'.join(module)}, which {rev} lacks: add a shim to SHIM_IMPORTS"
                )
            src_module, src_name = SHIM_IMPORTS[key]
            alias = node.names[0].asname or name
            lines[node.lineno - 1] = f"from {src_module} import {src_name} as {alias}  # bench shim\n"
            for i in range(node.lineno, node.end_lineno):
                lines[i] = ""
            changed = True
            shims.append(
                f"{path.relative_to(old)}: {'.'.join(module)}.{name} -> "
                f"{src_module.lstrip('.')}.{src_name} (gone from {rev})"
            )
        if changed:
            path.write_text("".join(lines), encoding="utf-8")

    # (b) what the rest of the tree imports from the parser
    for path in sorted((old / "feedsvc").rglob("*.py")):
        if path.is_relative_to(old / "feedsvc" / "parse"):
            continue
        for _node, module, name in imports_from(old, path):
            if module[:2] != ["feedsvc", "parse"]:
                continue
            target = module_file(old, module)
            if target is not None and name in top_level_names(target.read_text(encoding="utf-8")):
                continue
            where = f"{path.relative_to(old)} imports {'.'.join(module)}.{name}"
            key = (".".join(module[2:]), name)
            if key in SHIM_STUBS and target is not None:
                with target.open("a", encoding="utf-8") as f:
                    f.write(SHIM_STUBS[key])
                shims.append(f"{where}: stub in {target.relative_to(old)}")
            else:
                unshimmed.append(f"{where} (not shimmed: the bench does not import it)")
    return Trees(new, old, new_commit, old_commit, tuple(shims), tuple(dict.fromkeys(unshimmed)))


# --------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Corpus:
    seeds: Path  #: the --n articles the rounds ingest
    warm: Path  #: WARM_FILES other articles, the warm-up ingest
    sample: Path  #: every k-th of ``seeds`` (hard links), for callgrind
    files: int
    sample_files: int
    megabytes: float


def make_corpus(src: Path, n: int, every: int, work: Path) -> Corpus:
    gen = work / "generated"
    log(f"generating {n:,} + {WARM_FILES} articles from {src} ...")
    generate(n + WARM_FILES, gen, src=src, per_dir=100)
    seeds, warm, sample = work / "seeds", work / "warm", work / "sample"
    for root in (seeds, warm, sample):
        root.mkdir()
    for path in sorted(gen.rglob("*.txt")):
        i = int(path.name.split("_", 1)[0])  # gencorpus names files <index>_<source stem>.txt
        dest = (seeds if i < n else warm) / path.relative_to(gen)
        dest.parent.mkdir(exist_ok=True)
        path.rename(dest)
        if i < n and i % every == 0:
            link = sample / path.relative_to(gen)
            link.parent.mkdir(exist_ok=True)
            os.link(dest, link)
    shutil.rmtree(gen)
    info = tree_info(seeds)
    return Corpus(seeds, warm, sample, info.files, tree_info(sample).files, info.bytes / 1e6)


# --------------------------------------------------------------------------- workers


def worker_env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)
    env["PYTHONHASHSEED"] = "0"  # the same dict and set orders in every run: steady counts
    return env


def worker_args(mode: str, tree: Path, corpus: Corpus, work: Path, name: str) -> list[str]:
    return [
        sys.executable, str(Path(__file__).resolve()), "--worker", mode, "--tree", str(tree),
        "--seeds", str(corpus.sample if mode == "callgrind" else corpus.seeds),
        "--warm", str(corpus.warm), "--workdir", str(work / f"db-{name}"),
    ]  # fmt: skip


class Worker:
    """A worker process over one tree: started, warmed up, then one JSON line per round."""

    def __init__(self, name: str, tree: Path, corpus: Corpus, work: Path) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            worker_args("cpu", tree, corpus, work, name),
            env=worker_env(tree), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.ready = self._reply()

    def _reply(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            sys.exit(f"error: the {self.name} tree's worker exited ({self.proc.wait()}); see its stderr above")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def round(self) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write("round\n")
        self.proc.stdin.flush()
        return self._reply()

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def worker_main(args: argparse.Namespace) -> int:
    """In the worker: import the tree's feedsvc, warm up, then rounds (cpu) or one counted
    ingest (callgrind)."""
    import feedsvc
    from feedsvc.refresh import run_refresh
    from feedsvc.store import open_store

    tree = args.tree.resolve()
    if not Path(feedsvc.__file__).resolve().is_relative_to(tree):
        sys.exit(f"error: the worker imported {feedsvc.__file__}, not the feedsvc of {tree}")
    logging.basicConfig(level="WARNING", format="%(levelname)s %(name)s: %(message)s")
    args.workdir.mkdir(parents=True, exist_ok=True)
    files = tree_info(args.seeds).files

    def ingest(seeds: Path, db: Path, expect: int) -> None:
        remove_db(db)
        settings = make_settings(seeds, db)
        with open_store(db) as store:
            stats = run_refresh(settings, store)
        if stats.added != expect or stats.skipped or stats.deferred:
            sys.exit(f"error: cold ingest of {seeds} added {stats.added} of {expect}: {stats.summary_line()}")

    # Module imports, the parser's data files, compiled patterns: not part of any figure.
    ingest(args.warm, args.workdir / "warm.sqlite", tree_info(args.warm).files)
    db = args.workdir / "index.sqlite"
    if args.worker == "callgrind":
        # callgrind counts only inside functools.reduce: exactly this one call of ingest
        functools.reduce(lambda _acc, _item: ingest(args.seeds, db, files), [None], None)
        return 0

    parser_modules = sorted(p.stem for p in Path(feedsvc.__file__).parent.joinpath("parse").glob("*.py"))
    print(json.dumps({"feedsvc": feedsvc.__file__, "parse": parser_modules}), flush=True)
    for command in sys.stdin:
        if command.strip() != "round":
            continue
        reads = [timed_cpu(lambda: read_all(args.seeds))[:2] for _ in range(FLOOR_READS)]
        wall, cpu, _ = timed_cpu(lambda: ingest(args.seeds, db, files))
        floor = {"read_wall": statistics.median(w for w, _ in reads), "read_cpu": statistics.median(c for _, c in reads)}
        print(json.dumps({**floor, "wall": wall, "cpu": cpu}), flush=True)
    return 0


def callgrind(valgrind: str, name: str, tree: Path, corpus: Corpus, work: Path) -> int:
    """Instructions (Ir) of one cold ingest of the sample, counted inside the reduce only."""
    out = work / f"callgrind-{name}.out"
    cmd = [
        valgrind, "--tool=callgrind", f"--toggle-collect={TOGGLE}", f"--callgrind-out-file={out}",
        *worker_args("callgrind", tree, corpus, work, f"cg-{name}"),
    ]  # fmt: skip
    done = subprocess.run(cmd, env=worker_env(tree), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: callgrind run of the {name} tree failed ({done.returncode}):\n{done.stderr[-3000:]}")
    for line in out.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("summary:") or line.startswith("totals:"):
            return int(line.split()[1])
    sys.exit(f"error: no instruction total in {out}")


# --------------------------------------------------------------------------- the run


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """median (min-max)"""
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rev", default="HEAD", help="the tree to measure (default HEAD: committed work only)")
    p.add_argument("--old", default=OLD_PARSER, help=f"the commit whose feedsvc/parse/ is the old parser (default {OLD_PARSER})")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"source of the generated articles (default {DEFAULT_CORPUS})")
    p.add_argument("--n", type=int, default=2000, help="generated articles per cold ingest (default 2000)")
    p.add_argument("--rounds", type=int, default=7, help="interleaved rounds per tree (default 7)")
    p.add_argument("--callgrind-every", type=int, default=5, metavar="K", help="callgrind ingests every K-th article (default 5)")
    p.add_argument("--no-callgrind", action="store_true", help="skip the instruction counts")
    p.add_argument("--workdir", type=Path, help="scratch folder (default: a new temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the scratch folder")
    # the worker processes (internal)
    p.add_argument("--worker", choices=("cpu", "callgrind"), help=argparse.SUPPRESS)
    p.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--seeds", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--warm", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.n < 1 or args.rounds < 1 or args.callgrind_every < 1:
        p.error("--n, --rounds and --callgrind-every must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker_main(args)
    src = args.corpus.resolve()
    if not src.is_dir():
        print(f"skipped: no source corpus at {src} (pass --corpus DIR)")
        return 0
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="feedsvc-parse-cost-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        return run(args, src, work)
    finally:
        if args.keep:
            log(f"kept scratch folder {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        log(f"total wall time {time.perf_counter() - started:.1f} s")


def run(args: argparse.Namespace, src: Path, work: Path) -> int:
    print("\n".join(env_lines()))
    print(f"load:     {loadavg()} (1, 5, 15 min) at the start")
    trees = build_trees(args.rev, args.old, work)
    print(f"new:      {args.rev} = {trees.new_commit[:10]} (git archive, feedsvc/)")
    print(f"old:      the same with feedsvc/parse/ of {args.old} = {trees.old_commit[:10]}")
    for shim in trees.shims:
        print(f"  shim:   {shim}")
    for note in trees.unshimmed:
        print(f"  note:   {note}")
    corpus = make_corpus(src, args.n, args.callgrind_every, work)
    print(
        f"corpus:   {corpus.files:,} generated articles ({corpus.megabytes:.1f} MB) from {src.name}; "
        f"warm-up ingest: {WARM_FILES} others"
    )
    sys.stdout.flush()

    log("starting the workers (imports, warm-up ingest) ...")
    workers = {name: Worker(name, tree, corpus, work) for name, tree in (("new", trees.new), ("old", trees.old))}
    if workers["new"].ready["parse"] == workers["old"].ready["parse"]:
        log("warning: both trees have the same parse/ modules: is --rev older than the classifier?")
    for name, w in workers.items():
        print(f"parse/:   {name}: {', '.join(w.ready['parse'])}")
    rows: list[dict[str, Any]] = []
    try:
        for r in range(args.rounds):
            order = ("new", "old") if r % 2 == 0 else ("old", "new")
            load = loadavg().split()[0]
            got = {}
            for name in order:
                got[name] = workers[name].round()
            rows.append({"order": order, "load": load, **got})
            ratio = {k: got[k]["cpu"] / got[k]["read_cpu"] for k in ("new", "old")}
            log(
                f"round {r + 1}/{args.rounds} (load {load}): new {ratio['new']:.1f}x, old {ratio['old']:.1f}x "
                f"the read-all floor in CPU time; new/old {ratio['new'] / ratio['old']:.2f}"
            )
    finally:
        for w in workers.values():
            w.close()

    print()
    print(f"CPU time, {args.rounds} interleaved rounds (a cold ingest of {corpus.files:,} articles per tree per round)")
    print()
    head = ("round", "load", "floor new", "floor old", "new us/file", "old us/file", "new/floor", "old/floor", "new/old")
    print(" | ".join(head))
    print("-|-".join("-" * len(h) for h in head))
    per: dict[str, list[float]] = {k: [] for k in ("new_ratio", "old_ratio", "rr", "cpu_rr", "wall_rr", "new_us", "old_us")}
    for i, row in enumerate(rows):
        new, old = row["new"], row["old"]
        nr, orr = new["cpu"] / new["read_cpu"], old["cpu"] / old["read_cpu"]
        per["new_ratio"].append(nr)
        per["old_ratio"].append(orr)
        per["rr"].append(nr / orr)
        per["cpu_rr"].append(new["cpu"] / old["cpu"])
        per["wall_rr"].append(new["wall"] / old["wall"])
        per["new_us"].append(new["cpu"] / corpus.files * 1e6)
        per["old_us"].append(old["cpu"] / corpus.files * 1e6)
        print(
            f"{i + 1} ({row['order'][0]} first) | {row['load']} | {new['read_cpu'] * 1e3:.1f} ms | "
            f"{old['read_cpu'] * 1e3:.1f} ms | {per['new_us'][-1]:.0f} | {per['old_us'][-1]:.0f} | "
            f"{nr:.1f}x | {orr:.1f}x | {nr / orr:.2f}"
        )
    print()
    print("median (min-max) over the rounds:")
    print(f"  cold ingest / read-all floor, CPU: new parser {spread(per['new_ratio'], '{:.1f}x')}, old parser {spread(per['old_ratio'], '{:.1f}x')}")
    print(f"  new/old of those ratios (per round):    {spread(per['rr'])}   <- issue 9: <= 1.5")
    print(f"  new/old of the cold ingest's CPU time:  {spread(per['cpu_rr'])} (floors aside)")
    print(f"  new/old of the cold ingest's wall time: {spread(per['wall_rr'])} (other processes move it most)")
    print(f"  CPU per article: new {spread(per['new_us'], '{:.0f}')} us, old {spread(per['old_us'], '{:.0f}')} us")
    sys.stdout.flush()

    print()
    valgrind = shutil.which("valgrind")
    if args.no_callgrind:
        print("instructions: skipped (--no-callgrind)")
    elif valgrind is None:
        print("instructions: skipped: valgrind is not installed (e.g. apt-get install valgrind)")
    else:
        counts = {}
        for name, tree in (("new", trees.new), ("old", trees.old)):
            log(f"callgrind: cold ingest of {corpus.sample_files} articles, {name} tree ...")
            t0 = time.perf_counter()
            counts[name] = callgrind(valgrind, name, tree, corpus, work)
            log(f"  {counts[name]:,} instructions ({time.perf_counter() - t0:.0f} s)")
        k = corpus.sample_files
        print(
            f"instructions (callgrind Ir), one cold ingest of every {args.callgrind_every}th article "
            f"({k:,} files), per file:"
        )
        print(
            f"  new parser {counts['new'] / k / 1e3:,.0f} k, old parser {counts['old'] / k / 1e3:,.0f} k, "
            f"new/old {counts['new'] / counts['old']:.2f}   <- issue 9: <= 1.5"
        )
        print(f"  (totals: new {counts['new']:,}, old {counts['old']:,})")
    print()
    print(f"load:     {loadavg()} (1, 5, 15 min) at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
