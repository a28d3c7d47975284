"""The refresh job: its schedule and RefreshRunner's one-at-a-time loop and its own thread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from feedsvc.config import Settings
from feedsvc.errors import FeedsvcError
from feedsvc.errors import StoreError
from feedsvc.model import RefreshStats
from feedsvc.serve import JOB_ID
from feedsvc.serve import RefreshRunner
from feedsvc.serve import build_scheduler
from feedsvc.serve.scheduler import RUN_INSTANCES

WAIT = 5.0  # seconds: only reached when something is broken


def ok() -> RefreshStats:
    return RefreshStats(added=1)


def counting(calls: list[int]) -> RefreshRunner:
    """A runner whose refresh appends to ``calls``."""

    def refresh() -> RefreshStats:
        calls.append(1)
        return RefreshStats()

    return RefreshRunner(refresh)


@pytest.mark.parametrize("interval", [1, 300, 86400])
def test_build_scheduler_job(settings: Settings, interval: int) -> None:
    runner = RefreshRunner(ok)
    scheduler = build_scheduler(settings.with_overrides(interval_seconds=interval), runner)
    assert not scheduler.running
    job = scheduler.get_job("refresh")
    assert job is not None
    assert JOB_ID == "refresh"
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval == timedelta(seconds=interval)
    assert job.max_instances == RUN_INSTANCES > 1  # run() itself keeps refreshes one at a time
    assert job.coalesce is True
    assert job.func == runner.run
    assert [j.id for j in scheduler.get_jobs()] == ["refresh"]
    # Not paused: with no next_run_time, APScheduler computes the first run at start().
    # (Regression: next_run_time=None was passed, which adds the job paused, so the interval
    # refresh never ran unless the file watcher happened to wake it.)
    assert getattr(job, "next_run_time", "computed at start") is not None
    assert "paused" not in str(job)


def test_build_scheduler_first_run(settings: Settings) -> None:
    first = datetime(2025, 3, 3, 14, 5, tzinfo=UTC)
    job = build_scheduler(settings, RefreshRunner(ok), first_run=first).get_job("refresh")
    assert job is not None
    assert job.next_run_time == first


def test_request_without_a_started_runner_does_not_run_anything(settings: Settings) -> None:
    calls: list[int] = []
    runner = counting(calls)
    build_scheduler(settings, runner)
    runner.request()
    runner.request(delay=0.5)
    assert calls == []  # request() only schedules; the runner's thread does the work


def test_a_request_runs_on_the_runners_own_thread_at_once_and_a_delayed_one_when_due() -> None:
    """The watcher's requests go straight to the runner's thread (no scheduler job between)."""
    ran: list[tuple[str, float]] = []
    done = threading.Semaphore(0)

    def refresh() -> RefreshStats:
        ran.append((threading.current_thread().name, time.monotonic()))
        done.release()
        return RefreshStats()

    runner = RefreshRunner(refresh)
    runner.start()
    try:
        runner.request()
        assert done.acquire(timeout=WAIT)
        assert ran[0][0] == "feedsvc-refresh"
        asked = time.monotonic()
        runner.request(delay=0.3)
        runner.request(delay=5.0)  # later than the one planned: changes nothing
        assert done.acquire(timeout=WAIT)
        assert ran[1][1] - asked >= 0.3  # not before it was due
        assert not done.acquire(timeout=0.3)  # and once: the later request folded into it
    finally:
        runner.stop()
    assert len(ran) == 2
    runner.request()  # stopped: nothing runs
    assert not done.acquire(timeout=0.2)


def test_the_runners_thread_survives_a_bug_outside_the_refresh(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []
    runner = counting(calls)

    def broken(stats: RefreshStats) -> None:
        raise RuntimeError("a bug in follow_up")

    runner.follow_up = broken  # type: ignore[method-assign]
    runner.start()
    try:
        with caplog.at_level(logging.ERROR, logger="feedsvc.serve.scheduler"):
            runner.request()
            deadline = time.monotonic() + WAIT
            while not caplog.records and time.monotonic() < deadline:
                time.sleep(0.01)
            runner.request()
            while len(calls) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        runner.stop()
    assert len(calls) == 2  # the second request still ran
    assert "the refresh thread failed" in caplog.records[0].getMessage()


def test_run_returns_the_stats(settings: Settings) -> None:
    runner = RefreshRunner(ok)
    assert runner.run() == RefreshStats(added=1)
    assert runner.runs == 1
    assert runner.last_error is None


@pytest.mark.parametrize(
    ("error", "logged"),
    [
        (StoreError("cannot commit the refresh: disk is full"), "disk is full"),
        (FeedsvcError("something we expected"), "something we expected"),
        (RuntimeError("a bug"), "unexpected error"),
        (KeyError("missing"), "unexpected error"),
    ],
)
def test_a_failed_refresh_is_logged_and_the_next_one_works(
    caplog: pytest.LogCaptureFixture, error: Exception, logged: str
) -> None:
    outcomes: list[Exception | RefreshStats] = [error, RefreshStats(updated=2)]

    def refresh() -> RefreshStats:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    runner = RefreshRunner(refresh)
    with caplog.at_level(logging.ERROR, logger="feedsvc.serve.scheduler"):
        assert runner.run() is None  # no exception escapes into the scheduler thread
    assert runner.last_error
    (record,) = [r for r in caplog.records if r.name == "feedsvc.serve.scheduler"]
    assert record.levelno == logging.ERROR
    assert logged in record.getMessage()
    if not isinstance(error, FeedsvcError):
        assert record.exc_info is not None  # a bug: logged with its traceback
    assert runner.run() == RefreshStats(updated=2)
    assert runner.last_error is None
    assert runner.runs == 2


def test_a_request_during_a_refresh_runs_it_once_more() -> None:
    started = threading.Event()
    release = threading.Event()
    calls: list[int] = []

    def refresh() -> RefreshStats:
        calls.append(len(calls))
        if len(calls) == 1:
            started.set()
            assert release.wait(WAIT)
        return RefreshStats(added=len(calls))

    runner = RefreshRunner(refresh)
    results: list[RefreshStats | None] = []
    worker = threading.Thread(target=lambda: results.append(runner.run()))
    worker.start()
    try:
        assert started.wait(WAIT)
        runner.request()  # e.g. the file watcher, while the first refresh is reading files
        runner.request()  # requests merge: one more run, not two
        assert runner.run() is None  # a second scheduler run does not overlap; it asks for one more
        assert calls == [0]
    finally:
        release.set()
        worker.join(WAIT)
    assert not worker.is_alive()
    assert calls == [0, 1]
    assert results == [RefreshStats(added=2)]  # the stats of the last run
    assert runner.runs == 2
    # and the loop has ended: the next run is a single one again
    assert runner.run() == RefreshStats(added=3)
    assert calls == [0, 1, 2]


def test_no_request_no_second_run() -> None:
    calls: list[int] = []
    runner = counting(calls)
    runner.run()
    runner.run()
    assert calls == [1, 1]
    assert runner.runs == 2


def test_requests_racing_the_runs_are_never_lost_nor_warned_about(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A watcher during a bulk copy: requests arrive while a refresh starts, runs and finishes.
    (When requests went through the APScheduler job, one arriving between its submission and
    its end was refused with "maximum number of running instances reached" and waited a whole
    interval: issue 12. The interval job runs alongside here.)"""
    named: list[frozenset[str]] = []

    def refresh(paths: frozenset[str] | None = None, complete: object = None) -> RefreshStats:
        if paths is not None:
            named.append(paths)
        return RefreshStats()

    runner = RefreshRunner(refresh)
    scheduler = build_scheduler(settings, runner)  # interval 300 s: only requests run it here
    with caplog.at_level(logging.WARNING):
        scheduler.start()
        runner.start()
        try:
            end = time.monotonic() + 1.0
            sent = 0
            while time.monotonic() < end:
                runner.request(0.0, [f"{sent}.txt"])
                sent += 1
            runner.request(0.0, ["last.txt"])
            deadline = time.monotonic() + WAIT
            while not any("last.txt" in p for p in named) and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            runner.stop()
            scheduler.shutdown(wait=True)
    assert [r.getMessage() for r in caplog.records] == []
    assert any("last.txt" in p for p in named), "the last request waited for the next interval"
    seen = set().union(*named)
    assert seen == {f"{i}.txt" for i in range(sent)} | {"last.txt"}  # every path refreshed
    assert len(named) < sent  # and requests were merged, not run one by one


