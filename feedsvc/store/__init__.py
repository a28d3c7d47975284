"""The article index: the Store and Coordinator interfaces, open_store, and the data they pass.

Nothing outside this package imports a backend module or sqlite3. Backends: ``sqlite``
(``_schema`` holds its migrations), coordinated through files (``files``).
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from ..errors import StoreError
from ._protocols import Coordinator
from ._protocols import Store
from ._types import FileRow
from ._types import Identity
from ._types import Snapshot
from ._types import Vanished
from ._types import format_time
from ._types import parse_time
from .sqlite import SQLiteStore

__all__ = [
    "Coordinator",
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


def open_store(target: Settings | str | Path) -> Store:
    """The index named by the settings (``[store] path``) or by a path (":memory:" for a throwaway).

    Opens nothing yet: the first call that needs the index does.
    """
    path = target.db_path if isinstance(target, Settings) else target
    return SQLiteStore(path)
