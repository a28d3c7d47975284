"""Writing an export: generation folders, the manifest, the atomic switch and pruning.

``out`` is a symlink to ``<out>.generations/<n>``. A build writes generation n+1 beside the
live one (files whose bytes and date did not change are hard links to the previous
generation's, so only what changed is written), then points a new symlink at it and renames
it over ``out``: a web server sees the old tree or the new one, never a mix or a half-written
file. Generations older than the previous one are removed (the previous one stays for
requests still reading it). A lock file keeps two builds of one ``out`` from interleaving.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import FeedsvcError
from ..web.http import GZIP_LEVEL  # the .gz is the bytes the app would send
from .documents import Document

log = logging.getLogger(__name__)

MANIFEST = ".manifest.json"  #: in each generation: what every file is (a dot file: not served)
KEEP = 2  #: generations kept: the live one and the one before it


class ExportError(FeedsvcError):
    """The export folder cannot be written (not a symlink we made, permissions...)."""


@dataclass(frozen=True, slots=True)
class ExportStats:
    """What one build did."""

    generation: int  #: the live generation after the build
    files: int  #: documents in it (not counting .gz files)
    written: int  #: documents whose bytes were written (new or changed)
    linked: int  #: documents hard-linked unchanged from the previous generation
    removed: int  #: documents of the previous generation that are gone
    switched: bool  #: False: nothing changed, the live generation was kept

    def summary_line(self) -> str:
        state = (
            f"generation {self.generation}" if self.switched else f"unchanged, generation {self.generation}"
        )
        return f"{self.files} files: {self.written} written, {self.linked} unchanged, {self.removed} removed ({state})"


def _entry(doc: Document) -> dict[str, object]:
    return {
        "url": doc.url,
        "size": len(doc.body),
        "sha256": hashlib.sha256(doc.body).hexdigest(),
        "etag": doc.etag,
        "media_type": doc.media_type,
        "last_modified": int(doc.last_modified.timestamp()),
        "cache_control": doc.cache_control,
        "gzip": doc.file + ".gz" if doc.compressible else None,
    }


def _generations(out: Path) -> Path:
    return out.parent / (out.name + ".generations")


def _live(out: Path) -> tuple[int, Path | None, dict[str, dict[str, object]]]:
    """The live generation's number, folder and manifest entries (0, None, {} before the first)."""
    if not out.is_symlink():
        if out.exists():
            raise ExportError(
                f"{out} exists and is not an export (a symlink to a generation): not touching it"
            )
        return 0, None, {}
    current = out.resolve()
    try:
        number = int(current.name)
        manifest = json.loads((current / MANIFEST).read_text("utf-8"))
    except (ValueError, OSError) as e:
        raise ExportError(f"{out} points to {current}, which is not an export generation: {e}") from None
    files: dict[str, dict[str, object]] = manifest["files"]
    return number, current, files


@contextmanager
def _locked(gens: Path) -> Iterator[None]:
    gens.mkdir(parents=True, exist_ok=True)
    with open(gens / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _place(doc: Document, entry: dict[str, object], target: Path, previous: Path | None, same: bool) -> None:
    """Write one document (and its .gz) into the new generation, or hard-link the old file."""
    path = target / doc.file
    path.parent.mkdir(parents=True, exist_ok=True)
    names = [doc.file] + ([doc.file + ".gz"] if entry["gzip"] else [])
    if same and previous is not None:
        for name in names:
            os.link(previous / name, target / name)
        return
    mtime = doc.last_modified.timestamp()
    path.write_bytes(doc.body)
    os.utime(path, (mtime, mtime))
    if entry["gzip"]:
        gz = target / (doc.file + ".gz")
        gz.write_bytes(gzip.compress(doc.body, compresslevel=GZIP_LEVEL, mtime=0))
        os.utime(gz, (mtime, mtime))


def _switch(out: Path, target: Path) -> None:
    """Point ``out`` at ``target`` with one rename() (relative link: the pair can be moved)."""
    tmp = out.parent / f".{out.name}.switch-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(target, out.parent), tmp)
    os.replace(tmp, out)


def _prune(gens: Path, live: int) -> None:
    for child in gens.iterdir():
        if child.name.isdigit() and int(child.name) <= live - KEEP:
            shutil.rmtree(child, ignore_errors=True)


def write_generation(out: Path, docs: Iterable[Document]) -> ExportStats:
    """Write ``docs`` as the next generation of ``out`` and switch to it; when nothing changed,
    the new folder is dropped and the live generation kept."""
    out = out.absolute()
    gens = _generations(out)
    with _locked(gens):
        number, previous, old = _live(out)
        target = gens / str(number + 1)
        if target.exists():  # left by a build that died before its switch
            shutil.rmtree(target)
        target.mkdir()
        entries: dict[str, dict[str, object]] = {}
        same = 0
        for doc in docs:
            entry = entries[doc.file] = _entry(doc)
            unchanged = old.get(doc.file) == entry
            same += unchanged
            _place(doc, entry, target, previous, unchanged)
        removed = len(old.keys() - entries.keys())
        if previous is not None and same == len(entries) and not removed:
            shutil.rmtree(target)
            return ExportStats(number, len(entries), 0, same, 0, switched=False)
        manifest = {"version": 1, "generation": number + 1, "files": entries}
        (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
        _switch(out, target)
        _prune(gens, number + 1)
    written = len(entries) - same
    log.info(
        "export %s: generation %d, %d written, %d unchanged, %d removed",
        out,
        number + 1,
        written,
        same,
        removed,
    )
    return ExportStats(number + 1, len(entries), written, same, removed, switched=True)
