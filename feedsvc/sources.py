"""The seeds directory: walk it, stat it, and read files safely. No parsing here."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import signal
import stat
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .errors import FeedsvcError
from .errors import ParseError
from .model import Skipped

log = logging.getLogger(__name__)

# Skip reasons whose cause may go away without the file changing (a chmod, a remount, a
# flaky disk): such a file is looked at again on every refresh, not only when its mtime moves.
TRANSIENT_REASONS = ("permission denied", "cannot open:", "cannot read:", "cannot stat:", "cannot list folder:")


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


def _inside(root: str, target: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _examine(real_root: str, path: str, rel: str, name: str, *, is_link: bool,
             follow_symlinks: bool) -> tuple[str, os.stat_result] | Skipped | None:  # fmt: skip
    """What the walk makes of one directory entry: the path to open and its stat (a folder or
    a file), a Skipped with the reason, or None (ignored, or gone since it was listed).

    Symlinks are followed only to targets inside the seeds dir. The one place that decides.
    """
    try:
        if not is_link:
            return path, os.lstat(path)
        if not follow_symlinks:
            return None
        target = os.path.realpath(path)
        if not _inside(real_root, target):
            if not ignored_name(name) or os.path.isdir(target):
                return Skipped(rel, "symlink to outside the seeds directory")
            return None
        return target, os.stat(target)
    except OSError as e:
        if ignored_name(name) or (e.errno == errno.ENOENT and not is_link):
            return None
        if e.errno == errno.ELOOP:
            return Skipped(rel, "symlink loop")
        if e.errno == errno.ENOENT:
            return Skipped(rel, "dangling symlink")
        return Skipped(rel, f"cannot stat: {e.strerror}")


class _Found:
    """Files and skips gathered by a walk or a targeted look."""

    def __init__(self) -> None:
        self.files: list[SourceFile] = []
        self.skipped: list[Skipped] = []

    def entry(self, real_root: str, path: str, rel: str, name: str, *, is_link: bool,
              follow_symlinks: bool) -> tuple[str, os.stat_result] | None:  # fmt: skip
        """Record what one directory entry is (an article file or a skip with its reason).
        Returns the path to open and the stat when it is a folder: the caller walks or refuses."""
        found = _examine(real_root, path, rel, name, is_link=is_link, follow_symlinks=follow_symlinks)
        if found is None or isinstance(found, Skipped):
            if found is not None:
                self.skipped.append(found)
            return None
        path, st = found
        if stat.S_ISDIR(st.st_mode):
            return found
        if ignored_name(name):
            return None
        if not stat.S_ISREG(st.st_mode):
            self.skipped.append(Skipped(rel, "not a regular file"))
        else:
            self.files.append(SourceFile(rel, path, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino))
        return None


def scan(
    root: Path, *, follow_symlinks: bool = True, unchanged: Callable[[str, int, int], bool] | None = None
) -> Scan:
    """Walk ``root`` (iteratively: deep trees are fine) and stat every candidate file.

    Symlinks are followed only to targets inside ``root``; loops and dangling links are
    skipped with a reason. Raises SeedsDirError when ``root`` itself cannot be listed.

    ``unchanged(relpath, size, mtime_ns)``, when given, is asked about each plain file as it is
    found; a file it answers True for is left out of ``files`` (a no-change refresh of 100,000
    files then holds no SourceFile for them: about 40 MB less at its peak).
    """
    real_root = os.path.realpath(root)
    try:
        root_stat = os.stat(real_root)
    except OSError as e:
        raise SeedsDirError(f"seeds directory {root} is not accessible: {e.strerror}") from e
    if not stat.S_ISDIR(root_stat.st_mode):
        raise SeedsDirError(f"seeds directory {root} is not a directory")

    found = _Found()
    files, skipped = found.files, found.skipped
    unreadable: list[str] = []
    seen_dirs = {(root_stat.st_dev, root_stat.st_ino)}
    stack: list[tuple[str, str]] = [(real_root, "")]  # (path to list, relpath prefix)
    while stack:
        dirpath, prefix = stack.pop()
        try:
            with os.scandir(dirpath) as it:
                entries = list(it)
        except OSError as e:
            if not prefix:
                raise SeedsDirError(f"cannot list seeds directory {root}: {e.strerror}") from e
            # Reported like a file that cannot be read (refresh prints it, the server logs it),
            # and its articles are kept: nothing under it is taken for deleted.
            skipped.append(Skipped(display_path(prefix), f"cannot list folder: {e.strerror}"))
            unreadable.append(prefix)
            continue
        for entry in entries:
            name = entry.name
            rel = prefix + name
            if name.endswith(ARTICLE_SUFFIX) and name.isascii() and name[0] not in ".#~":
                # The common case, kept cheap: a plain .txt file (d_type says so without a stat).
                if entry.is_file(follow_symlinks=False):
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue  # deleted since the listing: it is simply not there
                    except OSError:
                        pass  # the general path below records why
                    else:
                        if unchanged is None or not unchanged(rel, st.st_size, st.st_mtime_ns):
                            files.append(
                                SourceFile(rel, entry.path, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino)
                            )
                        continue
            elif not name.isascii():
                try:
                    rel.encode("utf-8")
                except UnicodeEncodeError:
                    if not ignored_name(name) or entry.is_dir(follow_symlinks=False):
                        skipped.append(Skipped(display_path(rel), "file name is not valid UTF-8"))
                    continue
            if name.startswith("."):
                continue  # hidden files and folders (.git, .DS_Store, .x.swp)
            folder = found.entry(
                real_root, entry.path, rel, name, is_link=entry.is_symlink(), follow_symlinks=follow_symlinks
            )
            if folder is not None:
                path, st = folder
                key = (st.st_dev, st.st_ino)
                if key not in seen_dirs:  # else a link back up the tree, or two links to one folder
                    seen_dirs.add(key)
                    stack.append((path, rel + "/"))
    return Scan(files, skipped, unreadable)  # in walk order: callers sort what they need


class NeedsFullScan(_Signal):
    """A targeted look at some paths cannot decide alone (a folder, a symlinked folder...)."""


def scan_paths(root: Path, relpaths: Iterable[str], *, follow_symlinks: bool = True) -> Scan:
    """Look at just these paths (from a file watcher), with the same rules as scan().

    A path that is gone, hidden or not an article name is simply absent from the result.
    Raises NeedsFullScan for anything only a walk can settle: a folder, a path under a
    symlinked folder, a symlink to a folder. Raises SeedsDirError when ``root`` is gone.
    """
    real_root = os.path.realpath(root)
    if not os.path.isdir(real_root):
        raise SeedsDirError(f"seeds directory {root} is not accessible")
    found = _Found()
    for rel in relpaths:
        parts = rel.split("/")
        if any(not p or p in (".", "..") or p.startswith(".") for p in parts):
            continue  # hidden, or not a path the walk could produce
        if not rel.isascii():
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:
                raise NeedsFullScan("a file name is not valid UTF-8") from None
        full = os.path.join(real_root, *parts)
        parent = os.path.dirname(full)
        if os.path.realpath(parent) != parent:
            raise NeedsFullScan(f"{display_path(rel)} is under a symlinked folder")
        folder = found.entry(
            real_root, full, rel, parts[-1], is_link=os.path.islink(full), follow_symlinks=follow_symlinks
        )
        if folder is not None:
            raise NeedsFullScan(f"{display_path(rel)} is a folder, or links to one")
    return Scan(found.files, found.skipped, [])


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
        fd = os.open(src.path, flags)
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
