"""A bounded loopback HTTP load generator: wrk when installed, else Python threads.

    python bench/loadgen.py http://127.0.0.1:8000/atom.xml -d 5 -c 16
    python bench/loadgen.py http://127.0.0.1:8000/atom.xml -H 'If-None-Match: "abc"'
    python bench/loadgen.py http://127.0.0.1:8000/atom.xml -H 'Accept-Encoding: gzip' --engine python

Prints requests/s and latency percentiles (``--json`` for one JSON object). Every run is
bounded: ``-d`` seconds (at most 600), ``-c`` connections (at most 256), ``-t`` threads, and
optionally ``--max-requests``; only http://127.0.0.1 targets are accepted.

Engines:
  wrk     Debian's ``wrk`` (apt-get install wrk), driven with a small Lua script that prints
          its summary as JSON. A request list (several paths/headers) is cycled per
          connection by a Lua ``request()`` function; one request needs no per-request Lua.
          ``--max-requests`` adds a Lua ``response()`` counter (slower: wrk then parses
          every response into Lua).
  python  Threads, one keep-alive ``http.client`` connection each (reopened when the server
          closes it). On a 2-core machine it shares the CPU (and its own GIL) with the server,
          so it saturates long before wrk does: compare only figures from the same engine.

Library use: ``run_load(base_url, [Req("/atom.xml", {...}), ...], duration=..., ...)``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlsplit

ALLOWED_HOSTS = ("127.0.0.1",)
MAX_SECONDS = 600.0
MAX_CONNECTIONS = 256
PYTHON_MAX_REQUESTS = 5_000_000  #: hard cap of the Python engine (and of its latency list)


@dataclass(frozen=True)
class Req:
    """One request of the load: a path (with query) and extra headers."""

    path: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class LoadResult:
    engine: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    bytes: int
    errors: dict[str, int]  #: connect/read/write/timeout, and "status": non-2xx/3xx answers
    statuses: dict[int, int] = field(default_factory=dict)  #: python engine only

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def line(self) -> str:
        errs = f", errors {self.errors}" if self.error_count else ""
        return (
            f"{self.rps:,.0f} req/s ({self.requests:,} in {self.seconds:.1f} s, {self.engine}); "
            f"latency p50 {self.p50_ms:.2f} ms, p90 {self.p90_ms:.2f} ms, p99 {self.p99_ms:.2f} ms, "
            f"max {self.max_ms:.1f} ms{errs}"
        )


def wrk_path() -> str | None:
    return shutil.which("wrk")


def check_target(base_url: str) -> tuple[str, int]:
    """(host, port) of an http://127.0.0.1:PORT URL; anything else is refused."""
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname not in ALLOWED_HOSTS:
        raise ValueError(f"only http://127.0.0.1 targets are allowed, got {base_url!r}")
    return parts.hostname, parts.port or 80


def _check_bounds(duration: float, connections: int, threads: int) -> None:
    if not 0 < duration <= MAX_SECONDS:
        raise ValueError(f"duration must be in (0, {MAX_SECONDS:g}] seconds, got {duration}")
    if not 1 <= connections <= MAX_CONNECTIONS:
        raise ValueError(f"connections must be 1..{MAX_CONNECTIONS}, got {connections}")
    if not 1 <= threads <= connections:
        raise ValueError(f"threads must be 1..connections, got {threads}")


def run_load(
    base_url: str,
    requests: Sequence[Req],
    *,
    duration: float = 5.0,
    connections: int = 16,
    threads: int = 1,
    timeout: float = 5.0,
    max_requests: int | None = None,
    engine: str = "auto",
) -> LoadResult:
    """Load ``base_url`` (http://127.0.0.1:PORT) with ``requests`` cycled, for ``duration`` s."""
    check_target(base_url)
    _check_bounds(duration, connections, threads)
    if not requests:
        raise ValueError("no requests given")
    if engine == "auto":
        engine = "wrk" if wrk_path() else "python"
    if engine == "wrk":
        return _run_wrk(base_url, requests, duration, connections, threads, timeout, max_requests)
    if engine == "python":
        return _run_python(base_url, requests, duration, connections, timeout, max_requests)
    raise ValueError(f"unknown engine {engine!r}")


