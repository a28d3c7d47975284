"""[server] request_timeout, enforced by a real server on a client that stops talking."""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import pytest
from server_utils import HOST
from server_utils import running_server
from server_utils import write_config

DATA = Path(__file__).parent / "data" / "seeds"


@pytest.mark.slow
def test_a_silent_client_is_dropped_after_request_timeout(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "seeds")
    config = write_config(tmp_path, extra="[server]\nrequest_timeout = 2\n")
    with running_server(config) as server:
        with socket.create_connection((HOST, server.port), timeout=10) as sock:
            sock.sendall(b"GET /atom.xml HTTP/1.1\r\nHost: x\r\n")  # ...and never the end of it
            started = time.monotonic()
            assert sock.recv(1024) == b""  # the server closed the connection
            waited = time.monotonic() - started
        assert 1.5 <= waited <= 6.0, waited  # not before the timeout, and not much after it
        # The server is still up for everyone else.
        with socket.create_connection((HOST, server.port), timeout=5) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert sock.recv(64).startswith(b"HTTP/1.1 200")
