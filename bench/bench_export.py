"""nginx on the static export vs `feedsvc serve`: requests/s for 200s and 304s.

    python bench/bench_export.py [--generate 2000] [--runs 3] [-d 5] [-c 16] [--path /atom.xml]

Builds the export of a generated corpus (`feedsvc build`), starts `feedsvc serve` and nginx
(/usr/sbin/nginx, deploy/nginx.conf with its listen and root lines changed, as
tests/test_export_nginx.py runs it) on loopback, then per run and per target loads the same
URL plainly (200) and with the validator it sent (If-None-Match: 304). Prints each run's
req/s with the server's CPU seconds per 1,000 requests and the load average before it, then
medians and spreads (min-max) and the nginx/app ratio of each run's pair (the app is the
floor measured in the same run). wrk when installed, else the Python load generator, which
shares the 2 cores with the server and caps both figures: compare only figures of one engine.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from loadgen import Req
from loadgen import run_load
from serving import HOST
from serving import children_of
from serving import cpu_seconds
from serving import free_port
from serving import get
from serving import loadavg
from serving import prepare_dataset
from serving import serve_argv
from serving import server_process
from serving import stop_process

NGINX = Path("/usr/sbin/nginx")
SHIPPED = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"


def nginx_conf(tmp: Path, root: Path, port: int) -> Path:
    site = SHIPPED.read_text("utf-8")
    site = re.sub(r"listen 127\.0\.0\.1:8080;", f"listen {HOST}:{port};", site)
    site = re.sub(r"root /srv/feedsvc/site;", f"root {root};", site)
    (tmp / "feedsvc.conf").write_text(site, "utf-8")
    temps = "".join(
        f"    {k}_temp_path {tmp / k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"worker_processes 1;\ndaemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'} warn;\n"
        f"events {{ worker_connections 512; }}\nhttp {{\n    access_log off;\n{temps}"
        f"    include {tmp / 'feedsvc.conf'};\n}}\n",
        "utf-8",
    )
    return conf


@contextmanager
def nginx(root: Path) -> Iterator[tuple[int, list[int]]]:
    """nginx serving ``root``: (port, [master pid, worker pids])."""
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as tmp:
        port = free_port()
        conf = nginx_conf(Path(tmp), root, port)
        proc = subprocess.Popen([str(NGINX), "-p", tmp, "-c", str(conf), "-e", f"{tmp}/error.log"],
                                stdin=subprocess.DEVNULL)  # fmt: skip
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    get(port, "/robots.txt", timeout=1)
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        sys.exit("nginx did not start")
                    time.sleep(0.05)
            yield port, [proc.pid, *children_of(proc.pid)]
        finally:
            stop_process(proc)


def measure(
    port: int, pids: list[int], path: str, conditional: bool, args: argparse.Namespace
) -> tuple[float, float, str]:
    """(req/s, CPU seconds per 1,000 requests, load before) of one load of ``path``."""
    headers = {"Accept-Encoding": "gzip"}
    if conditional:
        headers["If-None-Match"] = get(port, path, headers).headers["etag"]
    load = loadavg()
    cpu = sum(cpu_seconds(p) for p in pids)
    result = run_load(
        f"http://{HOST}:{port}", [Req(path, headers)], duration=args.duration, connections=args.connections
    )
    used = sum(cpu_seconds(p) for p in pids) - cpu
    if result.error_count:
        print(f"  errors: {result.errors}")
    return result.rps, 1000 * used / max(result.requests, 1), load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", type=int, default=2000, help="articles in the generated corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("-d", "--duration", type=float, default=5.0)
    parser.add_argument("-c", "--connections", type=int, default=16)
    parser.add_argument("--path", default="/atom.xml")
    args = parser.parse_args()
    if not NGINX.exists():
        sys.exit("nginx is not installed (apt-get install nginx)")
    data = prepare_dataset(generate_n=args.generate)
    out = data.root / "export"
    subprocess.run([sys.executable, "-m", "feedsvc", "--config", str(data.config), "build", "--out", str(out)],
                   check=True, stdin=subprocess.DEVNULL)  # fmt: skip
    port = free_port()
    figures: dict[tuple[str, str], list[tuple[float, float, str]]] = {}
    with (server_process(serve_argv(data.config, port, watch=False), port,
                         data.root / "bench-export-serve.log", name="feedsvc serve") as app,
          nginx(out.resolve()) as (nport, npids)):  # fmt: skip
        targets = {"nginx": (nport, npids), "feedsvc": (port, [app.pid])}
        for run in range(args.runs):
            for kind in ("200", "304"):
                for name, (p, pids) in targets.items():
                    got = measure(p, pids, args.path, kind == "304", args)
                    figures.setdefault((name, kind), []).append(got)
                    print(f"run {run + 1} {name:8} {kind}: {got[0]:9,.0f} req/s, "
                          f"{got[1]:.3f} CPU s/1k req, load {got[2]}")  # fmt: skip
    print(f"\n{args.path}, {args.connections} connections, {args.duration:g} s a load, {args.runs} runs")
    for kind in ("200", "304"):
        for name in ("nginx", "feedsvc"):
            rates = [f[0] for f in figures[(name, kind)]]
            cpus = [f[1] for f in figures[(name, kind)]]
            print(f"{kind} {name:8} median {statistics.median(rates):9,.0f} req/s (spread {min(rates):,.0f}-"
                  f"{max(rates):,.0f}), CPU {statistics.median(cpus):.3f} s/1k req")  # fmt: skip
        ratios = [
            n[0] / a[0] for n, a in zip(figures[("nginx", kind)], figures[("feedsvc", kind)], strict=True)
        ]
        print(f"{kind} nginx/feedsvc ratio median {statistics.median(ratios):.1f}x "
              f"(spread {min(ratios):.1f}-{max(ratios):.1f}x)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
