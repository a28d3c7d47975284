"""The file watcher: what it asks the runner for, and when it starts over (real inotify).

A Recorder stands in for the refresh runner. Most tests run the watcher's own thread; the
overflow test drives it by hand (``process()``) so that the kernel's queue can be filled
while nobody reads it, which is how it overflows in real life too.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.model import RefreshStats
from feedsvc.serve import RefreshRunner
from feedsvc.serve import SeedsWatcher
from feedsvc.serve.lookup import resolve

Request = tuple[frozenset[str] | None, dict[str, tuple[int, int]]]


class Recorder:
    """Stands in for the runner: records what the watcher asks for."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.event = threading.Event()

    def request(self, delay: float = 0.0, paths: Iterable[str] | None = None,
                complete: Mapping[str, tuple[int, int]] | None = None) -> None:  # fmt: skip
        self.requests.append((None if paths is None else frozenset(paths), dict(complete or {})))
        self.event.set()

    def named(self) -> set[str]:
        return {p for paths, _ in self.requests if paths for p in paths}

    def fulls(self) -> int:
        return sum(1 for paths, _ in self.requests if paths is None)

    def wait_for(self, predicate: Callable[[Request], bool], timeout: float = 5.0) -> Request:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for r in list(self.requests):
                if predicate(r):
                    return r
            self.event.wait(0.02)
            self.event.clear()
        raise AssertionError(f"no such request in {self.requests}")

    def quiet(self, seconds: float = 0.2) -> list[Request]:
        """What arrives in the next ``seconds`` (when nothing may)."""
        before = len(self.requests)
        time.sleep(seconds)
        return self.requests[before:]


def names(path: str) -> Callable[[Request], bool]:
    return lambda r: r[0] is not None and path in r[0]


def full(r: Request) -> bool:
    return r[0] is None


def stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def watching(settings: Settings, recorder: Recorder) -> Iterator[SeedsWatcher]:
    watcher = SeedsWatcher(settings, recorder)
    watcher.start()
    yield watcher
    watcher.stop()


# ------------------------------------------------------------------ the runner


def test_runner_passes_named_paths_and_complete_stamps() -> None:
    calls: list[dict[str, object]] = []
    runner = RefreshRunner(lambda **kw: calls.append(kw) or RefreshStats())
    runner.request(paths=["a.txt"], complete={"a.txt": (10, 5)})
    runner.request(paths=["b/c.txt"])
    runner.run()
    assert calls == [{"paths": frozenset({"a.txt", "b/c.txt"}), "complete": {"a.txt": (10, 5)}}]


def test_runner_full_wins_and_ticks_are_full() -> None:
    calls: list[dict[str, object]] = []
    runner = RefreshRunner(lambda **kw: calls.append(kw) or RefreshStats())
    runner.request(paths=["a.txt"], complete={"a.txt": (1, 2)})
    runner.request()  # a folder changed: walk everything (the closed file is still complete)
    runner.run()
    runner.run()  # the interval tick: nobody named paths
    assert calls == [{"paths": None, "complete": {"a.txt": (1, 2)}}, {}]


def test_runner_walks_everything_once_a_full_interval_has_passed() -> None:
    calls: list[dict[str, object]] = []
    runner = RefreshRunner(lambda **kw: calls.append(kw) or RefreshStats(), full_every=0.05)
    runner.request(paths=["a.txt"])
    runner.run()
    time.sleep(0.06)
    runner.request(paths=["b.txt"])  # a busy watcher does not keep the walk away for ever
    runner.run()
    assert [c.get("paths") for c in calls] == [frozenset({"a.txt"}), None]


