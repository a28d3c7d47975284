"""The store's public face: open_store and the file-based Coordinator."""

from __future__ import annotations

from conftest import FIXED_NOW

from feedsvc.config import Settings
from feedsvc.refresh import run_refresh
from feedsvc.store import open_store
from feedsvc.store.files import FileCoordinator
from feedsvc.store.sqlite import SQLiteStore


def test_open_store_from_settings_or_path(settings: Settings) -> None:
    with open_store(settings) as store:
        assert isinstance(store, SQLiteStore) and store.path == str(settings.db_path)
        assert run_refresh(settings, store, now=lambda: FIXED_NOW).added == 2
    with open_store(settings.db_path) as again:
        assert [a.id for a in again.latest()] == [a.id for a in again.snapshot(10).articles]
        assert len(again.latest()) == 2


def test_every_commit_notifies_the_coordinator(settings: Settings) -> None:
    with open_store(settings) as store:
        assert store.generation() == 0  # opens the index, and so makes its folder
        before = store.coordinator.change_count()
        assert before is not None  # a file index has the shared counter
        with store.transaction():
            store.set_state("probe", "1")
        assert store.coordinator.change_count() == before + 1
        other = FileCoordinator(str(settings.db_path))  # another process's view of the same index
        assert other.change_count() == before + 1
        other.close()


def test_the_ingest_lock_is_one_at_a_time(settings: Settings) -> None:
    first, second = FileCoordinator(str(settings.db_path)), FileCoordinator(str(settings.db_path))
    with first.ingest_lock(timeout=1) as held:
        assert held
        with second.ingest_lock(timeout=None) as also:
            assert not also
    with second.ingest_lock(timeout=None) as now_free:
        assert now_free


def test_an_in_memory_store_has_no_counter() -> None:
    with open_store(":memory:") as store:
        assert store.coordinator.change_count() is None
        assert store.generation() == 0
