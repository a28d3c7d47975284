"""Request metrics: the WSGI layer that times every request and counts it by route template
and status, and the ``/metrics`` exposition. The Metrics registry itself is feedsvc.metrics."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from flask import request

from ..metrics import Metrics

#: the WSGI environ key where the route template of a request is left for RequestMetrics: by
#: the feed fast path when it answers, else by the Flask hook ``note_route``
ROUTE_KEY = "feedsvc.route"
UNMATCHED = "unmatched"  #: the label of a request no route matched (404, 405)

_CONVERTER = re.compile(r"<(?:[^<>]*:)?([A-Za-z_][A-Za-z0-9_]*)>")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def route_template(rule: str) -> str:
    """A Flask URL rule as a label: its variables without converters, so the label says what
    the route is without the rule's syntax (``/articles/<string(maxlength=220):slug>`` ->
    ``/articles/<slug>``)."""
    return _CONVERTER.sub(r"<\1>", rule)


def note_route() -> None:
    """Flask ``before_request``: leave the matched rule's template for RequestMetrics (it runs
    for every request Flask dispatches, 404s included, where there is no rule)."""
    rule = request.url_rule
    request.environ[ROUTE_KEY] = route_template(rule.rule) if rule is not None else UNMATCHED


class RequestMetrics:
    """WSGI middleware, outermost in the app: counts and times every request, the fast path's
    and Flask's alike, by route template (never the raw path: its label values stay bounded),
    method and status."""

    def __init__(self, app: WSGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        status = "500"  # if the app raises before starting a response, the server sends a 500

        def start(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            nonlocal status
            status = line[:3]
            return start_response(line, headers, exc_info)

        try:
            return self.app(environ, start)
        finally:
            self.metrics.request_done(
                environ.get(ROUTE_KEY, UNMATCHED), environ.get("REQUEST_METHOD", ""), status,
                time.perf_counter() - started,
            )  # fmt: skip
