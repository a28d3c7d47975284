"""Linux inotify through ctypes: one instance, its watches, its raw events. No policy here.

Why not watchdog: it reported "created" and "closed" alike and left the choice to a fixed
delay; its handlers are never told of IN_Q_OVERFLOW (7.x rebuilds its own watches and logs a
warning, but nobody learns that events were lost and a walk is due); it holds every unpaired
IN_MOVED_FROM back 0.5 s to pair it; and it went deaf when the watched folder was deleted and
made again (issue 11). The kernel interface is three calls and a fixed record layout: owning
it keeps every bit of every event in view, and drops a dependency.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
from typing import NamedTuple

# <sys/inotify.h>
IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_UNMOUNT = 0x00002000
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_DONT_FOLLOW = 0x02000000
IN_EXCL_UNLINK = 0x04000000
IN_MASK_ADD = 0x20000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC

_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len (struct inotify_event)
_READ_SIZE = 256 * 1024  #: bytes per read(): ~8,000 events with short names


class Event(NamedTuple):
    """One inotify event. ``wd`` is -1 for IN_Q_OVERFLOW."""

    wd: int
    mask: int
    cookie: int
    name: str  #: the entry's name in the watched folder ("" for events about the folder itself)


def parse_events(data: bytes) -> list[Event]:
    """The events in one read() of an inotify descriptor."""
    events = []
    offset, end = 0, len(data)
    while offset + _HEADER.size <= end:
        wd, mask, cookie, length = _HEADER.unpack_from(data, offset)
        offset += _HEADER.size
        raw = data[offset : offset + length].split(b"\0", 1)[0]
        offset += length
        events.append(Event(wd, mask, cookie, os.fsdecode(raw)))
    return events


class Inotify:
    """An inotify instance (non-blocking, close-on-exec). Raises OSError as the kernel does:
    ENOSPC at the watch limit, EMFILE at the instance limit, ENOENT/ENOTDIR for a bad path."""

    def __init__(self) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            raise self._error("inotify_init1")
        self.fd: int = fd

    def _error(self, call: str, path: str = "") -> OSError:
        code = ctypes.get_errno()
        return OSError(code, f"{call}: {os.strerror(code)}", *((path,) if path else ()))

    def fileno(self) -> int:
        return self.fd

    def add_watch(self, path: str, mask: int) -> int:
        """Watch ``path`` for the events in ``mask``; the watch descriptor (the same one again
        for a folder already watched: then ``mask`` replaces its mask)."""
        wd: int = self._libc.inotify_add_watch(self.fd, os.fsencode(path), ctypes.c_uint32(mask))
        if wd < 0:
            raise self._error("inotify_add_watch", path)
        return wd

    def rm_watch(self, wd: int) -> None:
        """Stop a watch (nothing when the kernel already dropped it: IN_IGNORED was queued)."""
        if self._libc.inotify_rm_watch(self.fd, ctypes.c_int(wd)) < 0 and ctypes.get_errno() != errno.EINVAL:
            raise self._error("inotify_rm_watch")

    def read(self) -> list[Event]:
        """The events queued now (possibly none): one non-blocking read."""
        try:
            data = os.read(self.fd, _READ_SIZE)
        except BlockingIOError:
            return []
        return parse_events(data)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
