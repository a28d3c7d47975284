"""An article's permanent identity: its id, guid and URL slug. Pure, no I/O.

Ids come in two kinds that never meet (README "Ids"): an ``Id:`` header's value
(``header_key``), and for a file without one, ``path:`` + its path without the suffix
(``path_keys``). The guid and slug are computed once, when an id is first seen, and then
stored (the ``identities`` table): changing anything here changes only what *new* articles get.
"""

from __future__ import annotations

import hashlib
import itertools
import posixpath
import re
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator

from slugify import slugify

# Namespace of the urn:uuid ids: uuid5(NAMESPACE, article id). Never change it: ids are permanent.
GUID_NAMESPACE = uuid.UUID("6f0c8e52-7c53-5d2a-9a57-2f4b1de0a7c1")
_GUID_NAMESPACE_BYTES = GUID_NAMESPACE.bytes
SLUG_MAX = 80

_ASCII_SLUG_JUNK = re.compile(r"[^a-z0-9]+")

PATH_PREFIX = "path:"  #: path-derived ids: "path:news/a" for news/a.txt (or news/a.md...)
HEADER_ESCAPE = "id:"  #: put before an Id: header value that starts like a path-derived id


def header_key(value: str) -> str:
    """The id an ``Id:`` header gives: its value, with "id:" in front when the value starts
    with "path:" or "id:". So no header can name a path-derived id, and two different values
    never give the same id."""
    return HEADER_ESCAPE + value if value.startswith((PATH_PREFIX, HEADER_ESCAPE)) else value


def unescaped(article_id: str) -> str:
    """The id as written before escaping (``header_key``): what the content hash is taken
    over, so an index from before the escape keeps its hashes (and `updated` dates)."""
    return article_id.removeprefix(HEADER_ESCAPE)


def stem(relpath: str) -> str:
    """The path without the file's suffix: 'news/a.txt' -> 'news/a' ('a.b.txt' -> 'a.b')."""
    folder, name = posixpath.split(relpath)
    base = posixpath.splitext(name)[0] or name
    return posixpath.join(folder, base) if folder else base


def path_id(relpath: str) -> str:
    """The id a file without an Id: header gets on first sight, unless taken: "path:" + its stem."""
    return PATH_PREFIX + stem(relpath)


def path_keys(relpath: str) -> Iterator[str]:
    """The ids a file without an Id: header may be given when it needs a new one, first
    choice first: "path:" + its stem; then (that one taken, by a.txt beside a.md, say)
    "path:" + the whole path; then that with "#2", "#3"... The caller takes the first that no
    identity has: each is a permanent id, so ids never depend on which of two files came
    first in any way but this order."""
    yield path_id(relpath)
    yield PATH_PREFIX + relpath
    for n in itertools.count(2):
        yield f"{PATH_PREFIX}{relpath}#{n}"


def siblings(relpath: str, suffixes: Iterable[str]) -> list[str]:
    """The other paths a file with the same stem in the same folder may have had: each article
    suffix in every mix of case ('a.txt' -> 'a.TXT', 'a.Txt', ..., 'a.md' when .md is one)."""
    base = stem(relpath)
    out = []
    for suffix in suffixes:
        for chars in itertools.product(*((c.lower(), c.upper()) for c in suffix)):
            candidate = base + "".join(chars)
            if candidate != relpath and candidate not in out:
                out.append(candidate)
    return out


def make_slug(article_id: str) -> str:
    """Readable ASCII URL segment from an id: 'Politik/Über uns.txt' -> 'politik-uber-uns'."""
    return slug_text(article_id[:-4] if article_id.lower().endswith(".txt") else article_id)


def slug_text(text: str) -> str:
    """Readable ASCII URL segment from any text (a path's stem): 'Politik/Über uns' -> 'politik-uber-uns'."""
    if text.isascii():  # the common case, without python-slugify's transliteration machinery
        slug = _ASCII_SLUG_JUNK.sub("-", text.lower()).strip("-")
        if len(slug) > SLUG_MAX:
            slug = slug[:SLUG_MAX].rsplit("-", 1)[0] if "-" in slug[:SLUG_MAX] else slug[:SLUG_MAX]
        return slug.strip("-") or "article"
    slug = slugify(text.replace("/", " "), max_length=SLUG_MAX, word_boundary=True, save_order=True)
    return slug or "article"


def unique_slug(article_id: str, taken: Callable[[str], bool], source: str | None = None) -> str:
    """make_slug(article_id) (or slug_text(source)), with a suffix when ``taken`` says it is in use. The
    suffix depends only on the id (a hash prefix, lengthened until free), never on the order
    files arrive in."""
    base = make_slug(article_id) if source is None else slug_text(source)
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
