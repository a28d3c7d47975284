"""Seed files: what a walk finds (SourceFile), skip reasons, and reading one file safely."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import signal
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import FeedsvcError
from ..errors import ParseError
from ..model import Skipped

log = logging.getLogger(__name__)

# Skip reasons whose cause may go away without the file changing (a chmod, a remount, a
# flaky disk): such a file is looked at again on every refresh, not only when its mtime moves.
TRANSIENT_REASONS = (
    "permission denied",
    "cannot open:",
    "cannot read:",
    "cannot stat:",
    "cannot list folder:",
)


def is_transient(reason: str) -> bool:
    """True when a skip's ``reason`` may heal by itself (see TRANSIENT_REASONS)."""
    return reason.startswith(TRANSIENT_REASONS)


ARTICLE_SUFFIX = ".txt"


class SeedsDirError(FeedsvcError):
    """The seeds directory itself is missing or unreadable: nothing may be removed."""


class _Signal(Exception):  # not an error: control flow between sources and refresh
    """Base of the control-flow exceptions a refresh catches; never a public FeedsvcError."""


class FileChanged(_Signal):
    """A file changed while it was read; it is left for the next refresh."""


class SourceFile(NamedTuple):
    """A candidate article file found by the walk (a tuple: the walk makes one per file)."""

    relpath: str  #: relative to the seeds dir, POSIX separators; the article's default id
    path: str  #: what to open: the file itself, or a symlink's target inside the seeds dir
    size: int
    mtime_ns: int
    dev: int = -1  #: with ino: the file the walk saw; a swapped-in file is not read
    ino: int = -1


@dataclass(frozen=True, slots=True)
class Scan:
    """The result of one walk over the seeds dir."""

    files: list[SourceFile]
    skipped: list[Skipped]  #: files that cannot even be opened (bad links, FIFOs, names...)
    unreadable_dirs: list[str]  #: relpaths of folders we could not list: keep what was there


def ignored_name(name: str) -> bool:
    """Hidden files, editor backups, swap, lock and temp files, and other extensions."""
    return (
        name.startswith((".", "#", "~"))
        or name.endswith(("~", ".swp", ".swx", ".tmp", ".part", ".crdownload", "#"))
        or not name.lower().endswith(ARTICLE_SUFFIX)
    )


def display_path(relpath: str) -> str:
    """A path made safe for a log or terminal line: control characters escaped."""
    if relpath.isprintable():
        return relpath
    return relpath.encode("unicode_escape", errors="backslashreplace").decode("ascii")


class NeedsFullScan(_Signal):
    """A targeted look at some paths cannot decide alone (a folder, a symlinked folder...)."""


_DIR_STEP = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC | os.O_NOFOLLOW


def open_path(path: str, flags: int) -> int:
    """``os.open(path, flags)``, also when ``path`` is longer than PATH_MAX: then it is opened
    folder by folder through descriptors (openat), following no symlink on the way (a walk's
    paths have none: links were resolved to their targets)."""
    try:
        return os.open(path, flags)
    except OSError as e:
        if e.errno != errno.ENAMETOOLONG:
            raise
    *folders, name = path.split("/")
    fd = os.open("/" if path.startswith("/") else ".", _DIR_STEP)
    try:
        for folder in folders:
            if folder:
                step = os.open(folder, _DIR_STEP, dir_fd=fd)
                os.close(fd)
                fd = step
        return os.open(name, flags, dir_fd=fd)
    finally:
        os.close(fd)


def open_for_writing(fd: int) -> bool | None:
    """Whether any process has the file open (``fd``, read-only) for writing: True or False,
    or None when the kernel will not say.

    Asks for a read lease (fcntl F_SETLEASE), which Linux refuses with EAGAIN while the file is
    open for writing anywhere, and gives it back at once. Only the file's owner (or a process
    with CAP_LEASE) may take one, and some file systems (NFS, FUSE) have none: None then.
    """
    try:
        # A lease broken while held signals its holder, SIGIO by default, which would end the
        # process. SIGURG is ignored unless someone asks for it. (The lease is held for two
        # syscalls; a writer opening in between waits for the F_UNLCK below, microseconds.)
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError as e:
        if e.errno in (errno.EAGAIN, errno.EBUSY):
            return True
        return None  # EACCES (not the owner), EINVAL (no leases here), ENOLCK...
    fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    return False


#: read_file's optional check of the open file: why it is not complete yet, or None.
CompleteCheck = Callable[[int, SourceFile], str | None]


def read_file(src: SourceFile, max_bytes: int, check: CompleteCheck | None = None) -> bytes:
    """Read one file, refusing anything that is not the regular file the walk saw.

    ``check(fd, src)``, when given, is asked once the file is open and is what the walk saw; a
    reason it gives (still being written, say) is a FileChanged: the file is left for later.
    Raises ParseError (skip, with a reason) or FileChanged (retry next refresh).
    """
    # O_NOFOLLOW: src.path is already the final target (links were resolved and checked by the
    # walk); a symlink swapped in since then must not lead us out of the seeds dir.
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        fd = open_path(src.path, flags)
    except PermissionError:
        raise ParseError("permission denied") from None
    except FileNotFoundError:
        raise FileChanged("file disappeared") from None
    except OSError as e:
        if e.errno == errno.ELOOP:  # replaced by a symlink since the walk: look again next time
            raise FileChanged("replaced by a symlink") from None
        raise ParseError(f"cannot open: {e.strerror}") from None
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise ParseError("not a regular file")
        if (before.st_size, before.st_mtime_ns) != (src.size, src.mtime_ns) or (
            src.ino >= 0 and (before.st_dev, before.st_ino) != (src.dev, src.ino)
        ):
            raise FileChanged("changed since the directory was listed")
        if check is not None:
            unfinished = check(fd, src)
            if unfinished is not None:
                raise FileChanged(unfinished)
        if before.st_size > max_bytes:
            raise ParseError(f"file is larger than the {max_bytes:,} byte limit ({before.st_size:,} bytes)")
        chunks = []
        remaining = max_bytes + 1
        size, got = before.st_size, 0
        while remaining > 0:
            want = min(remaining, 1 << 20)
            if got <= size:  # ask for one byte more than the file has: os.read() allocates `want`
                want = min(want, size + 1 - got)
            chunk = os.read(fd, want)
            got += len(chunk)
            chunks.append(chunk)
            remaining -= len(chunk)
            if len(chunk) < want:  # a short read of a regular file is its end (checked below)
                break
        data = b"".join(chunks)
        after = os.fstat(fd)
    except OSError as e:
        raise ParseError(f"cannot read: {e.strerror}") from None
    finally:
        os.close(fd)
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(
        data
    ) != after.st_size:
        raise FileChanged("changed while being read")
    if len(data) > max_bytes:
        raise ParseError(f"file is larger than the {max_bytes:,} byte limit")
    return data
