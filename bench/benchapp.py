"""The production app plus bench-only floor routes, served by waitress or gunicorn (bench_http.py).

    FEEDSVC_CONFIG=CFG python bench/benchapp.py --port P [--threads N]        # waitress
    FEEDSVC_CONFIG=CFG gunicorn --chdir bench -w 2 -b 127.0.0.1:P 'benchapp:gunicorn_app()'

The app is built exactly as production builds it: waitress as ``feedsvc serve`` does
(feedsvc.serve.Service, its AccessLog middleware, INFO logging, run_waitress with the config's
threads); gunicorn as ``feedsvc/wsgi.py`` does (one Service per worker, ``run_refresh(wait=False)``).
Then three routes are added to that same Flask app, here and not in feedsvc/:

  /_bench/atom.xml     the bytes of the current /atom.xml, same Content-Type, from a closure
  /_bench/atom.xml.gz  the gzipped bytes of it, Content-Encoding: gzip (the gzip floor)
  /_bench/304          an empty 304 with the feed's ETag

They go through the same server, WSGI middleware, Flask dispatch and after_request hooks as the
real routes, so (real route) / (floor route) is the cost of feedsvc's own per-request work.

``FEEDSVC_BENCH_ACCESS_LOG=0`` turns the access log off (it is on in production: ``serve``
logs at INFO, and so does feedsvc/wsgi.py) to measure what it costs.
``FEEDSVC_BENCH_FLASK_ONLY=1`` takes feedsvc's WSGI fast path for feeds (web.FeedFastPath) out,
so every feed request goes through a Flask dispatch: what it saves.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import logging
import os
import signal
import sys

from flask import Flask
from werkzeug.wrappers import Response

from feedsvc.cli import setup_logging
from feedsvc.config import load_settings
from feedsvc.refresh import run_refresh
from feedsvc.serve import AccessLog
from feedsvc.serve import Service
from feedsvc.serve import run_waitress

FLOOR_200 = "/_bench/atom.xml"
FLOOR_GZIP = "/_bench/atom.xml.gz"
FLOOR_304 = "/_bench/304"


def add_floor_routes(app: Flask) -> None:
    """The trivial endpoints: the current Atom feed's bytes and ETag, captured once."""
    rep = app.extensions["feedsvc"].current().feeds["atom"]
    body, gzipped, content_type, etag, gzip_etag = (
        rep.body,
        rep.gzipped,
        rep.content_type,
        rep.etag,
        rep.gzip_etag,
    )

    def floor_200() -> Response:
        return Response(body, headers={"Content-Type": content_type})

    def floor_gzip() -> Response:
        return Response(gzipped, headers={"Content-Type": content_type, "Content-Encoding": "gzip"})

    def floor_304() -> Response:
        return Response(status=304, headers={"ETag": etag})

    app.add_url_rule(FLOOR_200, "bench_floor_200", floor_200)
    app.add_url_rule(FLOOR_GZIP, "bench_floor_gzip", floor_gzip)
    app.add_url_rule(FLOOR_304, "bench_floor_304", floor_304)
    app.config["BENCH_ETAGS"] = (etag, gzip_etag)


def _access_log_setting() -> None:
    if os.environ.get("FEEDSVC_BENCH_ACCESS_LOG", "1") == "0":
        logging.getLogger("feedsvc.access").setLevel(logging.WARNING)


def _variant(app: Flask) -> None:
    """FEEDSVC_BENCH_FLASK_ONLY=1: unwrap the fast path (from under the request metrics)."""
    if os.environ.get("FEEDSVC_BENCH_FLASK_ONLY") == "1":
        metrics = app.wsgi_app  # RequestMetrics, then the fast path, then Flask
        metrics.app = metrics.app.app  # type: ignore[attr-defined]


def gunicorn_app() -> AccessLog:
    """gunicorn's app factory: what feedsvc/wsgi.py builds, plus the floor routes."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _access_log_setting()
    settings = load_settings(os.environ.get("FEEDSVC_CONFIG", "config.toml"))
    service = Service(settings, functools.partial(run_refresh, wait=False))
    service.start()
    atexit.register(service.stop)
    add_floor_routes(service.app)
    _variant(service.app)
    return service.wsgi()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """waitress, as `feedsvc serve` runs it (cli.serve), plus the floor routes."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--threads", type=int, help="override [server] threads")
    p.add_argument("--watch", action=argparse.BooleanOptionalAction, default=None)
    args = p.parse_args(argv)
    settings = load_settings(os.environ.get("FEEDSVC_CONFIG", "config.toml"))
    settings = settings.with_overrides(host=args.host, port=args.port)
    if args.threads:
        settings = settings.with_overrides(threads=args.threads)
    setup_logging(1)  # as serve: INFO, so the access log is on
    _access_log_setting()
    service = Service(settings, run_refresh, watch=args.watch)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        service.start()
        add_floor_routes(service.app)
        _variant(service.app)
        run_waitress(service, settings.host, settings.port)
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
