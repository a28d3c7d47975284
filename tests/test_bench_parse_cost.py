"""bench/bench_parse_cost.py's "old parser" tree still runs as the product moves on.

The bench swaps feedsvc/parse/ for e62a76c's and shims, in that copy only, the names the two
sides no longer share. A change elsewhere in the tree can open a new gap; this catches it in
the suite rather than at the next measurement. Skips without git or without that commit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

# Runs in a worker with PYTHONPATH=<tree>: a cold ingest of a small folder, then what it published.
INGEST = """
import json, sys
from pathlib import Path
import feedsvc
from feedsvc.config import Settings, validate
from feedsvc.refresh import run_refresh
from feedsvc.store import open_store
seeds, db = Path(sys.argv[1]), Path(sys.argv[2])
settings = validate(Settings(seeds_dir=seeds, db_path=db), "test")
with open_store(db) as store:
    stats = run_refresh(settings, store)
print(json.dumps({"file": feedsvc.__file__, "added": stats.added, "skipped": len(stats.skipped)}))
"""


def _has_commit(rev: str) -> bool:
    if shutil.which("git") is None:
        return False
    done = subprocess.run(
        ["git", "-C", str(BENCH.parent), "cat-file", "-e", f"{rev}^{{commit}}"], capture_output=True
    )
    return done.returncode == 0


@pytest.fixture(scope="module")
def bench_module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        import bench_parse_cost
    finally:
        sys.path.remove(str(BENCH))
    if not _has_commit(bench_parse_cost.OLD_PARSER) or not _has_commit("HEAD"):
        pytest.skip("needs git and the commit of the old parser in this checkout's history")
    return bench_parse_cost


def test_old_parser_tree_ingests(bench_module, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    trees = bench_module.build_trees("HEAD", bench_module.OLD_PARSER, tmp_path)
    old_parse = sorted(p.name for p in (trees.old / "feedsvc" / "parse").glob("*.py"))
    new_parse = sorted(p.name for p in (trees.new / "feedsvc" / "parse").glob("*.py"))
    listed = subprocess.run(
        ["git", "-C", str(BENCH.parent), "ls-tree", "--name-only", f"{trees.old_commit}:feedsvc/parse"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert old_parse == sorted(n for n in listed if n.endswith(".py"))
    assert old_parse != new_parse  # the swap happened: the trees differ in their parser
    # only the parser differs: every other file of the old tree is the new tree's
    for path in (trees.new / "feedsvc").rglob("*.py"):
        rel = path.relative_to(trees.new)
        if rel.parts[1] != "parse":
            assert (trees.old / rel).read_bytes() == path.read_bytes(), rel

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "one.txt").write_text(
        "Title: Ferry service resumes\n\nThe ferry service between the two islands resumed on Monday.\n"
        "Passengers had waited three weeks for the repairs to finish.\n",
        encoding="utf-8",
    )
    (seeds / "two.txt").write_text(
        "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen.\nDie Opposition stimmte dagegen.\n",
        encoding="utf-8",
    )
    for name, tree in (("new", trees.new), ("old", trees.old)):
        env = {**os.environ, "PYTHONPATH": str(tree)}
        done = subprocess.run(
            [sys.executable, "-c", INGEST, str(seeds), str(tmp_path / f"{name}.sqlite")],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, (
            f"bench_parse_cost.py's {name} tree no longer ingests; if a name the old parser lacks or "
            f"needs is missing, add a shim to SHIM_STUBS or SHIM_IMPORTS there:\n{done.stderr[-2000:]}"
        )
        got = json.loads(done.stdout.splitlines()[-1])
        assert Path(got["file"]).resolve().is_relative_to(tree.resolve())
        assert (got["added"], got["skipped"]) == (2, 0), name
