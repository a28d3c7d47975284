"""feedsvc exceptions.

Our exception hierarchy::

    FeedsvcError
    + ConfigError        the config file is missing or invalid
    + ParseError(path)   a seed file is not an article (empty, binary, ...)
    + StoreError         the index (SQLite or PostgreSQL) cannot be read or written
    + LockTimeout        another refresh holds the lock for too long
"""

from __future__ import annotations


class FeedsvcError(Exception):
    """Base for every exception feedsvc raises on purpose."""


class ConfigError(FeedsvcError):
    """The configuration is missing or invalid."""


class ParseError(FeedsvcError):
    """A seed file cannot be turned into an article; the message is the reason."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.reason = message
        self.path = path


class StoreError(FeedsvcError):
    """The article index could not be read or written (locked, full, read-only...)."""


class LockTimeout(FeedsvcError):
    """Another refresh held the refresh lock for longer than we were willing to wait."""
