"""One refresh pass: seeds dir -> parser -> index, as one transaction under the ingest lock."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

from ..config import Settings
from ..identity import unescaped
from ..model import Article
from ..model import RefreshStats
from ..model import Skipped
from ..sources import ARTICLE_SUFFIX
from ..sources import NeedsFullScan
from ..sources import SourceFile
from ..sources import Walk
from ..sources import display_path
from ..sources import is_transient
from ..sources import open_for_writing
from ..sources import scan
from ..sources import scan_paths
from ..store import FileRow
from ..store import Store
from ..store import format_time
from ..store import parse_time
from .identify import Claim
from .identify import Identities
from .reading import Outcome
from .reading import content_hash
from .reading import read_one
from .rules import rules_key
from .settle import Complete
from .settle import Settle

log = logging.getLogger("feedsvc.refresh")  # the name operators filter on (and bench_pickup reads)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


LAST_MOMENT = "last_moment"  #: store state: the last instant a pass gave an article
LAST_END = "last_refresh_end"  #: store state: when the last pass ended (its start: "last_refresh")


def _start(store: Store, now: datetime) -> datetime:
    """A pass's base instant: ``now`` cut to the second, or, when an earlier pass of that
    same second already gave instants (a burst of 5,000 files takes 5,000 microseconds of it),
    the one after the last of them, so that a file found later in that second sorts after the
    burst, not among it. A clock stepped back is taken as it is (dates stay real)."""
    base = now.astimezone(UTC).replace(microsecond=0)
    last_text = store.state(LAST_MOMENT)
    if last_text is not None:
        last = parse_time(last_text)
        if base <= last < base + timedelta(seconds=1):
            return last + timedelta(microseconds=1)
    return base


class _Pass:
    """State of one refresh pass (kept off the module: no globals). Which identity a file
    publishes under is ``identify.Identities``' business."""

    BULK = 200  #: changed files above which identity lookups go through filters (identify.py)
    FLUSH = 512  #: articles written at a time

    def __init__(self, settings: Settings, store: Store, now: datetime, bulk: bool) -> None:
        self.store = store
        self.now = now
        self.since = window_start(store, now, rename_window(settings))  #: see window_start
        self.added = self.updated = self.removed = self.unchanged = 0
        self.deferred: list[str] = []
        self.deferred_reasons: list[str] = []
        self.retry_in: float | None = None  #: seconds until the soonest deferred file is worth a look
        self.retried: dict[str, str] = {}  #: see _Plan.retried
        self._tick = 0
        self._new_articles: list[tuple[Article, str]] = []
        self.ids = Identities(
            store, bulk=bulk, now=now, moment=self.moment, window=rename_window(settings), since=self.since,
            suffixes=(ARTICLE_SUFFIX,), date_from=settings.date_from,
        )  # fmt: skip

    def flush(self) -> None:
        """Write the batched rows (identities first: articles refer to them)."""
        self.ids.flush()
        if self._new_articles:
            self.store.put_articles(self._new_articles)
            self._new_articles.clear()
        self.ids.written()

    def moment(self) -> datetime:
        """This pass's time plus one more microsecond per call: every article first seen or
        edited in one refresh gets its own instant (feeds should not repeat an `updated`)."""
        self._tick += 1
        return self.now + timedelta(microseconds=self._tick - 1)

    @property
    def last_moment(self) -> datetime | None:
        """The last instant ``moment()`` gave, or None when it gave none."""
        return self.now + timedelta(microseconds=self._tick - 1) if self._tick else None

    def skip(self, path: str, reason: str, size: int, mtime_ns: int) -> None:
        if self.retried.get(path) == reason:  # tried again, still the same: said already
            log.debug("still skipped %s: %s", display_path(path), reason)
        else:
            log.warning("skipped %s: %s", display_path(path), reason)
        if self.store.put_skipped(path, reason, size, mtime_ns):
            self.removed += 1

    def gone(self, path: str) -> None:
        """The file at ``path`` is no longer there."""
        row = self.store.forget_file(path)
        if row is not None:
            self.ids.vanished(row, path)
            self.removed += 1
            log.debug("removed %s", display_path(path))

    def handle(self, src: SourceFile, row: FileRow | None, outcome: Outcome, settle: Settle) -> None:
        """Store what reading one new or changed file gave (reading.read_one)."""
        src_path, size, mtime_ns = src.relpath, src.size, src.mtime_ns
        if outcome.kind == "defer":  # nothing written: what was published stays
            log.debug("deferred %s: %s", display_path(src_path), outcome.reason)
            self.deferred.append(src_path)
            self.deferred_reasons.append(outcome.reason)
            retry = settle.retry_in(src)
            self.retry_in = retry if self.retry_in is None else min(self.retry_in, retry)
            return
        if outcome.kind == "skip":
            self.skip(src_path, outcome.reason, size, mtime_ns)
            return
        raw = outcome.raw_hash
        known_id = row.id if row else None
        if outcome.kind == "same":
            self.store.touch_file(src_path, size, mtime_ns)  # touched: same bytes
            self.unchanged += 1
            return
        parsed = outcome.parsed
        assert parsed is not None
        for note in parsed.warnings:
            log.warning("%s: %s", display_path(src_path), note)
        ids = self.ids
        article_id = ids.choose(src_path, parsed.explicit_id, raw)
        owner = ids.owner(article_id)
        if owner is not None and owner != src_path:
            # size -1: never matches a stat, so the file is looked at again next refresh
            self.skip(src_path, f"Id {article_id!r} is already used by {display_path(owner)}", -1, mtime_ns)
            return
        ids.set_owner(article_id, src_path)
        if (
            row is not None
            and known_id is not None
            and known_id != article_id
            and ids.owner(known_id) == src_path
        ):
            ids.set_owner(known_id, None)  # this file's old id is free in this pass (and may move on)
            ids.vanished(row, src_path)
            self.removed += 1
        chash = content_hash(parsed, unescaped(article_id))
        if row is not None and row.content_hash == chash and known_id == article_id:
            self.store.touch_file(src_path, size, mtime_ns, raw)  # e.g. whitespace-only edit
            self.unchanged += 1
            return
        claim = ids.claim(article_id, src_path, mtime_ns, explicit=parsed.explicit_id is not None)
        identity = claim.identity
        published = parsed.date or identity.first_seen
        updated, kind = self._updated(known_id == article_id, claim, chash, published)
        article = Article(
            id=article_id, guid=identity.guid, slug=identity.slug, title=parsed.title,
            summary=parsed.summary, blocks=parsed.blocks, author=parsed.author, tags=parsed.tags,
            published=published, updated=updated, path=src_path, size=size, mtime_ns=mtime_ns,
            content_hash=chash,
        )  # fmt: skip
        if row is not None and row.raw_hash is None:
            self.store.unskip(src_path)  # it was skipped before; now it is an article
        self._new_articles.append((article, raw))
        if len(self._new_articles) >= self.FLUSH:
            self.flush()
        if claim.prior is not None:
            log.debug("%s %s -> %s", kind, display_path(claim.prior.path), display_path(src_path))
        else:
            log.debug("%s %s", kind, display_path(src_path))

    def _updated(self, in_place: bool, claim: Claim, chash: str, published: datetime) -> tuple[datetime, str]:
        """The article's `updated`, counted as added, updated or unchanged (and what to log)."""
        prior = claim.prior
        if in_place:  # an edit moves `updated` to now
            self.updated += 1
            return max(self.moment(), published), "updated"
        if prior is None:  # a new article was last updated when it was published
            self.added += 1
            return published, "added"
        # A rename: the article goes on. Its removal in this pass was counted: take it back.
        same = prior.content_hash == chash and not claim.moved
        if prior.gone_at == self.now:
            self.removed -= 1
            if same:
                self.unchanged += 1
                return prior.updated, "renamed"
            self.updated += 1
        else:  # it left the feeds in an earlier refresh (within the window): it is back
            self.added += 1
        return (prior.updated, "renamed") if same else (max(self.moment(), published), "renamed")


