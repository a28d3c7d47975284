"""Faults around the service: a full or locked index, a vanished seeds dir, a config broken on
reload, a refresh that throws inside the real scheduler. The feeds keep serving the last good
state, nothing is corrupted or removed, and everything recovers when the fault goes away.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
from conftest import FIXED_NOW
from flask.testing import FlaskClient

from feedsvc.config import Settings
from feedsvc.config import load_settings
from feedsvc.errors import ConfigError
from feedsvc.errors import StoreError
from feedsvc.model import RefreshStats
from feedsvc.refresh import run_refresh
from feedsvc.serve import RefreshRunner
from feedsvc.serve import build_scheduler
from feedsvc.sources import SeedsDirError
from feedsvc.store import Store
from feedsvc.store import open_store
from feedsvc.store.sqlite import SQLiteStore
from feedsvc.web import create_app

Served = tuple[FlaskClient, dict[str, tuple[int, bytes, str | None]]]
ROUTES = ("/atom.xml", "/rss.xml", "/feed.json", "/", "/articles/council-bike-lanes")
NEW = "Title: Published after the fault\n\nThis article arrives once the fault is gone.\n"


def snapshot(client: FlaskClient) -> dict[str, tuple[int, bytes, str | None]]:
    out = {}
    for path in ROUTES:
        r = client.get(path)
        out[path] = (r.status_code, r.get_data(), r.headers.get("ETag"))
    return out


def integrity_ok(db: Path) -> bool:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


@pytest.fixture
def served(settings: Settings, store: Store) -> Served:
    """An app that has rendered the good state once, and that state."""
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    client = create_app(settings, store=store).test_client()
    good = snapshot(client)
    assert all(status == 200 for status, _, _ in good.values())
    return client, good


@pytest.fixture
def writer(settings: Settings) -> Iterator[Store]:
    """The refresh's own Store, like the scheduler thread's in `feedsvc serve`."""
    with open_store(settings) as s:
        yield s


# ---------------------------------------------------------------------------- (a) the index cannot be written


def _transaction_raises(monkeypatch: pytest.MonkeyPatch, writer: SQLiteStore) -> Callable[[], None]:
    def broken(self: SQLiteStore) -> None:
        raise StoreError("cannot commit the refresh: database or disk is full")

    monkeypatch.setattr(SQLiteStore, "transaction", broken)
    return monkeypatch.undo


def _sqlite_disk_full(monkeypatch: pytest.MonkeyPatch, writer: SQLiteStore) -> Callable[[], None]:
    # A real SQLITE_FULL from SQLite itself: the index may not grow by a single page.
    (pages,) = writer.conn.execute("PRAGMA page_count").fetchone()
    writer.conn.execute(f"PRAGMA max_page_count = {pages}")

    def heal() -> None:
        writer.conn.execute("PRAGMA max_page_count = 1073741823")

    return heal


@pytest.mark.backends("sqlite")  # SQLite's own faults: a full file, a locked file, a broken connection
@pytest.mark.parametrize("fault", [_transaction_raises, _sqlite_disk_full], ids=["StoreError", "SQLITE_FULL"])
def test_unwritable_index_keeps_the_last_good_state_and_recovers(
    settings: Settings, served: Served, writer: Store, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, fault: Callable[..., Callable[[], None]],
) -> None:  # fmt: skip
    client, good = served
    for n in range(30):  # enough new text that the index has to grow
        (settings.seeds_dir / f"new-{n:02d}.txt").write_text(NEW + "More words. " * 100, "utf-8")
    runner = RefreshRunner(lambda: run_refresh(settings, writer))
    heal = fault(monkeypatch, writer)

    caplog.set_level(logging.INFO)
    assert runner.run() is None
    assert runner.last_error is not None
    assert any(r.levelno == logging.ERROR and r.name == "feedsvc.serve.scheduler" for r in caplog.records)
    assert snapshot(client) == good  # same bytes, same ETags
    assert client.get("/healthz").status_code == 200
    assert integrity_ok(settings.db_path)

    heal()
    stats = runner.run()
    assert stats is not None and stats.added == 30 and runner.last_error is None
    assert snapshot(client)["/atom.xml"][1] != good["/atom.xml"][1]
    assert b"Published after the fault" in client.get("/feed.json").get_data()


@pytest.mark.backends("sqlite")  # SQLite's own faults: a full file, a locked file, a broken connection
def test_a_full_disk_is_a_store_error(settings: Settings, writer: SQLiteStore) -> None:
    run_refresh(settings, writer, now=lambda: FIXED_NOW)
    for n in range(30):
        (settings.seeds_dir / f"new-{n:02d}.txt").write_text(NEW + "More words. " * 100, "utf-8")
    (pages,) = writer.conn.execute("PRAGMA page_count").fetchone()
    writer.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError, match="full"):
        run_refresh(settings, writer)
    assert writer.count() == 2 and integrity_ok(settings.db_path)


@pytest.mark.backends("sqlite")  # SQLite's own faults: a full file, a locked file, a broken connection
def test_an_unreadable_index_serves_the_last_good_state(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, good = served

    def unreadable(self: SQLiteStore) -> sqlite3.Connection:
        raise StoreError("cannot read the index: disk I/O error")

    monkeypatch.setattr(SQLiteStore, "conn", property(unreadable))  # every query of every thread fails
    assert snapshot(client) == good  # the feeds and the pages already rendered
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] == "error"
    other = client.get("/?page=2")  # never rendered: an HTML error page, not a 500
    assert other.status_code in (404, 503) and other.mimetype == "text/html"
    monkeypatch.undo()
    assert client.get("/healthz").status_code == 200


# ---------------------------------------------------------------------------- (b) a locked index


@contextmanager
def exclusive_lock(db: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(db, isolation_level=None, timeout=5)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@pytest.mark.backends("sqlite")  # SQLite's own faults: a full file, a locked file, a broken connection
def test_a_locked_index_is_a_store_error_and_nothing_changes(settings: Settings, served: Served) -> None:
    client, good = served
    (settings.seeds_dir / "new.txt").write_text(NEW, "utf-8")
    with SQLiteStore(settings.db_path, timeout=0.2) as impatient, exclusive_lock(settings.db_path):
        started = time.monotonic()
        with pytest.raises(StoreError, match="locked"):
            run_refresh(settings, impatient)
        assert time.monotonic() - started < 5
        assert snapshot(client) == good  # readers are not blocked (WAL)
    assert integrity_ok(settings.db_path)
    with open_store(settings) as s:
        assert s.count() == 2
        assert run_refresh(settings, s).added == 1


@pytest.mark.backends("sqlite")  # SQLite's own faults: a full file, a locked file, a broken connection
def test_a_refresh_waits_for_a_short_lock(settings: Settings, served: Served) -> None:
    client, good = served
    (settings.seeds_dir / "new.txt").write_text(NEW, "utf-8")
    locked = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with exclusive_lock(settings.db_path):
            locked.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(5)
    threading.Timer(0.3, release.set).start()
    with SQLiteStore(settings.db_path, timeout=5) as patient:
        stats = run_refresh(settings, patient)  # waits for the lock, then does its work
    holder.join(5)
    assert stats.added == 1
    assert snapshot(client)["/feed.json"] != good["/feed.json"]
    assert integrity_ok(settings.db_path)


# ---------------------------------------------------------------------------- (c) the seeds dir goes away


@pytest.mark.parametrize("how", ["deleted", "renamed", "replaced-by-a-file"])
def test_a_missing_seeds_dir_removes_nothing_and_comes_back(
    settings: Settings, served: Served, writer: Store, tmp_path: Path,
    caplog: pytest.LogCaptureFixture, how: str,
) -> None:  # fmt: skip
    client, good = served
    seeds = settings.seeds_dir
    backup = tmp_path / "seeds-backup"
    shutil.copytree(seeds, backup)
    if how == "renamed":
        seeds.rename(tmp_path / "elsewhere")
    else:
        shutil.rmtree(seeds)
        if how == "replaced-by-a-file":
            seeds.write_text("not a folder", "utf-8")

    with pytest.raises(SeedsDirError):
        run_refresh(settings, writer)
    runner = RefreshRunner(lambda: run_refresh(settings, writer))
    assert runner.run() is None and "seeds" in (runner.last_error or "")
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    assert writer.count() == 2
    assert snapshot(client) == good

    if seeds.is_file():
        seeds.unlink()
    shutil.copytree(backup, seeds, dirs_exist_ok=True)
    (seeds / "new.txt").write_text(NEW, "utf-8")
    stats = runner.run()
    assert stats is not None and (stats.added, stats.removed) == (1, 0)
    assert runner.last_error is None


# ---------------------------------------------------------------------------- (d) a config broken on reload


BAD_CONFIGS = {
    "invalid-toml": '[seeds\ndir = "seeds"\n',
    "truncated": '[seeds]\ndir = "se',
    "unknown-section": "[sedes]\ndir = 1\n",
    "unknown-key": "[feed]\nmax_itemz = 3\n",
    "key-with-newline": '[feed]\n"max\\nitems" = 3\n',
    "section-with-newline": '["fe\\ned"]\nx = 1\n',
    "key-with-escape": '[feed]\n"\\u001b[2Jitems" = 3\n',
    "wrong-type": '[feed]\nmax_items = "ten"\n',
    "zero": "[feed]\nmax_items = 0\n",
    "bool-for-int": "[server]\nport = true\n",
    "port-too-big": "[server]\nport = 70000\n",
    "huge-interval": "[refresh]\ninterval_seconds = 100000000000000000000\n",
    "huge-threads": "[server]\nthreads = 100000000000\n",
    "nan-lock-timeout": "[refresh]\nlock_timeout = nan\n",
    "negative-lock-timeout": "[refresh]\nlock_timeout = -1\n",
    "bad-regex": '[parse]\nextra_debris = ["(unclosed"]\n',
    "regex-not-string": "[parse]\nextra_debris = [1]\n",
    "bad-timezone": '[site]\ntimezone = "Mars/Olympus"\n',
    "bad-base-url": '[site]\nbase_url = "javascript:alert(1)"\n',
    "base-url-with-newline": '[site]\nbase_url = "http://example.org/\\n"\n',
    "nul-in-seeds-path": '[seeds]\ndir = "se\\u0000eds"\n',
    "short-token": '[refresh]\ntoken = "short"\n',
    "section-not-table": 'seeds = "x"\n',
    "not-utf-8": None,
}


@pytest.mark.parametrize("name", list(BAD_CONFIGS))
def test_a_config_broken_on_reload_is_a_one_line_config_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[seeds]\ndir = "seeds"\n[feed]\nmax_items = 5\n', "utf-8")
    assert load_settings(path).max_items == 5
    text = BAD_CONFIGS[name]
    if text is None:
        path.write_bytes(b'[site]\ntitle = "caf\xe9"\n')
    else:
        path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert message.isprintable(), repr(message)  # one line, no raw control characters


@pytest.mark.parametrize("how", ["deleted", "directory"])
def test_a_config_file_gone_on_reload(tmp_path: Path, how: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[seeds]\ndir = "seeds"\n', "utf-8")
    load_settings(path)
    path.unlink()
    if how == "directory":
        path.mkdir()
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


# ---------------------------------------------------------------------------- (e) exceptions in the real scheduler


@pytest.mark.slow
def test_exceptions_never_stop_the_scheduler_and_runs_never_overlap(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    lock = threading.Lock()
    state = {"calls": 0, "running": 0, "max_running": 0}

    def flaky() -> RefreshStats:
        with lock:
            state["calls"] += 1
            state["running"] += 1
            state["max_running"] = max(state["max_running"], state["running"])
            call = state["calls"]
        try:
            time.sleep(0.05)  # long enough for a second run to overlap, if anything allowed it
            if call == 1:
                raise StoreError("cannot commit the refresh: disk I/O error")
            if call == 2:
                raise RuntimeError("a bug in a refresh")
            return RefreshStats(added=1)
        finally:
            with lock:
                state["running"] -= 1

    runner = RefreshRunner(flaky)
    scheduler = build_scheduler(settings.with_overrides(interval_seconds=1), runner,
                                first_run=datetime.now(UTC))  # fmt: skip
    scheduler.start()
    try:
        deadline = time.monotonic() + 3.5
        while state["calls"] < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert state["calls"] >= 3, state  # two failures, then the interval fired again
        assert scheduler.running and scheduler.get_job("refresh") is not None

        # Now ask for refreshes from several threads at once (the watcher, POST /refresh...).
        def hammer() -> None:
            end = time.monotonic() + 0.5
            while time.monotonic() < end:
                runner.request()
                runner.run()

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(5)
        calls = state["calls"]
        deadline = time.monotonic() + 1.5
        while state["calls"] == calls and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        scheduler.shutdown(wait=True)
    assert state["calls"] > calls, "the scheduler stopped firing"
    assert state["max_running"] == 1, state
    assert runner.last_error is None
    errors = [r for r in caplog.records if r.name == "feedsvc.serve.scheduler" and r.levelno == logging.ERROR]
    assert len(errors) >= 2
    assert not [r for r in caplog.records if r.name.startswith("apscheduler") and r.levelno >= logging.ERROR]
