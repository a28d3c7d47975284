"""The article index: the Store and Coordinator interfaces, open_store, and the data they pass.

Nothing outside this package imports a backend module, sqlite3 or psycopg. Backends: ``sqlite``
(``_schema`` holds its migrations), coordinated through files (``files``); ``postgres`` (a
package: its store, its coordinator, its migrations), for many nodes sharing one index.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from ..config import Settings
from ..errors import ConfigError
from ..errors import StoreError
from ._protocols import Coordinator
from ._protocols import Store
from ._types import KEEP_CHANGES
from ._types import Changes
from ._types import Filed
from ._types import FileRow
from ._types import Identity
from ._types import Snapshot
from ._types import Vanished
from ._types import format_time
from ._types import parse_time
from .sqlite import SQLiteStore

__all__ = [
    "KEEP_CHANGES",
    "Changes",
    "Coordinator",
    "Filed",
    "FileRow",
    "Identity",
    "Snapshot",
    "Store",
    "StoreError",
    "Vanished",
    "format_time",
    "parse_time",
    "open_store",
]


def _postgres(url: str) -> Store:
    try:
        from .postgres import PostgresStore  # psycopg is an optional dependency
    except ImportError as e:
        raise ConfigError(
            f"a postgresql:// [store] url needs psycopg 3 ({e}): pip install 'feedsvc[postgres]'"
        ) from None
    return PostgresStore(url)


#: URL scheme -> the backend that opens it. A path (no URL) is a SQLite file.
BACKENDS: dict[str, Callable[[str], Store]] = {"postgresql": _postgres, "postgres": _postgres}


def open_store(target: Settings | str | Path) -> Store:
    """The index named by the settings (``[store] url``, else ``[store] path``), by a URL
    (``postgresql://...``) or by a path (":memory:" for a throwaway SQLite index).

    Opens nothing yet: the first call that needs the index does. Raises ConfigError for a URL
    whose scheme no backend handles.
    """
    if isinstance(target, Settings):
        url = target.store_url
        if url is None:
            return SQLiteStore(target.db_path)
    elif isinstance(target, str) and "://" in target:
        url = target
    else:
        return SQLiteStore(target)
    scheme = urlsplit(url).scheme.lower()
    opener = BACKENDS.get(scheme)
    if opener is None:
        known = ", ".join(f"{s}://" for s in sorted(BACKENDS))
        raise ConfigError(f"[store] url: no store for {scheme}:// (known: {known})")
    return opener(url)
