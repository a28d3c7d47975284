"""The seeds directory: walk it, stat it, and read files safely. No parsing here.

``_walk`` finds the files (``Walk``: the whole folder, streamed in path order through
directory descriptors; ``scan_paths``: just the paths a watcher named); ``_base`` is what a
walk yields (``SourceFile``), the skip reasons, and ``read_file``.
"""

from __future__ import annotations

from ._base import ARTICLE_SUFFIX
from ._base import TRANSIENT_REASONS
from ._base import CompleteCheck
from ._base import FileChanged
from ._base import NeedsFullScan
from ._base import Scan
from ._base import SeedsDirError
from ._base import SourceFile
from ._base import display_path
from ._base import ignored_name
from ._base import is_transient
from ._base import open_for_writing
from ._base import read_file
from ._walk import Walk
from ._walk import scan
from ._walk import scan_paths

__all__ = [
    "ARTICLE_SUFFIX",
    "CompleteCheck",
    "TRANSIENT_REASONS",
    "FileChanged",
    "NeedsFullScan",
    "Scan",
    "SeedsDirError",
    "SourceFile",
    "Walk",
    "display_path",
    "ignored_name",
    "is_transient",
    "open_for_writing",
    "read_file",
    "scan",
    "scan_paths",
]
