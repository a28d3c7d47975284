"""Which identity a file publishes under, for one refresh pass. No articles are written here.

A file with an ``Id:`` header gets the header's id. A file without one gets, first choice first:
1. a renamed file's: an article whose file disappeared (this pass, or within the rename window)
   with exactly the same bytes;
2. the identity its path has (or last had);
3. a sibling's: the same name with another article suffix or case (``a.txt`` -> ``a.md``), when
   that file publishes nothing now;
4. a new one (``identity.path_keys``).
A path-derived identity that moves to another path (1 or 3) moves its slug too when the name
says so; the old slug stays as a redirect (``Store.move_identity``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import NamedTuple

from ..identity import header_key
from ..identity import make_guid
from ..identity import path_keys
from ..identity import siblings
from ..identity import slug_text
from ..identity import stem
from ..identity import unique_slug
from ..store import FileRow
from ..store import Identity
from ..store import Store
from ..store import Vanished
from .keyfilter import KeyFilter


class Claim(NamedTuple):
    """The identity a file publishes under, and what it continues."""

    identity: Identity
    #: the article this one continues: it vanished (this pass or within the window) from
    #: another path, and is now here (None: new, or published here already)
    prior: Vanished | None
    moved: bool  #: the slug changed: the old one now redirects


class Identities:
    """Identity lookups and writes for one pass: asked of the store one by one when few files
    changed; when many did (see ``_Pass.BULK``), every known id, path and slug goes into a
    KeyFilter first, so a new one (a cold ingest: all of them) is known new without a query,
    and only a "maybe" is asked. What this pass changed is held until it is written
    (``written()``), not for the whole pass: 100,000 new articles hold no 100,000 identities."""

    def __init__(self, store: Store, *, bulk: bool, now: datetime, moment: Callable[[], datetime],
                 window: timedelta, suffixes: tuple[str, ...], date_from: str,
                 since: datetime | None = None, key: Callable[[str], int] = hash) -> None:  # fmt: skip
        self.store = store
        self.bulk = bulk
        self.key = key  #: the hash the filters use (tests pass one that always collides)
        self.now = now
        self.moment = moment  #: a new instant per call: the first_seen of a new identity
        self.window = window
        #: the oldest vanished record this pass may continue (default ``now - window``)
        self.since = now - window if since is None else since
        self.suffixes = suffixes
        self.date_from = date_from
        self._new: list[Identity] = []  # written in batches by flush()
        self._new_vanished: list[Vanished] = []
        # What this pass changed (and what it looked up) since its rows were last written:
        self._identities: dict[str, Identity] = {}
        self._by_path: dict[str, Identity | None] = {}
        self._slugs: set[str] = set()
        self._owners: dict[str, str | None] = {}  # article id -> path (None: freed in this pass)
        # In bulk, every id, path and slug the index has or this pass made (maybe: ask the store)
        self._known_ids: KeyFilter | None = None
        self._known_paths: KeyFilter | None = None
        self._known_slugs: KeyFilter | None = None
        self._redirects: dict[str, str] | None = None  # old slug -> id, loaded when needed
        self._vanished: dict[str, Vanished] = {}  # by id: not yet claimed
        self._by_hash: dict[str, list[Vanished]] = {}
        self._loaded = False
        self._window_loaded = window <= timedelta(0)  # earlier refreshes' records: on first need

    # ------------------------------------------------------------------ lookups

    def _load(self) -> None:
        """In bulk: the filters of every id, path and slug, on first use (after the pass's
        deletions); what this pass changed before is in them too."""
        if not self.bulk or self._loaded:
            return
        self._loaded = True
        ids, paths, slugs = KeyFilter(self.key), KeyFilter(self.key), KeyFilter(self.key)
        for identity in self.store.identities().values():
            ids.add(identity.id)
            slugs.add(identity.slug)
            if identity.path is not None:
                paths.add(identity.path)
        for slug in self._load_redirects():
            slugs.add(slug)
        for article_id in (*self._identities, *self._owners):
            ids.add(article_id)
        for path, found in self._by_path.items():
            if found is not None:
                paths.add(path)
        for slug in self._slugs:
            slugs.add(slug)
        self._known_ids, self._known_paths, self._known_slugs = ids, paths, slugs

    def _noted(self, identity: Identity) -> None:
        """A new or moved identity: into the filters (its rows are written later)."""
        if self._known_ids is not None and self._known_paths is not None and self._known_slugs is not None:
            self._known_ids.add(identity.id)
            self._known_slugs.add(identity.slug)
            if identity.path is not None:
                self._known_paths.add(identity.path)

    def written(self) -> None:
        """The pass's identities and articles so far are in the store: forget them here."""
        self._identities.clear()
        self._by_path.clear()
        self._slugs.clear()
        self._owners.clear()

    def lookup(self, article_id: str) -> Identity | None:
        self._load()
        found = self._identities.get(article_id)
        if found is None and (self._known_ids is None or article_id in self._known_ids):
            found = self.store.identity(article_id)
            if found is not None:
                self._identities[article_id] = found
        return found

    def at(self, path: str) -> Identity | None:
        """The identity that belongs to ``path``, counting this pass's changes."""
        self._load()
        if path in self._by_path:
            return self._by_path[path]
        if self._known_paths is not None and path not in self._known_paths:
            return None
        found = self.store.identity_at(path)
        self._by_path[path] = found
        return found

    def owner(self, article_id: str) -> str | None:
        """The path that publishes ``article_id`` now, counting this pass's changes."""
        self._load()
        if article_id in self._owners:
            return self._owners[article_id]
        if self._known_ids is not None and article_id not in self._known_ids:
            return None  # no identity: no article
        return self.store.article_path(article_id)

    def set_owner(self, article_id: str, path: str | None) -> None:
        self._owners[article_id] = path
        if path is not None and self._known_ids is not None:
            self._known_ids.add(article_id)

    def _exists(self, article_id: str) -> bool:
        return self.lookup(article_id) is not None

    def _slug_taken(self, slug: str) -> bool:
        self._load()
        if slug in self._slugs:
            return True
        if self._known_slugs is not None and slug not in self._known_slugs:
            return False
        return self.store.slug_taken(slug)

    # ------------------------------------------------------------------ vanished articles

    def _load_window(self) -> None:
        """What vanished in earlier refreshes within the window (this pass's own records win)."""
        if not self._window_loaded:
            self._window_loaded = True
            for v in self.store.vanished(self.since):
                if v.id not in self._vanished:
                    self._remember(v)

    def _remember(self, v: Vanished) -> None:
        self._vanished[v.id] = v
        self._by_hash.setdefault(v.raw_hash, []).append(v)

    def vanished(self, row: FileRow, path: str) -> None:
        """The article ``row`` (at ``path``) left: its file is gone, or publishes another id.
        A file with the same bytes may take its identity, in this pass or within the window."""
        if row.id is None or row.raw_hash is None or row.content_hash is None or row.updated is None:
            return
        v = Vanished(row.id, path, row.raw_hash, row.content_hash, row.updated, self.now)
        self._remember(v)
        if self.window > timedelta(0):
            self._new_vanished.append(v)

    def _renamed(self, raw_hash: str, path: str) -> Vanished | None:
        """The vanished article with these bytes this file continues: the same file name
        first (a move to another folder), then the same stem (a suffix change), then by path."""
        self._load_window()
        found = [
            v for v in self._by_hash.get(raw_hash, ())
            if self._vanished.get(v.id) is v and self.owner(v.id) is None  # (never this file's own id: owned)
        ]  # fmt: skip
        if not found:
            return None
        name, base = path.rsplit("/", 1)[-1], stem(path)
        return min(found, key=lambda v: (v.path.rsplit("/", 1)[-1] != name, stem(v.path) != base, v.path))

    # ------------------------------------------------------------------ choosing and claiming

    def choose(self, path: str, explicit_id: str | None, raw_hash: str) -> str:
        """The id the file at ``path`` publishes under (see the module docstring). The caller
        checks that a header's id is not published by another file."""
        if explicit_id is not None:
            return header_key(explicit_id)
        renamed = self._renamed(raw_hash, path)
        if renamed is not None:
            return renamed.id
        here = self.at(path)
        if here is not None and self.owner(here.id) in (None, path):
            return here.id
        for sibling in siblings(path, self.suffixes):
            found = self.at(sibling)
            if found is not None and self.owner(found.id) is None:
                return found.id
        return next(key for key in path_keys(path) if not self._exists(key))

    def claim(self, article_id: str, path: str, mtime_ns: int, *, explicit: bool) -> Claim:
        """The identity ``article_id`` as published from ``path``: created on first sight, moved
        here (with its slug) when it is a path-derived identity of another path."""
        self._load_window()
        prior = self._vanished.pop(article_id, None)
        identity = self.lookup(article_id)
        if identity is None:
            return Claim(self._create(article_id, None if explicit else path, mtime_ns), prior, False)
        if explicit or identity.path == path:
            return Claim(identity, prior, False)
        slug = identity.slug
        if identity.path is None or slug_text(stem(identity.path)) != slug_text(stem(path)):
            slug = self._moved_slug(identity, path)
        self.flush()  # moves are rare: write what is batched first, so the move finds it
        self._release(path, keep=article_id)
        self.store.move_identity(article_id, path, slug)
        moved = dataclasses.replace(identity, path=path, slug=slug)
        if identity.path is not None:
            self._by_path[identity.path] = None
        self._by_path[path] = self._identities[article_id] = moved
        self._noted(moved)
        if slug != identity.slug:
            redirects = self._load_redirects()
            redirects.pop(slug, None)
            redirects[identity.slug] = article_id
            self._slugs.update((slug, identity.slug))
        return Claim(moved, prior, slug != identity.slug)

    def _create(self, article_id: str, path: str | None, mtime_ns: int) -> Identity:
        if path is not None:
            self._release(path, keep=article_id)
        slug = unique_slug(article_id, self._slug_taken, None if path is None else stem(path))
        if self.date_from == "mtime":
            # Capped at now: a file from the future would stay on top of every feed.
            first_seen = min(datetime.fromtimestamp(mtime_ns / 1e9, UTC), self.now)
        else:
            first_seen = self.moment()
        identity = Identity(article_id, make_guid(article_id), slug, first_seen, path)
        self._new.append(identity)
        self._identities[article_id] = identity
        if path is not None:
            self._by_path[path] = identity
        self._slugs.add(slug)
        self._noted(identity)
        return identity

    def _release(self, path: str, keep: str) -> None:
        """Take ``path`` from the identity that has it (paths are unique), unless it is ``keep``."""
        other = self.at(path)
        if other is not None and other.id != keep:
            self.flush()
            self.store.move_identity(other.id, None, other.slug)
            self._identities[other.id] = dataclasses.replace(other, path=None)
            self._by_path[path] = None

    def _load_redirects(self) -> dict[str, str]:
        if self._redirects is None:
            self._redirects = self.store.redirects()
        return self._redirects

    def _moved_slug(self, identity: Identity, path: str) -> str:
        """The slug for ``identity`` at its new ``path``: its own slugs (current and old) are
        free for it, every other one taken."""
        redirects = self._load_redirects()
        own = {identity.slug} | {s for s, i in redirects.items() if i == identity.id}
        return unique_slug(identity.id, lambda s: s not in own and self._slug_taken(s), stem(path))

    def flush(self) -> None:
        """Write the batched identities (before the articles that refer to them)."""
        if self._new:
            self.store.add_identities(self._new)
            self._new.clear()
        if self._new_vanished:
            self.store.add_vanished(self._new_vanished)
            self._new_vanished.clear()
