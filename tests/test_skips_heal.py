"""Skips heal: a file skipped for a cause that may go away by itself (permissions, a read
error) is read again on the next refresh, not only when its mtime moves; other skips (an
empty or binary file) are not re-read while their stamp stays."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

import feedsvc.refresh.reading
from feedsvc.config import Settings
from feedsvc.refresh import run_refresh
from feedsvc.sources import CompleteCheck
from feedsvc.sources import SourceFile
from feedsvc.sources import is_transient
from feedsvc.store import Store

ARTICLE = "A file that nobody may read at first, then everybody may.\n"


def refuse_open(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[bool]:
    """Make os.open refuse ``path`` while the returned list is non-empty (root ignores chmod)."""
    target = os.path.realpath(path)
    real_open = os.open
    refusing = [True]

    def fake(p: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if refusing and os.path.realpath(p) == target:
            raise PermissionError(13, "Permission denied", os.fspath(p))
        return real_open(p, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake)
    return refusing


def test_a_refused_file_is_published_once_it_may_be_read(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = settings.seeds_dir / "locked.txt"
    path.write_text(ARTICLE, "utf-8")
    refusing = refuse_open(monkeypatch, path)
    first = run_refresh(settings, store)
    assert [(s.path, s.reason) for s in first.skipped] == [("locked.txt", "permission denied")]
    stamp = path.stat().st_mtime_ns
    refusing.clear()  # the operator fixes the permissions: the mtime does not move
    assert path.stat().st_mtime_ns == stamp
    second = run_refresh(settings, store)
    assert second.added == 1 and second.skipped == ()
    assert any(a.path == "locked.txt" for a in store.latest(100))


def test_a_still_refused_file_is_retried_quietly(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = settings.seeds_dir / "locked.txt"
    path.write_text(ARTICLE, "utf-8")
    refuse_open(monkeypatch, path)
    run_refresh(settings, store)
    caplog.clear()  # the first refresh's warning is the one there should be
    with caplog.at_level(logging.DEBUG, logger="feedsvc"):
        again = run_refresh(settings, store)
    assert [s.path for s in again.skipped] == ["locked.txt"]
    said = [r for r in caplog.records if "locked.txt" in r.getMessage()]
    assert said and all(r.levelno == logging.DEBUG for r in said)  # no second warning


def test_a_skip_that_cannot_heal_is_not_read_again(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    (settings.seeds_dir / "empty.txt").write_bytes(b"")
    run_refresh(settings, store)
    reads: list[str] = []
    real = feedsvc.refresh.reading.read_file

    def counting(src: SourceFile, max_bytes: int, check: CompleteCheck | None = None) -> bytes:
        reads.append(src.relpath)
        return real(src, max_bytes, check)

    monkeypatch.setattr(feedsvc.refresh.reading, "read_file", counting)
    again = run_refresh(settings, store)
    assert [s.path for s in again.skipped] == ["empty.txt"]
    assert reads == []


@pytest.mark.parametrize(
    ("reason", "transient"),
    [
        ("permission denied", True),
        ("cannot open: Too many open files", True),
        ("cannot read: Input/output error", True),
        ("cannot stat: Permission denied", True),
        ("empty file", False),
        ("binary file (PNG image)", False),
        ("file is larger than the 5242880 byte limit (9000000 bytes)", False),
    ],
)
def test_which_reasons_may_heal(reason: str, transient: bool) -> None:
    assert is_transient(reason) is transient


def test_a_folder_the_walk_cannot_list_is_reported_and_keeps_its_articles(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder that cannot be listed (permissions, I/O errors, out of descriptors) is a skip
    with a reason, its articles stay published, and it heals when it can be listed again."""
    folder = settings.seeds_dir / "deep"
    folder.mkdir()
    (folder / "kept.txt").write_text(ARTICLE, "utf-8")
    assert run_refresh(settings, store).added >= 1
    target = os.path.realpath(folder)
    real_scandir = os.scandir
    refusing = [True]

    def fake(path: Any = ".") -> Any:
        # the walk lists each folder from its descriptor: which folder it is, /proc says
        listed = os.readlink(f"/proc/self/fd/{path}") if isinstance(path, int) else os.path.realpath(path)
        if refusing and listed == target:
            raise PermissionError(13, "Permission denied", listed)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", fake)
    (folder / "new.txt").write_text(ARTICLE, "utf-8")
    stats = run_refresh(settings, store)
    assert ("deep/", "cannot list folder: Permission denied") in [(s.path, s.reason) for s in stats.skipped]
    assert stats.removed == 0
    assert any(a.path == "deep/kept.txt" for a in store.latest(100))
    refusing.clear()
    healed = run_refresh(settings, store)
    assert healed.added == 1 and all(s.path != "deep/" for s in healed.skipped)
