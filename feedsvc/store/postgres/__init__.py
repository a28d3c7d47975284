"""The article index in PostgreSQL, for one site served by many nodes.

``store`` (PostgresStore: the Store protocol), ``coordinator`` (PgCoordinator: an advisory lock
for the ingest, LISTEN/NOTIFY with a polling fallback for changes), ``connections`` (one
connection per thread, errors wrapped), ``schema`` (the versioned migrations, row mapping).
psycopg 3 is an optional dependency (``pip install 'feedsvc[postgres]'``): importing this
package without it raises ImportError, which ``open_store`` turns into a ConfigError.
"""

from __future__ import annotations

from .store import PostgresStore

__all__ = ["PostgresStore"]