def test_a_refresh_outlasting_the_interval_is_said_once_at_warning(caplog: pytest.LogCaptureFixture) -> None:
    started, release = threading.Event(), threading.Event()

    def slow() -> RefreshStats:
        started.set()
        assert release.wait(WAIT)
        return RefreshStats()

    runner = RefreshRunner(slow)
    now = [100.0]
    runner.monotonic = lambda: now[0]
    assert runner.turn_busy(10.0) is False  # idle: the turn runs
    worker = threading.Thread(target=runner.run)
    worker.start()
    try:
        assert started.wait(WAIT)
        with caplog.at_level(logging.DEBUG, logger="feedsvc.serve.scheduler"):
            now[0] = 105.0
            assert runner.turn_busy(10.0) is True  # within the interval: skipped, quietly
            now[0] = 111.0
            assert runner.turn_busy(10.0) is True
            now[0] = 125.0
            assert runner.turn_busy(10.0) is True  # still the same refresh: said already
    finally:
        release.set()
        worker.join(WAIT)
    levels = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert [lv for lv, _ in levels] == [logging.DEBUG, logging.WARNING, logging.DEBUG], levels
    assert "running for 11.0s, longer than [refresh] interval_seconds (10s)" in levels[1][1]
    assert runner.turn_busy(10.0) is False