def test_runner_looks_at_deferred_files_again_by_itself(settings: Settings) -> None:
    from feedsvc.serve import build_scheduler

    calls: list[dict[str, object]] = []
    answers = [RefreshStats(deferred=("w.txt",), deferred_reasons=("still open for writing",), retry_in=0.2)]

    def refresh(**kw: object) -> RefreshStats:
        calls.append(kw)
        return answers.pop(0) if answers else RefreshStats(added=1)

    runner = RefreshRunner(refresh)
    build_scheduler(settings, runner)
    runner.start()
    try:
        started = time.monotonic()
        runner.run()
        deadline = time.monotonic() + 5
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(calls) == 2, "the deferred file was not looked at again"
        assert calls[1] == {"paths": frozenset({"w.txt"}), "complete": {}}
        assert 0.15 < time.monotonic() - started < 3  # when the refresh said, not at the interval
    finally:
        runner.stop()


# ------------------------------------------------------------------ files


def test_watcher_names_closed_and_moved_files_with_their_stamps(
    watching: SeedsWatcher, recorder: Recorder, seeds_dir: Path
) -> None:
    new = seeds_dir / "new.txt"
    new.write_text("Fresh.\n", "utf-8")
    _, complete = recorder.wait_for(names("new.txt"))
    assert complete["new.txt"] == stamp(new)
    (seeds_dir / "draft.txt.tmp").write_text("Half.\n", "utf-8")
    (seeds_dir / "draft.txt.tmp").rename(seeds_dir / "done.txt")
    _, complete = recorder.wait_for(names("done.txt"))
    assert complete["done.txt"] == stamp(seeds_dir / "done.txt")
    assert "draft.txt.tmp" not in recorder.named()


def test_a_file_being_written_is_not_asked_for_until_it_is_closed(
    watching: SeedsWatcher, recorder: Recorder, seeds_dir: Path
) -> None:
    path = seeds_dir / "slow.txt"
    with path.open("w", encoding="utf-8") as f:
        f.write("The first paragraph of a story still being written.\n")
        f.flush()
        time.sleep(0.1)
        f.write("The second.\n")
        f.flush()
        assert "slow.txt" not in {p for r in recorder.quiet(0.2) if r[0] for p in r[0]}
    _, complete = recorder.wait_for(names("slow.txt"))
    assert complete["slow.txt"] == stamp(path)


def test_deletions_chmods_and_links_are_named_without_the_complete_promise(
    watching: SeedsWatcher, recorder: Recorder, seeds_dir: Path
) -> None:
    victim = next(seeds_dir.glob("*.txt"))
    victim.chmod(0o600)
    paths, complete = recorder.wait_for(names(victim.name))
    assert victim.name not in complete
    os.link(victim, seeds_dir / "hard.txt")  # a hard link is whole at once: no close follows
    recorder.wait_for(names("hard.txt"))
    (seeds_dir / "soft.txt").symlink_to(victim.name)
    recorder.wait_for(names("soft.txt"))
    victim.unlink()
    recorder.wait_for(lambda r: r[0] is not None and victim.name in r[0] and victim.name not in r[1])


def test_editor_junk_is_not_named(watching: SeedsWatcher, recorder: Recorder, seeds_dir: Path) -> None:
    (seeds_dir / ".notes.txt.swp").write_text("editor junk", "utf-8")
    (seeds_dir / "x.tmp").write_text("junk", "utf-8")
    (seeds_dir / ".hidden").mkdir()
    (seeds_dir / ".hidden" / "a.txt").write_text("hidden", "utf-8")
    assert recorder.quiet(0.3) == []


# ------------------------------------------------------------------ folders


def test_a_new_folder_is_walked_and_watched(watching: SeedsWatcher, recorder: Recorder, seeds_dir: Path) -> None:
    (seeds_dir / "sub" / "deeper").mkdir(parents=True)
    recorder.wait_for(full)
    time.sleep(0.05)  # let the watcher add the new folders' watches
    (seeds_dir / "sub" / "deeper" / "late.txt").write_text("Late.\n", "utf-8")
    recorder.wait_for(names("sub/deeper/late.txt"))


def test_a_folder_moved_out_is_forgotten(
    watching: SeedsWatcher, recorder: Recorder, seeds_dir: Path, tmp_path: Path
) -> None:
    (seeds_dir / "sub").mkdir()
    recorder.wait_for(full)
    time.sleep(0.05)
    (seeds_dir / "sub").rename(tmp_path / "outside")
    time.sleep(0.1)
    (tmp_path / "outside" / "x.txt").write_text("Not ours any more.\n", "utf-8")
    assert all(r[0] is None or not any("x.txt" in p for p in r[0]) for r in recorder.quiet(0.2))


