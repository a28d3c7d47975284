"""What /metrics costs a request: the WSGI stack with and without RequestMetrics in front.

The request is the one feed readers make all day (a plain GET of /atom.xml, answered by the
fast path from memory), called straight on the WSGI app so the figure is feedsvc's own cost and
not the HTTP server's. The floor, measured in the same run, is the same call to the stack
without the metrics layer. Medians and spreads over several rounds; CPU time beside wall time
(other tenants' load shows in wall time only); `uptime`'s load beside the figures.

    .venv/bin/python bench/bench_metrics.py [--rounds 9] [--calls 20000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import REPO_ROOT
from common import env_lines
from common import make_settings

from feedsvc.refresh import run_refresh
from feedsvc.store import open_store
from feedsvc.web import create_app

ENVIRON = {"PATH_INFO": "/atom.xml", "REQUEST_METHOD": "GET", "QUERY_STRING": "", "HTTP_ACCEPT_ENCODING": "gzip"}


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
    return None


def per_call(app: Callable[..., Any], calls: int) -> tuple[float, float]:
    """Microseconds per call, wall and CPU."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        app(dict(ENVIRON), _start_response)
    return (time.perf_counter() - wall) / calls * 1e6, (time.process_time() - cpu) / calls * 1e6


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} us (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seeds = Path(tmp) / "seeds"
        shutil.copytree(REPO_ROOT / "tests" / "data" / "seeds", seeds)
        settings = make_settings(seeds, Path(tmp) / "index.sqlite")
        with open_store(settings) as store:
            run_refresh(settings, store)
            app = create_app(settings, store=store)
            with_metrics = app.wsgi_app
            floor = with_metrics.app  # the fast path and Flask behind it, without RequestMetrics
            per_call(with_metrics, 2000)  # warm up: the feeds rendered, the label children made
            results: dict[str, list[tuple[float, float]]] = {"floor": [], "metrics": []}
            loads = []
            for _ in range(args.rounds):  # interleaved, so drifting load hits both alike
                results["floor"].append(per_call(floor, args.calls))
                results["metrics"].append(per_call(with_metrics, args.calls))
                loads.append(os.getloadavg()[0])
    for line in env_lines():
        print(line)
    print(f"load (1 min) during the rounds: {min(loads):.1f}-{max(loads):.1f}")
    print(f"{args.rounds} rounds of {args.calls} calls, GET /atom.xml from memory, per call:")
    for name, label in (("floor", "without metrics"), ("metrics", "with metrics")):
        wall = [w for w, _ in results[name]]
        cpu = [c for _, c in results[name]]
        print(f"  {label:16} wall {summary(wall)}  cpu {summary(cpu)}")
    wall_ratio = statistics.median(w for w, _ in results["metrics"]) / statistics.median(w for w, _ in results["floor"])
    cpu_ratio = statistics.median(c for _, c in results["metrics"]) / statistics.median(c for _, c in results["floor"])
    extra = statistics.median(c for _, c in results["metrics"]) - statistics.median(c for _, c in results["floor"])
    print(f"  ratio to the floor: wall {wall_ratio:.2f}x, cpu {cpu_ratio:.2f}x (+{extra:.2f} us of CPU a request)")


if __name__ == "__main__":
    main()
