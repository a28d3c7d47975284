"""Ids independent of the suffix, renames that keep identity, old slugs that redirect, dates
from mtime. Through run_refresh and the Flask app; tests/test_renames_e2e.py does it over HTTP."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import FIXED_NOW

import feedsvc.refresh.pass_
from feedsvc.config import Settings
from feedsvc.config import load_settings
from feedsvc.errors import ConfigError
from feedsvc.identity import header_key
from feedsvc.identity import make_guid
from feedsvc.identity import path_id
from feedsvc.identity import path_keys
from feedsvc.identity import siblings
from feedsvc.identity import stem
from feedsvc.model import Article
from feedsvc.model import RefreshStats
from feedsvc.refresh import run_refresh
from feedsvc.sources import Scan
from feedsvc.store.sqlite import SQLiteStore
from feedsvc.web import create_app

T0 = FIXED_NOW
T1 = T0 + timedelta(hours=1)
T2 = T0 + timedelta(hours=2)
T3 = T0 + timedelta(hours=3)
TEXT = "The harbour reopened this morning after the storm. Ships queued outside.\n"
OTHER = "The council met on Tuesday. It approved the budget for next year.\n"


def refresh(settings: Settings, store: SQLiteStore, at: datetime) -> RefreshStats:
    return run_refresh(settings, store, now=lambda: at)


def write(path: Path, text: str, mtime: int = 1_700_000_000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    os.utime(path, ns=(mtime * 10**9, mtime * 10**9))
    return path


def by_path(store: SQLiteStore) -> dict[str, Article]:
    return {a.path: a for a in store.latest()}


def counts(stats: RefreshStats) -> tuple[int, int, int, int]:
    return stats.added, stats.updated, stats.removed, stats.unchanged


@pytest.fixture
def seeds(settings: Settings) -> Path:
    """An empty seeds dir (the fixture articles removed)."""
    for path in settings.seeds_dir.iterdir():
        path.unlink()
    return settings.seeds_dir


# ---------------------------------------------------------------------------- the ids themselves


def test_id_kinds_never_meet() -> None:
    assert path_id("news/a.txt") == "path:news/a"
    assert path_id("a.b.TXT") == "path:a.b"
    assert stem("news/.txt") == "news/.txt"  # a name that is all suffix keeps it
    assert header_key("council-bike-lanes") == "council-bike-lanes"
    assert header_key("path:news/a") == "id:path:news/a"  # a header cannot name a path id...
    assert header_key("id:x") == "id:id:x"  # ...and escaping stays one-to-one
    assert header_key("id:path:news/a") != header_key("path:news/a")
    keys = path_keys("news/a.md")
    assert [next(keys) for _ in range(4)] == ["path:news/a", "path:news/a.md", "path:news/a.md#2", "path:news/a.md#3"]
    assert siblings("d/a.txt", (".txt", ".md")) == [
        "d/a.txT", "d/a.tXt", "d/a.tXT", "d/a.Txt", "d/a.TxT", "d/a.TXt", "d/a.TXT",
        "d/a.md", "d/a.mD", "d/a.Md", "d/a.MD",
    ]  # fmt: skip


def test_a_new_file_gets_a_suffix_free_id(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    write(seeds / "news" / "harbour.txt", TEXT)
    refresh(settings, store, T0)
    (article,) = store.latest()
    assert (article.id, article.path, article.slug) == ("path:news/harbour", "news/harbour.txt", "news-harbour")
    assert article.guid == make_guid("path:news/harbour")


def test_same_stem_other_suffix_does_not_collide(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    write(seeds / "a.txt", TEXT)
    write(seeds / "a.TXT", OTHER)
    stats = refresh(settings, store, T0)
    assert (stats.added, stats.skipped) == (2, ())
    found = by_path(store)
    # Sorted, "a.TXT" comes first and takes the stem's id; a.txt gets one with its suffix.
    assert (found["a.TXT"].id, found["a.txt"].id) == ("path:a", "path:a.txt")
    assert len({a.guid for a in found.values()}) == len({a.slug for a in found.values()}) == 2
    # Ids are stored, not recomputed: a.txt keeps its own when a.TXT goes.
    (seeds / "a.TXT").unlink()
    write(seeds / "a.txt", TEXT + "An edit.\n", mtime=1_700_000_100)
    refresh(settings, store, T1)
    assert [(a.id, a.path) for a in store.latest()] == [("path:a.txt", "a.txt")]


def test_an_id_header_cannot_take_a_path_id(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    write(seeds / "b.txt", TEXT)
    write(seeds / "c.txt", "Id: path:b\n\n" + OTHER)
    write(seeds / "d.txt", "Id: b\n\n" + OTHER.replace("council", "board"))
    stats = refresh(settings, store, T0)
    assert (stats.added, stats.skipped) == (3, ())
    assert {a.path: a.id for a in store.latest()} == {"b.txt": "path:b", "c.txt": "id:path:b", "d.txt": "b"}


# ---------------------------------------------------------------------------- renames


def test_suffix_change_keeps_everything(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    old = write(seeds / "story.txt", TEXT)
    refresh(settings, store, T0)
    (before,) = store.latest()
    old.rename(seeds / "story.TXT")
    stats = refresh(settings, store, T1)
    assert counts(stats) == (0, 0, 0, 1)  # nothing a reader sees changed
    (after,) = store.latest()
    assert after.path == "story.TXT"
    assert (after.id, after.guid, after.slug, after.published, after.updated) == (
        before.id, before.guid, before.slug, before.published, before.updated,
    )  # fmt: skip


def test_suffix_change_with_an_edit_keeps_identity(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    """Not a content match: the sibling rule (same stem, the old file gone) keeps the id."""
    old = write(seeds / "story.txt", TEXT)
    refresh(settings, store, T0)
    (before,) = store.latest()
    old.unlink()
    refresh(settings, store, T1)  # gone for a while: removed from the feeds
    assert store.latest() == []
    write(seeds / "story.Txt", TEXT + "Now with a second paragraph.\n")
    stats = refresh(settings, store, T2)
    assert stats.added == 1
    (after,) = store.latest()
    assert (after.guid, after.slug, after.published) == (before.guid, before.slug, T0)


@pytest.mark.parametrize("new", ["better-name.txt", "archive/2025/story.txt", "Archive/Better.TXT"])
def test_rename_keeps_identity_and_redirects(
    settings: Settings, seeds: Path, store: SQLiteStore, new: str
) -> None:
    write(seeds / "story.txt", TEXT)
    write(seeds / "other.txt", OTHER)
    refresh(settings, store, T0)
    before = by_path(store)["story.txt"]
    target = seeds / new
    target.parent.mkdir(parents=True, exist_ok=True)
    (seeds / "story.txt").rename(target)
    stats = refresh(settings, store, T1)
    # The address changed, so the item changed (updated), but nothing was added or removed.
    assert counts(stats) == (0, 1, 0, 1)  # (other.txt is unchanged)
    after = by_path(store)[new]
    assert (after.id, after.guid, after.published) == (before.id, before.guid, before.published)
    assert after.slug != before.slug and after.updated == T1
    assert store.redirect(before.slug) == after.slug
    assert store.get_by_slug(before.slug) is None
    client = create_app(settings, store=store).test_client()
    moved = client.get(f"/articles/{before.slug}")
    assert moved.status_code == 301
    assert moved.headers["Location"] == after.slug  # relative: right under any host or prefix
    assert "max-age" in moved.headers["Cache-Control"]
    # (Werkzeug's test client resolves a relative Location against "/", unlike RFC 3986
    # and every real client: resolve it here; tests/test_renames_e2e.py follows it for real.)
    target = urljoin(f"http://localhost/articles/{before.slug}", moved.headers["Location"])
    assert target == f"http://localhost/articles/{after.slug}"
    assert client.get(target).status_code == 200
    assert client.get("/articles/never-was").status_code == 404


@pytest.mark.parametrize(("target", "missed"), [("archive/story.txt", False), ("zz-later.txt", True)])
def test_a_move_during_the_walk_is_a_rename(
    settings: Settings, seeds: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, target: str,
    missed: bool,
) -> None:
    """`mv` while a full walk runs: the walk calls the old path unchanged, then finds the same
    bytes at the new one (in a folder listed later). That is the move, not a copy: one
    article, its guid, and the old path gone, in this very pass (the watcher's event for the
    old path may have been taken in by an earlier pass). A move within a folder already
    listed is not seen at all: the next pass (the watcher's) makes it the rename."""
    write(seeds / "story.txt", TEXT)
    write(seeds / "other.txt", OTHER)
    write(seeds / "same-size.txt", TEXT.replace("a", "b"))  # a size twin that stays put
    (seeds / "archive").mkdir()
    refresh(settings, store, T0)
    before = by_path(store)
    real_scan = feedsvc.refresh.pass_.scan

    def scan_moving(root: Path, **kw: object) -> object:
        told = kw["unchanged"]

        def unchanged(relpath: str, size: int, mtime_ns: int) -> bool:
            same = told(relpath, size, mtime_ns)  # type: ignore[operator]
            if relpath == "story.txt":
                (seeds / "story.txt").rename(seeds / target)  # listed: now it moves
            return same

        return real_scan(root, **{**kw, "unchanged": unchanged})  # type: ignore[arg-type]

    monkeypatch.setattr(feedsvc.refresh.pass_, "scan", scan_moving)
    stats = refresh(settings, store, T1)
    if missed:
        assert counts(stats) == (0, 0, 0, 3)
        assert by_path(store) == before  # nothing seen changed: nothing is
        stats = run_refresh(settings, store, now=lambda: T2, paths=["story.txt", target])
    assert counts(stats) == (0, 1, 0, 2 if not missed else 0)
    after = by_path(store)
    assert sorted(after) == sorted(["other.txt", "same-size.txt", target])
    assert (after[target].guid, after[target].published) == (before["story.txt"].guid, before["story.txt"].published)
    assert after["same-size.txt"] == before["same-size.txt"]


def _walk_moving(seeds: Path, moves: dict[str, str], unlisted: str = "") -> object:
    """A stand-in for pass_.scan: the real walk, where each file in ``moves`` is moved to its
    target just after the walk listed it (``mv`` while the walk runs), and the folder
    ``unlisted`` (a relpath ending in "/") is one the walk could not list: none of its files is
    reported, the folder is in ``unreadable_dirs`` (as an unreadable folder is; root reads a
    chmod-000 folder, so the tests stand in for it)."""
    real_scan = feedsvc.refresh.pass_.scan

    def scan_moving(root: Path, **kw: object) -> Scan:
        told = kw["unchanged"]

        def unchanged(relpath: str, size: int, mtime_ns: int) -> bool:
            if unlisted and relpath.startswith(unlisted):
                return False
            same = told(relpath, size, mtime_ns)  # type: ignore[operator]
            if relpath in moves:
                (seeds / relpath).rename(seeds / moves[relpath])
            return same

        found: Scan = real_scan(root, **{**kw, "unchanged": unchanged})  # type: ignore[arg-type]
        if not unlisted:
            return found
        files = [f for f in found.files if not f.relpath.startswith(unlisted)]
        return Scan(files, found.skipped, [*found.unreadable_dirs, unlisted])

    return scan_moving


def test_a_move_during_the_walk_beside_a_folder_it_could_not_list(
    settings: Settings, seeds: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the walk could not list keeps what the index has in it, even a file that is
    gone and whose size a new file has (it cannot be seen, so it is not called moved); a file
    moved mid-walk elsewhere in the same pass is still the rename."""
    write(seeds / "story.txt", TEXT)
    held = write(seeds / "locked" / "held.txt", OTHER)
    (seeds / "archive").mkdir()
    refresh(settings, store, T0)
    before = by_path(store)
    held.unlink()  # gone, in a folder the next walk cannot list
    write(seeds / "fresh.txt", OTHER.replace("council", "cabinet"))  # held.txt's size, other bytes
    assert len(OTHER.replace("council", "cabinet")) == len(OTHER)
    monkeypatch.setattr(
        feedsvc.refresh.pass_, "scan", _walk_moving(seeds, {"story.txt": "archive/story.txt"}, "locked/")
    )
    stats = refresh(settings, store, T1)
    assert counts(stats) == (1, 1, 0, 0)  # fresh.txt added; the move
    after = by_path(store)
    assert sorted(after) == ["archive/story.txt", "fresh.txt", "locked/held.txt"]
    assert after["locked/held.txt"] == before["locked/held.txt"]
    assert after["archive/story.txt"].guid == before["story.txt"].guid
    assert after["fresh.txt"].guid != before["locked/held.txt"].guid


def test_a_file_past_path_max_is_no_move_of_a_new_file_of_its_size(
    settings: Settings, seeds: Path, store: SQLiteStore
) -> None:
    """A new file with the size of an indexed one: the indexed path is asked whether it is
    still there. One that cannot be looked at by its path (longer than PATH_MAX: lstat says
    ENAMETOOLONG, not "no such file") is not gone: it stays, and the new file is a new article."""
    deep = ["d" * 200 + f"{i:03d}" for i in range(25)]  # as tests/test_walk.py: > 4,096 bytes
    folder = os.open(seeds, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name in deep:
            os.mkdir(name, dir_fd=folder)
            step = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=folder)
            os.close(folder)
            folder = step
        fd = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=folder)
        os.write(fd, TEXT.encode("utf-8"))
        os.close(fd)
    finally:
        os.close(folder)
    rel = "/".join([*deep, "deep.txt"])
    with pytest.raises(OSError) as e:
        os.lstat(seeds / rel)
    assert e.value.errno == errno.ENAMETOOLONG
    refresh(settings, store, T0)
    before = by_path(store)
    assert list(before) == [rel]
    write(seeds / "near.txt", TEXT.replace("a", "b"))  # the same size, other bytes
    stats = refresh(settings, store, T1)
    assert counts(stats) == (1, 0, 0, 1)
    after = by_path(store)
    assert sorted(after) == sorted([rel, "near.txt"])
    assert after[rel] == before[rel]


def test_a_targeted_pass_calls_nothing_outside_its_paths_moved(
    settings: Settings, seeds: Path, store: SQLiteStore
) -> None:
    """The moved-while-walked check is the full walk's: a watcher's pass over a new file does
    not remove an indexed file of its size that is gone elsewhere (that path waits for its own
    event or the next walk), and the new file is a new article."""
    old = write(seeds / "old.txt", TEXT)
    refresh(settings, store, T0)
    before = by_path(store)
    old.unlink()
    write(seeds / "new.txt", TEXT.replace("a", "b"))  # old.txt's size, other bytes
    stats = run_refresh(settings, store, now=lambda: T1, paths=["new.txt"])
    assert counts(stats) == (1, 0, 0, 0)
    after = by_path(store)
    assert sorted(after) == ["new.txt", "old.txt"]
    assert after["old.txt"] == before["old.txt"]
    stats = refresh(settings, store, T2)  # the next walk: old.txt is gone
    assert counts(stats) == (0, 0, 1, 1)
    assert sorted(by_path(store)) == ["new.txt"]


def test_a_walk_without_a_new_file_asks_the_index_once(
    settings: Settings, seeds: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The moved-while-walked check costs a second stamps query only when the walk found a new
    file (commit ba360dd): a pass where files changed or went, and none came, asks once."""
    write(seeds / "story.txt", TEXT)
    gone = write(seeds / "other.txt", OTHER)
    refresh(settings, store, T0)
    asked: list[object] = []
    real = store.stamps

    def stamps(paths: object = None) -> object:
        asked.append(paths)
        return real(paths)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "stamps", stamps)
    gone.unlink()
    write(seeds / "story.txt", TEXT.replace("morning", "evening"), mtime=1_700_000_100)
    stats = refresh(settings, store, T1)
    assert counts(stats) == (0, 1, 1, 0)
    assert asked == [None]
    write(seeds / "third.txt", OTHER)
    stats = refresh(settings, store, T2)
    assert counts(stats) == (1, 0, 0, 1)
    assert asked == [None, None, None]  # a new file: the second query


@pytest.mark.parametrize("walk_seconds", [0, 3, 30])
def test_a_move_a_long_walk_sees_half_of_is_a_rename_in_the_next_pass(
    settings: Settings, seeds: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, walk_seconds: int
) -> None:
    """`mv news/story.txt story.txt` while a full walk runs, after it listed the root and
    before it lists news/: the walk finds the old path gone and never sees the new one; the
    watcher's events for the move wait for the next pass, which starts when the walk ends.
    The rename window (settle_seconds, 1 s) counts from the end of the pass that found the
    file gone, not from its start: a walk of a big tree (here 3 s, 30 s) must not turn the
    move into a new article (a new guid: readers see the story again)."""
    write(seeds / "news" / "story.txt", TEXT)
    write(seeds / "other.txt", OTHER)
    refresh(settings, store, T0)
    before = by_path(store)
    real_scan = feedsvc.refresh.pass_.scan

    def scan_moving(root: Path, **kw: object) -> object:
        told = kw["unchanged"]

        def unchanged(relpath: str, size: int, mtime_ns: int) -> bool:
            if relpath == "other.txt":  # the root is being listed: news/ comes later
                (seeds / "news" / "story.txt").rename(seeds / "story.txt")
            return told(relpath, size, mtime_ns)  # type: ignore[no-any-return,operator]

        return real_scan(root, **{**kw, "unchanged": unchanged})  # type: ignore[arg-type]

    monkeypatch.setattr(feedsvc.refresh.pass_, "scan", scan_moving)
    clock = iter([T1, T1 + timedelta(seconds=walk_seconds)])  # the walk's start, then its end
    stats = run_refresh(settings, store, now=lambda: next(clock, T1 + timedelta(seconds=walk_seconds)))
    assert counts(stats) == (0, 0, 1, 1)  # news/story.txt gone; story.txt not seen
    monkeypatch.setattr(feedsvc.refresh.pass_, "scan", real_scan)
    later = T1 + timedelta(seconds=walk_seconds, milliseconds=300)  # the watcher's pass, at once
    stats = run_refresh(settings, store, now=lambda: later, paths=["news/story.txt", "story.txt"])
    after = by_path(store)
    assert sorted(after) == ["other.txt", "story.txt"]
    assert (after["story.txt"].guid, after["story.txt"].published) == (
        before["news/story.txt"].guid, before["news/story.txt"].published,
    )  # fmt: skip
    # ...and the window still closes: a file with those bytes a window after that pass is new
    (seeds / "story.txt").unlink()
    refresh(settings, store, later + timedelta(seconds=1))
    write(seeds / "again.txt", TEXT)
    refresh(settings, store, later + timedelta(seconds=4))
    assert by_path(store)["again.txt"].guid != before["news/story.txt"].guid


def test_rename_back_and_forth(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    write(seeds / "first.txt", TEXT)
    refresh(settings, store, T0)
    (first,) = store.latest()
    (seeds / "first.txt").rename(seeds / "second.txt")
    refresh(settings, store, T1)
    (seeds / "second.txt").rename(seeds / "third.txt")
    refresh(settings, store, T2)
    (third,) = store.latest()
    assert (third.slug, third.guid) == ("third", first.guid)
    assert store.redirect("first") == store.redirect("second") == "third"  # no chains
    (seeds / "third.txt").rename(seeds / "first.txt")
    refresh(settings, store, T3)
    (back,) = store.latest()
    assert (back.slug, back.guid, back.published) == ("first", first.guid, T0)  # its own address again
    assert store.redirect("first") is None
    assert store.redirect("second") == store.redirect("third") == "first"


def test_old_slugs_are_never_given_away(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    write(seeds / "story.txt", TEXT)
    refresh(settings, store, T0)
    (seeds / "story.txt").rename(seeds / "renamed.txt")
    refresh(settings, store, T1)
    write(seeds / "story.txt", OTHER)  # a new article under the old name
    refresh(settings, store, T2)
    found = by_path(store)
    assert found["story.txt"].slug not in ("story", "renamed")
    assert store.redirect("story") == "renamed"
    assert found["story.txt"].guid != found["renamed.txt"].guid


def test_a_removed_article_does_not_redirect(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    write(seeds / "story.txt", TEXT)
    refresh(settings, store, T0)
    (seeds / "story.txt").rename(seeds / "renamed.txt")
    refresh(settings, store, T1)
    (seeds / "renamed.txt").unlink()
    refresh(settings, store, T2)
    assert store.redirect("story") is None
    assert create_app(settings, store=store).test_client().get("/articles/story").status_code == 404


def test_moved_over_an_existing_file(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    """`mv b.txt a.txt`: a.txt now is b's article; a's old article leaves."""
    write(seeds / "a.txt", TEXT)
    write(seeds / "b.txt", OTHER)
    refresh(settings, store, T0)
    before = by_path(store)
    (seeds / "b.txt").rename(seeds / "a.txt")
    os.utime(seeds / "a.txt", ns=(1_700_000_500 * 10**9,) * 2)
    refresh(settings, store, T1)
    after = by_path(store)
    assert list(after) == ["a.txt"]
    assert after["a.txt"].guid == before["b.txt"].guid


def test_rotation_keeps_both_identities(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    """`mv a c; mv b a`: b's article is now at a, a's at c (c sorts after a, and so does 0)."""
    for new_name in ("c.txt", "0.txt"):
        for path in seeds.iterdir():
            path.unlink()
        write(seeds / "a.txt", TEXT)
        write(seeds / "b.txt", OTHER)
        with SQLiteStore(settings.db_path.with_name(f"{new_name}.sqlite")) as own:
            refresh(settings, own, T0)
            before = by_path(own)
            (seeds / "a.txt").rename(seeds / new_name)
            (seeds / "b.txt").rename(seeds / "a.txt")
            os.utime(seeds / "a.txt", ns=(1_700_000_500 * 10**9,) * 2)
            stats = refresh(settings, own, T1)
            after = by_path(own)
            assert after["a.txt"].guid == before["b.txt"].guid, new_name
            assert after[new_name].guid == before["a.txt"].guid, new_name
            assert (stats.added, stats.removed) == (0, 0), new_name


def test_moved_and_edited_is_a_new_article(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    write(seeds / "story.txt", TEXT)
    refresh(settings, store, T0)
    (before,) = store.latest()
    (seeds / "story.txt").unlink()
    write(seeds / "elsewhere.txt", TEXT + "And an edit.\n")
    stats = refresh(settings, store, T1)
    assert (stats.added, stats.removed) == (1, 1)
    (after,) = store.latest()
    assert after.guid != before.guid and store.redirect(before.slug) is None


def test_duplicates_pair_by_name_first(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    """Two files with the same bytes moved to another folder: each keeps its own identity."""
    write(seeds / "a.txt", TEXT)
    write(seeds / "b.txt", TEXT)
    refresh(settings, store, T0)
    before = by_path(store)
    (seeds / "old").mkdir()
    for name in ("a.txt", "b.txt"):
        (seeds / name).rename(seeds / "old" / name)
    refresh(settings, store, T1)
    after = by_path(store)
    assert after["old/a.txt"].guid == before["a.txt"].guid
    assert after["old/b.txt"].guid == before["b.txt"].guid


def test_a_folder_of_many_files_moves_in_bulk(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    n = feedsvc.refresh.pass_._Pass.BULK + 20  # past the bulk threshold: lookups from memory
    for i in range(n):
        write(seeds / "news" / f"story-{i:03d}.txt", f"Story number {i} happened today. It was short.\n")
    refresh(settings, store, T0)
    before = {a.path: a for a in store.latest()}
    (seeds / "news").rename(seeds / "archive")
    stats = refresh(settings, store, T1)
    assert counts(stats) == (0, n, 0, 0)
    after = {a.path.removeprefix("archive/"): a for a in store.latest()}
    assert len(after) == n
    for path, old in before.items():
        new = after[path.removeprefix("news/")]
        assert (new.guid, new.published) == (old.guid, old.published)
        assert store.redirect(old.slug) == new.slug == old.slug.replace("news-", "archive-", 1)


def test_an_id_header_file_moves_without_a_new_slug(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    write(seeds / "x.txt", "Id: council-2025\n\n" + OTHER)
    refresh(settings, store, T0)
    (before,) = store.latest()
    (seeds / "x.txt").rename(seeds / "y.txt")
    stats = refresh(settings, store, T1)
    assert counts(stats) == (0, 0, 0, 1)
    (after,) = store.latest()
    assert (after.id, after.guid, after.slug, after.updated, after.path) == (
        before.id, before.guid, before.slug, before.updated, "y.txt",
    )  # fmt: skip


def test_a_rename_within_the_window(
    settings: Settings, seeds: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a rename window, the file may come back in a later refresh (the store keeps what
    vanished); after the window it is a new article."""
    monkeypatch.setattr(feedsvc.refresh.pass_, "rename_window", lambda settings: timedelta(minutes=5))
    write(seeds / "story.txt", TEXT)
    write(seeds / "late.txt", OTHER)
    refresh(settings, store, T0)
    before = by_path(store)
    (seeds / "story.txt").unlink()
    (seeds / "late.txt").unlink()
    assert refresh(settings, store, T0 + timedelta(minutes=1)).removed == 2
    write(seeds / "moved" / "story.txt", TEXT)
    stats = refresh(settings, store, T0 + timedelta(minutes=3))
    assert stats.added == 1  # back in the feeds...
    again = by_path(store)["moved/story.txt"]
    assert (again.guid, again.published) == (before["story.txt"].guid, before["story.txt"].published)  # itself
    assert store.redirect(before["story.txt"].slug) == again.slug
    write(seeds / "moved" / "late.txt", OTHER)
    refresh(settings, store, T0 + timedelta(minutes=10))  # too late: a new article
    assert by_path(store)["moved/late.txt"].guid != before["late.txt"].guid
    assert store.vanished(T0) == []  # pruned


def test_the_same_file_name_wins_among_candidates(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    """Two identical files go, one comes back in another folder: it is the one with its name
    (not the first by path)."""
    write(seeds / "a.txt", TEXT)
    write(seeds / "z.txt", TEXT)
    refresh(settings, store, T0)
    before = by_path(store)
    (seeds / "a.txt").unlink()
    (seeds / "old").mkdir()
    (seeds / "z.txt").rename(seeds / "old" / "z.txt")
    refresh(settings, store, T1)
    assert by_path(store)["old/z.txt"].guid == before["z.txt"].guid


def test_a_copy_of_a_renamed_file_is_a_new_article(
    settings: Settings, seeds: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within the window the vanished record is still there, but its article is published
    again (renamed): a copy with the same bytes is a new article, never a clash."""
    monkeypatch.setattr(feedsvc.refresh.pass_, "rename_window", lambda settings: timedelta(minutes=5))
    write(seeds / "story.txt", TEXT)
    refresh(settings, store, T0)
    (seeds / "story.txt").rename(seeds / "moved.txt")
    refresh(settings, store, T0 + timedelta(minutes=1))
    shutil.copy(seeds / "moved.txt", seeds / "copy.txt")
    stats = refresh(settings, store, T0 + timedelta(minutes=2))
    assert (stats.added, stats.skipped) == (1, ())
    found = by_path(store)
    assert found["copy.txt"].guid != found["moved.txt"].guid


def test_this_refreshs_record_wins_over_an_older_one(
    settings: Settings, seeds: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article renamed, edited, and renamed again within the window: matched by its
    latest bytes, not by the record its first rename left."""
    monkeypatch.setattr(feedsvc.refresh.pass_, "rename_window", lambda settings: timedelta(minutes=5))
    write(seeds / "story.txt", TEXT)
    refresh(settings, store, T0)
    (before,) = store.latest()
    (seeds / "story.txt").rename(seeds / "moved.txt")
    refresh(settings, store, T0 + timedelta(minutes=1))
    write(seeds / "moved.txt", TEXT + "An edit.\n", mtime=1_700_000_100)
    refresh(settings, store, T0 + timedelta(minutes=2))
    (seeds / "moved.txt").rename(seeds / "final.txt")
    refresh(settings, store, T0 + timedelta(minutes=3))
    (after,) = store.latest()
    assert (after.path, after.guid) == ("final.txt", before.guid)


def test_a_path_whose_old_id_an_id_header_holds(settings: Settings, seeds: Path) -> None:
    """From an old index: the id "a.txt" (a.txt's, before) is now published by b.txt's
    "Id: a.txt". A new a.txt gets an id of its own instead of being refused."""
    from feedsvc.store._schema import MIGRATIONS

    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(settings.db_path, isolation_level=None)
    for migration in MIGRATIONS[:2]:
        for statement in migration.split(";"):  # type: ignore[union-attr]
            if statement.strip():
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO identities VALUES ('a.txt', ?, 'a', '2020-01-01T00:00:00.000000Z')", (make_guid("a.txt"),))
    conn.close()
    write(seeds / "b.txt", "Id: a.txt\n\n" + OTHER)
    with SQLiteStore(settings.db_path) as store:
        refresh(settings, store, T0)
        assert by_path(store)["b.txt"].guid == make_guid("a.txt")
        write(seeds / "a.txt", TEXT)
        stats = refresh(settings, store, T1)
        assert (stats.added, stats.skipped) == (1, ())
        found = by_path(store)
        assert found["a.txt"].id == "path:a" and found["b.txt"].id == "a.txt"


# ---------------------------------------------------------------------------- dates from mtime


def test_date_from_mtime(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    mtime = settings.with_overrides(date_from="mtime")
    write(seeds / "undated.txt", TEXT, mtime=1_600_000_000)
    write(seeds / "dated.txt", "Date: 2024-05-01 09:00 UTC\n\n" + OTHER, mtime=1_600_000_000)
    write(seeds / "future.txt", OTHER.replace("council", "board"), mtime=int(T0.timestamp()) + 86_400)
    refresh(mtime, store, T0)
    found = by_path(store)
    assert found["undated.txt"].published == datetime.fromtimestamp(1_600_000_000, UTC)
    assert found["dated.txt"].published == datetime(2024, 5, 1, 9, tzinfo=UTC)  # the text wins
    assert found["future.txt"].published == T0  # never in the future
    # An edit moves the mtime, never the date.
    write(seeds / "undated.txt", TEXT + "More.\n", mtime=1_650_000_000)
    refresh(mtime, store, T1)
    assert by_path(store)["undated.txt"].published == datetime.fromtimestamp(1_600_000_000, UTC)


def test_date_from_first_seen_is_the_default(settings: Settings, seeds: Path, store: SQLiteStore) -> None:
    assert settings.date_from == "first_seen"
    write(seeds / "undated.txt", TEXT, mtime=1_600_000_000)
    refresh(settings, store, T0)
    assert by_path(store)["undated.txt"].published == T0


def test_date_from_in_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[seeds]\ndate_from = "mtime"\n', "utf-8")
    assert load_settings(config).date_from == "mtime"
    config.write_text('[seeds]\ndate_from = "ctime"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"\[seeds\] date_from must be one of 'first_seen', 'mtime', got 'ctime'"):
        load_settings(config)


# ---------------------------------------------------------------------------- upgrade


def test_old_ids_with_reserved_prefixes_are_escaped(settings: Settings, seeds: Path) -> None:
    """A schema-2 index whose ids start like the new kinds: a file named "path:x.txt" and
    an Id: header "id:y". Both keep their guid, slug and date, and their files find them."""
    from feedsvc.refresh.reading import content_hash
    from feedsvc.store._schema import MIGRATIONS

    write(seeds / "path:x.txt", TEXT)
    write(seeds / "y.txt", "Id: id:y\n\n" + OTHER)
    with SQLiteStore(settings.db_path) as fresh:  # rows as today's code writes them...
        refresh(settings, fresh, T0)
        rows = {r[1]: list(r) for r in fresh.conn.execute("SELECT * FROM articles")}
    settings.db_path.unlink()
    conn = sqlite3.connect(settings.db_path, isolation_level=None)
    for migration in MIGRATIONS[:2]:
        for statement in migration.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    from feedsvc.parse import parse_bytes

    for path, old_id in (("path:x.txt", "path:x.txt"), ("y.txt", "id:y")):  # ...with the old ids
        row = rows[path]
        parsed = parse_bytes((seeds / path).read_bytes(), settings.parse_rules())
        row[0], row[-1] = old_id, content_hash(parsed, old_id)
        conn.execute("INSERT INTO identities VALUES (?, ?, ?, ?)", (old_id, make_guid(old_id), f"s-{path[0]}", row[7]))
        conn.execute(f"INSERT INTO articles VALUES ({', '.join('?' * len(row))})", row)
    conn.close()
    with SQLiteStore(settings.db_path) as store:
        stats = refresh(settings, store, T1)
        assert (stats.added, stats.updated, stats.removed) == (0, 0, 0)
        assert {a.id: (a.path, a.guid, a.slug) for a in store.latest()} == {
            "id:path:x.txt": ("path:x.txt", make_guid("path:x.txt"), "s-p"),
            "id:id:y": ("y.txt", make_guid("id:y"), "s-y"),
        }
        shutil.copy(seeds / "path:x.txt", seeds / "later.txt")  # and the files still find them
        (seeds / "path:x.txt").unlink()
        refresh(settings, store, T2)
        assert by_path(store)["later.txt"].guid == make_guid("path:x.txt")
