"""Test helper: a real `feedsvc serve` subprocess on a free loopback port, always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
import requests

HOST = "127.0.0.1"  # the only network target the tests use


def free_port() -> int:
    """A port nobody listens on right now (bind to port 0, let the kernel choose)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def write_config(directory: Path, *, seeds: str = "seeds", extra: str = "") -> Path:
    """A config.toml in ``directory``: seeds dir and store relative to it, plus ``extra`` TOML."""
    path = directory / "config.toml"
    path.write_text(f'[seeds]\ndir = "{seeds}"\n[store]\npath = "var/index.sqlite"\n{extra}', "utf-8")
    return path


@dataclass
class ServerProcess:
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def rss_kib(self) -> int:
        """Resident set size of the server process (VmRSS, KiB), from /proc."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS line")  # pragma: no cover

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    # serve stops its scheduler and store on KeyboardInterrupt (Ctrl-C), and on SIGTERM alike.
    # A test run started with SIGINT ignored (`cmd &` in a script) passes that on to the
    # servers, which then never see a Ctrl-C: each stop waited 5 s and killed. SIGTERM then.
    ctrl_c = signal.getsignal(signal.SIGINT) is not signal.SIG_IGN
    proc.send_signal(signal.SIGINT if ctrl_c else signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@contextmanager
def running_server(
    config: Path, *, startup: float = 20.0, args: tuple[str, ...] = (), verbose: int = 0
) -> Iterator[ServerProcess]:
    """Start `python -m feedsvc --config CONFIG serve --port P --no-watch`; wait for /healthz.
    ``verbose=2`` is `-vv`: the per-file DEBUG lines too."""
    port = free_port()
    log_path = config.parent / f"serve-{port}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDSVC_")}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "feedsvc", "--config", str(config), *["-v"] * verbose, "serve",
             "--host", HOST, "--port", str(port), "--no-watch", *args],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
        )  # fmt: skip
    server = ServerProcess(proc, port, log_path)
    try:
        deadline = time.monotonic() + startup
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"feedsvc serve exited with {proc.returncode}:\n{server.log()}")
            try:
                if requests.get(server.url("/healthz"), timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"feedsvc serve did not answer /healthz in {startup}s:\n{server.log()}")
            time.sleep(0.05)
        yield server
    finally:
        _stop(proc)


T = TypeVar("T")
POLL_DEADLINE = 20.0  # seconds, for anything a server does in the background; generous: 2 shared cores


def poll(check: Callable[[], T | None], what: str, deadline: float = POLL_DEADLINE) -> T:
    """Call ``check`` until it returns something truthy, or fail after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > end:
            pytest.fail(f"timed out after {deadline:g}s waiting for {what}")
        time.sleep(0.05)
