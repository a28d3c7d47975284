"""Static export: the whole published site written to a folder a web server (nginx) serves.

``build_export(app, out)`` fetches every URL the feed table and the store enumerate through the
app itself (so the bytes are the ones `feedsvc serve` sends), then writes a new generation
folder (unchanged files hard-linked from the last one) and switches ``out`` (a symlink) to it
with one rename(). See ``documents`` (what is published) and ``tree`` (how it is written).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from .documents import Document
from .documents import collect
from .tree import MANIFEST
from .tree import ExportStats
from .tree import write_generation

__all__ = ["MANIFEST", "Document", "ExportStats", "build_export", "collect"]


def build_export(app: Flask, out: Path) -> ExportStats:
    """Export everything ``app`` publishes now into ``out``; only what changed is rewritten."""
    return write_generation(out, collect(app))