# --------------------------------------------------------------------------- wrk


def _lua_str(s: str) -> str:
    return json.dumps(s)  # a JSON string literal is a valid Lua string literal for our ASCII input


_LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,"
    .. "\"connect\":%d,\"read\":%d,\"write\":%d,\"status\":%d,\"timeout\":%d,"
    .. "\"p50\":%d,\"p90\":%d,\"p99\":%d,\"max\":%d,\"mean\":%f}\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def _lua_script(requests: Sequence[Req], max_requests: int | None, threads: int) -> str:
    lines = []
    if len(requests) > 1:
        specs = []
        for r in requests:
            hdrs = ", ".join(f"[{_lua_str(k)}] = {_lua_str(v)}" for k, v in r.headers.items())
            specs.append(f"  {{path = {_lua_str(r.path)}, headers = {{{hdrs}}}}},")
        lines += [
            "local specs = {",
            *specs,
            "}",
            "local reqs = {}",
            "local i = 0",
            "init = function(args)",
            '  for _, s in ipairs(specs) do table.insert(reqs, wrk.format("GET", s.path, s.headers)) end',
            "  i = math.random(#reqs) - 1",
            "end",
            "request = function()",
            "  i = i % #reqs + 1",
            "  return reqs[i]",
            "end",
        ]
    if max_requests is not None:
        per_thread = max(1, math.ceil(max_requests / threads))
        lines += [
            "local count = 0",
            "response = function(status, headers, body)",
            "  count = count + 1",
            f"  if count >= {per_thread} then wrk.thread:stop() end",
            "end",
        ]
    return "\n".join(lines) + _LUA_DONE


def _run_wrk(
    base_url: str,
    requests: Sequence[Req],
    duration: float,
    connections: int,
    threads: int,
    timeout: float,
    max_requests: int | None,
) -> LoadResult:
    exe = wrk_path()
    if exe is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk), use engine='python'")
    first = requests[0]
    url = base_url.rstrip("/") + first.path
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="loadgen-", delete=False) as f:
        f.write(_lua_script(requests, max_requests, threads))
        script = f.name
    argv = [
        exe, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
        f"--timeout={max(1, round(timeout))}s", "-s", script,
    ]  # fmt: skip
    if len(requests) == 1:
        for k, v in first.headers.items():
            argv += ["-H", f"{k}: {v}"]
    argv.append(url)
    try:
        out = subprocess.run(
            argv, capture_output=True, text=True, timeout=duration + timeout + 30, check=False
        )
    finally:
        os.unlink(script)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout.strip()}")
    d = json.loads(line[len("WRKJSON ") :])
    seconds = d["duration_us"] / 1e6
    return LoadResult(
        engine="wrk",
        requests=d["requests"],
        seconds=seconds,
        rps=d["requests"] / seconds if seconds else 0.0,
        p50_ms=d["p50"] / 1000,
        p90_ms=d["p90"] / 1000,
        p99_ms=d["p99"] / 1000,
        max_ms=d["max"] / 1000,
        mean_ms=d["mean"] / 1000,
        bytes=d["bytes"],
        errors={k: d[k] for k in ("connect", "read", "write", "status", "timeout") if d[k]},
    )


# --------------------------------------------------------------------------- python


