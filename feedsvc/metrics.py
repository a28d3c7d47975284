"""Prometheus metrics: one registry per app (no module state), what feedsvc counts into it,
and the bounded set of skip-reason kinds its labels use. Imports model only.

The app factory makes one ``Metrics`` (web.create_app) and serves it at ``/metrics``; the
service records refreshes into it (serve.Service), the WSGI layer records requests
(web.metrics), the feed cache its render times. Every label has a bounded set of values:
route templates (``/articles/<slug>``), never raw paths; skip reasons by kind, never the text
(it names files).
"""

from __future__ import annotations

import math
from collections import Counter as Tally
from collections.abc import Callable
from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Gauge
from prometheus_client import Histogram
from prometheus_client import PlatformCollector
from prometheus_client import ProcessCollector
from prometheus_client import generate_latest

from .model import RefreshStats
from .model import Skipped

#: skip reason prefix -> kind (the label value). Reasons are written in sources, parse and
#: refresh; one that is not here counts as "other", so a new reason can never add a series.
SKIP_KINDS: tuple[tuple[str, str], ...] = (
    ("empty file", "empty"),
    ("binary file", "binary"),
    ("undecodable ", "undecodable"),
    ("file is larger than", "too_large"),
    ("nothing left after", "no_text"),
    ("no article text", "no_text"),
    ("permission denied", "permission_denied"),
    ("cannot open:", "unreadable"),
    ("cannot read:", "unreadable"),
    ("cannot stat:", "unreadable"),
    ("cannot list folder:", "folder_unlistable"),
    ("not a regular file", "not_a_regular_file"),
    ("symlink to outside", "symlink_outside"),
    ("symlink loop", "symlink_loop"),
    ("dangling symlink", "symlink_dangling"),
    ("file name is not valid UTF-8", "bad_file_name"),
    ("Id ", "duplicate_id"),
)
OTHER = "other"
SKIP_KIND_NAMES: tuple[str, ...] = tuple(dict.fromkeys([kind for _, kind in SKIP_KINDS] + [OTHER]))

