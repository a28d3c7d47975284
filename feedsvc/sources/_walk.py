"""Walking the seeds dir (Walk, scan) and looking at named paths (scan_paths): stat only."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ..model import Skipped
from ._base import ARTICLE_SUFFIX
from ._base import NeedsFullScan
from ._base import Scan
from ._base import SeedsDirError
from ._base import SourceFile
from ._base import display_path
from ._base import ignored_name


def _inside(root: str, target: str) -> bool:
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _examine(real_root: str, path: str, rel: str, name: str, *, is_link: bool, follow_symlinks: bool,
             dir_fd: int | None = None) -> tuple[str, os.stat_result] | Skipped | None:  # fmt: skip
    """What the walk makes of one directory entry: the path to open and its stat (a folder or
    a file), a Skipped with the reason, or None (ignored, or gone since it was listed).

    ``dir_fd``: the folder it was listed from (its ``name`` is then looked at through it, so a
    path over PATH_MAX is no obstacle). Symlinks are followed only to targets inside the seeds
    dir. The one place that decides.
    """
    try:
        if not is_link:
            if dir_fd is None:
                return path, os.lstat(path)
            return path, os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
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

    def entry(self, real_root: str, path: str, rel: str, name: str, *, is_link: bool, follow_symlinks: bool,
              dir_fd: int | None = None) -> tuple[str, os.stat_result] | None:  # fmt: skip
        """Record what one directory entry is (an article file or a skip with its reason).
        Returns the path to open and the stat when it is a folder: the caller walks or refuses."""
        found = _examine(
            real_root, path, rel, name, is_link=is_link, follow_symlinks=follow_symlinks, dir_fd=dir_fd
        )
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


_PATH_MAX = 4096  #: Linux's; a longer path is only reached through folder descriptors
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


class _Dir:
    """An open folder of the walk. Its descriptor stays open while subfolders of it wait to
    be opened through it (openat: no path length limit), and is closed after the last. So the
    walk holds one descriptor per level that still has folders to visit, not one per folder."""

    __slots__ = ("fd", "open", "waiting")

    def __init__(self, fd: int, open_dirs: set[_Dir]) -> None:
        self.fd = fd
        self.open = open_dirs  #: the walk's open folders (closed at its end, however it ends)
        self.waiting = 0  #: subfolders still to be opened through fd
        open_dirs.add(self)

    def release(self) -> None:
        self.waiting -= 1
        if self.waiting <= 0:
            self.close()

    def close(self) -> None:
        if self in self.open:
            self.open.discard(self)
            os.close(self.fd)


class _Sub(NamedTuple):
    """A folder the walk has yet to enter."""

    parent: _Dir | None  #: open it through this (None: by ``path``: a symlinked folder's target)
    name: str
    path: str  #: its path (may be longer than PATH_MAX: only for SourceFile.path and links)
    prefix: str  #: its relpath + "/"


class Walk:
    """The seeds dir, walked in path order (the order of sorted relpaths), one batch of files at
    a time: only a batch is held, not the whole list (100,000 SourceFiles are ~45 MB).

    Folders are opened through their parent's descriptor (openat) and listed from their own,
    so a path longer than PATH_MAX is walked like any other. Iterate it once; ``skipped`` and
    ``unreadable_dirs`` are complete when the iteration ends. Symlinks are followed only to
    targets inside ``root``; loops and dangling links are skipped with a reason. Raises
    SeedsDirError (when iterated) if ``root`` itself cannot be listed.

    ``unchanged(relpath, size, mtime_ns)``, when given, is asked about each plain file as it is
    found; a file it answers True for is left out of the batches.
    """

    BATCH = 256  #: files per batch (at most: a batch ends where a folder's files do)

    def __init__(self, root: Path, *, follow_symlinks: bool = True,
                 unchanged: Callable[[str, int, int], bool] | None = None) -> None:  # fmt: skip
        self.root = root
        self.follow_symlinks = follow_symlinks
        self.unchanged = unchanged
        self.skipped: list[Skipped] = []  #: files that cannot even be opened (bad links, FIFOs, names...)
        self.unreadable_dirs: list[str] = []  #: relpaths of folders we could not list: keep what was there

    def __iter__(self) -> Iterator[list[SourceFile]]:
        real_root = os.path.realpath(self.root)
        try:
            root_stat = os.stat(real_root)
        except OSError as e:
            raise SeedsDirError(f"seeds directory {self.root} is not accessible: {e.strerror}") from e
        if not stat.S_ISDIR(root_stat.st_mode):
            raise SeedsDirError(f"seeds directory {self.root} is not a directory")
        seen_dirs: set[tuple[int, int]] = set()  #: (dev, ino) of every folder listed
        # Depth first, each folder's entries in name order (a folder's as name + "/"): the
        # files come out in the order of their sorted relpaths, as a refresh handles them.
        stack: list[_Sub | SourceFile] = [_Sub(None, "", real_root, "")]
        batch: list[SourceFile] = []
        open_dirs: set[_Dir] = set()
        try:
            while stack:
                item = stack.pop()
                if isinstance(item, SourceFile):
                    batch.append(item)
                    if len(batch) >= self.BATCH:
                        yield batch
                        batch = []
                else:
                    stack.extend(reversed(self._list(real_root, item, seen_dirs, open_dirs)))
            if batch:
                yield batch
        finally:  # also when the caller stops early or fails: no descriptor is left open
            for left in list(open_dirs):
                left.close()

    def _open(self, sub: _Sub) -> int:
        """Open a folder to be listed: through its parent's descriptor, never following a link."""
        if sub.parent is None:
            return os.open(sub.path, _DIR_FLAGS)
        try:
            return os.open(sub.name, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=sub.parent.fd)
        finally:
            sub.parent.release()

    def _list(self, real_root: str, sub: _Sub, seen_dirs: set[tuple[int, int]],
              open_dirs: set[_Dir]) -> list[_Sub | SourceFile]:  # fmt: skip
        """One folder's files (stat'ed, skips recorded) and subfolders, in name order."""
        try:
            fd = self._open(sub)
            try:
                st = os.fstat(fd)
                key = (st.st_dev, st.st_ino)
                if key in seen_dirs:  # a link back up the tree, or two links to one folder
                    os.close(fd)
                    return []
                seen_dirs.add(key)
                with os.scandir(fd) as it:
                    entries = list(it)
            except BaseException:
                os.close(fd)
                raise
        except OSError as e:
            if not sub.prefix:
                raise SeedsDirError(f"cannot list seeds directory {self.root}: {e.strerror}") from e
            # Reported like a file that cannot be read (refresh prints it, the server logs it),
            # and its articles are kept: nothing under it is taken for deleted.
            self.skipped.append(Skipped(display_path(sub.prefix), f"cannot list folder: {e.strerror}"))
            self.unreadable_dirs.append(sub.prefix)
            return []
        here = _Dir(fd, open_dirs)
        keyed: list[tuple[str, _Sub | SourceFile]] = []
        for entry in entries:
            found = self._entry(real_root, sub, here, entry)
            if isinstance(found, SourceFile):
                keyed.append((entry.name, found))
            elif found is not None:
                keyed.append((entry.name + "/", found))
                if found.parent is here:
                    here.waiting += 1
        if here.waiting == 0:
            here.close()
        keyed.sort(key=lambda k: k[0])
        return [item for _, item in keyed]

    def _entry(
        self, real_root: str, sub: _Sub, here: _Dir, entry: os.DirEntry[str]
    ) -> SourceFile | _Sub | None:
        """One directory entry: a file to read, a folder to enter, or None (recorded as a
        skip, ignored, or gone)."""
        name = entry.name
        rel = sub.prefix + name
        path = sub.path + "/" + name
        if name.endswith(ARTICLE_SUFFIX) and name.isascii() and name[0] not in ".#~":
            # The common case, kept cheap: a plain .txt file (d_type says so without a stat).
            try:
                plain = entry.is_file(follow_symlinks=False)
                st = entry.stat(follow_symlinks=False) if plain else None
            except FileNotFoundError:
                return None  # deleted since the listing: it is simply not there
            except OSError:
                st = None  # the general path below records why
            if st is not None:
                if self.unchanged is not None and self.unchanged(rel, st.st_size, st.st_mtime_ns):
                    return None
                return SourceFile(rel, path, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino)
        elif not name.isascii():
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:
                if not ignored_name(name) or _is_dir(entry):
                    self.skipped.append(Skipped(display_path(rel), "file name is not valid UTF-8"))
                return None
        if name.startswith("."):
            return None  # hidden files and folders (.git, .DS_Store, .x.swp)
        try:  # d_type says, without a stat (where the file system gives it)
            is_link = entry.is_symlink()
            is_dir = not is_link and entry.is_dir(follow_symlinks=False)
        except FileNotFoundError:
            return None
        except OSError as e:  # no d_type, and no stat either: it may be a folder; keep what it had
            self.skipped.append(Skipped(display_path(rel), f"cannot stat: {e.strerror}"))
            self.unreadable_dirs.append(rel + "/")
            return None
        if is_dir:
            return _Sub(here, name, path, rel + "/")  # opened (or reported) when its turn comes
        found = _Found()
        folder = found.entry(
            real_root, path, rel, name, is_link=is_link, follow_symlinks=self.follow_symlinks, dir_fd=here.fd
        )
        self.skipped.extend(found.skipped)
        if found.files:
            src = found.files[0]
            if self.unchanged is not None and self.unchanged(rel, src.size, src.mtime_ns):
                return None
            return src
        if folder is None:
            return None
        if is_link:
            return _Sub(None, name, folder[0], rel + "/")  # a symlinked folder: open its target
        return _Sub(here, name, path, rel + "/")


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def scan(
    root: Path, *, follow_symlinks: bool = True, unchanged: Callable[[str, int, int], bool] | None = None
) -> Scan:
    """Walk ``root`` (see Walk) and hold the whole result: every candidate file, stat'ed."""
    walk = Walk(root, follow_symlinks=follow_symlinks, unchanged=unchanged)
    files = [src for batch in walk for src in batch]
    return Scan(files, walk.skipped, walk.unreadable_dirs)  # in path order


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
        if len(os.fsencode(full)) >= _PATH_MAX:
            raise NeedsFullScan(f"{display_path(rel)}: a path this long is looked at through its folders")
        parent = os.path.dirname(full)
        if os.path.realpath(parent) != parent:
            raise NeedsFullScan(f"{display_path(rel)} is under a symlinked folder")
        folder = found.entry(
            real_root, full, rel, parts[-1], is_link=os.path.islink(full), follow_symlinks=follow_symlinks
        )
        if folder is not None:
            raise NeedsFullScan(f"{display_path(rel)} is a folder, or links to one")
    return Scan(found.files, found.skipped, [])
