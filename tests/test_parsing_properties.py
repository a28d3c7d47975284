"""Property tests for the parser: it is total, and its output is always clean."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from feedsvc.config import Settings
from feedsvc.model import ParsedArticle
from feedsvc.parse import ParseError
from feedsvc.parse import parse_bytes
from feedsvc.parse import parse_text

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("index.sqlite")).parse_rules()
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
PROPERTY = settings(max_examples=200, deadline=None)

# Text that looks like an article more often than st.text() alone: words, sentence ends, line
# ends of every kind, header-ish keys, controls and escapes.
FRAGMENTS = st.sampled_from(
    [
        "The", "minister", "said", "Mr.", "Dr.", "J.", "3.5", "U.S.", ".", "!", "?", ",", '"', "“", "”",
        " ", "  ", "\t", "\u00a0", "\n", "\r\n", "\r", "\n\n", "Title:", "Date:", "Summary:", "Id:",
        "2025-03-03", "(Picture: AP)", "»", "…", "\x1b[31m", "\x1b]", "\x07", "\x00", "\x01", "\ufeff",
        "\ud800", "\ufffe", "\x85", "\u2028", "café", "Über",
    ]
)  # fmt: skip
ARTICLE_TEXT = st.one_of(st.text(), st.lists(st.one_of(FRAGMENTS, st.text(max_size=8))).map("".join))
ARTICLE_BYTES = st.one_of(
    st.binary(),
    ARTICLE_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    ARTICLE_TEXT.map(lambda t: t.encode("cp1252", "replace")),
    ARTICLE_TEXT.map(lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le", "surrogatepass")),
    st.binary().map(lambda b: codecs.BOM_UTF8 + b),
)
# Paragraph text that cannot itself spell a caption or a boilerplate line.
PLAIN = st.text(st.characters(categories=("L", "N", "P", "Zs"), exclude_characters="()[]"), max_size=60)
CAPTIONS = [
    "Firefighters at the scene (Picture: AP)",
    "The damaged roof (Pictures: AP / Reuters)",
    "Queues outside the shop (Image: Getty)",
]
BOILERPLATE = [
    "Get in touch with our news team by emailing us at [email protected].",
    "For more stories like this, check our news page.",
    "Got a story for us? Email us at [email protected].",
]


def assert_clean(article: ParsedArticle) -> None:
    for text in (article.title, article.summary, *(b.text for b in article.blocks)):
        assert not XML_ILLEGAL.search(text), repr(text)


@PROPERTY
@given(ARTICLE_BYTES)
@example(b"Date: 99999-99-99\n\nBody.")
@example(b"Date: 0001-01-01T00:00:00+14:00\n\nBody.")
@example("Lone \ud800 surrogate.".encode("utf-8", "surrogatepass"))
@example(b".")
def test_parse_bytes_is_total_and_clean(data: bytes) -> None:
    try:
        article = parse_bytes(data, RULES)
    except ParseError as e:
        assert e.reason
        return
    assert article.title and article.paragraphs
    assert_clean(article)


@PROPERTY
@given(ARTICLE_TEXT)
def test_parse_text_is_total_and_clean(text: str) -> None:
    try:
        article = parse_text(text, RULES)
    except ParseError:
        return
    assert_clean(article)


@PROPERTY
@given(
    before=st.lists(PLAIN, max_size=4),
    after=st.lists(PLAIN, max_size=4),
    line=st.sampled_from(CAPTIONS + BOILERPLATE),
)
def test_injected_caption_or_boilerplate_never_in_title_or_summary(
    before: list[str], after: list[str], line: str
) -> None:
    text = "\n".join([*before, line, *after])
    try:
        article = parse_text(text, RULES)
    except ParseError:
        assert not "".join(before + after).strip()  # only when nothing else is there
        return
    assert line not in article.title and line not in article.summary
    assert line not in article.paragraphs
    if line in CAPTIONS:
        assert line in article.captions


# The fast paths of split_lines and of the line classifier against their plain definitions.
MORE_FRAGMENTS = st.sampled_from(["&amp;", "&mdash;", "&#8203;", "&lt;", "\x1c", "\x1e", "\x0b", "\x0c",
                                  "e\u0301", "\u3000", "\u200b", "\xad", "  ", "\r\r\n", "\x7f"])  # fmt: skip
LINE_TEXT = st.one_of(ARTICLE_TEXT, st.lists(st.one_of(FRAGMENTS, MORE_FRAGMENTS, PLAIN)).map("".join))


@PROPERTY
@given(LINE_TEXT)
@example("a\n")
@example("a\r\n\r\nb  c \n")
@example("&amp;lt; &#x1c;x\x1cy")
@example("Title: T\r\x1b\nAuthor: Jo\r\n\r\nBody.")  # characters go before lines are split
@example("a\r\x00\nb\r\x1b[0m\nc\r\u200b\x7f\nd")
@example("a\r&#10;b&#13;\nc")  # references are decoded first: these are one CRLF each
def test_split_lines_equals_its_definition(text: str) -> None:
    from feedsvc.parse.text import clean_line
    from feedsvc.parse.text import clean_text
    from feedsvc.parse.text import split_lines

    # Clean the characters of the whole text, then split it: a control between CR and LF is
    # removed and leaves one CRLF.
    assert split_lines(text) == [clean_line(line) for line in clean_text(text).splitlines()]


# Characters the cleaning removes, so never a line end (unlike \v \f \x85 \u2028): stray debris
# a header line can end with. A lone ESC only before a line end: "ESC A" is an escape sequence
# and takes the "A" of "Author" with it.
_STRAY = ["\x00", "\x01", "\x07", "\x08", "\x0e", "\x1c", "\x1e", "\x1f", "\x7f", "\x81", "\x9b",
          "\x1b[31m", "\x1b[0m", "\x1b]0;t\x07", "\u200b", "\ufeff"]  # fmt: skip
STRAY = st.lists(st.sampled_from(_STRAY), max_size=3).map("".join)
STRAY_BEFORE_END = st.lists(st.sampled_from([*_STRAY, "\x1b"]), max_size=3).map("".join)
WORDS = st.lists(
    st.sampled_from(["Harbour", "reopens", "Jo", "O'Neil", "3", "café", "Zürich"]), min_size=1, max_size=4
)


# Up to 7 lines below (title, author, blank, 4 body lines): what comes before, inside (CRLF
# only) and after each line end.
STRAYS = st.lists(st.tuples(STRAY_BEFORE_END, STRAY_BEFORE_END, STRAY), min_size=7, max_size=7)
BODY = st.lists(
    st.sampled_from(["The harbour reopened.", "Boats are back.", "Zoë is glad."]), min_size=1, max_size=4
)


@PROPERTY
@given(
    title=WORDS.map(" ".join),
    author=st.none() | WORDS.map(" ".join),
    body=BODY,
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    strays=STRAYS,
)
@example(
    title="T", author="Jo", body=["Body."], newline="\r\n", strays=[("", "\x1b", "")] + [("", "", "")] * 6
)
@example(title="T", author=None, body=["Body."], newline="\r", strays=[("\x00", "", "\x1b[0m")] * 7)
def test_header_survives_stray_controls_at_line_ends(
    title: str, author: str | None, body: list[str], newline: str, strays: list[tuple[str, str, str]]
) -> None:
    lines = [f"Title: {title}", *([f"Author: {author}"] if author else []), "", *body]
    ends = [
        before + (newline if newline != "\r\n" else "\r" + inside + "\n") + after
        for before, inside, after in strays
    ]
    text = "".join(line + end for line, end in zip(lines, ends, strict=False))
    article = parse_text(text, RULES)
    assert (article.title, article.author, article.paragraphs) == (title, author, tuple(body))


PATTERN_SETS = [
    RULES.boilerplate,
    RULES.captions,
    RULES.debris,
    tuple(re.compile(p, re.IGNORECASE) for p in (r"^a", r"^(b)\1", r"(?i)^c", r"^d|e", r"\Af", r"^$")),
    tuple(re.compile(p) for p in (r"^Ab", r"^ab$", r"x$")),
]
MATCHER_LINE = st.lists(
    st.one_of(
        st.sampled_from(BOILERPLATE + CAPTIONS + ["a", "bb", "C", "d", "e", "f", "Ab", "x", " "]), PLAIN
    )
).map("".join)


@PROPERTY
@given(st.sampled_from(PATTERN_SETS), MATCHER_LINE)
def test_matcher_answers_as_the_patterns_one_by_one(patterns: tuple[re.Pattern[str], ...], line: str) -> None:
    from feedsvc.parse.patterns import _matcher

    expected = any(p.search(line) for p in patterns)
    assert _matcher(patterns).search(line, line.casefold()) == expected


def test_matcher_joins_anchored_patterns_only() -> None:
    from feedsvc.parse.patterns import _matcher

    matcher = _matcher(RULES.boilerplate)
    assert matcher.anchored is not None
    # every default boilerplate pattern starts with ^ but the copyright notice inside a line,
    # which runs only on lines that hold its literal
    assert [(hint, p.pattern) for hint, p in matcher.hinted] == [
        ("all rights reserved", r"©\s*\d{4}\b.{0,80}\ball rights reserved")
    ]
    mixed = _matcher(PATTERN_SETS[3])
    assert mixed.anchored is not None
    assert mixed.anchored.pattern == r"^(?:(?:^a)|(?:\Af)|(?:^$))"
    # ^(b)\1 has a group, (?i) cannot be joined, ^d|e is not anchored as a whole
    assert [p.pattern for _, p in mixed.hinted] == [r"^(b)\1", r"(?i)^c", r"^d|e"]


LEAD_TEXT = st.lists(
    st.one_of(
        st.sampled_from(["WASHINGTON (CNN) -- ", "(AP)", "BERLIN – ", "CAPE CANAVERAL, Florida - ", "(BBC) ", "ROME - ", "LONDON, England (Reuters) — ", "PARIS -- ", "SEVILLA, España (EFE) — ", "МОСКВА — ", "Mr.", "。", "」",
                         "U.S.", "3.5", "...", "…", "….", "?!", '."', ".’", " ", "  ", "\t", "A", "b", "(", "É"]),
        PLAIN,
    )
).map("".join)  # fmt: skip


@PROPERTY
@given(LEAD_TEXT)
def test_lead_regexes_equal_their_plain_spelling(text: str) -> None:
    from feedsvc.parse import lead

    plain_end = re.compile(
        r"""(?:[.!?]+|…)['"’”“‘»«›‹)\]]*\s+(?=['"‘“«„(\[]*[A-Z0-9À-ÖØ-ÞΑ-ΩА-ЯЁ])"""
        r"""|[。！？][」』）"”’]*+\s*(?=\S)"""  # CJK: a full stop and all its closers, then any text
    )
    assert [m.span() for m in lead._SENTENCE_END.finditer(text)] == [
        m.span() for m in plain_end.finditer(text)
    ]
    stripped = text[lead._match_dateline(text) :]  # the patterns without the quick pre-check
    assert lead.strip_dateline(text) == (stripped if stripped.strip() else text)