# Seconds. A refresh of a few changed files takes milliseconds; a cold ingest of 100,000, minutes.
REFRESH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, math.inf)
# A feed answered from memory takes microseconds; a deep index page, milliseconds.
REQUEST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, math.inf)
RENDER_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, math.inf)
METHODS = frozenset(["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])  #: others: "other"


def skip_kind(reason: str) -> str:
    """The label value for a skip ``reason``: one of SKIP_KIND_NAMES."""
    for prefix, kind in SKIP_KINDS:
        if reason.startswith(prefix):
            return kind
    return OTHER


class Metrics:
    """The metrics of one app, in a CollectorRegistry of its own (two apps in one process, as in
    the tests, never share or clash)."""

    def __init__(self, *, process: bool = True) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.refreshes = Counter(
            "feedsvc_refreshes", "Refreshes by result: ok, failed, or not_run (another process "
            "was refreshing)", ["result"], registry=r,
        )  # fmt: skip
        self.refresh_seconds = Histogram(
            "feedsvc_refresh_duration_seconds", "Time one refresh took (ok or failed)",
            buckets=REFRESH_BUCKETS, registry=r,
        )  # fmt: skip
        self.refresh_articles = Counter(
            "feedsvc_refresh_articles", "Articles refreshes added, updated or removed", ["change"], registry=r
        )
        self.last_refresh = Gauge(
            "feedsvc_last_refresh_timestamp_seconds", "Unix time the last successful refresh ended", registry=r
        )
        self.articles = Gauge("feedsvc_articles", "Articles published now", registry=r)
        self.skipped = Gauge(
            "feedsvc_skipped_files", "Files skipped now (as of this process's last refresh), by reason",
            ["reason"], registry=r,
        )  # fmt: skip
        self.requests = Counter(
            "feedsvc_http_requests", "HTTP requests by route template, method and status",
            ["route", "method", "status"], registry=r,
        )  # fmt: skip
        self.request_seconds = Histogram(
            "feedsvc_http_request_duration_seconds", "Time to answer a request (until the body is "
            "handed to the server), by route template", ["route"], buckets=REQUEST_BUCKETS, registry=r,
        )  # fmt: skip
        self.render_seconds = Histogram(
            "feedsvc_render_duration_seconds", "Time to render: every feed of a new index "
            "generation (feeds), their gzip bodies (gzip), one HTML page (page)", ["what"],
            buckets=RENDER_BUCKETS, registry=r,
        )  # fmt: skip
        self.websub_pings = Counter(
            "feedsvc_websub_pings", "WebSub publish pings to hubs by result: ok, failed (tried "
            "again later), gave_up, dropped (the queue was full)", ["result"], registry=r,
        )  # fmt: skip
        for ping in ("ok", "failed", "gave_up", "dropped"):
            self.websub_pings.labels(ping)
        for result in ("ok", "failed", "not_run"):
            self.refreshes.labels(result)
        for change in ("added", "updated", "removed"):
            self.refresh_articles.labels(change)
        for kind in SKIP_KIND_NAMES:  # every kind from the start: a series never appears late
            self.skipped.labels(kind).set(0)
        if process:  # the process's memory, CPU and open files, for this registry too
            ProcessCollector(registry=r)
            PlatformCollector(registry=r)
        self._request_children: dict[tuple[str, str, str], Callable[[], None]] = {}
        self._duration_children: dict[str, Callable[[float], None]] = {}

    # ------------------------------------------------------------------ refreshes

    def refresh_done(self, stats: RefreshStats, finished_at: float) -> None:
        """Record a refresh that returned (``finished_at``: Unix time)."""
        if not stats.ran:
            self.refreshes.labels("not_run").inc()
            return
        self.refreshes.labels("ok").inc()
        self.refresh_seconds.observe(stats.seconds)
        self.refresh_articles.labels("added").inc(stats.added)
        self.refresh_articles.labels("updated").inc(stats.updated)
        self.refresh_articles.labels("removed").inc(stats.removed)
        self.last_refresh.set(finished_at)
        self.set_skipped(stats.skipped)

    def refresh_failed(self, seconds: float) -> None:
        self.refreshes.labels("failed").inc()
        self.refresh_seconds.observe(seconds)

    def set_skipped(self, skipped: Iterable[Skipped]) -> None:
        counts = Tally(skip_kind(s.reason) for s in skipped)
        for kind in SKIP_KIND_NAMES:
            self.skipped.labels(kind).set(counts.get(kind, 0))

    def count_articles_with(self, count: Callable[[], int | None]) -> None:
        """Read the published count at each scrape from ``count`` (None: unknown, reported NaN)."""

        def read() -> float:
            value = count()
            return math.nan if value is None else float(value)

        self.articles.set_function(read)

    # ------------------------------------------------------------------ requests and renders

    def request_done(self, route: str, method: str, status: str, seconds: float) -> None:
        """Record one answered request. The label children are looked up once per combination
        (prometheus_client's labels() takes a lock and builds a tuple on every call)."""
        method = method if method in METHODS else "other"
        key = (route, method, status)
        inc = self._request_children.get(key)
        if inc is None:
            inc = self._request_children.setdefault(key, self.requests.labels(route, method, status).inc)
        inc()
        observe = self._duration_children.get(route)
        if observe is None:
            observe = self._duration_children.setdefault(route, self.request_seconds.labels(route).observe)
        observe(seconds)

    def websub_ping(self, result: str) -> None:
        self.websub_pings.labels(result).inc()

    def rendered(self, what: str, seconds: float) -> None:
        self.render_seconds.labels(what).observe(seconds)

    # ------------------------------------------------------------------ exposition

    def exposition(self) -> tuple[bytes, str]:
        """The registry in the Prometheus text format, and its Content-Type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
