"""Background refreshing: the APScheduler interval job and the on-demand trigger it shares."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from collections.abc import Iterable
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from ..config import Settings
from ..errors import FeedsvcError
from ..model import RefreshStats

log = logging.getLogger(__name__)

JOB_ID = "refresh"


class RefreshRunner:
    """Runs refreshes one at a time and never loses a request for one.

    ``request()`` (from the file watcher or an HTTP call) marks a refresh as wanted and wakes
    the scheduler job; if a refresh is already running, it runs once more when done. A failed
    refresh is logged and the last good index stays published.
    """

    def __init__(
        self,
        refresh: Callable[[], RefreshStats],
        refresh_paths: Callable[[frozenset[str]], RefreshStats] | None = None,
    ) -> None:
        self._refresh = refresh
        self._refresh_paths = refresh_paths
        self._pending_lock = threading.Lock()
        self._paths: set[str] = set()  #: paths the watcher named since the last run
        self._full = False  #: a full refresh was asked for since the last run
        self._wanted = threading.Event()
        self._running = threading.Lock()
        self.scheduler: BackgroundScheduler | None = None
        self.last_error: str | None = None
        self.runs = 0

    def run(self) -> RefreshStats | None:
        """The scheduled job. Loops while more refreshes were requested during a run."""
        if not self._running.acquire(blocking=False):
            self._wanted.set()
            return None
        try:
            stats = None
            while True:
                self._wanted.clear()
                stats = self._run_once()
                if not self._wanted.is_set():
                    break
        finally:
            self._running.release()
        if self._wanted.is_set():  # asked for between our last check and the release
            self.request()
        return stats

    def _take(self) -> frozenset[str] | None:
        """What to refresh now: the named paths, or None for everything. A run nobody named
        paths for (the interval tick) is a full one."""
        with self._pending_lock:
            paths, full = frozenset(self._paths), self._full
            self._paths.clear()
            self._full = False
        return None if full or not paths or self._refresh_paths is None else paths

    def _run_once(self) -> RefreshStats | None:
        self.runs += 1
        paths = self._take()
        try:
            stats = self._refresh() if paths is None else self._refresh_paths(paths)  # type: ignore[misc]
        except FeedsvcError as e:
            self.last_error = str(e)
            log.error("refresh failed, still serving the last good state: %s", e)
            return None
        except Exception:  # a bug: log it loudly, keep the scheduler and the server alive
            self.last_error = "unexpected error (see the log)"
            log.exception("refresh failed with an unexpected error")
            return None
        self.last_error = None
        return stats

    def request(self, delay: float = 0.0, paths: Iterable[str] | None = None) -> None:
        """Ask for a refresh soon (debounced by ``delay`` seconds): of just ``paths`` (relative
        to the seeds dir), or of everything."""
        with self._pending_lock:
            if paths is None:
                self._full = True
            else:
                self._paths.update(paths)
        self._wanted.set()
        if self._running.locked():
            return  # the running job sees the flag and runs again
        scheduler = self.scheduler
        if scheduler is not None and scheduler.running:
            when = datetime.now(UTC) + timedelta(seconds=delay)
            job = scheduler.get_job(JOB_ID)
            if job is not None and (job.next_run_time is None or job.next_run_time > when):
                job.modify(next_run_time=when)


def build_scheduler(
    settings: Settings, runner: RefreshRunner, *, first_run: datetime | None = None
) -> BackgroundScheduler:
    """A not-yet-started scheduler with one interval job: one run at a time, missed runs merged."""
    scheduler = BackgroundScheduler(timezone=UTC)
    # APScheduler 3 adds a job with next_run_time=None *paused*: the interval would never fire.
    # Left out, the first run is one interval after start() (serve has just refreshed).
    first: dict[str, datetime] = {} if first_run is None else {"next_run_time": first_run}
    scheduler.add_job(
        runner.run,
        "interval",
        seconds=settings.interval_seconds,
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=max(1, settings.interval_seconds),
        **first,
    )
    runner.scheduler = scheduler
    return scheduler
