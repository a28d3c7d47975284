"""The walk (sources.Walk): paths longer than PATH_MAX are read, every file it cannot enter or
stat is reported, it yields files in path order a batch at a time, and leaves no descriptor
open; an Id: freed by a removal later in the walk is free in that pass."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import feedparser
import pytest
from conftest import FIXED_NOW
from conftest import SEEDS

import feedsvc.refresh.reading
from feedsvc.config import Settings
from feedsvc.refresh import run_refresh
from feedsvc.sources import NeedsFullScan
from feedsvc.sources import Walk
from feedsvc.sources import scan
from feedsvc.sources import scan_paths
from feedsvc.store.sqlite import SQLiteStore
from feedsvc.web import create_app

DIR = os.O_RDONLY | os.O_DIRECTORY
# 25 folders of 203 bytes: the file's path is over 5,000 bytes, past Linux's PATH_MAX (4,096)
DEEP = ["d" * 200 + f"{i:03d}" for i in range(25)]


@contextmanager
def inside(root: Path, folders: list[str], *, create: bool = False) -> Iterator[int]:
    """A descriptor of root/folders..., reached (and made) one folder at a time."""
    fd = os.open(root, DIR)
    try:
        for name in folders:
            if create:
                os.mkdir(name, dir_fd=fd)
            step = os.open(name, DIR, dir_fd=fd)
            os.close(fd)
            fd = step
        yield fd
    finally:
        os.close(fd)


def put(dir_fd: int, name: str, text: str) -> None:
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=dir_fd)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_a_path_longer_than_path_max_is_published_edited_and_removed(
    settings: Settings, store: SQLiteStore
) -> None:
    with inside(settings.seeds_dir, DEEP, create=True) as fd:
        put(fd, "deep.txt", "Title: From the depths\n\nA story filed very far down the tree.\n")
    rel = "/".join([*DEEP, "deep.txt"])
    assert len(os.fsencode(settings.seeds_dir / rel)) > 4096
    with pytest.raises(OSError) as e:
        (settings.seeds_dir / rel).stat()
    assert e.value.errno == errno.ENAMETOOLONG  # what a path-based walk met: the subtree vanished

    stats = run_refresh(settings, store, now=lambda: FIXED_NOW)
    assert stats.skipped == () and stats.added >= 1
    article = next(a for a in store.latest(100) if a.path == rel)
    assert article.title == "From the depths"
    client = create_app(settings, store=store).test_client()
    titles = [e.title for e in feedparser.parse(client.get("/atom.xml").data).entries]
    assert "From the depths" in titles

    with inside(settings.seeds_dir, DEEP) as fd:
        put(fd, "deep.txt", "Title: Back from the depths\n\nThe story, edited, still far down.\n")
        os.utime("deep.txt", ns=(1, 2_000_000_000_000_000_000), dir_fd=fd)
    # the watcher names the path: too long to look at alone, so the refresh walks
    with pytest.raises(NeedsFullScan):
        scan_paths(settings.seeds_dir, [rel])
    assert run_refresh(settings, store, paths=[rel]).updated == 1
    assert "Back from the depths" in client.get("/feed.json").get_data(as_text=True)

    with inside(settings.seeds_dir, DEEP) as fd:
        os.unlink("deep.txt", dir_fd=fd)
    assert run_refresh(settings, store).removed == 1
    assert all(a.path != rel for a in store.latest(100))


def test_files_come_in_path_order_a_batch_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = ["a.txt", "a/b.txt", "a-b/c.txt", "a0.txt", "a/a/z.txt", "b.txt", "B.txt", "a.b/x.txt",
             "\u00e9t\u00e9.txt", "z/y/x/w.txt", "a/b/c.txt", "ab.txt"]  # fmt: skip
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Some text.\n", "utf-8")
    monkeypatch.setattr(Walk, "BATCH", 5)
    batches = list(Walk(tmp_path))
    assert [len(b) for b in batches] == [5, 5, 2]
    assert [src.relpath for b in batches for src in b] == sorted(names)
    assert [s.relpath for s in scan(tmp_path).files] == sorted(names)


def test_the_walk_leaves_no_descriptor_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(4):
        for j in range(4):
            folder = tmp_path / f"f{i}" / f"g{j}" / "h"
            folder.mkdir(parents=True)
            (folder / "x.txt").write_text("Text.\n", "utf-8")
            (tmp_path / f"f{i}" / f"g{j}" / "y.txt").write_text("Text.\n", "utf-8")
    before = open_fds()
    assert len(scan(tmp_path).files) == 32
    assert open_fds() == before
    monkeypatch.setattr(Walk, "BATCH", 3)
    walk = iter(Walk(tmp_path))
    next(walk)  # a caller that stops early (a failed refresh)
    assert len(open_fds() - before) >= 1  # the folders still to visit are held open...
    walk.close()  # type: ignore[attr-defined]
    assert open_fds() == before  # ...and closed when it stops


def test_what_the_walk_cannot_stat_or_enter_is_reported_and_keeps_its_articles(
    settings: Settings, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    (settings.seeds_dir / "sub").mkdir()
    (settings.seeds_dir / "sub" / "LOUD.TXT").write_text("Text of a file with a loud name.\n", "utf-8")
    (settings.seeds_dir / "folder").mkdir()
    (settings.seeds_dir / "folder" / "kept.txt").write_text("An article in a folder.\n", "utf-8")
    assert run_refresh(settings, store).added == 4
    (settings.seeds_dir / "folder" / "new.txt").write_text("Another article in the folder.\n", "utf-8")
    real_stat, real_open = os.stat, os.open
    failing = {"LOUD.TXT", "folder"}

    def flaky_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if path in failing:
            raise OSError(errno.EIO, "Input/output error", path)
        return real_stat(path, *args, **kwargs)

    def flaky_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if path in failing and kwargs.get("dir_fd") is not None:
            raise OSError(errno.EIO, "Input/output error", path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "stat", flaky_stat)
    monkeypatch.setattr(os, "open", flaky_open)
    (settings.seeds_dir / "sub" / "LOUD.TXT").touch()
    stats = run_refresh(settings, store)
    assert {(s.path, s.reason) for s in stats.skipped} == {
        ("sub/LOUD.TXT", "cannot stat: Input/output error"),
        ("folder/", "cannot list folder: Input/output error"),
    }
    assert stats.removed == 1  # LOUD.TXT: a file that cannot be read is not published
    assert any(a.path == "folder/kept.txt" for a in store.latest(100))  # a folder keeps its own
    failing.clear()  # the disk recovers: the skips heal without the files changing
    healed = run_refresh(settings, store)
    assert (healed.added, healed.skipped) == (2, ())


def test_an_id_freed_by_a_removal_later_in_the_walk_is_free_in_the_same_refresh(
    settings: Settings, store: SQLiteStore
) -> None:
    (settings.seeds_dir / "z.txt").write_text("Id: shared\n\nThe old holder of the id.\n", "utf-8")
    run_refresh(settings, store)
    (settings.seeds_dir / "z.txt").unlink()
    (settings.seeds_dir / "a.txt").write_text("Id: shared\n\nThe new holder of the id.\n", "utf-8")
    stats = run_refresh(settings, store)  # the walk finds a.txt before the place z.txt was
    assert stats.skipped == () and stats.changed
    article = store.get("shared")
    assert article is not None and article.path == "a.txt"


def test_an_id_held_by_a_file_the_walk_still_finds_stays_held(settings: Settings, store: SQLiteStore) -> None:
    (settings.seeds_dir / "z.txt").write_text("Id: shared\n\nThe holder of the id.\n", "utf-8")
    run_refresh(settings, store)
    (settings.seeds_dir / "a.txt").write_text("Id: shared\n\nA file that wants the id.\n", "utf-8")
    stats = run_refresh(settings, store)
    assert [(s.path, s.reason) for s in stats.skipped] == [("a.txt", "Id 'shared' is already used by z.txt")]
    article = store.get("shared")
    assert article is not None and article.path == "z.txt"


def test_a_first_refresh_reads_files_while_the_walk_goes_on(
    settings: Settings, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index knows no file: files are written as the walk finds them, no list is held."""
    for folder in ("a", "b", "c"):
        for i in range(3):
            (settings.seeds_dir / folder).mkdir(exist_ok=True)
            (settings.seeds_dir / folder / f"{i}.txt").write_text(f"Story {folder}{i} is here.\n", "utf-8")
    events: list[str] = []
    real_scandir, real_read = os.scandir, feedsvc.refresh.reading.read_file

    def listing(path: Any) -> Any:
        events.append("list")
        return real_scandir(path)

    def reading(src: Any, *args: Any, **kwargs: Any) -> bytes:
        events.append("read " + src.relpath)
        return real_read(src, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", listing)
    monkeypatch.setattr(feedsvc.refresh.reading, "read_file", reading)
    monkeypatch.setattr(Walk, "BATCH", 2)
    stats = run_refresh(settings, store)
    assert stats.added == 9 + len(list(SEEDS.iterdir()))
    reads = [e[5:] for e in events if e.startswith("read ")]
    assert reads == sorted(reads)  # path order, as a refresh over a known index handles them
    assert events.index("read a/0.txt") < len(events) - 1 - events[::-1].index(
        "list"
    )  # before the last listing
    # a second refresh over the same folder (the index knows files): nothing read, nothing new
    events.clear()
    assert not run_refresh(settings, store).changed and not [e for e in events if e.startswith("read")]
