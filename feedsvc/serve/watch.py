"""The file watcher: inotify events -> refresh requests, at once, for exactly what changed.

A file is asked for when it is closed after writing (IN_CLOSE_WRITE) or moved in
(IN_MOVED_TO): complete, so the refresh need not wait out the settle time for it (the watcher
passes the size and mtime it saw; refresh.settle). Deletions, moves out and attribute changes
(a chmod that heals a skip, a touch) name the path too, without that promise. A new regular
file is not asked for when it is created: it is being written, and its close follows.

A lone event goes out at once. Within a burst (events again less than _BURST seconds after the
last request), the watcher gathers until the queue has been quiet for ``coalesce`` seconds
(2 ms, at most _BATCH_MAX in all) and sends one request; whatever arrives while a refresh
runs is merged by the runner into the next one anyway. A fixed wait for every file would add
its whole length to every pick-up (bench/bench_watch.py).

Whenever events may have been lost (the kernel's queue overflowed), or the seeds folder may no
longer be the one watched (it, or any folder or symlink on the way to it, was deleted, made
again or re-pointed; a mount over it), the watcher starts over: a new inotify instance, every
watch again, and a full refresh. Once a second it also checks that the configured path still
leads to the folder it watches, for changes no event reports.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import stat
import threading
import time
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Protocol

from ..config import Settings
from ..sources import ignored_name
from . import inotify as ino
from .lookup import resolve

log = logging.getLogger(__name__)

#: what the watcher asks of each folder in the seeds tree
TREE_MASK = (
    ino.IN_CLOSE_WRITE | ino.IN_MOVED_TO | ino.IN_MOVED_FROM | ino.IN_CREATE | ino.IN_DELETE
    | ino.IN_ATTRIB | ino.IN_DELETE_SELF | ino.IN_MOVE_SELF
    | ino.IN_ONLYDIR | ino.IN_DONT_FOLLOW | ino.IN_EXCL_UNLINK | ino.IN_MASK_ADD
)  # fmt: skip
#: what it asks of each folder on the way to the seeds folder (names coming and going)
PATH_MASK = (
    ino.IN_CREATE | ino.IN_DELETE | ino.IN_MOVED_FROM | ino.IN_MOVED_TO | ino.IN_DELETE_SELF
    | ino.IN_MOVE_SELF | ino.IN_ONLYDIR | ino.IN_DONT_FOLLOW | ino.IN_MASK_ADD
)  # fmt: skip
_SELF = ino.IN_DELETE_SELF | ino.IN_MOVE_SELF | ino.IN_UNMOUNT | ino.IN_IGNORED
_BATCH_MAX = 0.05  #: seconds a burst may hold a request back at most
_BURST = 0.05  #: events this soon after the last request are a burst: gather them


class Requests(Protocol):
    """What the watcher needs of the refresh runner (serve.scheduler.RefreshRunner)."""

    def request(self, delay: float = 0.0, paths: Iterable[str] | None = None,
                complete: Mapping[str, tuple[int, int]] | None = None) -> None: ...  # fmt: skip


@dataclass
class _Batch:
    """What one burst of events asks for."""

    paths: set[str] = field(default_factory=set)
    complete: dict[str, tuple[int, int]] = field(default_factory=dict)
    full: bool = False  #: walk everything (a folder came or went)
    rearm: bool = False  #: start over: events were lost, or the seeds folder changed
    why: str = ""


def _readable(fds: list[int], timeout: float) -> list[int]:
    """Which of ``fds`` can be read within ``timeout`` seconds. poll(), not select(): a server
    with hundreds of connections has descriptors above select's 1023 when the watcher re-arms."""
    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLIN)
    return [fd for fd, _ in poller.poll(timeout * 1000)]