def rename_window(settings: Settings) -> timedelta:
    """How long after a file disappears a file with the same bytes counts as that file renamed:
    the same refresh, or within ``[seeds] settle_seconds`` (a file moved out and back, or two
    watcher events that fell into two refreshes)."""
    return timedelta(seconds=settings.settle_seconds)


def window_start(store: Store, now: datetime, window: timedelta) -> datetime:
    """The oldest vanished record a pass starting ``now`` may continue: ``now - window``, or
    the start of the last pass when that pass ended within the window. A pass stamps what it
    found gone with its start (``gone_at``), but a walk finds a file gone at any moment of its
    run: a file moved out of a folder the walk had yet to list, into one it had listed, is
    gone for the walk and new for the next pass (the watcher's events for the move wait for
    it, and it starts when the walk ends). Counted from the walk's start, a walk longer than
    the window made that move a new article."""
    since = now - window
    start, end = store.state("last_refresh"), store.state(LAST_END)
    if start is not None and end is not None and parse_time(end) >= since:
        since = min(since, parse_time(start))
    return since


class _Plan(NamedTuple):
    """What a walk (or a look at named paths) found to do, before anything is written."""

    changed: list[SourceFile]  #: new or changed files, sorted
    known_changed: set[str]  #: those of them the index has a row for
    gone: list[str]  #: indexed paths no longer there
    scan_skipped: dict[str, Skipped]  #: files the walk could not even open, by path
    skipped_paths: set[str]  #: paths the index had as skipped
    unchanged: int  #: files with the same stamp (not counting still-skipped ones)
    retried: dict[str, str]  #: skipped paths read again for a cause that may have gone -> reason
    #: the index knows no file: the walk's files are written as it finds them (see _plan)
    stream: Walk | None = None

    @property
    def bulk(self) -> bool:
        return self.stream is not None or len(self.changed) > _Pass.BULK


