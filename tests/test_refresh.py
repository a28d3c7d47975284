"""Refresh and store: seeds dir -> index, with stable identities and exact change detection."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW

import feedsvc.identity
import feedsvc.refresh.reading
from feedsvc.config import Settings
from feedsvc.identity import path_id
from feedsvc.model import Article
from feedsvc.model import RefreshStats
from feedsvc.model import Skipped
from feedsvc.parse import parse_bytes
from feedsvc.refresh import run_refresh
from feedsvc.sources import CompleteCheck
from feedsvc.sources import SeedsDirError
from feedsvc.sources import SourceFile
from feedsvc.store import Store
from feedsvc.store import open_store
from feedsvc.store.sqlite import SQLiteStore

SEED = "000_b13d5d3931fdf2cc.txt"
HEADER = "header-example.txt"  # has "Id: council-bike-lanes" and a Date: header
SEED_ID = path_id(SEED)  # "path:000_b13d5d3931fdf2cc": a file without an Id: header
T0 = FIXED_NOW
T1 = T0 + timedelta(days=1)
T2 = T0 + timedelta(days=2)
ARTICLE = "A short article about nothing much. It has two sentences.\n"


def refresh(settings: Settings, store: Store, at: datetime = T0) -> RefreshStats:
    return run_refresh(settings, store, now=lambda: at)


def write(path: Path, data: str | bytes, mtime: int | None = None) -> Path:
    """Write a file; with ``mtime`` (seconds), pin its mtime so a change is never missed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    if mtime is not None:
        os.utime(path, ns=(mtime * 10**9, mtime * 10**9))
    return path


