"""Resolving a path the way the kernel does, and noting every (folder, name) it looked up.

The watcher watches those folders for those names: whichever link or folder on the way to the
seeds folder is deleted, made again or re-pointed, one of them changes, and the watcher re-arms.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from typing import NamedTuple

_MAX_LINKS = 40  # the kernel's own limit (ELOOP)


class Lookup(NamedTuple):
    """What resolving a path found."""

    real: str | None  #: the folder it leads to now, None when it leads nowhere (or not to a folder)
    steps: tuple[tuple[str, str], ...]  #: (real folder, name) for every name looked up, in order


def resolve(path: str) -> Lookup:
    """Follow ``path`` (absolute) one name at a time, symlinks included, as realpath() does.

    A missing name, a loop of links or a name that is not a folder ends the walk: ``real`` is
    None, and the last step is where the missing name would have to appear.
    """
    if not os.path.isabs(path):
        raise ValueError(f"not an absolute path: {path!r}")
    steps: list[tuple[str, str]] = []
    current = "/"
    pending = deque(path.split("/"))
    links = 0
    while pending:
        name = pending.popleft()
        if name in ("", "."):
            continue
        if name == "..":
            current = os.path.dirname(current)  # `current` is already real: ".." is its parent
            continue
        steps.append((current, name))
        candidate = os.path.join(current, name)
        try:
            st = os.lstat(candidate)
        except OSError:
            return Lookup(None, tuple(steps))
        if stat.S_ISLNK(st.st_mode):
            links += 1
            try:
                target = os.readlink(candidate)
            except OSError:
                return Lookup(None, tuple(steps))
            if links > _MAX_LINKS:
                return Lookup(None, tuple(steps))
            if target.startswith("/"):
                current = "/"
            pending.extendleft(reversed(target.split("/")))
            continue
        if not stat.S_ISDIR(st.st_mode):
            return Lookup(None, tuple(steps))
        current = candidate
    return Lookup(current, tuple(steps))
