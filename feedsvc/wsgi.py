"""WSGI entry point for other servers, e.g. ``gunicorn -w 4 'feedsvc.wsgi:app'``.

The one module that reads configuration at import time (that is its job): the config path
comes from ``FEEDSVC_CONFIG`` (default ``./config.toml``). Every worker runs its own scheduler
and watcher; the cross-process refresh lock makes the extra ones harmless: a worker that finds
a refresh running skips its turn (``wait=False``) instead of queueing behind it.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os

from .config import load_settings
from .refresh import run_refresh
from .serve import Service

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
_settings = load_settings(os.environ.get("FEEDSVC_CONFIG", "config.toml"))
_service = Service(_settings, functools.partial(run_refresh, wait=False))
_service.start()
atexit.register(_service.stop)
app = _service.wsgi()
