"""Running feedsvc as a service: the WSGI server, the interval scheduler and the file watcher.

``server`` wires them (``Service``) and runs waitress; ``scheduler`` runs refreshes one at a
time (``RefreshRunner``, ``build_scheduler``); ``watch`` turns file events into refresh
requests (over ``inotify``, the kernel interface, and ``lookup``, the path to the seeds dir). Nothing here starts on import: ``feedsvc serve`` and ``feedsvc.wsgi`` start them.
"""

from __future__ import annotations

from .scheduler import JOB_ID
from .scheduler import RefreshRunner
from .scheduler import build_scheduler
from .server import AccessLog
from .server import Service
from .server import run_waitress
from .watch import SeedsWatcher

__all__ = ["JOB_ID", "AccessLog", "RefreshRunner", "SeedsWatcher", "Service", "build_scheduler", "run_waitress"]