def _plan(settings: Settings, store: Store, paths: Collection[str] | None, reparse: bool) -> _Plan:
    """Compare the seeds dir (or just ``paths``) with the index's stamps (size, mtime)."""
    follow = settings.follow_symlinks
    found = None
    if paths is not None:
        try:
            found = scan_paths(settings.seeds_dir, paths, follow_symlinks=follow)
            stamps, skipped_paths = store.stamps(paths)
        except NeedsFullScan as e:
            log.debug("full refresh: %s", e)
            found = None
    unchanged = 0
    walked = False  #: the whole tree was walked (not just ``paths``)
    retry: dict[str, str] = {}  # path -> reason: skipped for a cause that may have gone: read again

    def same_stamp(relpath: str, size: int, mtime_ns: int) -> bool:
        """The one stamp check, asked by the walk for each plain file and by the loop below:
        True (and the stamp forgotten, the file settled) when the index has the same size and
        mtime for it and the rules did not change."""
        nonlocal unchanged
        stamp = stamps.get(relpath)
        if stamp is None or reparse or stamp[0] != size or stamp[1] != mtime_ns or relpath in retry:
            return False
        del stamps[relpath]
        if relpath not in skipped_paths:  # a still-skipped file counts in `skipped`
            unchanged += 1
        return True

    if found is None:
        stamps, skipped_paths = store.stamps()
        if not stamps:
            # The index knows no file (a first refresh): nothing can be removed, renamed or
            # contested by a file the walk has yet to find, so files are written as found, in
            # path order, and no list of them is held (100,000 would be ~35 MB).
            walk = Walk(settings.seeds_dir, follow_symlinks=follow)
            return _Plan([], set(), [], {}, set(), 0, {}, walk)
        if skipped_paths:
            retry.update((s.path, s.reason) for s in store.skipped() if is_transient(s.reason))
        found = scan(settings.seeds_dir, follow_symlinks=follow, unchanged=same_stamp)
        walked = True
    elif skipped_paths:
        retry.update(
            (s.path, s.reason) for s in store.skipped() if s.path in skipped_paths and is_transient(s.reason)
        )
    changed: list[SourceFile] = []
    known_changed: set[str] = set()
    for src in found.files:
        if not same_stamp(src.relpath, src.size, src.mtime_ns):
            changed.append(src)
            if stamps.pop(src.relpath, None) is not None:
                known_changed.add(src.relpath)
    changed.sort()
    scan_skipped = {s.path: s for s in found.skipped}
    keep = tuple(found.unreadable_dirs)
    gone = sorted(p for p in stamps if p not in scan_skipped and not (keep and p.startswith(keep)))
    if walked:
        moved = _moved_while_walked(settings.seeds_dir, store, changed, known_changed,
                                    set(gone) | scan_skipped.keys(), keep)  # fmt: skip
        gone += moved
        unchanged -= sum(1 for path in moved if path not in skipped_paths)  # same_stamp counted them
    return _Plan(changed, known_changed, gone, scan_skipped, skipped_paths, unchanged, retry)


def _moved_while_walked(seeds_dir: Path, store: Store, changed: list[SourceFile], known_changed: set[str],
                        settled: set[str], keep: tuple[str, ...]) -> list[str]:  # fmt: skip
    """Indexed paths the walk called unchanged that are gone now, and whose size a new file
    has: a file moved (``mv``) while the walk ran, listed at its old path and again at its new
    one. Without this the new path would publish a copy, and the old path's article would be
    removed by the next pass: a new guid for a renamed file. Asked only when a walk found new
    files, of the index's paths with their sizes (same bytes, same size). ``settled``: paths
    the pass decided on already; ``keep``: folders it could not list (a file in one is not
    gone because it cannot be seen)."""
    sizes = {src.size for src in changed if src.relpath not in known_changed}
    if not sizes:
        return []
    seen = {src.relpath for src in changed}
    stamps, _ = store.stamps()
    return sorted(
        path for path, (size, _mtime) in stamps.items()
        if size in sizes and path not in settled and path not in seen and not (keep and path.startswith(keep))
        and _not_there(os.path.join(seeds_dir, path))
    )  # fmt: skip


