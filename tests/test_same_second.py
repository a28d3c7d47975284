"""Refreshes within one second: every article gets its own instant, and a later pass's articles
sort after an earlier pass's, though the pass time is cut to whole seconds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW

from feedsvc.config import Settings
from feedsvc.refresh import run_refresh
from feedsvc.store import Store


@pytest.fixture(autouse=True)
def _empty_seeds(settings: Settings) -> None:
    for path in settings.seeds_dir.rglob("*"):
        if path.is_file():
            path.unlink()


def _write(seeds: Path, name: str) -> None:
    (seeds / f"{name}.txt").write_text(
        f"Title: Story {name}\n\nA paragraph of {name} that is long enough to be read as the lead.\n", "utf-8"
    )


def test_a_file_found_later_in_the_same_second_sorts_after_a_burst(settings: Settings, store: Store) -> None:
    for i in range(5):
        _write(settings.seeds_dir, f"burst{i}")
    assert run_refresh(settings, store, now=lambda: FIXED_NOW + timedelta(microseconds=100)).added == 5
    burst = {a.published for a in store.latest()}
    assert len(burst) == 5  # one instant each
    assert min(burst) == FIXED_NOW  # the pass's time, cut to the second: a real, stable date

    _write(settings.seeds_dir, "late")
    assert run_refresh(settings, store, now=lambda: FIXED_NOW + timedelta(microseconds=900_000)).added == 1
    newest = store.latest()
    assert newest[0].title == "Story late"
    assert newest[0].published == max(burst) + timedelta(microseconds=1)
    assert newest[0].published < FIXED_NOW + timedelta(seconds=1)


def test_a_later_second_starts_from_that_second(settings: Settings, store: Store) -> None:
    _write(settings.seeds_dir, "first")
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    _write(settings.seeds_dir, "second")
    run_refresh(settings, store, now=lambda: FIXED_NOW + timedelta(seconds=1, microseconds=5))
    assert [(a.title, a.published) for a in store.latest()] == [
        ("Story second", FIXED_NOW + timedelta(seconds=1)),
        ("Story first", FIXED_NOW),
    ]


def test_a_clock_stepped_back_gives_the_real_time(settings: Settings, store: Store) -> None:
    _write(settings.seeds_dir, "first")
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    _write(settings.seeds_dir, "earlier")
    run_refresh(settings, store, now=lambda: FIXED_NOW - timedelta(hours=1))
    published = {a.title: a.published for a in store.latest()}
    assert published["Story earlier"] == FIXED_NOW - timedelta(hours=1)
