"""`feedsvc serve` with a timestamp at each stage of a pickup (bench_pickup.py --trace).

    python bench/pickup_trace.py TRACE_FILE --config CFG serve --host ... --port ...

Runs feedsvc's own CLI after wrapping a few of its functions, each wrapper recording
(time.perf_counter_ns(), thread name, stage, detail) in memory; the list is written to
TRACE_FILE (one tab-separated line per event) when the process exits. perf_counter is
CLOCK_MONOTONIC on Linux, the same clock in every process, so bench_pickup.py can put the
stages on the time line of its own writes and polls. The wrappers add a few microseconds each
and nothing else: no product code knows about them (bench only).

Stages (in the order a pickup meets them):
  inotify      the watcher thread read events (it woke from poll())
  request      the watcher asked the runner for a refresh (RefreshRunner.request)
  run          the refreshing thread started (RefreshRunner.run)
  refresh      run_refresh started / ended ("refresh-end")
  read         one file read and parsed (refresh.reading.read_one) ended
  commit       the transaction committed (the coordinator was told: notify_changed)
  render       FeedCache started rendering / each feed spliced ("feed", detail: its format) /
               plain bytes published ("published") / gzipped bytes published ("gzipped")
  served       a request thread's FeedCache.current() returned a generation newer than any
               request had seen before (detail: the generation)

PICKUP_TRACE_GZIP_LEVEL=N in the environment sets web.http.GZIP_LEVEL in the server (an
experiment: what the level costs a pickup; bench/RESULTS.md, "gzip level").
"""

from __future__ import annotations

import atexit
import functools
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any


def main() -> None:
    trace_path = sys.argv.pop(1)
    events: list[tuple[int, str, str, str]] = []
    clock = time.perf_counter_ns

    def mark(stage: str, detail: str = "") -> None:
        events.append((clock(), threading.current_thread().name, stage, detail))

    def dump() -> None:
        with open(trace_path, "w", encoding="utf-8") as f:
            for ns, thread, stage, detail in events:
                f.write(f"{ns}\t{thread}\t{stage}\t{detail}\n")

    atexit.register(dump)

    from feedsvc import cli as cli_module
    from feedsvc.publish.splice import SplicedRenderer
    from feedsvc.refresh import pass_
    from feedsvc.serve import inotify
    from feedsvc.serve.scheduler import RefreshRunner
    from feedsvc.store.files import FileCoordinator
    from feedsvc.web.cache import FeedCache

    def around(owner: Any, name: str, before: str | None, after: str | None,
               detail: Callable[..., str] | None = None) -> None:  # fmt: skip
        real = getattr(owner, name)

        @functools.wraps(real)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if before is not None:
                mark(before)
            out = real(*args, **kwargs)
            if after is not None:
                mark(after, detail(out, *args) if detail is not None else "")
            return out

        setattr(owner, name, wrapper)

    real_read = inotify.Inotify.read

    def read(self: Any) -> Any:
        mark("inotify")
        return real_read(self)

    inotify.Inotify.read = read  # type: ignore[method-assign]
    around(RefreshRunner, "request", "request", None)
    around(RefreshRunner, "run", "run", None)
    around(cli_module, "run_refresh", "refresh", "refresh-end")
    around(pass_, "read_one", None, "read")
    around(FileCoordinator, "notify_changed", None, "commit")
    around(FeedCache, "_render_plain", "render", "published", lambda out, *a: str(out[0].generation))
    real_render = FeedCache._render

    def render(self: Any, generation: int) -> Any:
        out = real_render(self, generation)
        if not threading.current_thread().name.startswith("waitress"):
            mark("gzipped", str(out.generation))  # the refreshing thread's render, gzip included
        return out

    FeedCache._render = render  # type: ignore[method-assign]
    around(SplicedRenderer, "render", None, "feed", lambda out, self, doc, *a: doc.feed.spec.format)

    level = os.environ.get("PICKUP_TRACE_GZIP_LEVEL")
    if level is not None:  # an experiment: the same server with another gzip level
        from feedsvc.web import http

        http.GZIP_LEVEL = int(level)

    seen = [0]
    real_current = FeedCache.current

    def current(self: Any) -> Any:
        out = real_current(self)
        if out.generation > seen[0] and threading.current_thread().name.startswith("waitress"):
            seen[0] = out.generation
            mark("served", str(out.generation))
        return out

    FeedCache.current = current  # type: ignore[method-assign]
    sys.argv[0] = "feedsvc"
    try:
        cli_module.cli(standalone_mode=True)
    finally:
        dump()
        atexit.unregister(dump)


if __name__ == "__main__":
    main()