class _LateLock:
    """The runner's run lock, with a request arriving just before each release: after run()'s
    loop last looked for requests and before the lock is free (a watcher thread's timing that
    load makes common)."""

    def __init__(self, late: Callable[[], None]) -> None:
        self._lock = threading.Lock()
        self.late = late

    def acquire(self, blocking: bool = True) -> bool:
        return self._lock.acquire(blocking)

    def locked(self) -> bool:
        return self._lock.locked()

    def release(self) -> None:
        late, self.late = self.late, lambda: None  # once
        late()
        self._lock.release()


def test_a_request_as_a_run_ends_runs_as_asked_not_as_a_full_walk() -> None:
    """A request that lands after run()'s last look and before it lets go of the lock saw the
    runner busy (so it woke nobody): the run wakes the runner's thread for it on its way out.
    What it asked for stays asked: the named path, not a walk of everything (before: a full
    refresh, which on 100,000 files costs what the watcher exists to avoid)."""
    calls: list[dict[str, object]] = []
    ran = threading.Semaphore(0)

    def refresh(**named: object) -> RefreshStats:
        calls.append(named)
        ran.release()
        return RefreshStats()

    runner = RefreshRunner(refresh)
    runner._running = _LateLock(lambda: runner.request(0.0, ["late.txt"], {"late.txt": (3, 4)}))  # type: ignore[assignment]
    runner.start()
    try:
        runner.request(0.0, ["first.txt"])
        assert ran.acquire(timeout=WAIT) and ran.acquire(timeout=WAIT), calls  # not lost
    finally:
        runner.stop()
    assert calls == [
        {"paths": frozenset({"first.txt"}), "complete": {}},
        {"paths": frozenset({"late.txt"}), "complete": {"late.txt": (3, 4)}},
    ]


def test_a_delayed_request_during_a_run_waits_its_delay() -> None:
    """request(delay=...) while a refresh runs: the delay holds (before, the running loop took
    it in at once, as it does an undelayed request)."""
    ran: list[float] = []
    started, asked = threading.Event(), threading.Event()
    done = threading.Semaphore(0)

    def refresh() -> RefreshStats:
        ran.append(time.monotonic())
        if len(ran) == 1:
            started.set()
            assert asked.wait(WAIT)  # the request comes while this refresh runs
        done.release()
        return RefreshStats()

    runner = RefreshRunner(refresh)
    runner.start()
    try:
        runner.request()
        assert started.wait(WAIT)
        when = time.monotonic()
        runner.request(delay=0.3)
        asked.set()
        assert done.acquire(timeout=WAIT) and done.acquire(timeout=WAIT)
        assert ran[1] - when >= 0.3
        assert not done.acquire(timeout=0.3)  # once
    finally:
        runner.stop()