def _not_there(path: str) -> bool:
    """No file at ``path`` (not: one that cannot be looked at now, which lexists also says)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def run_refresh(
    settings: Settings,
    store: Store,
    *,
    now: Callable[[], datetime] = utcnow,
    wait: bool = True,
    progress: Callable[[int, int], None] | None = None,
    paths: Collection[str] | None = None,
    complete: Complete | None = None,
    writers: Callable[[int], bool | None] | None = None,
) -> RefreshStats:
    """Bring the index in line with the seeds dir. One transaction; one refresh at a time.

    A file whose size and mtime match the index is not opened. With ``paths`` (relative to the
    seeds dir, from a file watcher) only those are looked at, unless only a full walk can
    settle them (a folder changed, say): then it walks. A file still being written is
    deferred (refresh.settle); ``complete`` names the files a watcher saw closed after writing
    (by their size and mtime then), ``writers`` replaces the kernel's open-for-writing probe
    (tests). With ``wait=False`` it returns
    at once (``ran=False``) when another process is refreshing. Raises SeedsDirError when the
    seeds dir is gone (nothing is removed), StoreError, LockTimeout.
    """
    started = time.perf_counter()
    timeout = settings.lock_timeout if wait else None
    with store.coordinator.ingest_lock(timeout) as held:
        if not held:
            log.debug("refresh: another process is refreshing; this one did not run")
            return RefreshStats(ran=False)
        key = rules_key(settings)
        reparse = store.state("rules") != key
        plan = _plan(settings, store, None if reparse else paths, reparse)  # reparse: every file
        state = _Pass(settings, store, _start(store, now()), plan.bulk)
        state.unchanged = plan.unchanged
        state.retried = plan.retried
        settle = Settle(round(settings.settle_seconds * 1e9), complete or {}, writers or open_for_writing)
        with store.transaction():
            done = _write(settings, store, plan, state, settle, reparse=reparse, progress=progress)
            if reparse:
                store.set_state("rules", key)
            if state.last_moment is not None:
                store.set_state(LAST_MOMENT, format_time(state.last_moment))
            store.set_state(LAST_END, format_time(max(state.now, now())))  # see window_start
        skipped_now = tuple(store.skipped())
    if progress is not None:
        progress(done, done)
    stats = RefreshStats(
        added=state.added, updated=state.updated, removed=state.removed, unchanged=state.unchanged,
        skipped=skipped_now, deferred=tuple(state.deferred),
        deferred_reasons=tuple(state.deferred_reasons), retry_in=state.retry_in,
        seconds=time.perf_counter() - started,
    )  # fmt: skip
    # The one INFO line of a refresh (per-file lines are DEBUG, skips WARNING): an operator
    # sees every refresh, what it did and how long it took, not one line per file (issue 12).
    log.info("refresh: %s", stats.summary_line())
    return stats


def _write(settings: Settings, store: Store, plan: _Plan, state: _Pass, settle: Settle, *,
           reparse: bool, progress: Callable[[int, int], None] | None) -> int:  # fmt: skip
    """The pass's writes, inside its transaction: removals, changed files, new skips, state.
    Returns how many files were read. ``progress(done, total)``: total is the files found so
    far when the walk is streamed."""
    # Deletions first: an Id: a deleted file held is free for a file of this same pass, and
    # its identity for a file with the same bytes (a rename).
    store.prune_vanished(state.since)
    for path in plan.gone:
        state.gone(path)
    rules, max_bytes, total = settings.parse_rules(), settings.max_file_bytes, len(plan.changed)
    # Files the index knows first: one that now holds a vanished file's bytes (moved over it)
    # lets its own identity go, for a new file that has its old bytes.
    if plan.stream is None:
        ordered: Iterable[SourceFile] = sorted(
            plan.changed, key=lambda src: src.relpath not in plan.known_changed
        )
    else:
        ordered = (src for batch in plan.stream for src in batch)  # all new, in path order
    done = 0
    for done, src in enumerate(ordered, 1):
        row = store.file_row(src.relpath) if src.relpath in plan.known_changed else None
        known_raw = None if row is None or reparse else row.raw_hash
        state.handle(src, row, read_one(src, known_raw, rules, max_bytes, settle), settle)
        if progress is not None and done % 256 == 0:
            progress(done, max(total, done))
    state.flush()
    scan_skipped = plan.scan_skipped if plan.stream is None else {s.path: s for s in plan.stream.skipped}
    for path, skipped in scan_skipped.items():
        if path not in plan.skipped_paths:  # new, or was an article: log it once
            state.skip(path, skipped.reason, 0, 0)
    if state.added or state.updated or state.removed:
        store.bump_generation()
        store.set_state("changed_at", format_time(state.now))
    store.set_state("last_refresh", format_time(state.now))
    return done
