"""The interval refresh keeps its pace when the wall clock steps (issue 11: a step back of a day
stopped it). The real clock is never changed: the scheduler and APScheduler read a wall clock
the test steps, and the real monotonic clock."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from types import SimpleNamespace

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest

from feedsvc.config import Settings
from feedsvc.model import RefreshStats
from feedsvc.serve.scheduler import Clock
from feedsvc.serve.scheduler import MonotonicIntervalTrigger
from feedsvc.serve.scheduler import RefreshRunner
from feedsvc.serve.scheduler import build_scheduler

INTERVAL = 0.2  # seconds; Settings takes whole seconds from config.toml, the trigger any
RUNS = 3  # runs to see in each phase
WAIT = 10.0  # seconds: only reached when the interval has stopped
DAY = timedelta(days=1)


class SteppableWall:
    """The real wall clock plus an offset the test moves, as NTP or an operator would."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self, tz: object = None) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> SteppableWall:
    """A steppable wall clock, also the one APScheduler reads (it calls ``datetime.now``)."""
    clock = SteppableWall()
    fake = SimpleNamespace(now=clock.now)
    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", fake)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", fake)
    return clock


class Runs:
    """A refresh that records the monotonic time of each run and lets the test wait for runs."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.times: list[float] = []
        self.seconds = seconds
        self._changed = threading.Condition()

    def __call__(self) -> RefreshStats:
        if self.seconds:
            threading.Event().wait(self.seconds)  # a slow refresh
        with self._changed:
            self.times.append(time.monotonic())
            self._changed.notify_all()
        return RefreshStats()

    def wait_for(self, count: int) -> list[float]:
        """Wait until ``count`` runs were recorded; return their times."""
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.times) >= count, WAIT), (
                f"only {len(self.times)} of {count} runs in {WAIT}s: the interval refresh stopped"
            )
            return self.times[:count]


@pytest.fixture
def running(settings: Settings, wall: SteppableWall) -> Iterator[tuple[Runs, RefreshRunner]]:
    runs = Runs()
    runner = RefreshRunner(runs)
    clock = Clock(wall=wall.now, monotonic=time.monotonic)
    scheduler = build_scheduler(settings.with_overrides(interval_seconds=INTERVAL), runner, clock=clock)
    scheduler.start()
    try:
        yield runs, runner
    finally:
        scheduler.shutdown(wait=True)


def assert_paced(times: list[float]) -> None:
    """Consecutive runs an interval apart: not bunched up, not stretched."""
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # (0.5: a run delayed by a busy machine shortens the gap to the next, on-time one)
    assert all(INTERVAL * 0.5 <= gap <= INTERVAL + 2.0 for gap in gaps), gaps


@pytest.mark.slow
@pytest.mark.parametrize("steps", [[-DAY], [DAY], [-DAY, 2 * DAY, -365 * DAY]])
def test_interval_refresh_keeps_running_across_wall_clock_steps(
    running: tuple[Runs, RefreshRunner], wall: SteppableWall, caplog: pytest.LogCaptureFixture,
    steps: list[timedelta],
) -> None:  # fmt: skip
    runs, _ = running
    with caplog.at_level(logging.WARNING, logger="apscheduler"):
        seen = len(runs.wait_for(RUNS))
        for step in steps:
            wall.offset += step
            times = runs.wait_for(seen + RUNS)[seen - 1 :]  # from the last run before the step
            assert_paced(times)
            seen = len(times) + seen - 1
    # A step forward must not turn the next run into a "missed" one that APScheduler drops.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.slow
def test_a_turn_that_comes_during_a_slow_refresh_is_skipped_without_apscheduler_warnings(
    settings: Settings, wall: SteppableWall, caplog: pytest.LogCaptureFixture
) -> None:
    runs = Runs(seconds=INTERVAL * 2.5)  # each refresh outlasts two turns
    runner = RefreshRunner(runs)
    scheduler = build_scheduler(
        settings.with_overrides(interval_seconds=INTERVAL), runner, clock=Clock(wall=wall.now)
    )
    with caplog.at_level(logging.WARNING, logger="apscheduler"):
        scheduler.start()
        try:
            times = runs.wait_for(3)
        finally:
            scheduler.shutdown(wait=True)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # Skipped, not queued: a queued turn would start the next refresh as soon as one ended.
    assert all(gap >= INTERVAL * 2.75 for gap in gaps), gaps
    assert runner.runs == len(runs.times)  # never a second run folded into one (no queueing)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings if r.name.startswith("apscheduler")] == []
    # What the operator is told instead: a refresh outlasting the interval, once per refresh
    # (its second skipped turn says nothing more).
    overdue = [r.getMessage() for r in warnings if r.name == "feedsvc.serve.scheduler"]
    assert overdue and len(overdue) <= len(runs.times), overdue
    assert all("longer than [refresh] interval_seconds (0.2s)" in m for m in overdue), overdue


class FakeClock:
    """Both clocks by hand, for the trigger's arithmetic without threads."""

    def __init__(self) -> None:
        self.wall_now = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
        self.mono = 1000.0

    def wall(self) -> datetime:
        return self.wall_now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall_now += timedelta(seconds=seconds)
        self.mono += seconds


def test_the_trigger_derives_the_next_run_from_monotonic_time() -> None:
    fake = FakeClock()
    trigger = MonotonicIntervalTrigger(300, Clock(wall=fake.wall, monotonic=fake.monotonic))
    assert trigger.interval == timedelta(seconds=300)
    nxt = trigger.get_next_fire_time(None, fake.wall())
    assert nxt == fake.wall() + timedelta(seconds=300)
    fake.advance(100)
    assert trigger.rearm(nxt, fake.wall()) == nxt  # no step: left alone
    fake.wall_now -= DAY  # step back: due in the 200 s left, not in a day and 200 s
    nxt = trigger.rearm(nxt, fake.wall())
    assert nxt == fake.wall() + timedelta(seconds=200)
    fake.advance(50)
    fake.wall_now += 2 * DAY  # step forward: still due in 150 s, not "a day late"
    nxt = trigger.rearm(nxt, fake.wall())
    assert nxt == fake.wall() + timedelta(seconds=150)
    # A run requested sooner (the watcher) stays sooner; it restarts the interval when it fires.
    soon = fake.wall() + timedelta(seconds=1)
    assert trigger.rearm(soon, fake.wall()) == soon
    fake.advance(1)
    assert trigger.get_next_fire_time(soon, fake.wall()) == fake.wall() + timedelta(seconds=300)
    nxt = fake.wall() + timedelta(seconds=300)
    fake.advance(300)
    assert trigger.rearm(nxt, fake.wall()) == fake.wall()  # due now


def test_a_first_run_given_as_wall_time_is_kept(settings: Settings) -> None:
    fake = FakeClock()
    trigger = MonotonicIntervalTrigger(300, Clock(wall=fake.wall, monotonic=fake.monotonic))
    first = fake.wall() + timedelta(seconds=30)
    assert trigger.rearm(first, fake.wall()) == first
    fake.wall_now -= DAY
    assert trigger.rearm(first, fake.wall()) == fake.wall() + timedelta(seconds=30)
