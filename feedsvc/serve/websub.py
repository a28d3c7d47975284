"""WebSub publishing: when a refresh changed feeds, tell the hubs, from a thread of its own.

WebSub (W3C, 2018) leaves the publisher's ping to the hub unspecified; the form every hub
takes is PubSubHubbub 0.4's: a form POST of ``hub.mode=publish`` and ``hub.url=<topic>``.
Some hubs (Flask-WebSub's, for one) read the topic from ``hub.topic`` instead, the name the
subscribe request uses, so both are sent. The hub then fetches the topic itself and delivers
it to its subscribers.

A ping never slows a refresh: ``publish()`` only queues (hub, topic) pairs; a worker thread
sends them, retries a failed one with exponential backoff, and logs each failure. The queue
is bounded and a pair already queued is not queued twice (the hub fetches the latest version
whenever it gets the ping).
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from .. import __version__

log = logging.getLogger(__name__)

#: (hub URL, topic URL) -> None; raises PingFailed when the hub did not take the ping
Sender = Callable[[str, str], None]


class PingFailed(Exception):
    """A hub did not accept a publish ping (its status, or why it could not be reached)."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """When to try a failed ping again: ``first`` seconds, then ``factor`` times longer each
    time, at most ``cap``; after ``attempts`` tries it is given up (and logged at ERROR)."""

    first: float = 2.0
    factor: float = 2.0
    cap: float = 300.0
    attempts: int = 8  #: 2 + 4 + ... + 128 s: about four minutes of a hub being away

    def delay(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failed try."""
        return float(min(self.cap, self.first * self.factor ** (failures - 1)))


def http_ping(hub: str, topic: str, timeout: float = 10.0) -> None:
    """POST the publish ping for ``topic`` to ``hub``; raise PingFailed unless it answers 2xx."""
    body = urlencode({"hub.mode": "publish", "hub.url": topic, "hub.topic": topic}).encode("ascii")
    request = urllib.request.Request(  # noqa: S310  # the hub URL is checked in config: http(s) only
        hub, data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": f"feedsvc/{__version__}"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read(64 * 1024)
            status = response.status
    except urllib.error.HTTPError as e:  # 4xx/5xx
        e.close()  # it holds the response and its connection
        raise PingFailed(f"HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise PingFailed(str(e.reason)) from None
    except (OSError, http.client.HTTPException) as e:  # a reset connection, a timeout, a bad answer
        raise PingFailed(str(e) or type(e).__name__) from None
    if not 200 <= status < 300:
        raise PingFailed(f"HTTP {status}")


@dataclass(slots=True)
class _Ping:
    due: float  #: monotonic time of the next try
    failures: int = 0


class HubPublisher:
    """Pings every hub for every changed topic, in a background thread, with retries.

    ``on_result(result)`` is told each outcome: "ok", "failed" (will be tried again),
    "gave_up", "dropped" (the queue was full).
    """

    def __init__(
        self, hubs: Iterable[str], *, send: Sender = http_ping, backoff: Backoff = Backoff(),
        capacity: int = 1024, clock: Callable[[], float] = time.monotonic,
        on_result: Callable[[str], None] | None = None,
    ) -> None:  # fmt: skip
        self.hubs = tuple(hubs)
        self._send = send
        self.backoff = backoff
        self.capacity = capacity  #: (hub, topic) pairs waiting at most
        self._clock = clock
        self._on_result = on_result
        self._pending: dict[tuple[str, str], _Ping] = {}
        self._cond = threading.Condition()
        self._stopping = False
        self._sending = 0  #: pings being sent now (for idle())
        self._full_said = False
        self._thread: threading.Thread | None = None
        self._job: Callable[[], None] | None = None  #: run_soon's, waiting

    def publish(self, topics: Iterable[str]) -> None:
        """Queue a ping of every hub for each topic. Never blocks on the network."""
        dropped = 0
        with self._cond:
            now = self._clock()
            for topic in topics:
                for hub in self.hubs:
                    if (hub, topic) in self._pending:
                        continue  # its ping makes the hub fetch the latest version anyway
                    if len(self._pending) >= self.capacity:
                        dropped += 1
                        continue
                    self._pending[(hub, topic)] = _Ping(now)
            if dropped and not self._full_said:
                self._full_said = True
                log.warning("websub: %d pings waiting (the limit): %d more dropped", self.capacity, dropped)
            elif not dropped:
                self._full_said = False
            self._cond.notify_all()
        for _ in range(dropped):
            self._result("dropped")

    def run_soon(self, job: Callable[[], None]) -> None:
        """Run ``job`` in the worker thread, before the pings waiting (working out which feeds
        changed, off the refreshing thread). A job still waiting is replaced, not queued: each
        run of the one job there is reads everything since its last run. Never blocks."""
        with self._cond:
            self._job = job
            self._cond.notify_all()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name="feedsvc-websub", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker (a ping being sent finishes, up to its own timeout); pings still
        waiting are logged and dropped."""
        with self._cond:
            self._stopping = True
            left = len(self._pending)
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
        if left:
            log.warning("websub: stopping with %d pings not sent", left)

    def idle(self) -> bool:
        """Nothing waiting and nothing being sent (for tests and shutdown)."""
        with self._cond:
            return not self._pending and not self._sending and self._job is None

    def _next(self) -> tuple[str, str, _Ping] | Callable[[], None] | None:
        """A job from run_soon, else the earliest ping, once it is due; None when stopping.
        Waits on the condition."""
        with self._cond:
            while not self._stopping:
                if self._job is not None:
                    job, self._job = self._job, None
                    self._sending += 1
                    return job
                if self._pending:
                    key, ping = min(self._pending.items(), key=lambda item: item[1].due)
                    wait = ping.due - self._clock()
                    if wait <= 0:
                        del self._pending[key]
                        self._sending += 1
                        return key[0], key[1], ping
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            return None

    def _work(self) -> None:
        while (taken := self._next()) is not None:
            if callable(taken):
                try:
                    taken()
                except Exception:  # a bug: never let it end the thread
                    log.exception("websub: working out which feeds changed failed unexpectedly")
                finally:
                    with self._cond:
                        self._sending -= 1
                        self._cond.notify_all()
                continue
            hub, topic, ping = taken
            try:
                self._send(hub, topic)
            except PingFailed as e:
                self._failed(hub, topic, ping, str(e))
            except Exception:  # a bug: never let it end the thread
                log.exception("websub: ping of %s for %s failed unexpectedly", hub, topic)
                self._failed(hub, topic, ping, "unexpected error")
            else:
                log.debug("websub: %s took the ping for %s", hub, topic)
                self._result("ok")
            finally:
                with self._cond:
                    self._sending -= 1
                    self._cond.notify_all()

    def _failed(self, hub: str, topic: str, ping: _Ping, reason: str) -> None:
        failures = ping.failures + 1
        if failures >= self.backoff.attempts:
            log.error("websub: giving up on pinging %s for %s after %d tries: %s", hub, topic, failures, reason)
            self._result("gave_up")
            return
        delay = self.backoff.delay(failures)
        log.warning(
            "websub: ping of %s for %s failed (try %d of %d): %s; trying again in %gs",
            hub, topic, failures, self.backoff.attempts, reason, delay,
        )  # fmt: skip
        self._result("failed")
        with self._cond:
            key = (hub, topic)
            if key not in self._pending:  # a newer change may have queued it meanwhile: keep that
                self._pending[key] = _Ping(self._clock() + delay, failures)
            self._cond.notify_all()

    def _result(self, result: str) -> None:
        if self._on_result is not None:
            self._on_result(result)
