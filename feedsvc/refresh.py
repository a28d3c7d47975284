"""One refresh pass: seeds dir -> parser -> index, as one transaction under a cross-process lock."""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable
from collections.abc import Collection
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from slugify import slugify

from .config import Settings
from .model import Article
from .model import RefreshStats
from .reading import Outcome
from .reading import read_one
from .sources import NeedsFullScan
from .sources import SourceFile
from .sources import display_path
from .sources import scan
from .sources import scan_paths
from .store import FileRow
from .store import Identity
from .store import Store
from .store import format_time

log = logging.getLogger(__name__)

# Namespace of the urn:uuid ids: uuid5(NAMESPACE, article id). Never change it: ids are permanent.
GUID_NAMESPACE = uuid.UUID("6f0c8e52-7c53-5d2a-9a57-2f4b1de0a7c1")
_GUID_NAMESPACE_BYTES = GUID_NAMESPACE.bytes
SLUG_MAX = 80


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


_ASCII_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def make_slug(article_id: str) -> str:
    """Readable ASCII URL segment from an id: 'Politik/Über uns.txt' -> 'politik-uber-uns'."""
    stem = article_id[:-4] if article_id.lower().endswith(".txt") else article_id
    if stem.isascii():  # the common case, without python-slugify's transliteration machinery
        slug = _ASCII_SLUG_JUNK.sub("-", stem.lower()).strip("-")
        if len(slug) > SLUG_MAX:
            slug = slug[:SLUG_MAX].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
        return slug.strip("-") or "article"
    slug = slugify(stem.replace("/", " "), max_length=SLUG_MAX, word_boundary=True, save_order=True)
    return slug or "article"