class SeedsWatcher:
    """Watches the seeds folder (recursively) and the path to it; see the module docstring.

    Raises OSError when inotify cannot be had at all (the caller polls instead).
    """

    def __init__(self, settings: Settings, runner: Requests, *, coalesce: float = 0.002,
                 check_every: float = 1.0) -> None:  # fmt: skip
        self.path = os.fspath(settings.seeds_dir)  # as configured: links on the way are followed anew
        self.runner = runner
        self.coalesce = coalesce
        self._last_request = -1.0  #: time.monotonic() of the last request sent
        self._limit_said = False  #: the watch limit was logged since the last arming
        self.check_every = check_every
        self.overflows = 0  #: times the kernel's queue overflowed
        self.rearms = 0  #: times the watches were made anew
        self._inotify: ino.Inotify | None = None
        self._real: str | None = None  #: the folder watched now (None: the path leads nowhere)
        self._root_id: tuple[int, int] | None = None
        self._tree: dict[int, str] = {}  #: wd -> folder relpath prefix ("" for the seeds folder)
        self._names: dict[int, set[str]] = {}  #: wd -> names looked up in it on the way
        self._links: set[str] = set()  #: relpaths of symlinks to folders inside the tree
        self._aliased: set[str] = set()  #: prefixes of folders such a symlink leads to
        self._stop = threading.Event()
        self._wake_r, self._wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._thread: threading.Thread | None = None
        try:
            self._arm()
        except OSError:
            self._close_fds()
            raise

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="feedsvc-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._close_fds()

    def _close_fds(self) -> None:
        if self._inotify is not None:
            self._inotify.close()
            self._inotify = None
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake_r = self._wake_w = -1

    # ------------------------------------------------------------------ watches

    def _arm(self) -> bool:
        """A new inotify instance, the path watched, and the tree when the path leads to a
        folder (True). Events in between are lost: the caller walks afterwards."""
        if self._inotify is not None:
            self._inotify.close()
            self._inotify = None
        self._tree.clear()
        self._limit_said = False
        self._names.clear()
        self._links.clear()
        self._aliased.clear()
        self._inotify = inotify = ino.Inotify()
        self.rearms += 1
        lookup = resolve(self.path)
        for folder, name in lookup.steps:
            try:
                wd = inotify.add_watch(folder, PATH_MASK)
            except OSError as e:  # changed under us: the periodic check will see it
                log.debug("cannot watch %s: %s", folder, e.strerror)
                continue
            self._names.setdefault(wd, set()).add(name)
        self._real = lookup.real
        if lookup.real is None:
            self._root_id = None
            return False
        try:
            st = os.stat(lookup.real)
        except OSError:
            self._root_id = None
            return False
        self._root_id = (st.st_dev, st.st_ino)
        self._watch_tree("")
        return True

    def _watch_tree(self, prefix: str) -> None:
        """Watch the folder at ``prefix`` (relative to the seeds folder) and every folder in it
        the walk would enter; note symlinks to folders (their targets are watched as themselves)."""
        assert self._inotify is not None and self._real is not None
        stack = [prefix]
        while stack:
            rel = stack.pop()
            path = os.path.join(self._real, rel) if rel else self._real
            try:
                self._tree[self._inotify.add_watch(path, TREE_MASK)] = rel
                entries = list(os.scandir(path))
            except OSError as e:
                self._watch_failed(rel, e)
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue  # the walk skips hidden folders: nothing in them is published
                if entry.is_symlink():
                    self._note_link(rel + entry.name)
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(rel + entry.name + "/")

    def _watch_failed(self, rel: str, e: OSError) -> None:
        if e.errno == errno.ENOSPC:  # fs.inotify.max_user_watches: said once per arming
            if not self._limit_said:
                self._limit_said = True
                log.error(
                    "cannot watch %s (and maybe more folders): the inotify watch limit is reached"
                    " (sysctl fs.inotify.max_user_watches); changes there wait for the interval"
                    " refresh", rel or "the seeds folder",
                )  # fmt: skip
        else:  # gone since listed, unreadable (the walk reports it): nothing to watch
            log.debug("cannot watch %s: %s", rel or "the seeds folder", e.strerror)

    def _note_link(self, rel: str) -> None:
        """A symlink to a folder inside the tree: its files have a second path, which only a
        walk finds; events under the folder it leads to then ask for a walk."""
        assert self._real is not None
        target = os.path.realpath(os.path.join(self._real, rel))
        if not os.path.isdir(target) or not (target + "/").startswith(self._real.rstrip("/") + "/"):
            return
        self._links.add(rel)
        inside = os.path.relpath(target, self._real)
        self._aliased.add("" if inside == "." else inside + "/")

    def _forget_tree(self, prefix: str) -> None:
        """Stop watching the folder at ``prefix`` and everything below (moved out of the tree:
        its watches would go on reporting under the old names)."""
        assert self._inotify is not None
        for wd, rel in list(self._tree.items()):
            if rel.startswith(prefix):
                self._inotify.rm_watch(wd)
                del self._tree[wd]

    # ------------------------------------------------------------------ events

    def _loop(self) -> None:
        next_check = time.monotonic() + self.check_every
        broken = False
        while not self._stop.is_set():
            try:
                if broken:
                    broken = False
                    self._rearm(_Batch(why="the watcher failed"))
                self.process(max(0.0, next_check - time.monotonic()))
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + self.check_every
                    self.process(check_path=True)
            except Exception:  # a bug: a dead watcher thread would be deaf for good
                log.exception("file watcher: unexpected error; starting over in %ss", self.check_every)
                self._stop.wait(self.check_every)
                broken = True

    def process(self, timeout: float = 0.0, *, check_path: bool = False) -> None:
        """Wait up to ``timeout`` seconds for events, and act on what is queued: one turn of
        the watcher's thread (tests call it directly on a watcher not started)."""
        fds = [self._wake_r] + ([self._inotify.fd] if self._inotify is not None else [])
        readable = _readable(fds, timeout)
        if self._stop.is_set():
            return
        batch = _Batch()
        if self._inotify is not None and self._inotify.fd in readable:
            self._collect(batch)
        if check_path:
            self._check_path(batch)
        self._flush(batch)

    def _collect(self, batch: _Batch) -> None:
        """Read what is queued; within a burst, until the queue stays quiet for ``coalesce``
        seconds (at most _BATCH_MAX)."""
        assert self._inotify is not None
        fd = self._inotify.fd
        start = time.monotonic()
        wait = self.coalesce if start - self._last_request < _BURST else 0.0
        while True:
            for event in self._inotify.read():
                self._event(event, batch)
            if batch.rearm or time.monotonic() - start >= _BATCH_MAX:
                return
            if not _readable([fd], wait):
                return

    def _event(self, ev: ino.Event, batch: _Batch) -> None:
        if ev.mask & ino.IN_Q_OVERFLOW:
            self.overflows += 1
            batch.rearm, batch.why = True, "the inotify queue overflowed: events were lost"
            return
        names = self._names.get(ev.wd)
        if names is not None and (ev.name in names or (not ev.name and ev.mask & _SELF)):
            batch.rearm, batch.why = True, "the path to the seeds folder changed"
        prefix = self._tree.get(ev.wd)
        if prefix is None:
            return
        if ev.mask & _SELF:
            if ev.mask & ino.IN_IGNORED:
                del self._tree[ev.wd]
            if prefix == "":
                batch.rearm, batch.why = True, "the seeds folder itself was deleted, moved or unmounted"
            return  # a folder below: its parent reports it
        if not ev.name or ev.name.startswith("."):
            return
        rel = prefix + ev.name
        if self._aliased and any(prefix.startswith(a) for a in self._aliased):
            batch.full = True  # these files have a second path through a symlink
        if ev.mask & ino.IN_ISDIR:
            self._folder_event(ev, rel, batch)
        else:
            self._file_event(ev, rel, batch)

    def _folder_event(self, ev: ino.Event, rel: str, batch: _Batch) -> None:
        batch.full = True  # a folder came, went or changed its permissions: walk
        if ev.mask & ino.IN_MOVED_FROM:
            self._forget_tree(rel + "/")
        elif ev.mask & (ino.IN_CREATE | ino.IN_MOVED_TO | ino.IN_ATTRIB):
            # files made in it before this are found by the walk; after a chmod, folders that
            # could not be watched (unreadable) may be now
            self._watch_tree(rel + "/")

    def _file_event(self, ev: ino.Event, rel: str, batch: _Batch) -> None:
        assert self._real is not None
        path = os.path.join(self._real, rel)
        if ev.mask & (ino.IN_CREATE | ino.IN_MOVED_TO) and os.path.islink(path):
            self._note_link(rel)
            if rel in self._links:
                batch.full = True  # a symlink to a folder: its files are new articles
        elif ev.mask & (ino.IN_DELETE | ino.IN_MOVED_FROM) and rel in self._links:
            self._links.discard(rel)
            batch.full = True
        if ignored_name(ev.name):
            return
        if ev.mask & (ino.IN_CLOSE_WRITE | ino.IN_MOVED_TO):
            batch.paths.add(rel)
            try:
                st = os.stat(path)
            except OSError:
                batch.complete.pop(rel, None)  # gone again: the refresh finds out
            else:
                batch.complete[rel] = (st.st_size, st.st_mtime_ns)
        elif ev.mask & (ino.IN_DELETE | ino.IN_MOVED_FROM | ino.IN_ATTRIB):
            batch.paths.add(rel)
        elif ev.mask & ino.IN_CREATE:
            try:
                st = os.lstat(path)
            except OSError:
                return
            # A new regular file is being written: its IN_CLOSE_WRITE follows. A hard link, a
            # symlink or anything else made whole by one call has no close to wait for.
            if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
                batch.paths.add(rel)

    def _check_path(self, batch: _Batch) -> None:
        """Does the configured path still lead to the folder watched? (A mount over it, or a
        change no watched folder reported.)"""
        try:
            st = os.stat(self.path)
            now: tuple[int, int] | None = (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None
        except OSError:
            now = None
        if now != self._root_id or (self._inotify is None):
            batch.rearm, batch.why = True, "the seeds path leads to another folder"

    def _flush(self, batch: _Batch) -> None:
        if batch.rearm:
            self._rearm(batch)
        elif batch.full:
            self.runner.request(0.0, None, batch.complete)
        elif batch.paths:
            self.runner.request(0.0, batch.paths, batch.complete)
        else:
            return
        self._last_request = time.monotonic()

    def _rearm(self, batch: _Batch) -> None:
        was = self._real
        try:
            there = self._arm()
        except OSError as e:  # no inotify instance to be had now (EMFILE...): try next check
            log.error("file watcher: cannot re-arm (%s); retrying in %ss", e.strerror, self.check_every)
            self._inotify = None
            return
        if not there:
            log.warning("%s; the seeds folder %s is not there: waiting for it", batch.why, self.path)
            return
        if was != self._real:
            log.warning("%s; watching %s (now %s) and walking it", batch.why, self.path, self._real)
        else:
            log.warning("%s; watching %s again and walking it", batch.why, self.path)
        self.runner.request(0.0, None, batch.complete)