def test_the_seeds_folder_deleted_and_made_again_is_watched_again(
    watching: SeedsWatcher, recorder: Recorder, seeds_dir: Path
) -> None:
    before = watching.rearms
    shutil.rmtree(seeds_dir)
    time.sleep(0.1)
    seeds_dir.mkdir()
    recorder.wait_for(full)  # the folder is back: walk it (it may have files already)
    assert watching.rearms > before
    time.sleep(0.05)
    (seeds_dir / "after.txt").write_text("Back again.\n", "utf-8")
    recorder.wait_for(names("after.txt"))


def test_a_re_pointed_seeds_symlink_is_followed(tmp_path: Path, settings: Settings, recorder: Recorder) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    link = tmp_path / "current"
    link.symlink_to("a")
    watcher = SeedsWatcher(settings.with_overrides(seeds_dir=link), recorder)
    watcher.start()
    try:
        (tmp_path / "a" / "one.txt").write_text("In a.\n", "utf-8")
        recorder.wait_for(names("one.txt"))
        (tmp_path / "next").symlink_to("b")
        (tmp_path / "next").rename(link)  # `ln -sfn b current`, atomically
        recorder.wait_for(full)
        time.sleep(0.05)
        (tmp_path / "b" / "two.txt").write_text("In b.\n", "utf-8")
        recorder.wait_for(names("two.txt"))
        (tmp_path / "a" / "old.txt").write_text("Nobody publishes a any more.\n", "utf-8")
        assert all(r[0] is None or "old.txt" not in r[0] for r in recorder.quiet(0.2))
    finally:
        watcher.stop()


def test_a_folder_on_the_way_re_made_is_followed(tmp_path: Path, settings: Settings, recorder: Recorder) -> None:
    (tmp_path / "site" / "seeds").mkdir(parents=True)
    watcher = SeedsWatcher(settings.with_overrides(seeds_dir=tmp_path / "site" / "seeds"), recorder)
    watcher.start()
    try:
        (tmp_path / "site").rename(tmp_path / "site-old")  # the release folder swapped
        (tmp_path / "site-new" / "seeds").mkdir(parents=True)
        (tmp_path / "site-new").rename(tmp_path / "site")
        recorder.wait_for(full)
        time.sleep(0.05)
        (tmp_path / "site" / "seeds" / "x.txt").write_text("In the new release.\n", "utf-8")
        recorder.wait_for(names("x.txt"))
    finally:
        watcher.stop()


def test_the_periodic_check_sees_what_no_event_says(settings: Settings, recorder: Recorder, seeds_dir: Path) -> None:
    watcher = SeedsWatcher(settings, recorder)  # not started: driven by hand
    try:
        watcher.process(check_path=True)
        assert recorder.requests == []  # same folder: nothing to do
        watcher._root_id = (0, 0)  # as if the path now led elsewhere (a mount over it, say)
        watcher.process(check_path=True)
        assert recorder.requests and full(recorder.requests[-1])
    finally:
        watcher.stop()


def test_what_is_queued_goes_out_as_one_request(settings: Settings, recorder: Recorder, seeds_dir: Path) -> None:
    watcher = SeedsWatcher(settings, recorder)  # not started: driven by hand
    try:
        for i in range(100):
            (seeds_dir / f"b{i:03d}.txt").write_text("Burst.\n", "utf-8")
        watcher.process()
        assert len(recorder.requests) == 1
        paths, complete = recorder.requests[0]
        assert paths == {f"b{i:03d}.txt" for i in range(100)} == complete.keys()
    finally:
        watcher.stop()