def by_id(store: Store) -> dict[str, Article]:
    return {a.id: a for a in store.latest()}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the relpath of every file refresh reads."""
    seen: list[str] = []
    real = feedsvc.refresh.reading.read_file

    def spy(src: SourceFile, max_bytes: int, check: CompleteCheck | None = None) -> bytes:
        seen.append(src.relpath)
        return real(src, max_bytes, check)

    monkeypatch.setattr(feedsvc.refresh.reading, "read_file", spy)
    return seen


def test_restart_keeps_identities(settings: Settings, backend: str) -> None:
    with open_store(settings) as store:
        assert refresh(settings, store, T0).added == 2
        before = by_id(store)
    with open_store(settings) as store:
        stats = refresh(settings, store, T1)
        after = by_id(store)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (0, 0, 0, 2)
    assert after == before
    assert before[SEED_ID].published == T0
    assert {a.guid for a in after.values()} == {a.guid for a in before.values()}


def test_edit_keeps_id_and_published_and_moves_updated(settings: Settings, store: Store) -> None:
    refresh(settings, store, T0)
    before = store.get(SEED_ID)
    path = settings.seeds_dir / SEED
    write(path, path.read_text("utf-8") + "\nA new closing paragraph.\n", mtime=1_800_000_000)
    stats = refresh(settings, store, T1)
    after = store.get(SEED_ID)
    assert (stats.added, stats.updated, stats.unchanged) == (0, 1, 1)
    assert before is not None and after is not None
    assert (after.id, after.guid, after.slug, after.published) == (
        before.id, before.guid, before.slug, before.published,
    )  # fmt: skip
    assert (before.updated, after.updated) == (T0, T1)
    assert after.body_text.endswith("A new closing paragraph.")


def test_touch_changes_nothing(settings: Settings, store: Store) -> None:
    refresh(settings, store, T0)
    before = by_id(store)
    generation = store.generation()
    path = settings.seeds_dir / SEED
    os.utime(path, ns=(1_800_000_000 * 10**9, 1_800_000_000 * 10**9))
    stats = refresh(settings, store, T1)
    after = by_id(store)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (0, 0, 0, 2)
    assert after[SEED_ID].mtime_ns == 1_800_000_000 * 10**9
    assert dataclasses.replace(after[SEED_ID], mtime_ns=before[SEED_ID].mtime_ns) == before[SEED_ID]
    assert store.generation() == generation


def test_delete_removes_from_index(settings: Settings, store: Store) -> None:
    refresh(settings, store, T0)
    (settings.seeds_dir / SEED).unlink()
    stats = refresh(settings, store, T1)
    assert (stats.removed, stats.unchanged) == (1, 1)
    assert store.get(SEED_ID) is None
    assert [a.id for a in store.latest()] == ["council-bike-lanes"]


def test_no_change_refresh_reads_no_file(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(settings.seeds_dir / "empty.txt", b"")
    first = refresh(settings, store, T0)
    assert (first.added, len(first.skipped)) == (2, 1)

    def fail(src: SourceFile, max_bytes: int, check: CompleteCheck | None = None) -> bytes:
        raise AssertionError(f"read {src.relpath}")

    monkeypatch.setattr(feedsvc.refresh.reading, "read_file", fail)
    stats = refresh(settings, store, T1)
    assert (stats.added, stats.updated, stats.removed) == (0, 0, 0)
    assert stats.unchanged == 2  # published articles; the skipped file is counted in `skipped`
    assert stats.skipped == (Skipped("empty.txt", "empty file"),)


def test_subdirectories_are_scanned(settings: Settings, store: Store) -> None:
    write(settings.seeds_dir / "politics" / "local" / "vote.txt", ARTICLE)
    assert refresh(settings, store).added == 3
    article = store.get(path_id("politics/local/vote.txt"))
    assert article is not None
    assert (article.path, article.slug) == ("politics/local/vote.txt", "politics-local-vote")


def test_symlink_outside_is_skipped_and_never_read(
    settings: Settings, store: Store, tmp_path: Path, reads: list[str]
) -> None:
    outside = write(tmp_path / "secret.txt", "Secret text that must not be published.")
    (settings.seeds_dir / "link.txt").symlink_to(outside)
    stats = refresh(settings, store)
    assert stats.added == 2
    assert stats.skipped == (Skipped("link.txt", "symlink to outside the seeds directory"),)
    assert "link.txt" not in reads and sorted(reads) == [SEED, HEADER]
    assert store.get(path_id("link.txt")) is None


def test_unicode_file_name_gets_an_ascii_slug(settings: Settings, store: Store) -> None:
    write(settings.seeds_dir / "Über uns café.txt", ARTICLE)
    refresh(settings, store)
    article = store.get(path_id("Über uns café.txt"))
    assert article is not None
    assert article.slug == "uber-uns-cafe" and article.slug.isascii()


def test_colliding_slugs_are_distinct_and_deterministic(tmp_path: Path) -> None:
    slugs = []
    for run in ("one", "two"):
        seeds = tmp_path / run / "seeds"
        write(seeds / "Hello World.txt", ARTICLE)
        write(seeds / "hello-world.txt", ARTICLE)
        write(seeds / "hello world!.txt", ARTICLE)
        settings = Settings(seeds_dir=seeds, db_path=tmp_path / run / "index.sqlite")
        with open_store(settings) as store:
            assert refresh(settings, store).added == 3
            slugs.append({a.id: a.slug for a in store.latest()})
    assert slugs[0] == slugs[1]
    assert len(set(slugs[0].values())) == 3
    assert all(slug == "hello-world" or slug.startswith("hello-world-") for slug in slugs[0].values())


def test_id_header_gives_the_id(settings: Settings, store: Store) -> None:
    refresh(settings, store)
    article = store.get("council-bike-lanes")
    assert article is not None
    assert article.path == HEADER
    assert store.get(path_id(HEADER)) is None


def test_duplicate_id_is_skipped_then_retried(settings: Settings, store: Store) -> None:
    write(settings.seeds_dir / "a.txt", "Id: dup\n\nThe first file.\n", mtime=1_700_000_000)
    write(settings.seeds_dir / "b.txt", "Id: dup\n\nThe second file.\n", mtime=1_700_000_000)
    stats = refresh(settings, store, T0)
    assert stats.added == 3
    assert stats.skipped == (Skipped("b.txt", "Id 'dup' is already used by a.txt"),)
    article = store.get("dup")
    assert article is not None and article.path == "a.txt"

    again = refresh(settings, store, T1)  # still taken: still skipped, never "unchanged"
    assert (again.added, again.unchanged, again.skipped) == (0, 3, stats.skipped)

    first = store.get("dup")
    (settings.seeds_dir / "a.txt").unlink()
    later = refresh(settings, store, T2)
    # The article "dup" goes on, from b.txt: the same guid and date, new text, so an update.
    assert (later.added, later.updated, later.removed, later.skipped) == (0, 1, 0, ())
    article = store.get("dup")
    assert article is not None and (article.path, article.title) == ("b.txt", "The second file")
    assert first is not None and (article.guid, article.published) == (first.guid, first.published)
    assert article.updated == T2


def test_id_let_go_by_an_edit_is_free_in_the_same_refresh(settings: Settings, store: Store) -> None:
    write(settings.seeds_dir / "a.txt", "Id: dup\n\nThe first file.\n", mtime=1_700_000_000)
    write(settings.seeds_dir / "b.txt", "Id: dup\n\nThe second file.\n", mtime=1_700_000_000)
    assert [s.path for s in refresh(settings, store, T0).skipped] == ["b.txt"]
    write(settings.seeds_dir / "a.txt", "Id: other\n\nThe first file.\n", mtime=1_700_000_001)
    stats = refresh(settings, store, T1)
    assert stats.skipped == ()
    assert {a.id: a.path for a in store.latest()} == {
        "other": "a.txt", "dup": "b.txt", SEED_ID: SEED, "council-bike-lanes": HEADER,
    }  # fmt: skip


def test_deleted_and_readded_file_keeps_published(settings: Settings, store: Store) -> None:
    refresh(settings, store, T0)
    first = store.get(SEED_ID)
    path = settings.seeds_dir / SEED
    data = path.read_bytes()
    path.unlink()
    assert refresh(settings, store, T1).removed == 1
    write(path, data, mtime=1_800_000_000)
    assert refresh(settings, store, T2).added == 1
    again = store.get(SEED_ID)
    assert first is not None and again is not None
    assert (again.published, again.guid, again.slug) == (T0, first.guid, first.slug)


def test_ignored_names(settings: Settings, store: Store, reads: list[str]) -> None:
    for name in (".hidden.txt", "x.txt~", ".x.swp", ".#x.txt", "x.tmp", "x.md", "#x.txt#"):
        write(settings.seeds_dir / name, ARTICLE)
    write(settings.seeds_dir / ".git" / "notes.txt", ARTICLE)
    stats = refresh(settings, store)
    assert (stats.added, stats.skipped) == (2, ())
    assert sorted(reads) == [SEED, HEADER]
    assert store.count() == 2


def test_unpublishable_files_are_skipped_with_reasons(settings: Settings, store: Store) -> None:
    settings = settings.with_overrides(max_file_bytes=4096)
    write(settings.seeds_dir / "empty.txt", b"")
    write(settings.seeds_dir / "binary.txt", bytes(range(256)))
    write(settings.seeds_dir / "big.txt", "A long article. " * 300)
    write(
        settings.seeds_dir / "captions.txt", "A crowd (Picture: AP)\nFor more stories like this, see above."
    )
    stats = refresh(settings, store)
    reasons = {s.path: s.reason for s in stats.skipped}
    assert sorted(reasons) == ["big.txt", "binary.txt", "captions.txt", "empty.txt"]
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "larger than the 4,096 byte limit" in reasons["big.txt"]
    assert "nothing left" in reasons["captions.txt"]
    assert (stats.added, store.count()) == (2, 2)


def test_skipped_file_is_published_once_fixed(settings: Settings, store: Store) -> None:
    path = write(settings.seeds_dir / "later.txt", b"", mtime=1_700_000_000)
    assert refresh(settings, store, T0).skipped == (Skipped("later.txt", "empty file"),)
    write(path, ARTICLE, mtime=1_700_000_001)
    stats = refresh(settings, store, T1)
    assert (stats.added, stats.skipped) == (1, ())
    article = store.get(path_id("later.txt"))
    assert article is not None and article.published == T1


def test_missing_seeds_dir_raises_and_removes_nothing(settings: Settings, store: Store) -> None:
    refresh(settings, store, T0)
    shutil.rmtree(settings.seeds_dir)
    with pytest.raises(SeedsDirError):
        refresh(settings, store, T1)
    assert store.count() == 2


def test_file_changing_while_read_is_deferred(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(settings.seeds_dir / "growing.txt", ARTICLE)
    real = feedsvc.refresh.reading.read_file

    def append_first(src: SourceFile, max_bytes: int, check: CompleteCheck | None = None) -> bytes:
        if src.relpath == "growing.txt":
            with path.open("a", encoding="utf-8") as f:
                f.write("Another line arrives while we read.\n")
        return real(src, max_bytes, check)

    monkeypatch.setattr(feedsvc.refresh.reading, "read_file", append_first)
    stats = refresh(settings, store, T0)
    assert (stats.added, stats.deferred) == (2, ("growing.txt",))
    assert store.get(path_id("growing.txt")) is None

    monkeypatch.setattr(feedsvc.refresh.reading, "read_file", real)
    stats = refresh(settings, store, T1)
    assert (stats.added, stats.deferred) == (1, ())
    article = store.get(path_id("growing.txt"))
    assert article is not None and article.body_text.endswith("Another line arrives while we read.")


@pytest.mark.slow
def test_two_refresh_processes_leave_one_consistent_index(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    for i in range(200):
        write(seeds / f"batch{i % 4}" / f"article-{i:03d}.txt", f"Article number {i} is here. It is short.\n")
    config = tmp_path / "config.toml"
    config.write_text('[seeds]\ndir = "seeds"\n[store]\npath = "var/index.sqlite"\n', "utf-8")
    command = [sys.executable, "-m", "feedsvc", "--config", str(config), "refresh", "--no-progress"]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    added = sorted(int(out.split(",")[0].removeprefix("added ")) for out, _ in outputs)
    assert added == [0, 200]
    with sqlite3.connect(tmp_path / "var" / "index.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (200,)
        assert db.execute("SELECT count(*) FROM identities").fetchone() == (200,)
        assert db.execute("SELECT count(*) FROM skipped").fetchone() == (0,)


@pytest.mark.parametrize("article_id", ["a.txt", "Politik/Über uns.txt", "council-bike-lanes", "😀/x y.txt", ""])
def test_guid_is_uuid5_of_the_id(article_id: str) -> None:
    import uuid

    expected = f"urn:uuid:{uuid.uuid5(feedsvc.identity.GUID_NAMESPACE, article_id)}"
    assert feedsvc.identity.make_guid(article_id) == expected


def test_an_index_of_schema_1_is_migrated_and_keeps_its_identities(settings: Settings) -> None:
    """An index written at schema 1 (guid UNIQUE, ids = paths with their suffix) opens, keeps
    every identity and article; its files keep their ids."""
    from feedsvc.store._schema import MIGRATIONS

    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    with SQLiteStore(settings.db_path) as store:  # what the files give today, to copy back as schema 1
        run_refresh(settings, store, now=lambda: FIXED_NOW)
        rows = store.conn.execute("SELECT * FROM articles").fetchall()
        stamps = {r[1]: r for r in rows}
    settings.db_path.unlink()
    conn = sqlite3.connect(settings.db_path, isolation_level=None)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    old_ids = {SEED: SEED, HEADER: "council-bike-lanes"}  # before: a file's id was its path
    for path, old_id in old_ids.items():
        row = list(stamps[path])
        parsed = parse_bytes((settings.seeds_dir / path).read_bytes(), settings.parse_rules())
        row[0], row[-1] = old_id, feedsvc.refresh.reading.content_hash(parsed, old_id)  # as it was
        conn.execute("INSERT INTO identities VALUES (?, ?, ?, ?)",
                     (old_id, feedsvc.identity.make_guid(old_id), "old-" + feedsvc.identity.make_slug(old_id),
                      row[7]))  # fmt: skip
        conn.execute(f"INSERT INTO articles VALUES ({', '.join('?' * len(row))})", row)
    conn.close()
    with SQLiteStore(settings.db_path) as store:  # migrates 1 -> now on a populated index
        before = {a.id: (a.guid, a.slug, a.published, a.path, a.updated) for a in store.snapshot(1000).articles}
        (settings.seeds_dir / SEED).touch()  # and a changed file keeps its id too
        run_refresh(settings, store, now=lambda: FIXED_NOW + timedelta(days=1))
        after = {a.id: (a.guid, a.slug, a.published, a.path, a.updated) for a in store.snapshot(1000).articles}
    assert after == before
    assert {a: v[3] for a, v in after.items()} == {SEED: SEED, "council-bike-lanes": HEADER}
    assert after[SEED][:2] == (feedsvc.identity.make_guid(SEED), "old-000-b13d5d3931fdf2cc")
    conn = sqlite3.connect(settings.db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        indexed = {
            column[2]
            for index in conn.execute("PRAGMA index_list(identities)").fetchall()
            for column in conn.execute(f"PRAGMA index_info('{index[1]}')").fetchall()
        }
        assert indexed == {"id", "slug", "path"}  # no guid index (migration 2)
    finally:
        conn.close()


def test_the_walk_leaves_out_what_the_refresh_calls_unchanged(settings: Settings) -> None:
    from feedsvc.sources import scan

    everything = scan(settings.seeds_dir).files
    assert everything
    asked: list[tuple[str, int, int]] = []

    def unchanged(relpath: str, size: int, mtime_ns: int) -> bool:
        asked.append((relpath, size, mtime_ns))
        return relpath != everything[0].relpath

    kept = scan(settings.seeds_dir, unchanged=unchanged).files
    assert kept == [everything[0]]
    assert sorted(asked) == sorted((f.relpath, f.size, f.mtime_ns) for f in everything)
