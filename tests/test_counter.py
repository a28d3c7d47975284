"""The change counter next to the index (<index>.gen) under faults: truncated, deleted,
replaced, a folder that appears late. Every case must leave the reader alive and let it see
the other processes' changes again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from feedsvc.store.files import ChangeCounter
from feedsvc.store.files import FileCoordinator


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ChangeCounter, "RECHECK", 0.0)  # look at the path on every read


def test_bumps_are_seen_by_another_reader(tmp_path: Path) -> None:
    index = str(tmp_path / "idx.sqlite")
    writer, reader = FileCoordinator(index), FileCoordinator(index)
    before = reader.change_count()
    writer.notify_changed()
    writer.notify_changed()
    assert reader.change_count() == (before or 0) + 2


def test_a_truncated_counter_file_does_not_kill_the_reader(tmp_path: Path) -> None:
    """With a memory map, reading after a truncation was SIGBUS: the process died. Run in a
    child process so that such a death fails this test instead of killing the test run."""
    code = f"""
import os
from feedsvc.store.files import ChangeCounter, FileCoordinator
ChangeCounter.RECHECK = 3600.0  # no recheck: the read itself must survive
c = FileCoordinator({str(tmp_path / "idx.sqlite")!r})
c.notify_changed()
assert c.change_count() == 1
os.truncate({str(tmp_path / "idx.sqlite.gen")!r}, 0)
assert c.change_count() is None  # a short read: not a value, so readers ask SQLite
c.notify_changed()  # and writing goes on
print("alive", c.change_count())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "alive"


def test_a_deleted_counter_file_is_recreated_and_followed(tmp_path: Path, quick: None) -> None:
    index = str(tmp_path / "idx.sqlite")
    server, cli = FileCoordinator(index), FileCoordinator(index)
    server.notify_changed()
    seen = server.change_count()
    Path(index + ".gen").unlink()
    cli.notify_changed()  # the CLI makes a new file and bumps it
    cli.notify_changed()
    assert server.change_count() != seen  # the server follows the new file
    assert server.change_count() == cli.change_count() == 2


def test_a_replaced_counter_file_is_followed(tmp_path: Path, quick: None) -> None:
    index = str(tmp_path / "idx.sqlite")
    server = FileCoordinator(index)
    server.notify_changed()
    replacement = tmp_path / "new.gen"
    replacement.write_bytes((41).to_bytes(8, "little"))
    replacement.replace(index + ".gen")
    assert server.change_count() == 41


def test_a_folder_that_appears_later_is_used(tmp_path: Path, quick: None) -> None:
    """Read before the index's folder exists (a server's first request before the first
    refresh): no counter yet, then the counter once the folder is there."""
    index = str(tmp_path / "var" / "idx.sqlite")
    reader = FileCoordinator(index)
    assert reader.change_count() is None
    (tmp_path / "var").mkdir()
    FileCoordinator(index).notify_changed()
    assert reader.change_count() == 1


def test_between_rechecks_the_open_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A look at the path costs a stat: it is made every RECHECK seconds, not on every read."""
    monkeypatch.setattr(ChangeCounter, "RECHECK", 3600.0)
    index = str(tmp_path / "idx.sqlite")
    server = FileCoordinator(index)
    server.notify_changed()
    Path(index + ".gen").unlink()
    FileCoordinator(index).notify_changed()
    FileCoordinator(index).notify_changed()
    assert server.change_count() == 1  # still the old, unlinked file: RECHECK has not passed
