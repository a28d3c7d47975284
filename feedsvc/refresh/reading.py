"""Read, hash and parse one file a refresh looks at: what it publishes, or why it does not.

Nothing here writes to the index: the pass (pass_.py) decides what an outcome means.
"""

from __future__ import annotations

import hashlib
from typing import Literal
from typing import NamedTuple

from ..errors import ParseError
from ..model import ParsedArticle
from ..model import ParseRules
from ..parse import parse_bytes
from ..sources import CompleteCheck
from ..sources import FileChanged
from ..sources import SourceFile
from ..sources import read_file


class Outcome(NamedTuple):
    """What reading one file gave."""

    kind: Literal["parsed", "same", "skip", "defer"]
    raw_hash: str  #: sha256 of the bytes ("" when they could not be read)
    parsed: ParsedArticle | None = None  #: for "parsed"
    reason: str = ""  #: for "skip" and "defer"


def read_one(src: SourceFile, known_raw: str | None, rules: ParseRules, max_bytes: int,
             check: CompleteCheck | None = None) -> Outcome:  # fmt: skip
    """Read, hash and parse one file; bytes whose hash is ``known_raw`` are not parsed again.
    A file ``check`` finds incomplete (refresh.settle) is a "defer"."""
    try:
        data = read_file(src, max_bytes, check)
    except FileChanged as e:
        return Outcome("defer", "", reason=str(e))
    except ParseError as e:
        return Outcome("skip", "", reason=e.reason)
    raw = hashlib.sha256(data).hexdigest()
    if known_raw is not None and raw == known_raw:
        return Outcome("same", raw)
    try:
        parsed = parse_bytes(data, rules)
    except ParseError as e:
        return Outcome("skip", raw, reason=e.reason)
    return Outcome("parsed", raw, parsed)


def content_hash(parsed: ParsedArticle, article_id: str) -> str:
    """Hash of everything that is published: a change here, and only here, moves `updated`."""
    # Unit/record separators cannot occur in cleaned text (they are removed as XML-illegal).
    fields = [
        article_id, parsed.title, parsed.summary, parsed.author or "", "\x1f".join(parsed.tags),
        parsed.date.isoformat() if parsed.date else "",
    ]  # fmt: skip
    fields.extend(b.kind + b.text for b in parsed.blocks)
    return hashlib.sha256("\x1e".join(fields).encode("utf-8")).hexdigest()
