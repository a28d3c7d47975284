"""Crash safety: SIGKILL `feedsvc refresh` at random moments; the index must never suffer.

A seeded random.Random picks each kill: most land while the refresh is writing (a moment after
its first "added"/"updated" log line), the rest anywhere from process start (imports, schema
migration, the walk). Between kills the seeds dir changes (adds, edits, deletes). After every
kill: ``PRAGMA integrity_check`` is "ok", no article whose file still exists has gone, and no
id, guid, slug or published date has moved. After the last, one clean refresh converges to the
folder exactly. KILLS is the number of kills survived.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from server_utils import write_config

KILLS = 20
BUDGET = 60.0  # seconds: stop early (and say so) on a very slow machine
ARTICLES = 300


def text(n: int, version: int) -> str:
    para = f"Story {n} is about item {n}, version {version}. It has a second sentence, too. "
    return f"Title: Story {n}\n\n" + para * 8 + "\n" + f"Closing line {version}.\n"


def relpath(n: int) -> str:
    return f"section-{n % 6}/story-{n:04d}.txt"


def published(db: Path) -> dict[str, tuple[str, str, str, str]]:
    """id -> (guid, slug, published, path), read with plain sqlite3 (no feedsvc code)."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute(
            "SELECT a.id, i.guid, i.slug, a.published, a.path FROM articles a JOIN identities i USING (id)"
        ).fetchall()
    finally:
        conn.close()
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def start_refresh(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "feedsvc", "--config", str(config), "-v", "refresh", "--no-progress"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    )  # fmt: skip


def kill_at_random(proc: subprocess.Popen[str], rng: random.Random) -> tuple[str, bool]:
    """SIGKILL ``proc`` at a random moment; returns when, and whether it was still running."""
    assert proc.stderr is not None
    if rng.random() < 0.3:
        delay = rng.uniform(0.0, 0.3)  # anywhere from the start: imports, migration, the walk
        time.sleep(delay)
        when = f"{delay * 1000:.0f} ms after start"
    else:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # wait for the refresh to start writing
            line = proc.stderr.readline()
            if not line or "feedsvc.refresh" in line:
                break
        delay = rng.uniform(0.0, 0.05)  # a refresh of a few hundred changes writes for ~50-100 ms
        time.sleep(delay)
        when = f"{delay * 1000:.0f} ms into the writes"
    os.kill(proc.pid, signal.SIGKILL)  # a process that already exited is a zombie: no error
    proc.wait(timeout=10)
    proc.stderr.close()
    return when, proc.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_sigkill_never_corrupts_or_loses(tmp_path: Path) -> None:
    rng = random.Random(20250303)
    seeds = tmp_path / "seeds"
    versions: dict[int, int] = {}
    for n in range(ARTICLES):
        path = seeds / relpath(n)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text(n, 0), "utf-8")
        versions[n] = 0
    config = write_config(tmp_path)
    db = tmp_path / "var" / "index.sqlite"
    next_n = ARTICLES
    identities: dict[str, tuple[str, str, str]] = {}  # every id ever published -> (guid, slug, published)
    ever = {relpath(n) for n in versions}

    started = time.monotonic()
    kills = 0
    landed = 0  # kills that found the refresh still running
    while kills < KILLS and time.monotonic() - started < BUDGET:
        before = published(db) if db.exists() else {}
        when, running = kill_at_random(start_refresh(config), rng)
        kills += 1
        landed += running
        after = published(db) if db.exists() else {}
        context = f"kill {kills}, {when}"
        for article_id, (_, _, _, source) in before.items():
            if (seeds / source).exists():
                assert article_id in after, f"{context}: {article_id} was lost"
        for article_id, (guid, slug, date, source) in after.items():
            assert source in ever, f"{context}: {source} was never a file"
            assert identities.setdefault(article_id, (guid, slug, date)) == (guid, slug, date), context

        # Change the folder before the next kill: new files, edits, deletes.
        for _ in range(rng.randint(1, 10)):
            versions[next_n] = 0
            (seeds / relpath(next_n)).write_text(text(next_n, 0), "utf-8")
            ever.add(relpath(next_n))
            next_n += 1
        for n in rng.sample(sorted(versions), k=min(len(versions), rng.randint(20, 150))):
            versions[n] += 1
            (seeds / relpath(n)).write_text(text(n, versions[n]), "utf-8")
        for n in rng.sample(sorted(versions), k=rng.randint(0, 10)):
            (seeds / relpath(n)).unlink()
            del versions[n]

    print(f"{kills} kills survived, {landed} of them while the refresh was running")
    assert kills >= 15, f"only {kills} kills fitted in {BUDGET}s"
    assert landed >= kills // 2, f"only {landed} of {kills} kills hit a running refresh"
    clean = subprocess.run(
        [sys.executable, "-m", "feedsvc", "--config", str(config), "refresh", "--no-progress"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert clean.returncode == 0, clean.stderr
    final = published(db)
    assert {path for (_, _, _, path) in final.values()} == {relpath(n) for n in versions}
    assert set(final) == {"path:" + relpath(n).removesuffix(".txt") for n in versions}  # ids have no suffix
    for article_id, (guid, slug, date, _) in final.items():
        assert identities.setdefault(article_id, (guid, slug, date)) == (guid, slug, date), article_id
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM skipped").fetchone() == (0,)
        bodies = dict(conn.execute("SELECT path, blocks FROM articles").fetchall())
    finally:
        conn.close()
    for n, version in versions.items():  # every article shows its file's latest version
        assert f"Closing line {version}." in bodies[relpath(n)], relpath(n)