def test_the_watch_limit_is_said_once(
    settings: Settings, recorder: Recorder, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    import errno

    from feedsvc.serve import inotify

    for i in range(5):
        (seeds_dir / f"d{i}").mkdir()
    real = inotify.Inotify.add_watch

    def limited(self: inotify.Inotify, path: str, mask: int) -> int:
        if os.path.basename(path.rstrip("/")).startswith("d"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, path, mask)

    monkeypatch.setattr(inotify.Inotify, "add_watch", limited)
    with caplog.at_level(logging.ERROR, logger="feedsvc.serve.watch"):
        watcher = SeedsWatcher(settings, recorder)
        watcher.stop()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "max_user_watches" in errors[0]


def test_a_bug_in_the_watcher_thread_does_not_leave_it_deaf(
    settings: Settings, recorder: Recorder, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    watcher = SeedsWatcher(settings, recorder, check_every=0.05)
    real = watcher._event
    failed: list[str] = []

    def once(ev: object, batch: object) -> None:
        if not failed:
            failed.append("boom")
            raise RuntimeError("a bug")
        real(ev, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(watcher, "_event", once)
    with caplog.at_level(logging.ERROR, logger="feedsvc.serve.watch"):
        watcher.start()
        try:
            (seeds_dir / "first.txt").write_text("Lost to the bug.\n", "utf-8")
            recorder.wait_for(full)  # it started over: re-armed and asked for a walk
            (seeds_dir / "second.txt").write_text("Seen.\n", "utf-8")
            recorder.wait_for(names("second.txt"))
        finally:
            watcher.stop()
    assert failed and any("unexpected error" in r.getMessage() for r in caplog.records)


# ------------------------------------------------------------------ overflow


def test_a_queue_overflow_rearms_and_walks(settings: Settings, recorder: Recorder, seeds_dir: Path) -> None:
    """The kernel's queue really overflows: the watcher is not reading (as when the server is
    busy or paused) while more events than fs.inotify.max_queued_events arrive."""
    limit = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
    a, b = seeds_dir / "a.txt", seeds_dir / "b.txt"
    a.write_text("A.\n", "utf-8")
    b.write_text("B.\n", "utf-8")
    watcher = SeedsWatcher(settings, recorder)
    try:
        for i in range(limit // 2 + 1):  # alternating names: the kernel merges only repeats
            os.chmod(a, 0o644 if i % 2 else 0o640)
            os.chmod(b, 0o644 if i % 2 else 0o640)
        (seeds_dir / "lost").mkdir()  # its event is lost: only a re-arm will watch it
        for _ in range(100):  # a read takes ~8,000 events: the overflow is queued last
            watcher.process()
            if watcher.overflows:
                break
        assert watcher.overflows == 1
        assert recorder.requests and full(recorder.requests[-1])
        (seeds_dir / "lost" / "found.txt").write_text("Found.\n", "utf-8")
        watcher.process(timeout=2)
        assert "lost/found.txt" in recorder.named()
    finally:
        watcher.stop()


# ------------------------------------------------------------------ lookup


def test_lookup_notes_every_folder_and_name_on_the_way(tmp_path: Path) -> None:
    root = os.path.realpath(tmp_path)
    (tmp_path / "real" / "seeds").mkdir(parents=True)
    (tmp_path / "hop").symlink_to("real")
    (tmp_path / "current").symlink_to(str(tmp_path / "hop" / "seeds"))
    found = resolve(str(tmp_path / "current"))
    assert found.real == os.path.join(root, "real", "seeds")
    assert (root, "current") in found.steps and (root, "hop") in found.steps
    assert (os.path.join(root, "real"), "seeds") in found.steps

    missing = resolve(str(tmp_path / "nowhere" / "seeds"))
    assert missing.real is None and missing.steps[-1] == (root, "nowhere")
    (tmp_path / "loop").symlink_to("loop")
    assert resolve(str(tmp_path / "loop")).real is None
    (tmp_path / "file").write_text("x", "utf-8")
    assert resolve(str(tmp_path / "file")).real is None
    assert resolve(str(tmp_path / "real" / ".." / "real" / "seeds")).real == os.path.join(root, "real", "seeds")
    with pytest.raises(ValueError):
        resolve("relative/seeds")
