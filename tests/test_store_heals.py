"""The store heals: an index file deleted or replaced under a running server is noticed by
every thread's connection within CHECK_EVERY seconds, without a restart."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.refresh import run_refresh
from feedsvc.store.sqlite import SQLiteStore

pytestmark = pytest.mark.backends("sqlite")  # the SQLite index is a file that can be deleted


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SQLiteStore, "CHECK_EVERY", 0.0)


def remove_index(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def test_a_deleted_index_is_made_again_and_refilled(
    settings: Settings, store: SQLiteStore, quick: None
) -> None:
    assert run_refresh(settings, store).added >= 1
    remove_index(settings.db_path)
    assert store.latest(10) == []  # the file at the path is a new, empty index: no error
    again = run_refresh(settings, store)
    assert again.added >= 1 and len(store.latest(10)) == again.added
    assert os.path.exists(settings.db_path)


def test_a_replaced_index_is_read(
    settings: Settings, store: SQLiteStore, tmp_path: Path, quick: None
) -> None:
    run_refresh(settings, store)
    other_seeds = tmp_path / "other"
    other_seeds.mkdir()
    (other_seeds / "only.txt").write_text("The only article of the other index, and a full sentence.\n")
    other = Settings(
        seeds_dir=other_seeds, db_path=tmp_path / "other.sqlite", base_url="http://127.0.0.1:8000/"
    )
    with SQLiteStore(other.db_path) as other_store:
        run_refresh(other, other_store)
        other_store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(other.db_path, tmp_path / "incoming.sqlite")
    remove_index(settings.db_path)
    os.replace(tmp_path / "incoming.sqlite", settings.db_path)
    assert [a.path for a in store.latest(10)] == ["only.txt"]


def test_between_checks_the_open_connection_is_used(
    settings: Settings, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A look at the file costs a stat: a thread makes it every CHECK_EVERY seconds."""
    monkeypatch.setattr(SQLiteStore, "CHECK_EVERY", 3600.0)
    run_refresh(settings, store)
    count = len(store.latest(10))
    remove_index(settings.db_path)
    assert len(store.latest(10)) == count  # still the old, unlinked file's connection


def test_a_new_file_that_reuses_the_old_inode_is_migrated(
    settings: Settings, store: SQLiteStore, quick: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File systems reuse inode numbers: the file made anew may carry the deleted one's."""
    run_refresh(settings, store)
    old = store._identity()
    remove_index(settings.db_path)
    answers = iter([None])  # the check sees the file gone; the new file then "has" the old inode
    monkeypatch.setattr(store, "_identity", lambda: next(answers, old))
    assert store.latest(10) == []  # migrated: the tables are there
    assert run_refresh(settings, store).added >= 1
