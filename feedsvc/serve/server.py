"""Running the app for real: the Service (store, app, scheduler, watcher), waitress, the access log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from ..config import Settings
from ..model import RefreshStats
from ..store import open_store
from ..web import create_app
from .scheduler import RefreshRunner
from .scheduler import build_scheduler
from .watch import SeedsWatcher

log = logging.getLogger(__name__)
access_log = logging.getLogger("feedsvc.access")

StartResponse = Callable[..., Any]


class AccessLog:
    """WSGI middleware: one line per request in the Combined Log Format."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not access_log.isEnabledFor(logging.INFO):
            return self.app(environ, start_response)
        seen: dict[str, Any] = {}

        def _start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"] = status.split(" ", 1)[0]
            seen["length"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, exc_info)

        result = self.app(environ, _start)
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        target = (
            (path + ("?" + query if query else "")).encode("latin-1", "replace").decode("ascii", "replace")
        )
        access_log.info(
            '%s - - [%s] "%s %s %s" %s %s "%s" "%s"',
            environ.get("REMOTE_ADDR", "-"),
            time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            environ.get("REQUEST_METHOD", "-"),
            target[:2000].encode("unicode_escape").decode("ascii"),
            environ.get("SERVER_PROTOCOL", "-"),
            seen.get("status", "-"),
            seen.get("length", "-"),
            environ.get("HTTP_REFERER", "-")[:500].encode("unicode_escape").decode("ascii"),
            environ.get("HTTP_USER_AGENT", "-")[:500].encode("unicode_escape").decode("ascii"),
        )
        return result


class Service:
    """The long-running pieces of `feedsvc serve`: store, app, runner, scheduler, watcher."""

    def __init__(self, settings: Settings, refresh: Callable[..., RefreshStats], *,
                 watch: bool | None = None) -> None:  # fmt: skip
        """``refresh(settings, store, paths=None)`` is run_refresh or a wrapper of it."""
        self.settings = settings
        self.store = open_store(settings)
        self._refresh = refresh
        self.runner = RefreshRunner(
            lambda: refresh(settings, self.store),
            lambda paths: refresh(settings, self.store, paths=paths),
        )
        self.app = create_app(settings, store=self.store, refresh=self.refresh_now)
        self.scheduler = build_scheduler(settings, self.runner)
        self.watch = settings.watch if watch is None else watch
        self.watcher: SeedsWatcher | None = None

    def refresh_now(self) -> RefreshStats:
        """Used by POST /refresh: runs in the request thread; the cross-process refresh lock
        keeps it from overlapping a scheduled refresh."""
        return self._refresh(self.settings, self.store)

    def start(self) -> None:
        """Refresh once, then start the interval scheduler and the watcher."""
        self.runner.run()
        self.scheduler.start()
        if self.watch:
            try:
                self.watcher = SeedsWatcher(self.settings, self.runner)
                self.watcher.start()
            except (OSError, ImportError) as e:
                log.warning("file watcher unavailable, polling only: %s", e)
                self.watcher = None
        log.info(
            "serving %s from %s (refresh every %ss%s)",
            self.settings.public_url,
            self.settings.seeds_dir,
            self.settings.interval_seconds,
            ", watching for changes" if self.watcher else "",
        )

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.store.close()

    def wsgi(self) -> AccessLog:
        return AccessLog(self.app.wsgi_app)


def run_waitress(service: Service, host: str, port: int) -> None:
    """Serve with waitress (production-grade, pure Python, threads) until interrupted."""
    from waitress import serve

    settings = service.settings
    serve(
        service.wsgi(),
        host=host,
        port=port,
        threads=settings.threads,
        channel_timeout=settings.request_timeout,
        # waitress looks for idle channels every cleanup_interval (30 s by default): check often
        # enough that request_timeout holds to within half of itself.
        cleanup_interval=max(1, min(30, settings.request_timeout // 2)),
        ident="feedsvc",
        max_request_header_size=64 * 1024,
        max_request_body_size=64 * 1024,
        clear_untrusted_proxy_headers=True,
        _quiet=False,
    )
