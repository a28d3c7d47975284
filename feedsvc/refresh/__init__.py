"""Refreshing the index from the seeds dir: ``run_refresh`` is the public face.

Inside: ``pass_`` (one pass: walk, compare stamps, write, as one transaction under the
ingest lock), ``reading`` (read, hash and parse one file; no writes) and ``rules`` (the
fingerprint of the parser and its settings: when it moves, every file is parsed again).
Identity (guid, slug) is in ``feedsvc.identity``.
"""

from __future__ import annotations

from .pass_ import run_refresh

__all__ = ["run_refresh"]
