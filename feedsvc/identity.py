"""An article's permanent identity: its guid and its URL slug, derived from its id. Pure, no I/O.

Both are computed once, when an id is first seen, and then stored (the ``identities`` table):
changing anything here changes only what *new* articles get.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable

from slugify import slugify

# Namespace of the urn:uuid ids: uuid5(NAMESPACE, article id). Never change it: ids are permanent.
GUID_NAMESPACE = uuid.UUID("6f0c8e52-7c53-5d2a-9a57-2f4b1de0a7c1")
_GUID_NAMESPACE_BYTES = GUID_NAMESPACE.bytes
SLUG_MAX = 80

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


def unique_slug(article_id: str, taken: Callable[[str], bool]) -> str:
    """make_slug(article_id), with a suffix when ``taken`` says it is in use. The suffix depends
    only on the id (a hash prefix, lengthened until free), never on the order files arrive in."""
    base = make_slug(article_id)
    slug = base
    if taken(slug):
        digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()
        n = 6
        while taken(slug):
            slug = f"{base}-{digest[:n]}"
            n += 2
    return slug


def make_guid(article_id: str) -> str:
    """``urn:uuid:`` + uuid5(GUID_NAMESPACE, id), spelt out with hashlib (uuid.uuid5 costs 3x
    as much: it builds UUID objects); a test holds the two equal."""
    digest = bytearray(hashlib.sha1(_GUID_NAMESPACE_BYTES + article_id.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
