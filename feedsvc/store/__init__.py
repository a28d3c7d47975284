"""The article index: what the rest of feedsvc may use of it. Backends live in submodules."""

from __future__ import annotations

from ..errors import StoreError
from ._types import FileRow
from ._types import Identity
from ._types import Snapshot
from ._types import format_time
from ._types import parse_time
from .sqlite import SQLiteStore as Store

__all__ = [
    "FileRow",
    "Identity",
    "Snapshot",
    "Store",
    "StoreError",
    "format_time",
    "parse_time",
]