def make_guid(article_id: str) -> str:
    """``urn:uuid:`` + uuid5(GUID_NAMESPACE, id), spelt out with hashlib (uuid.uuid5 costs 3x
    as much: it builds UUID objects); a test holds the two equal."""
    digest = bytearray(hashlib.sha1(_GUID_NAMESPACE_BYTES + article_id.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# Bump when the parser changes what it makes of the same text: every file is parsed again.
PARSER_VERSION = 3  # 3: the line classifier (parse/classify.py); 2: an opening date line is not the title


def rules_key(settings: Settings) -> str:
    """Fingerprint of everything that decides what a file publishes, besides its bytes. When it
    changes (a new boilerplate pattern, a new size limit...) every file is looked at again."""
    parts = (
        PARSER_VERSION, settings.captions, settings.boilerplate, settings.debris,
        settings.summary_length, settings.title_length, settings.timezone, settings.max_file_bytes,
    )  # fmt: skip
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


class _Pass:
    """State of one refresh pass (kept off the module: no globals).

    Identities, slugs and id owners are looked up one by one when few files changed, and loaded
    in bulk when many did, so an edit of one file in 100,000 stays cheap and so does a cold
    ingest.
    """

    BULK = 200  #: changed files above which lookups are loaded in bulk

    def __init__(self, settings: Settings, store: Store, now: datetime, changed: int, *,
                 reparse: bool = False) -> None:  # fmt: skip
        self.reparse = reparse  #: the rules changed: same bytes no longer mean same article
        self.settings = settings
        self.store = store
        self.now = now
        self.rules = settings.parse_rules()
        self.added = self.updated = self.removed = self.unchanged = 0
        self.deferred: list[str] = []
        self.bulk = changed > self.BULK
        self._tick = 0
        self._new_identities: list[Identity] = []  # written in batches by flush()
        self._new_articles: list[tuple[Article, str]] = []
        self._loaded = False
        self._identities: dict[str, Identity] = {}
        self._slugs: set[str] = set()
        self._owners: dict[str, str | None] = {}  # article id -> path (None: freed in this pass)

    def flush(self) -> None:
        """Write the batched rows (identities first: articles refer to them)."""
        if self._new_identities:
            self.store.add_identities(self._new_identities)
            self._new_identities.clear()
        if self._new_articles:
            self.store.put_articles(self._new_articles)
            self._new_articles.clear()

    def moment(self) -> datetime:
        """This pass's time plus one more microsecond per call: every article first seen or
        edited in one refresh gets its own instant (feeds should not repeat an `updated`)."""
        self._tick += 1
        return self.now + timedelta(microseconds=self._tick - 1)

    def _load(self) -> None:
        if self.bulk and not self._loaded:
            self._identities = self.store.identities()
            self._slugs = {i.slug for i in self._identities.values()}
            self._owners = dict(self.store.article_owners())
            self._loaded = True

    def _slug_taken(self, slug: str) -> bool:
        return slug in self._slugs or (not self.bulk and self.store.slug_taken(slug))

    def identity(self, article_id: str) -> Identity:
        """The permanent identity of ``article_id``, created (with a unique slug) on first sight."""
        self._load()
        found = self._identities.get(article_id)
        if found is None and not self.bulk:
            found = self.store.identity(article_id)
        if found is not None:
            return found
        base = make_slug(article_id)
        slug = base
        if self._slug_taken(slug):  # collisions get a suffix that depends only on the id
            digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()
            n = 6
            while self._slug_taken(slug):
                slug = f"{base}-{digest[:n]}"
                n += 2
        identity = Identity(article_id, make_guid(article_id), slug, self.moment())
        self._new_identities.append(identity)
        self._identities[article_id] = identity
        self._slugs.add(slug)
        return identity

    def owner(self, article_id: str) -> str | None:
        """The path that publishes ``article_id`` now, counting this pass's changes."""
        self._load()
        if article_id in self._owners or self.bulk:
            return self._owners.get(article_id)
        return self.store.article_path(article_id)

    def skip(self, path: str, reason: str, size: int, mtime_ns: int) -> None:
        log.warning("skipped %s: %s", display_path(path), reason)
        if self.store.put_skipped(path, reason, size, mtime_ns):
            self.removed += 1

    def handle(self, src: SourceFile, row: FileRow | None, outcome: Outcome) -> None:
        """Store what reading one new or changed file gave (reading.read_one)."""
        src_path, size, mtime_ns = src.relpath, src.size, src.mtime_ns
        if outcome.kind == "defer":
            log.info("deferred %s: %s", display_path(src_path), outcome.reason)
            self.deferred.append(src_path)
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
        article_id = parsed.explicit_id or src_path
        owner = self.owner(article_id)
        if owner is not None and owner != src_path:
            # size -1: never matches a stat, so the file is looked at again next refresh
            self.skip(src_path, f"Id {article_id!r} is already used by {display_path(owner)}", -1, mtime_ns)
            return
        self._owners[article_id] = src_path
        if known_id is not None and known_id != article_id and self.owner(known_id) == src_path:
            self._owners[known_id] = None  # its Id: header changed: the old id is free in this pass
        chash = outcome.content_hash
        if row is not None and row.content_hash == chash and known_id == article_id:
            self.store.touch_file(src_path, size, mtime_ns, raw)  # e.g. whitespace-only edit
            self.unchanged += 1
            return
        identity = self.identity(article_id)
        published = parsed.date or identity.first_seen
        is_update = known_id == article_id
        # A new article was last updated when it was published; an edit moves `updated` to now.
        updated = max(self.moment(), published) if is_update else published
        article = Article(
            id=article_id, guid=identity.guid, slug=identity.slug, title=parsed.title,
            summary=parsed.summary, blocks=parsed.blocks, author=parsed.author, tags=parsed.tags,
            published=published, updated=updated, path=src_path, size=size, mtime_ns=mtime_ns,
            content_hash=chash,
        )  # fmt: skip
        if row is not None and row.raw_hash is None:
            self.store.unskip(src_path)  # it was skipped before; now it is an article
        self._new_articles.append((article, raw))
        if len(self._new_articles) >= 512:
            self.flush()
        if is_update:
            self.updated += 1
            log.info("updated %s", display_path(src_path))
        else:
            self.added += 1
            log.info("added %s", display_path(src_path))


def run_refresh(
    settings: Settings,
    store: Store,
    *,
    now: Callable[[], datetime] = utcnow,
    wait: bool = True,
    progress: Callable[[int, int], None] | None = None,
    paths: Collection[str] | None = None,
) -> RefreshStats:
    """Bring the index in line with the seeds dir. One transaction; one refresh at a time.

    A file whose size and mtime match the index is not opened. With ``paths`` (relative to the
    seeds dir, from a file watcher) only those are looked at, unless only a full walk can
    settle them (a folder changed, say): then it walks. With ``wait=False`` it returns
    at once (``ran=False``) when another process is refreshing. Raises SeedsDirError when the
    seeds dir is gone (nothing is removed), StoreError, LockTimeout.
    """
    started = time.perf_counter()
    timeout = settings.lock_timeout if wait else None
    with store.coordinator.ingest_lock(timeout) as held:
        if not held:
            return RefreshStats(ran=False)
        key = rules_key(settings)
        reparse = store.state("rules") != key
        if reparse:
            paths = None  # every file must be looked at again
        found = None
        if paths is not None:
            try:
                found = scan_paths(settings.seeds_dir, paths, follow_symlinks=settings.follow_symlinks)
                stamps, skipped_paths = store.stamps_for(paths)
            except NeedsFullScan as e:
                log.debug("full refresh: %s", e)
                found = None
        unchanged = 0
        if found is None:
            stamps, skipped_paths = store.stamps()

            def same_stamp(relpath: str, size: int, mtime_ns: int) -> bool:
                """Asked by the walk for each plain file: True (and forgotten here) when the
                index has the same size and mtime for it."""
                nonlocal unchanged
                stamp = stamps.get(relpath)
                if stamp is None or reparse or stamp[0] != size or stamp[1] != mtime_ns:
                    return False
                del stamps[relpath]
                if relpath not in skipped_paths:  # a still-skipped file counts in `skipped`
                    unchanged += 1
                return True

            found = scan(settings.seeds_dir, follow_symlinks=settings.follow_symlinks, unchanged=same_stamp)
        changed: list[SourceFile] = []
        known_changed: set[str] = set()
        for src in found.files:
            stamp = stamps.pop(src.relpath, None)
            if stamp is None:
                changed.append(src)
            elif reparse or stamp[0] != src.size or stamp[1] != src.mtime_ns:
                changed.append(src)
                known_changed.add(src.relpath)
            elif src.relpath not in skipped_paths:  # a still-skipped file counts in `skipped`
                unchanged += 1
        changed.sort()
        scan_skipped = {s.path: s for s in found.skipped}
        keep = tuple(found.unreadable_dirs)
        gone = sorted(p for p in stamps if p not in scan_skipped and not (keep and p.startswith(keep)))
        when = now().astimezone(UTC).replace(microsecond=0)
        state = _Pass(settings, store, when, len(changed), reparse=reparse)
        state.unchanged = unchanged
        total = len(changed)
        with store.transaction():
            # Deletions first: an Id: a deleted file held is free for a file of this same pass.
            for path in gone:
                if store.forget_file(path):
                    state.removed += 1
                    log.info("removed %s", display_path(path))
            rules, max_bytes = state.rules, settings.max_file_bytes
            for index, src in enumerate(changed):
                row = store.file_row(src.relpath) if src.relpath in known_changed else None
                known_raw = None if row is None or reparse else row.raw_hash
                state.handle(src, row, read_one(src, known_raw, rules, max_bytes))
                if progress is not None and index % 256 == 0:
                    progress(index, total)
            state.flush()
            for path, skipped in scan_skipped.items():
                if path not in skipped_paths:  # new, or was an article: log it once
                    state.skip(path, skipped.reason, 0, 0)
            if state.added or state.updated or state.removed:
                store.bump_generation()
                store.set_state("changed_at", format_time(state.now))
            store.set_state("last_refresh", format_time(state.now))
            if reparse:
                store.set_state("rules", key)
        skipped_now = tuple(store.skipped())
    if progress is not None:
        progress(total, total)
    stats = RefreshStats(
        added=state.added, updated=state.updated, removed=state.removed, unchanged=state.unchanged,
        skipped=skipped_now, deferred=tuple(state.deferred), seconds=time.perf_counter() - started,
    )  # fmt: skip
    if stats.changed:
        log.info("refresh: %s", stats.summary_line())
    return stats