def _percentile(sorted_values: Sequence[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, math.ceil(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def _run_python(
    base_url: str,
    requests: Sequence[Req],
    duration: float,
    connections: int,
    timeout: float,
    max_requests: int | None,
) -> LoadResult:
    host, port = check_target(base_url)
    cap = min(max_requests or PYTHON_MAX_REQUESTS, PYTHON_MAX_REQUESTS)
    lock = threading.Lock()
    issued = 0
    start = time.perf_counter()
    deadline = start + duration
    latencies: list[list[float]] = [[] for _ in range(connections)]
    statuses: list[Counter[int]] = [Counter() for _ in range(connections)]
    errors: list[Counter[str]] = [Counter() for _ in range(connections)]
    nbytes = [0] * connections

    def take() -> bool:
        nonlocal issued
        with lock:
            if issued >= cap:
                return False
            issued += 1
            return True

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        lat, st, err = latencies[n], statuses[n], errors[n]
        i = n
        try:
            while time.perf_counter() < deadline and take():
                r = requests[i % len(requests)]
                i += 1
                t0 = time.perf_counter()
                try:
                    conn.request("GET", r.path, headers=dict(r.headers))
                    resp = conn.getresponse()
                    body = resp.read()
                except TimeoutError:
                    err["timeout"] += 1
                    conn.close()
                    continue
                except ConnectionRefusedError:
                    err["connect"] += 1
                    conn.close()
                    time.sleep(0.01)
                    continue
                except (OSError, http.client.HTTPException):
                    err["read"] += 1
                    conn.close()
                    continue
                lat.append(time.perf_counter() - t0)
                st[resp.status] += 1
                nbytes[n] += len(body)
                if not 200 <= resp.status < 400:
                    err["status"] += 1
        finally:
            conn.close()

    workers = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(duration + timeout + 5)
    seconds = time.perf_counter() - start
    all_lat = sorted(x for lat in latencies for x in lat)
    total_err: Counter[str] = Counter()
    total_st: Counter[int] = Counter()
    for c in errors:
        total_err.update(c)
    for s in statuses:
        total_st.update(s)
    n = len(all_lat)
    return LoadResult(
        engine="python",
        requests=n,
        seconds=seconds,
        rps=n / seconds if seconds else 0.0,
        p50_ms=_percentile(all_lat, 50) * 1000,
        p90_ms=_percentile(all_lat, 90) * 1000,
        p99_ms=_percentile(all_lat, 99) * 1000,
        max_ms=(all_lat[-1] if all_lat else 0.0) * 1000,
        mean_ms=(sum(all_lat) / n * 1000) if n else 0.0,
        bytes=sum(nbytes),
        errors=dict(total_err),
        statuses=dict(total_st),
    )


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url", nargs="+", help="http://127.0.0.1:PORT/path (several: cycled in turn)")
    p.add_argument("-d", "--duration", type=float, default=5.0, help="seconds (default 5, max 600)")
    p.add_argument("-c", "--connections", type=int, default=16, help="open connections (default 16)")
    p.add_argument("-t", "--threads", type=int, default=1, help="wrk threads (default 1)")
    p.add_argument(
        "-H", "--header", action="append", default=[], help="'Name: value', repeatable (all requests)"
    )
    p.add_argument("--timeout", type=float, default=5.0, help="per-request timeout, s (default 5)")
    p.add_argument("--max-requests", type=int, help="stop after about this many requests")
    p.add_argument("--engine", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args(argv)
    headers = {}
    for h in args.header:
        name, sep, value = h.partition(":")
        if not sep:
            p.error(f"bad header {h!r}: expected 'Name: value'")
        headers[name.strip()] = value.strip()
    bases = set()
    reqs = []
    for url in args.url:
        parts = urlsplit(url)
        bases.add(f"{parts.scheme}://{parts.netloc}")
        reqs.append(Req((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), headers))
    if len(bases) != 1:
        p.error("all URLs must be on one server")
    try:
        result = run_load(
            bases.pop(), reqs, duration=args.duration, connections=args.connections, threads=args.threads,
            timeout=args.timeout, max_requests=args.max_requests, engine=args.engine,
        )  # fmt: skip
    except (ValueError, RuntimeError) as e:
        p.error(str(e))
    if args.json:
        print(json.dumps({**result.__dict__, "statuses": {str(k): v for k, v in result.statuses.items()}}))
    else:
        print(result.line())
        if result.statuses:
            print(f"statuses: {dict(sorted(result.statuses.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
