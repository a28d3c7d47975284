"""Many idle or slow clients cannot lock others out of a real `feedsvc serve` (issue 11: 150 of
either did, with waitress's default connection limit and a timeout every byte restarted)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from server_utils import HOST
from server_utils import ServerProcess
from server_utils import running_server
from server_utils import write_config

from feedsvc.serve.server import CONNECTION_LIMIT

DATA = Path(__file__).parent / "data" / "seeds"
IDLE = 150
SLOW = 150
TRICKLE = b"GET /atom.xml HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4096  # never ends
ANSWER_WITHIN = 2.0  # seconds for a normal client, while the others hold their connections

pytestmark = pytest.mark.slow


def serve(tmp_path: Path, request_timeout: int) -> Iterator[ServerProcess]:
    shutil.copytree(DATA, tmp_path / "seeds")
    config = write_config(tmp_path, extra=f"[server]\nrequest_timeout = {request_timeout}\n")
    with running_server(config) as server:
        yield server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    yield from serve(tmp_path, request_timeout=4)


@pytest.fixture
def patient_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """Idle connections are not timed out during the test."""
    yield from serve(tmp_path, request_timeout=60)


def connect(server: ServerProcess, stack: ExitStack) -> socket.socket:
    sock = stack.enter_context(socket.create_connection((HOST, server.port), timeout=5))
    return sock


def idle_keep_alive(server: ServerProcess, stack: ExitStack) -> None:
    """A client that made one keep-alive request, read the answer, and stays connected."""
    sock = connect(server, stack)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert sock.recv(64).startswith(b"HTTP/1.1 200")


class Trickler:
    """Sends one byte of a never-ending request on each socket every ``every`` seconds, and
    records when the server closed each one."""

    def __init__(self, socks: list[socket.socket], every: float) -> None:
        self.socks = socks
        self.every = every
        self.closed_after: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Trickler:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        for sock in self.socks:
            sock.setblocking(False)
        offset = 0
        while not self._stop.wait(self.every):
            byte = TRICKLE[offset % len(TRICKLE) : offset % len(TRICKLE) + 1]
            offset += 1
            for i, sock in enumerate(self.socks):
                if i in self.closed_after:
                    continue
                try:
                    sock.send(byte)
                    if sock.recv(1) == b"":  # pragma: no branch - a closed socket reads b""
                        self.closed_after[i] = time.monotonic() - self._started
                except BlockingIOError:
                    pass  # nothing to read: still open
                except OSError:
                    self.closed_after[i] = time.monotonic() - self._started


def fetch_atom(server: ServerProcess) -> float:
    started = time.monotonic()
    r = requests.get(server.url("/atom.xml"), timeout=ANSWER_WITHIN + 3)
    took = time.monotonic() - started
    assert r.status_code == 200
    assert r.content.startswith(b"<?xml")
    return took


def test_idle_and_slow_clients_do_not_lock_others_out(server: ServerProcess) -> None:
    with ExitStack() as stack:
        for _ in range(IDLE):
            idle_keep_alive(server, stack)
        slow = [connect(server, stack) for _ in range(SLOW)]
        with Trickler(slow, every=0.2) as trickler:
            took = fetch_atom(server)
            assert took <= ANSWER_WITHIN, f"a normal client waited {took:.2f}s"
            assert trickler.closed_after == {}  # all 300 were still holding their connections
        assert requests.get(server.url("/healthz"), timeout=5).status_code == 200


def test_a_trickling_client_is_closed_at_a_total_deadline(server: ServerProcess) -> None:
    """request_timeout = 4: a request still incomplete 4 s after its first byte is dropped,
    though a byte arrives every 0.2 s (waitress alone restarts its timeout with each)."""
    with ExitStack() as stack:
        slow = [connect(server, stack) for _ in range(5)]
        with Trickler(slow, every=0.2) as trickler:
            deadline = time.monotonic() + 12
            while len(trickler.closed_after) < len(slow) and time.monotonic() < deadline:
                threading.Event().wait(0.1)
        assert len(trickler.closed_after) == len(slow), "a trickling client was never closed"
        assert all(3.5 <= t <= 8.0 for t in trickler.closed_after.values()), trickler.closed_after
        assert fetch_atom(server) <= ANSWER_WITHIN


def test_idle_keep_alive_clients_beyond_the_limit_make_room(patient_server: ServerProcess) -> None:
    """More idle keep-alive clients than the connection limit: the longest-idle ones are closed
    for newcomers, instead of newcomers waiting request_timeout for a slot."""
    with ExitStack() as stack:
        for _ in range(CONNECTION_LIMIT + 20):
            idle_keep_alive(patient_server, stack)
        took = fetch_atom(patient_server)
        assert took <= ANSWER_WITHIN, f"a normal client waited {took:.2f}s"
