"""Background refreshing: the APScheduler interval job and the on-demand trigger it shares."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.interval import IntervalTrigger

from ..config import Settings
from ..errors import FeedsvcError
from ..model import RefreshStats

log = logging.getLogger(__name__)

JOB_ID = "refresh"
RUN_INSTANCES = 3  #: job instances APScheduler lets overlap (see build_scheduler)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Clock:
    """The two clocks the scheduler reads; tests pass their own (STYLE H8).

    ``wall`` must be the clock APScheduler itself reads (``datetime.now``): it is only used to
    express a monotonic deadline as the wall-clock time APScheduler compares with.
    """

    wall: Callable[[], datetime] = field(default=_utcnow)
    monotonic: Callable[[], float] = field(default=time.monotonic)


SYSTEM_CLOCK = Clock()


class MonotonicIntervalTrigger(IntervalTrigger):  # type: ignore[misc]  # APScheduler 3 is untyped
    """An interval measured on the monotonic clock, so a wall-clock step cannot stretch it.

    APScheduler 3's IntervalTrigger adds the interval to the previous *wall-clock* fire time:
    after the clock stepped back a day, the next run was a day away (issue 11). This trigger
    keeps its deadline in monotonic seconds and only translates it into the caller's ``now``;
    ``MonotonicScheduler`` translates it again on every wakeup, as the wall clock may have moved.
    Every run of the job starts the next interval (requested refreshes run on the runner's own
    thread and leave the interval alone).
    """

    def __init__(self, seconds: float, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__(seconds=seconds, timezone=UTC)
        self.clock = clock
        self._due: float | None = None  #: monotonic time of the next run; None until first asked
        self._armed: datetime | None = None  #: the wall-clock run time this trigger last gave

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        # APScheduler asks when a job is added or resumed and when it fires: an interval starts.
        self.restart()
        self._armed = now + timedelta(seconds=self.interval_length)
        return self._armed

    def restart(self) -> None:
        """Count the next interval from now."""
        self._due = self.clock.monotonic() + float(self.interval_length)

    def rearm(self, next_run_time: datetime, now: datetime) -> datetime:
        """``next_run_time`` corrected for the wall clock's steps since it was computed.

        The run time this trigger gave is re-derived from the monotonic deadline. One set by
        someone else (a requested refresh, a first run) is kept, but never later than the
        deadline (after a step back) nor long before ``now`` (after a step forward it would
        look a day late, and APScheduler drops a run later than its misfire grace time).
        Differences under ``_JITTER`` are left alone: the two clocks are read a moment apart.
        """
        mono = self.clock.monotonic()
        if self._due is None:  # a first run given as a wall-clock time (build_scheduler(first_run=))
            self._due = mono + (next_run_time - now).total_seconds()
        deadline = now + timedelta(seconds=max(0.0, self._due - mono))
        if next_run_time == self._armed:
            if abs(next_run_time - deadline) <= _JITTER:
                return next_run_time
            self._armed = deadline
            return deadline
        if next_run_time > deadline + _JITTER:
            return deadline
        if next_run_time < now - _LATE:
            return now
        return next_run_time

    def __str__(self) -> str:
        return f"monotonic {super().__str__()}"


_JITTER = timedelta(milliseconds=10)  # wall and monotonic readings a moment apart disagree by less
_LATE = timedelta(milliseconds=500)  # under misfire_grace_time (at least 1 s): a late wakeup, not a step


class MonotonicScheduler(BackgroundScheduler):  # type: ignore[misc]
    """A BackgroundScheduler whose interval jobs keep time by the monotonic clock.

    Before each look for due jobs, every ``MonotonicIntervalTrigger`` job's next run time is
    re-derived from its monotonic deadline and the wall clock of this moment, so whatever the
    wall clock did while the scheduler slept (its sleep is itself monotonic) the job is due
    when its interval has elapsed. A job that comes due while ``busy(interval)`` says a
    refresh is still running skips this turn (``busy`` logs it when that refresh is overdue).
    """

    def __init__(self, *, clock: Clock = SYSTEM_CLOCK, busy: Callable[[float], bool] | None = None,
                 **options: object) -> None:  # fmt: skip
        super().__init__(**options)
        self.clock = clock
        self._busy = busy

    def _process_jobs(self) -> float | None:
        # The one hook APScheduler 3 offers between its (monotonic) sleep and its wall-clock
        # comparison of due times; the rest of _process_jobs is APScheduler's own.
        if self.state == STATE_RUNNING:
            self._rearm()
        wait: float | None = super()._process_jobs()
        return wait

    def _rearm(self) -> None:
        now = self.clock.wall()
        for job in self.get_jobs():
            trigger = job.trigger
            if not isinstance(trigger, MonotonicIntervalTrigger) or job.next_run_time is None:
                continue  # another kind of job, or a paused one
            when = trigger.rearm(job.next_run_time, now)
            if when <= now and self._busy is not None and self._busy(float(trigger.interval_length)):
                when = trigger.get_next_fire_time(when, now)
            if when != job.next_run_time:
                job.modify(next_run_time=when)


class RefreshRunner:
    """Runs refreshes one at a time and never loses a request for one.

    ``request()`` (from the file watcher or an HTTP call) marks a refresh as wanted and wakes
    the runner's own thread (``start()``); if a refresh is already running, it runs once more
    when done (a request with a ``delay`` waits it out instead). The interval job (build_scheduler) calls ``run()`` from APScheduler's pool. A failed
    refresh is logged and the last good index stays published. Files a refresh deferred (still
    being written) are looked at again by themselves when the refresh says they may be ready,
    backing off while they stay open; and at least every ``full_every`` seconds a run walks
    everything, however busy the watcher keeps it with named paths.

    ``refresh()`` walks everything; when the watcher named paths, or saw files closed, it is
    called as ``refresh(paths=..., complete=...)`` (``paths`` None: walk; see run_refresh).

    ``run()`` is safe to call while it runs (from a second scheduler instance, or by hand): the
    later call only asks the running one to go round once more, and returns None. That, not
    APScheduler's ``max_instances``, is what keeps refreshes one at a time (see build_scheduler).

    Requested runs go to a thread of the runner's own, not through APScheduler: a new file's
    refresh is one thread wake-up away from the watcher, where a scheduler job was two (the
    scheduler's thread, then its pool's) and APScheduler's bookkeeping in between.
    """

    BACKOFF_LIMIT = 6  #: a file deferred again and again is retried at most 2**6 settle times apart

    def __init__(self, refresh: Callable[..., RefreshStats], *, full_every: float | None = None) -> None:
        self._refresh = refresh
        self.full_every = full_every
        self._pending_lock = threading.Lock()
        self._paths: set[str] = set()  #: paths the watcher named since the last run
        self._complete: dict[str, tuple[int, int]] = {}  #: of those, seen closed: (size, mtime_ns)
        self._full = False  #: a full refresh was asked for since the last run
        self._last_full = time.monotonic()
        self._streak = 0  #: runs in a row that deferred a file
        self._wanted = threading.Event()
        self._running = threading.Lock()
        self.last_error: str | None = None
        self.runs = 0
        self.monotonic: Callable[[], float] = time.monotonic
        self._since: float | None = None  #: monotonic start of the running refresh
        self._overdue_said: float | None = None  #: the run whose overdue warning was logged
        self._due_changed = threading.Condition()
        self._due: float | None = None  #: time.monotonic() of the next requested run (None: none)
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread that runs requested refreshes (until ``stop()``)."""
        if self._thread is not None:
            return
        with self._due_changed:
            self._stopping = False
        self._thread = threading.Thread(target=self._serve_requests, name="feedsvc-refresh", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop that thread; a refresh it is running finishes first (as APScheduler's shutdown
        waits for its job: the store is closed after this)."""
        with self._due_changed:
            self._stopping = True
            self._due_changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _serve_requests(self) -> None:
        while True:
            with self._due_changed:
                while not self._stopping and (self._due is None or self._due > time.monotonic()):
                    self._due_changed.wait(None if self._due is None else self._due - time.monotonic())
                if self._stopping:
                    return
                self._due = None
            try:
                self.run()
            except Exception:  # a bug outside the refresh (run() catches the refresh's own)
                log.exception("the refresh thread failed; it goes on with the next request")

    def run(self) -> RefreshStats | None:
        """The scheduled job. Loops while more refreshes were requested during a run."""
        if not self._running.acquire(blocking=False):
            self._wanted.set()
            return None
        try:
            stats = None
            while True:
                self._wanted.clear()
                self._since = self.monotonic()
                stats = self._run_once()
                if not self._wanted.is_set():
                    break
        finally:
            self._since = None
            self._running.release()
        if self._wanted.is_set():  # asked for between our last check and the release: that
            self._wake(0.0)  # request saw us busy and woke nobody (what it asked for is pending)
        return stats

    @property
    def busy(self) -> bool:
        """A refresh is running now."""
        return self._running.locked()

    def turn_busy(self, interval: float) -> bool:
        """Whether the interval's turn that came now finds a refresh running (so it is skipped).

        A turn skipped because a refresh is running is expected (a bulk copy, a slow disk) and
        logged at DEBUG; a refresh still running after a whole interval is not: it says once,
        at WARNING, that refreshes take longer than the interval or one is stuck.
        """
        since = self._since
        if since is None:
            return self.busy  # between runs of its loop, or just taking the lock
        running = self.monotonic() - since
        if running >= interval and self._overdue_said != since:
            self._overdue_said = since
            log.warning(
                "a refresh has been running for %.1fs, longer than [refresh] interval_seconds (%gs):"
                " the next turns are skipped until it ends", running, interval,
            )  # fmt: skip
        else:
            log.debug("a refresh is still running (%.1fs): this interval's turn is skipped", running)
        return True

    def _take(self) -> tuple[frozenset[str] | None, dict[str, tuple[int, int]]]:
        """What to refresh now: the named paths, or None for everything (a run nobody named
        paths for, the interval tick, is a full one; so is one a full interval after the last)."""
        overdue = self.full_every is not None and self.monotonic() - self._last_full >= self.full_every
        with self._pending_lock:
            paths, full, complete = frozenset(self._paths), self._full, self._complete
            self._paths, self._full, self._complete = set(), False, {}
        if full or not paths or overdue:
            self._last_full = self.monotonic()
            return None, complete
        return paths, complete

    def _run_once(self) -> RefreshStats | None:
        self.runs += 1
        paths, complete = self._take()
        try:
            if paths is None and not complete:
                stats = self._refresh()
            else:
                stats = self._refresh(paths=paths, complete=complete)
        except FeedsvcError as e:
            self.last_error = str(e)
            log.error("refresh failed, still serving the last good state: %s", e)
            return None
        except Exception:  # a bug: log it loudly, keep the scheduler and the server alive
            self.last_error = "unexpected error (see the log)"
            log.exception("refresh failed with an unexpected error")
            return None
        self.last_error = None
        self.follow_up(stats)
        return stats

    def follow_up(self, stats: RefreshStats) -> None:
        """Look at the files this refresh deferred again, when it said they may be ready."""
        if not stats.deferred:
            self._streak = 0
            return
        delay = (stats.retry_in or 1.0) * 2 ** min(self._streak, self.BACKOFF_LIMIT)
        if self.full_every is not None:
            delay = min(delay, self.full_every)
        self._streak += 1
        with self._pending_lock:
            self._paths.update(stats.deferred)
        log.debug("looking at %d deferred file(s) again in %.2fs", len(stats.deferred), delay)
        self._wake(delay)

    def request(self, delay: float = 0.0, paths: Iterable[str] | None = None,
                complete: Mapping[str, tuple[int, int]] | None = None) -> None:  # fmt: skip
        """Ask for a refresh soon (debounced by ``delay`` seconds): of just ``paths`` (relative
        to the seeds dir), or of everything; ``complete``: paths seen closed after writing,
        with their (size, mtime_ns) then."""
        with self._pending_lock:
            if paths is None:
                self._full = True
            else:
                self._paths.update(paths)
            if complete:
                self._complete.update(complete)
        if delay > 0:  # not the running job's next turn: the runner's thread's, when due
            self._wake(delay)
            return
        self._wanted.set()
        if self._running.locked():
            return  # the running job sees the flag and runs again
        self._wake(0.0)

    def _wake(self, delay: float) -> None:
        """Have the runner's thread run ``delay`` seconds from now, if that is sooner than
        planned (the monotonic clock: a wall-clock step moves nothing). Without ``start()``,
        nothing runs."""
        with self._due_changed:
            due = time.monotonic() + delay
            if self._due is None or due < self._due:
                self._due = due
                self._due_changed.notify_all()


def build_scheduler(
    settings: Settings,
    runner: RefreshRunner,
    *,
    first_run: datetime | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> MonotonicScheduler:
    """A not-yet-started scheduler with one interval job: one run at a time, a turn that comes
    while a refresh runs skipped, the interval kept on the monotonic clock."""
    scheduler = MonotonicScheduler(clock=clock, busy=runner.turn_busy, timezone=UTC)
    # APScheduler 3 adds a job with next_run_time=None *paused*: the interval would never fire.
    # Left out, the first run is one interval after start() (serve has just refreshed).
    first: dict[str, datetime] = {} if first_run is None else {"next_run_time": first_run}
    scheduler.add_job(
        runner.run,
        MonotonicIntervalTrigger(settings.interval_seconds, clock),
        id=JOB_ID,
        # Not 1: APScheduler counts an instance from its submission to the pool until its
        # callback after run() returned, while request() and turn_busy() see the runner's lock,
        # held only inside run(). A request in either gap (thousands come during a bulk copy)
        # was refused with a "maximum number of running instances reached" WARNING, and the
        # job moved a whole interval on, so the files it was for waited until then (issue 12).
        # A second instance is harmless (run() coalesces); the limit only bounds a runaway.
        max_instances=RUN_INSTANCES,
        coalesce=True,
        misfire_grace_time=max(1, settings.interval_seconds),
        **first,
    )
    runner.full_every = float(settings.interval_seconds)
    return scheduler