@PROPERTY
@given(st.lists(LEAD_TEXT, min_size=1, max_size=4), st.integers(1, 200), st.integers(1, 400))
# A whole first sentence that itself ends in "…": a title ending in one is not always cut.
@example(["WASHINGTON (CNN) -- WASHINGTON (CNN) -- …", "WASHINGTON (CNN) -- "], 21, 19)
# A sentence one word over the limit: the title shows nearly all of it.
@example(["The council voted to close the bridge now. Work starts soon."], 40, 400)
def test_title_and_summary_together_match_each_alone(
    paragraphs: list[str], title_limit: int, limit: int
) -> None:
    from feedsvc.parse import lead

    title, summary = lead.make_title_and_summary(paragraphs, title_limit, limit)
    assert title == lead.make_title(paragraphs[0], title_limit)
    whole = lead.make_summary(paragraphs, limit)
    first = list(lead.iter_sentences(lead.strip_dateline(paragraphs[0])))
    worded = [i for i, x in enumerate(first) if lead._is_title_sentence(x)]
    if not worded:  # nothing to share: the summary the lead alone gives
        assert summary == whole
        return
    # Each sentence after the title's, with whether it ends its paragraph.
    later = [first[worded[0] + 1 :]] + [list(lead.iter_sentences(p)) for p in paragraphs[1:]]
    after = [(x, k == len(group) - 1) for group in later for k, x in enumerate(group)]
    sentence = first[worded[0]]
    rest = lead._rest_after_title(sentence, title)
    if title.endswith("…") and len(title) - 1 < lead.TITLE_SHOWN * len(sentence) and rest:
        # A title cut short: the summary says the rest of its sentence, then goes on.
        assert summary.startswith("…") and lead._headline_text(sentence).startswith(title[:-1])
        continued = ("…" + rest, len(first) == worded[0] + 1)
        expected = lead._summary_from(iter([continued, *after]), limit, lead.SUMMARY_SENTENCES + 1, True)
        assert summary == expected
        return
    cut = title.endswith("…") and len(title) - 1 < lead.TITLE_SHOWN * len(sentence)
    if cut and title != lead._without_full_stop(lead._headline_text(sentence)):
        # A title that shows none of its sentence (the ellipsis alone): the summary gives it whole.
        from_first = [(x, k == len(first) - 1) for k, x in enumerate(first[: worded[0] + 1])]
        expected = lead._summary_from(iter(from_first + after), limit, lead.SUMMARY_SENTENCES + 1)
        assert summary == expected
        return
    # The title is the first sentence with a word, whole or nearly: the summary goes on after it.
    expected = lead._summary_from(iter(after), limit, lead.SUMMARY_SENTENCES, True) or lead._summary_from(
        ((x, False) for x in first[: worded[0] + 1]), limit, worded[0] + 1
    )
    assert summary == expected
