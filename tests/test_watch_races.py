"""The watcher, the runner and refresh together, with a move made at each point of their work.

`mkdir moved; mv harbour.txt moved/` (tests/test_renames_e2e.py does it against a real
server): the folder's IN_CREATE makes the watcher add a watch and ask for a full walk, and
the move can land before the watcher reads that event, before or after the watch is added, at
any point of the walk, or after it. Luck decides where under load (CI failed on one of these);
here hooks put it at each point in turn, deterministically. Whatever the point, once the
watcher's events are handled the article is at its new path with its guid: one rename, never a
copy and a removal. The watcher is driven by hand (``process()``) and the runner is not
started: each turn is the watcher's, then the runner's, as their threads would take them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.refresh import run_refresh
from feedsvc.serve import RefreshRunner
from feedsvc.serve import SeedsWatcher
from feedsvc.serve import inotify
from feedsvc.sources import Walk
from feedsvc.store.sqlite import SQLiteStore

TEXT = "Title: Harbour reopens\n\nThe harbour reopened this morning after the storm. Ships queued outside.\n"
OTHER = "The council met on Tuesday. It approved the budget for next year.\n"
#: where the move lands, in the order the watcher and the walk get there
POINTS = (
    "before the watcher reads the mkdir", "before the watch on the new folder", "after that watch",
    "before the walk lists the root", "between the root and the new folder", "after the new folder is listed",
    "after the walk",
)  # fmt: skip
#: (old path, new path): into the new folder (listed after the root's files), and out of a
#: folder listed after the new one into the root (listed before it)
MOVES = (("harbour.txt", "moved/harbour.txt"), ("old/harbour.txt", "harbour.txt"))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    os.utime(path, ns=(1_700_000_000 * 10**9,) * 2)  # long settled: nothing is deferred


@pytest.mark.parametrize(("old", "new"), MOVES)
@pytest.mark.parametrize("point", POINTS)
def test_a_move_beside_a_new_folder_is_one_rename_wherever_it_lands(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, point: str, old: str, new: str
) -> None:
    seeds = settings.seeds_dir
    for path in seeds.iterdir():
        path.unlink()
    write(seeds / old, TEXT)
    write(seeds / "council.txt", OTHER)
    done: list[str] = []

    def at(here: str) -> None:
        if here == point and not done:
            done.append(here)
            os.rename(seeds / old, seeds / new)

    real_add = inotify.Inotify.add_watch

    def add_watch(self: inotify.Inotify, path: str, mask: int) -> int:
        if path.rstrip("/") != str(seeds / "moved"):
            return real_add(self, path, mask)
        at("before the watch on the new folder")
        wd = real_add(self, path, mask)
        at("after that watch")
        return wd

    real_list = Walk._list

    def walk_list(self: Walk, real_root: str, sub: object, *rest: object) -> object:
        prefix = getattr(sub, "prefix")  # noqa: B009  (a private type of the walk)
        at({"": "before the walk lists the root", "moved/": "between the root and the new folder"}.get(prefix, ""))
        listed = real_list(self, real_root, sub, *rest)  # type: ignore[arg-type]
        if prefix == "moved/":
            at("after the new folder is listed")
        return listed

    with SQLiteStore(settings.db_path) as store:
        runner = RefreshRunner(lambda **named: run_refresh(settings, store, **named))
        runner.run()
        guid = {a.path: a.guid for a in store.latest()}[old]
        watcher = SeedsWatcher(settings, runner)
        monkeypatch.setattr(inotify.Inotify, "add_watch", add_watch)
        monkeypatch.setattr(Walk, "_list", walk_list)
        try:
            (seeds / "moved").mkdir()
            at("before the watcher reads the mkdir")
            turn: Callable[[], None] = lambda: at("after the walk")  # noqa: E731
            for _ in range(3):  # the mkdir's turn, the move's, and one to spare
                watcher.process(0.05)
                runner.run()
                turn()
        finally:
            watcher.stop()
        assert done == [point]
        after = {a.path: a.guid for a in store.latest()}
    assert after == {new: guid, "council.txt": after["council.txt"]}
