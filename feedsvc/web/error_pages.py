"""Error pages: every HTTP error as an HTML page; store failures as 503; anything else a logged
500 without a traceback."""

from __future__ import annotations

import logging

from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.wrappers import Response

from ..errors import StoreError
from .http import HTML_TYPE
from .views import get_pages

log = logging.getLogger(__name__)


class _InternalError(HTTPException):
    code = 500
    description = "Something went wrong on our side. It has been logged."


def error_page(e: HTTPException) -> Response:
    """The error handler for HTTPException: an HTML page with the code, name and description."""
    code = e.code or 500
    body = get_pages().error(code, e.name, e.description or "", request.path)
    response = Response(body, status=code, content_type=HTML_TYPE)
    if code == 405 and e.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(e.valid_methods)  # type: ignore[attr-defined]
    return response


def unexpected(e: Exception) -> Response:
    """The error handler for every other exception."""
    if isinstance(e, HTTPException):
        return error_page(e)
    if isinstance(e, StoreError):
        log.error("index unavailable: %s", e)
        return error_page(ServiceUnavailable("The article index is unavailable; try again shortly."))
    log.exception("unexpected error on %s %s", request.method, request.path)
    return error_page(_InternalError())
