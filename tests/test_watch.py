"""The file watcher names the changed paths; the runner refreshes just those."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path

from feedsvc.config import Settings
from feedsvc.model import RefreshStats
from feedsvc.serve import RefreshRunner
from feedsvc.serve import SeedsWatcher


def test_runner_passes_named_paths() -> None:
    calls: list[object] = []
    runner = RefreshRunner(
        lambda: calls.append("full") or RefreshStats(), lambda p: calls.append(p) or RefreshStats()
    )
    runner.request(paths=["a.txt"])
    runner.request(paths=["b/c.txt"])
    runner.run()
    assert calls == [frozenset({"a.txt", "b/c.txt"})]


def test_runner_full_wins_and_ticks_are_full() -> None:
    calls: list[object] = []
    runner = RefreshRunner(
        lambda: calls.append("full") or RefreshStats(), lambda p: calls.append(p) or RefreshStats()
    )
    runner.request(paths=["a.txt"])
    runner.request()  # a folder changed: walk everything
    runner.run()
    runner.run()  # the interval tick: nobody named paths
    assert calls == ["full", "full"]


class Recorder:
    """Stands in for the runner: records what the watcher asks for."""

    def __init__(self) -> None:
        self.requests: list[list[str] | None] = []
        self.event = threading.Event()

    def request(self, delay: float = 0.0, paths: Iterable[str] | None = None) -> None:
        self.requests.append(None if paths is None else sorted(paths))
        self.event.set()

    def wait_for(self, predicate, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(predicate(r) for r in self.requests):
                return True
            self.event.wait(0.05)
            self.event.clear()
        return False


def test_watcher_names_closed_and_moved_files(settings: Settings, seeds_dir: Path) -> None:
    recorder = Recorder()
    watcher = SeedsWatcher(settings, recorder)  # type: ignore[arg-type]
    watcher.start()
    try:
        (seeds_dir / "new.txt").write_text("Fresh.\n", "utf-8")
        assert recorder.wait_for(lambda r: r is not None and "new.txt" in r)
        (seeds_dir / "draft.txt.tmp").write_text("Half.\n", "utf-8")
        (seeds_dir / "draft.txt.tmp").rename(seeds_dir / "done.txt")
        assert recorder.wait_for(lambda r: r is not None and "done.txt" in r)
        (seeds_dir / "sub").mkdir()
        assert recorder.wait_for(lambda r: r is None)
        before = len(recorder.requests)
        (seeds_dir / ".notes.txt.swp").write_text("editor junk", "utf-8")
        (seeds_dir / "x.tmp").write_text("junk", "utf-8")
        time.sleep(0.3)  # nothing may arrive: there is no event to wait for
        assert all(
            r is None or not ({".notes.txt.swp", "x.tmp"} & set(r)) for r in recorder.requests[before:]
        )
    finally:
        watcher.stop()
