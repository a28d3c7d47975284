"""The parser: raw bytes of a seed file -> ParsedArticle. Pure: no I/O, no configuration.

Modules: ``text`` (bytes -> clean lines), ``patterns`` (the [parse] patterns), ``features``
and ``model_lines`` (what a line shows, the learned weights), ``classify`` (the class of each
line), ``lead`` (sentences -> title and summary), ``article`` (the header and the article).
This package's public face is below.
"""

from __future__ import annotations

from ..errors import ParseError
from .article import author_name
from .article import parse_bytes
from .article import parse_date
from .article import parse_text
from .article import split_header
from .lead import is_date_line
from .lead import iter_sentences
from .lead import make_summary
from .lead import make_title
from .lead import split_sentences
from .lead import strip_dateline
from .model_lines import data_fingerprint
from .text import clean_line
from .text import clean_text
from .text import decode
from .text import split_lines

__all__ = [
    "ParseError",
    "author_name",
    "clean_line",
    "clean_text",
    "data_fingerprint",
    "decode",
    "is_date_line",
    "iter_sentences",
    "make_summary",
    "make_title",
    "parse_bytes",
    "parse_date",
    "parse_text",
    "split_header",
    "split_lines",
    "split_sentences",
    "strip_dateline",
]
