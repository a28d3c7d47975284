"""Running the app for real: the Service (store, app, scheduler, watcher), waitress, the access log."""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from ..config import Settings
from ..metrics import Metrics
from ..model import RefreshStats
from ..store import open_store
from ..web import CACHE
from ..web import METRICS
from ..web import FeedCache
from ..web import create_app
from .scheduler import RefreshRunner
from .scheduler import build_scheduler
from .watch import SeedsWatcher
from .websub import HubPublisher

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


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name to listen on) is reachable from this machine only."""
    if host.lower() in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it resolves to whatever the network says


class Service:
    """The long-running pieces of `feedsvc serve`: store, app, runner, scheduler, watcher."""

    def __init__(self, settings: Settings, refresh: Callable[..., RefreshStats], *,
                 watch: bool | None = None, after_refresh: Callable[[], None] | None = None) -> None:  # fmt: skip
        """``refresh(settings, store, paths=None, complete=None)`` is run_refresh or a wrapper;
        ``after_refresh()`` runs in the refreshing thread after each refresh has been rendered
        (`feedsvc serve --export` rewrites the static export there)."""
        self.settings = settings
        self.store = open_store(settings)
        self._refresh = refresh
        self.runner = RefreshRunner(self._refreshed)
        self.app = create_app(settings, store=self.store, refresh=self.refresh_now)
        self.cache: FeedCache = self.app.extensions[CACHE]
        self.metrics: Metrics = self.app.extensions[METRICS]
        self.publisher: HubPublisher | None = None
        if settings.hubs:  # WebSub: the feed-changed point pings the hubs
            self.publisher = HubPublisher(settings.hubs, on_result=self.metrics.websub_ping)
            self.cache.on_change.append(self.publisher.publish)
            self.cache.defer = self.publisher.run_soon  # which topic feeds changed: worked out there
        self.scheduler = build_scheduler(settings, self.runner)
        self.watch = settings.watch if watch is None else watch
        self.watcher: SeedsWatcher | None = None
        self.after_refresh = after_refresh

    def refresh_now(self) -> RefreshStats:
        """Used by POST /refresh: runs in the request thread; the cross-process refresh lock
        keeps it from overlapping a scheduled refresh."""
        stats = self._refreshed()
        self.runner.follow_up(stats)  # files still being written: looked at again when ready
        return stats

    def _refreshed(self, **named: Any) -> RefreshStats:
        """One refresh (``named``: run_refresh's paths= and complete=, or a full one), recorded
        in the metrics, and then the feeds rendered at once, in the refreshing thread, not in
        the next reader's request. Also after a refresh that changed nothing here: another
        process (`feedsvc refresh`) may have committed."""
        started = time.perf_counter()
        try:
            stats = self._refresh(self.settings, self.store, **named)
        except Exception:
            self.metrics.refresh_failed(time.perf_counter() - started)
            raise
        self.metrics.refresh_done(stats, time.time())
        self.cache.warm()
        if self.after_refresh is not None:
            self.after_refresh()
        return stats

    def start(self) -> None:
        """Start the interval scheduler, the runner's thread and the watcher, then refresh once.

        In that order: a file closed while the first refresh walks is reported by the watcher
        (and refreshed right after), and files it defers get their follow-up run."""
        if not self.settings.base_url and not is_loopback(self.settings.host):
            log.warning(
                "listening on %s beyond loopback without [site] base_url: feeds, sitemap and "
                "canonical links say %s; set base_url to the address readers use",
                self.settings.host, self.settings.public_url,
            )  # fmt: skip
        if self.publisher is not None:
            # The feeds as they are before the first refresh: what it changes is then pinged,
            # and a restart that changed nothing pings nothing.
            self.cache.warm()
            self.publisher.start()
        self.scheduler.start()
        self.runner.start()
        if self.watch:
            try:
                self.watcher = SeedsWatcher(self.settings, self.runner)
                self.watcher.start()
            except OSError as e:
                log.warning("file watcher unavailable, polling only: %s", e)
                self.watcher = None
        self.runner.run()
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
        self.runner.stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.publisher is not None:
            self.publisher.stop(timeout=2.0)
        self.store.close()

    def wsgi(self) -> AccessLog:
        return AccessLog(self.app.wsgi_app)


# Open connections waitress keeps. Its default, 100, was filled by 150 idle keep-alive or slow
# clients, and everyone else waited (issue 11). Sized by memory, not threads (a connection costs
# a thread only while its request runs): an idle one costs a few KiB, one holding a request's
# full 64 KiB of headers about 65 KiB (figures in README, "Choosing the server"), so even 500
# of those stay inside the 100 MB budget beside the feeds.
CONNECTION_LIMIT = 500
_FD_RESERVE = 64  #: descriptors kept for the index, the seeds walk, the watcher and logs


def connection_limit(threads: int) -> int:
    """How many connections to accept: CONNECTION_LIMIT, or fewer when the process may not
    open that many files (accept() failing with EMFILE would spin waitress's loop)."""
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return CONNECTION_LIMIT
    return max(threads * 4, min(CONNECTION_LIMIT, soft - _FD_RESERVE))


def _deadline_channel() -> type:
    """waitress's HTTPChannel, with a total deadline for reading each request.

    waitress only has an inactivity timeout (``channel_timeout``), and every byte restarts it:
    a client trickling its headers a byte at a time held its connection for ever. Here a
    request that is not complete ``channel_timeout`` seconds after its first byte arrived
    closes the connection, however busily it trickles. Idle keep-alive connections (nothing
    sent) are left to ``channel_timeout``; responses being written are not touched.

    At the connection limit, a new connection closes the longest-idle keep-alive one instead
    of waiting (waitress would stop accepting until one timed out), so idle clients alone can
    never fill the server.
    """
    from waitress.channel import HTTPChannel

    class DeadlineChannel(HTTPChannel):  # type: ignore[misc]  # waitress is untyped
        _partial: object = None  #: the request being read when it was first seen
        _partial_since = 0.0  #: time.monotonic() of that request's first bytes

        def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:
            super().__init__(server, sock, addr, adj, map=map)
            if map is not None and len(map) >= adj.connection_limit:
                idle = [c for c in map.values() if isinstance(c, DeadlineChannel) and c is not self and c.idle()]
                if idle:
                    min(idle, key=lambda c: c.last_activity).handle_close()

        def idle(self) -> bool:
            """Between requests: nothing being read, run or written."""
            return not (
                self.requests or self.request is not None or self.total_outbufs_len
                or self.will_close or self.close_when_flushed
            )  # fmt: skip

        def received(self, data: bytes) -> bool:
            result: bool = super().received(data)
            request = self.request  # set by waitress while a request is incomplete
            if request is None:
                self._partial = None
            elif request is not self._partial:
                self._partial, self._partial_since = request, time.monotonic()
            return result

        def readable(self) -> bool:
            # waitress asks every channel this on every pass of its loop (at least once a
            # second): the deadline is checked here, in waitress's own thread.
            if (
                self._partial is not None
                and self._partial is self.request
                and not self.requests
                and time.monotonic() - self._partial_since > self.adj.channel_timeout
            ):
                self.will_close = True  # writable() is now true, and handle_write closes it
            readable: bool = super().readable()
            return readable

    return DeadlineChannel


def run_waitress(service: Service, host: str, port: int) -> None:
    """Serve with waitress (production-grade, pure Python, threads) until interrupted."""
    from waitress import serve

    settings = service.settings
    serve(
        service.wsgi(),
        host=host,
        port=port,
        threads=settings.threads,
        connection_limit=connection_limit(settings.threads),
        # select() cannot watch descriptors above 1023; poll() has no such limit.
        asyncore_use_poll=True,
        # Idle keep-alive connections: closed after request_timeout without a byte. A request
        # being read: closed request_timeout after its first byte (DeadlineChannel).
        channel_timeout=settings.request_timeout,
        # waitress looks for idle channels every cleanup_interval (30 s by default): check often
        # enough that request_timeout holds to within half of itself.
        cleanup_interval=max(1, min(30, settings.request_timeout // 2)),
        ident="feedsvc",
        max_request_header_size=64 * 1024,
        max_request_body_size=64 * 1024,
        clear_untrusted_proxy_headers=True,
        _server=_create_server,
        _quiet=False,
    )


def _create_server(application: Any, **kwargs: Any) -> Any:
    """waitress's create_server, with DeadlineChannel on every listening socket. waitress.serve
    takes the function that makes its server as ``_server`` (a hook it calls a test shim, kept
    so that serve() stays the one call tests can stub); each server reads ``channel_class``
    at every accept."""
    from waitress.server import BaseWSGIServer
    from waitress.server import create_server

    socket_map: dict[int, Any] = {}
    server = create_server(application, map=socket_map, **kwargs)
    channel = _deadline_channel()
    for dispatcher in socket_map.values():  # one listening server per address host resolves to
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = channel
    return server
