"""A real WebSub hub for the tests: Flask-WebSub's (from PyPI), run as its own process on
127.0.0.1, with Celery running the hub's tasks (verifying intent, fetching the topic,
delivering it signed, retrying) in a worker thread over Celery's in-memory broker.

    python tests/websub_hub.py PORT DB_PATH

Serves the hub endpoint at http://127.0.0.1:PORT/hub until SIGINT/SIGTERM.
"""

from __future__ import annotations

import contextlib
import signal
import sys

from celery import Celery
from celery.contrib.testing.worker import start_worker
from flask import Flask
from flask_websub.hub import Hub
from flask_websub.hub import SQLite3HubStorage
from waitress import serve

HOST = "127.0.0.1"


def main(port: int, db_path: str) -> None:
    app = Flask("websub_hub")
    # Accept publish pings (hub.mode=publish): the hub's own switch for publishers it trusts.
    app.config["PUBLISH_SUPPORTED"] = True
    celery = Celery("websub_hub", broker="memory://", backend="cache+memory://")
    # Short retries, so a test sees a delivery that failed once be retried within seconds.
    hub = Hub(SQLite3HubStorage(db_path), celery, BACKOFF_BASE=0.2, MAX_ATTEMPTS=5, REQUEST_TIMEOUT=5)
    app.register_blueprint(hub.build_blueprint(url_prefix="/hub"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    worker = start_worker(celery, pool="threads", concurrency=4, perform_ping_check=False, loglevel="WARNING")
    with worker, contextlib.suppress(KeyboardInterrupt):
        serve(app, host=HOST, port=port, threads=4, _quiet=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
