"""Partial writes never show: a refresh leaves a file alone while it is being written.

The kernel's answer (a read lease) decides where it can; elsewhere the settle time does,
unless the watcher saw the file closed. Tests run as root, where the lease always answers, so
the fallback is reached by injecting ``writers`` (and once for real: another user's file, in a
process without CAP_LEASE).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedsvc.cli import cli
from feedsvc.config import Settings
from feedsvc.config import load_settings
from feedsvc.errors import ConfigError
from feedsvc.identity import path_id
from feedsvc.refresh import run_refresh
from feedsvc.sources import open_for_writing
from feedsvc.store.sqlite import SQLiteStore

FIRST = "A harbour crane collapsed on Tuesday morning, the port authority said.\n"
SECOND = "Nobody was hurt, and the quay reopened in the afternoon after an inspection.\n"


def cannot_tell(fd: int) -> None:
    """A writers probe like the kernel's where it will not answer (another user's file)."""
    return None


def stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def age(path: Path, seconds: float) -> None:
    """Set the file's mtime ``seconds`` into the past."""
    then = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(then, then))


def test_the_lease_probe_sees_writers(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(FIRST, "utf-8")
    fd = os.open(path, os.O_RDONLY)
    try:
        assert open_for_writing(fd) is False
        with path.open("a", encoding="utf-8"):
            assert open_for_writing(fd) is True
        assert open_for_writing(fd) is False  # closed: the lease is granted (and given back)
        with path.open("r", encoding="utf-8"):
            assert open_for_writing(fd) is False  # readers do not count
    finally:
        os.close(fd)
    with path.open("a", encoding="utf-8"):  # the probe gave its lease back: a writer can open
        pass


def test_a_file_open_for_writing_is_deferred_and_the_old_version_stays(
    settings: Settings, store: SQLiteStore
) -> None:
    path = settings.seeds_dir / "crane.txt"
    path.write_text(FIRST, "utf-8")
    assert run_refresh(settings, store).added == 3  # with the two fixture articles
    with path.open("a", encoding="utf-8") as writer:
        writer.write(SECOND)
        writer.flush()
        stats = run_refresh(settings, store)
        assert stats.deferred == ("crane.txt",)
        assert stats.deferred_reasons == ("still open for writing",)
        assert stats.retry_in is not None and 0.1 <= stats.retry_in <= settings.settle_seconds + 0.1
        assert (stats.added, stats.updated) == (0, 0)
        article = store.get(path_id("crane.txt"))
        assert article is not None and "Nobody was hurt" not in article.body_text
    stats = run_refresh(settings, store)  # closed: complete
    assert (stats.updated, stats.deferred, stats.retry_in) == (1, (), None)
    article = store.get(path_id("crane.txt"))
    assert article is not None and "Nobody was hurt" in article.body_text


def test_a_new_file_open_for_writing_is_not_published(settings: Settings, store: SQLiteStore) -> None:
    path = settings.seeds_dir / "crane.txt"
    with path.open("w", encoding="utf-8") as writer:
        writer.write(FIRST)
        writer.flush()
        age(path, 2 * 3600)  # however old it looks (an idle writer): it is open
        stats = run_refresh(settings, store)
        assert stats.deferred == ("crane.txt",) and store.get(path_id("crane.txt")) is None
        assert stats.added == 2  # the fixture's articles, closed long ago
    assert run_refresh(settings, store).added == 1


def test_where_the_kernel_cannot_tell_a_fresh_file_waits_out_the_settle_time(
    settings: Settings, store: SQLiteStore
) -> None:
    for old in settings.seeds_dir.iterdir():
        age(old, 60)
    path = settings.seeds_dir / "crane.txt"
    path.write_text(FIRST, "utf-8")
    stats = run_refresh(settings, store, writers=cannot_tell)
    assert stats.deferred == ("crane.txt",)
    assert "within the settle time (1 s)" in stats.deferred_reasons[0]
    assert stats.retry_in is not None and 0.1 <= stats.retry_in <= 1.02
    assert store.get(path_id("crane.txt")) is None
    assert stats.added == 2  # the fixture's articles, aged past the settle time

    age(path, 0.5)
    aged = time.monotonic()
    again = run_refresh(settings, store, writers=cannot_tell)
    taken = time.monotonic() - aged  # a loaded machine may take a while to get to the check
    assert again.deferred == ("crane.txt",)
    # what is left of it: half the settle time, less what passed before the check
    assert again.retry_in is not None and 0.5 - taken - 0.02 <= again.retry_in <= 0.52

    age(path, 1.5)
    assert run_refresh(settings, store, writers=cannot_tell).added == 1


def test_a_file_the_watcher_saw_closed_need_not_settle(settings: Settings, store: SQLiteStore) -> None:
    path = settings.seeds_dir / "crane.txt"
    path.write_text(FIRST, "utf-8")
    closed = {"crane.txt": stamp(path)}
    stats = run_refresh(settings, store, writers=cannot_tell, complete=closed)
    assert (stats.added, stats.deferred) == (3, ())


def test_a_file_written_again_after_the_close_the_watcher_saw_waits(
    settings: Settings, store: SQLiteStore
) -> None:
    path = settings.seeds_dir / "crane.txt"
    path.write_text(FIRST, "utf-8")
    closed = {"crane.txt": stamp(path)}
    with path.open("a", encoding="utf-8") as f:
        f.write(SECOND)
    stats = run_refresh(settings, store, writers=cannot_tell, complete=closed)
    assert stats.deferred == ("crane.txt",)


def test_a_file_still_open_is_deferred_even_when_the_watcher_saw_a_close(
    settings: Settings, store: SQLiteStore
) -> None:
    path = settings.seeds_dir / "crane.txt"
    path.write_text(FIRST, "utf-8")
    with path.open("a", encoding="utf-8"):  # opened again, nothing written yet
        stats = run_refresh(settings, store, complete={"crane.txt": stamp(path)})
    assert stats.deferred_reasons == ("still open for writing",)


def test_settle_time_zero_trusts_any_closed_file(settings: Settings, store: SQLiteStore) -> None:
    (settings.seeds_dir / "crane.txt").write_text(FIRST, "utf-8")
    stats = run_refresh(settings.with_overrides(settle_seconds=0), store, writers=cannot_tell)
    assert (stats.added, stats.deferred) == (3, ())


def test_the_cli_names_a_deferred_file_and_why(tmp_path: Path) -> None:
    shutil.copytree(Path(__file__).parent / "data" / "seeds", tmp_path / "seeds")
    config = tmp_path / "config.toml"
    config.write_text('[store]\npath = "index.sqlite"\n', "utf-8")
    with (tmp_path / "seeds" / "crane.txt").open("w", encoding="utf-8") as writer:
        writer.write(FIRST)
        writer.flush()
        result = CliRunner().invoke(cli, ["--config", str(config), "refresh"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("added 2, updated 0, removed 0, unchanged 0, skipped 0, deferred 1")
    assert "deferred crane.txt: still open for writing; not published yet" in result.stdout


@pytest.mark.parametrize("value", ["-1", "3601", "nan", "true", '"1"'])
def test_settle_seconds_is_validated(tmp_path: Path, value: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[seeds]\nsettle_seconds = {value}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"\[seeds\] settle_seconds"):
        load_settings(config)


def test_settle_seconds_takes_fractions(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[seeds]\nsettle_seconds = 0.25\n", "utf-8")
    assert load_settings(config).settle_seconds == 0.25
    assert load_settings(tmp_path / "config.toml").settle_seconds == 0.25
    (tmp_path / "config.toml").write_text("", "utf-8")
    assert load_settings(config).settle_seconds == 1.0


@pytest.mark.skipif(shutil.which("setpriv") is None or os.geteuid() != 0, reason="needs root and setpriv")
def test_without_cap_lease_another_users_file_falls_back_to_the_settle_time(tmp_path: Path) -> None:
    """For real: a process that may not take a lease on a file learns nothing from the kernel."""
    path = tmp_path / "theirs.txt"
    path.write_text(FIRST, "utf-8")
    os.chown(path, 65534, 65534)
    probe = (
        "import os, sys; from feedsvc.sources import open_for_writing; "
        "fd = os.open(sys.argv[1], os.O_RDONLY); print(open_for_writing(fd))"
    )
    argv = ["setpriv", "--bounding-set=-lease", "--inh-caps=-lease", sys.executable, "-c", probe, str(path)]
    assert subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip() == "None"


def test_the_settle_rule_to_the_nanosecond() -> None:
    """Settle on its own, with a clock of its own: where the edge is, what it says, when to
    look again (a hair after the settle time, never before; at least 0.1 s)."""
    from feedsvc.refresh.settle import Settle
    from feedsvc.sources import SourceFile

    src = SourceFile("a.txt", "/nowhere/a.txt", 10, mtime_ns=0)
    at = [0]
    settle = Settle(10**9, writers=cannot_tell, clock_ns=lambda: at[0])
    at[0] = 400_000_000
    assert settle(3, src) == "modified 0.40 s ago, within the settle time (1 s)"
    assert settle.retry_in(src) == pytest.approx(0.61)
    at[0] = 950_000_000
    assert settle.retry_in(src) == pytest.approx(0.1)  # 0.06 would be a busy loop
    at[0] = -400_000_000  # an mtime 0.4 s in the future counts as 0.4 s old
    assert settle(3, src) is not None
    at[0] = 10**9 - 1
    assert settle(3, src) is not None
    at[0] = 10**9
    assert settle(3, src) is None  # exactly the settle time: settled
    assert Settle(10**9, {"a.txt": (10, 0)}, cannot_tell, lambda: 1)(3, src) is None  # seen closed
    assert Settle(10**9, {"a.txt": (11, 0)}, cannot_tell, lambda: 1)(3, src) is not None  # not as it is
    busy = Settle(10**9, writers=lambda fd: True, clock_ns=lambda: 10**12)
    assert busy(3, src) == "still open for writing"
    assert busy.retry_in(src) == pytest.approx(1.01)  # still open: one settle time from now
