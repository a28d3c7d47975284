"""The watcher as a user meets it: a real `feedsvc serve --watch` subprocess on loopback, files
written beside it, feeds and /healthz read over HTTP (feeds parsed with feedparser).

The interval refresh is an hour in every test: whatever shows up, the watcher (or a follow-up
of a deferred file) brought it. Each reproduces a failure of issue 11: files lost when many
arrive at once (the queue overflowed), a watcher deaf after the seeds folder was re-made or
its symlink re-pointed, a file being written published at the first event.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import feedparser
import pytest
import requests
from server_utils import ServerProcess
from server_utils import poll
from server_utils import running_server
from server_utils import write_config
from test_partial_writes import PARAGRAPHS
from test_partial_writes import watch_partial_writes


def article(title: str, n: int = 0) -> str:
    return f"Title: {title}\n\nThe {title.lower()} story, paragraph one, number {n}.\n"


def count(server: ServerProcess) -> int:
    return int(requests.get(server.url("/healthz"), timeout=5).json()["articles"])


def titles(server: ServerProcess) -> set[str]:
    feed = feedparser.parse(requests.get(server.url("/atom.xml"), timeout=5).content)
    assert not feed.bozo, feed.bozo_exception
    return {e.title for e in feed.entries}


@contextmanager
def serving(site: Path, *, seeds: str = "seeds", watch: bool = True, verbose: int = 0) -> Iterator[ServerProcess]:
    config = write_config(site, seeds=seeds, extra="[refresh]\ninterval_seconds = 3600\n")
    with running_server(config, args=("--watch",) if watch else (), verbose=verbose) as server:
        yield server


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "first.txt").write_text(article("First"), "utf-8")
    return tmp_path


@pytest.mark.slow
def test_a_file_being_written_never_shows_partially(site: Path) -> None:
    # The old watcher refreshed on "created" (+50 ms): the first paragraph went out at once.
    with serving(site) as server:
        seen = watch_partial_writes(server, site / "seeds", refresh=False)
    assert set(seen) == {PARAGRAPHS}, f"partial versions were published: {sorted(set(seen))}"


@pytest.mark.slow
def test_many_files_at_once_all_appear(site: Path) -> None:
    n = 1500
    with serving(site) as server:
        assert count(server) == 1
        for i in range(n):
            (site / "seeds" / f"burst-{i:05d}.txt").write_text(article(f"Burst {i}", i), "utf-8")
        poll(lambda: count(server) == n + 1, f"all {n} files published")
        assert len(titles(server)) == 50  # and the feed still parses, full


def _stopped(pid: int) -> bool:
    """Whether every thread of ``pid`` is stopped (state T): kill() returns before they are."""
    states = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except FileNotFoundError:  # a thread that just ended
            continue
        states.append(stat.rsplit(")", 1)[1].split()[0])
    return bool(states) and all(state in "Tt" for state in states)


@pytest.mark.slow
def test_files_arriving_while_the_queue_overflows_all_appear(site: Path) -> None:
    """The server is paused (SIGSTOP) while more events than the kernel queues arrive, as on a
    busy machine: the queue overflows and events are lost. All files must still appear."""
    limit = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
    n = 300
    with serving(site) as server:
        first, junk = site / "seeds" / "first.txt", site / "seeds" / "junk.tmp"
        junk.write_text("not an article", "utf-8")
        os.kill(server.proc.pid, signal.SIGSTOP)
        try:
            poll(lambda: _stopped(server.proc.pid), "the server stopped")  # nothing reads the queue
            for i in range(limit // 2 + 64):  # overfill the queue: attribute changes, two names in turn
                os.chmod(first, 0o644 if i % 2 else 0o640)  # (the kernel merges only repeats)
                os.chmod(junk, 0o644 if i % 2 else 0o640)
            for i in range(n):  # these files' events are lost
                (site / "seeds" / f"paused-{i:04d}.txt").write_text(article(f"Paused {i}", i), "utf-8")
            (site / "seeds" / "made-meanwhile").mkdir()  # and so is this folder's
        finally:
            os.kill(server.proc.pid, signal.SIGCONT)
        poll(lambda: count(server) == n + 1, f"all {n} files published after the overflow")
        poll(lambda: "overflowed" in server.log(), "the overflow in the log")
        (site / "seeds" / "made-meanwhile" / "inside.txt").write_text(article("Inside"), "utf-8")
        # (counted, not looked for in the feed: first seen in the same second as the 300, it
        # can sort below them, outside the feed's newest 50)
        poll(lambda: count(server) == n + 2, "a file in a folder made during the overflow")


@pytest.mark.slow
def test_the_seeds_folder_deleted_and_made_again(site: Path) -> None:
    with serving(site) as server:
        assert "First" in titles(server)
        shutil.rmtree(site / "seeds")
        time.sleep(0.2)
        (site / "seeds").mkdir()
        (site / "seeds" / "second.txt").write_text(article("Second"), "utf-8")
        poll(lambda: titles(server) == {"Second"}, "the new file, and the old one gone")
        (site / "seeds" / "third.txt").write_text(article("Third"), "utf-8")
        poll(lambda: titles(server) == {"Second", "Third"}, "a later file in the new folder")


@pytest.mark.slow
def test_a_re_pointed_seeds_symlink(site: Path) -> None:
    (site / "release-1").mkdir()
    (site / "release-1" / "old.txt").write_text(article("Old"), "utf-8")
    (site / "release-2").mkdir()
    (site / "release-2" / "new.txt").write_text(article("New"), "utf-8")
    (site / "current").symlink_to("release-1")
    with serving(site, seeds="current") as server:
        assert titles(server) == {"Old"}
        (site / "current.tmp").symlink_to("release-2")
        (site / "current.tmp").rename(site / "current")  # ln -sfn release-2 current, atomically
        poll(lambda: titles(server) == {"New"}, "release-2's files instead of release-1's")
        (site / "release-2" / "later.txt").write_text(article("Later"), "utf-8")
        poll(lambda: titles(server) == {"New", "Later"}, "a file written into release-2")


@pytest.mark.slow
def test_a_file_deferred_at_start_is_published_once_closed_without_the_watcher(site: Path) -> None:
    """No watcher, an hour's interval: the refresh that deferred the file looks again by itself."""
    path = site / "seeds" / "open.txt"
    with path.open("w", encoding="utf-8") as writer:
        writer.write(article("Open"))
        writer.flush()
        with serving(site, watch=False, verbose=2) as server:
            assert titles(server) == {"First"}
            assert "deferred open.txt: still open for writing" in server.log()
            writer.close()
            poll(lambda: titles(server) == {"First", "Open"}, "the file once closed", 10)
