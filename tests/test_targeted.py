"""Targeted refreshes (what the file watcher asks for) agree with full ones."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.identity import path_id
from feedsvc.refresh import run_refresh
from feedsvc.sources import NeedsFullScan
from feedsvc.sources import scan_paths
from feedsvc.store import Store


def paths(store: Store) -> set[str]:
    """The files that publish an article."""
    return {a.path for a in store.latest()}


def test_add_edit_delete_by_path(settings: Settings, store: Store, seeds_dir: Path) -> None:
    run_refresh(settings, store)
    before = paths(store)
    (seeds_dir / "sub").mkdir()
    new = seeds_dir / "sub" / "new.txt"
    new.write_text("A new article arrived today. It has two sentences.\n", "utf-8")
    stats = run_refresh(settings, store, paths=["sub/new.txt"])
    assert stats.added == 1
    assert paths(store) == before | {"sub/new.txt"}
    published = store.get(path_id("sub/new.txt")).published  # type: ignore[union-attr]

    new.write_text("A new article arrived today. Now it says more.\n", "utf-8")
    os.utime(new, ns=(new.stat().st_atime_ns, new.stat().st_mtime_ns + 10**9))
    stats = run_refresh(settings, store, paths=["sub/new.txt"])
    assert stats.updated == 1
    assert store.get(path_id("sub/new.txt")).published == published  # type: ignore[union-attr]

    new.unlink()
    stats = run_refresh(settings, store, paths=["sub/new.txt"])
    assert stats.removed == 1
    assert paths(store) == before
    # A full refresh afterwards finds nothing left to do: both kinds agree.
    full = run_refresh(settings, store)
    assert (full.added, full.updated, full.removed) == (0, 0, 0)


def test_targeted_leaves_other_files_alone(settings: Settings, store: Store, seeds_dir: Path) -> None:
    run_refresh(settings, store)
    (seeds_dir / "other.txt").write_text("Not asked about yet.\n", "utf-8")
    stats = run_refresh(settings, store, paths=["000_b13d5d3931fdf2cc.txt"])
    assert stats.added == 0 and "other.txt" not in paths(store)


def test_hostile_paths_are_ignored(settings: Settings, store: Store, seeds_dir: Path) -> None:
    run_refresh(settings, store)
    before = paths(store)
    stats = run_refresh(settings, store, paths=["../../etc/passwd", ".hidden.txt", "a//b.txt", "x.swp"])
    assert (stats.added, stats.removed) == (0, 0)
    assert paths(store) == before


def test_symlink_outside_is_skipped_not_read(settings: Settings, store: Store, seeds_dir: Path) -> None:
    os.symlink("/etc/passwd", seeds_dir / "pw.txt")
    stats = run_refresh(settings, store, paths=["pw.txt"])
    assert [s.reason for s in stats.skipped] == ["symlink to outside the seeds directory"]


@pytest.mark.parametrize("kind", ["folder", "symlinked-folder"])
def test_folders_need_a_full_walk(seeds_dir: Path, kind: str) -> None:
    (seeds_dir / "d").mkdir()
    if kind == "folder":
        rel = "d"
    else:
        os.symlink(seeds_dir / "d", seeds_dir / "link")
        (seeds_dir / "d" / "x.txt").write_text("Text.\n", "utf-8")
        rel = "link/x.txt"
    with pytest.raises(NeedsFullScan):
        scan_paths(seeds_dir, [rel])


def test_folder_event_falls_back_to_full_refresh(settings: Settings, store: Store, seeds_dir: Path) -> None:
    (seeds_dir / "d").mkdir()
    (seeds_dir / "d" / "x.txt").write_text("Moved in with its folder.\n", "utf-8")
    stats = run_refresh(settings, store, paths=["d"])
    assert "d/x.txt" in paths(store)
    assert stats.added == 3


def test_new_rules_reparse_every_file(settings: Settings, store: Store, seeds_dir: Path) -> None:
    (seeds_dir / "promo.txt").write_text("The council met today.\nListen to our podcast every Friday.\n", "utf-8")
    run_refresh(settings, store)
    assert "podcast" in store.get(path_id("promo.txt")).body_text  # type: ignore[union-attr]
    unchanged = run_refresh(settings, store)
    assert (unchanged.added, unchanged.updated) == (0, 0)

    stricter = settings.with_overrides(boilerplate=(*settings.boilerplate, r"^listen to our podcast\b"))
    stats = run_refresh(stricter, store)
    assert stats.updated == 1  # only the article the new pattern changes moves its `updated`
    assert "podcast" not in store.get(path_id("promo.txt")).body_text  # type: ignore[union-attr]
    again = run_refresh(stricter, store)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
