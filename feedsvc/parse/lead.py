"""The lead of an article -> its headline and summary: sentence splitting that abbreviations,
initials, decimals and quotes do not fool; wire datelines; cutting on word boundaries.

Pure functions: nothing here opens a file or reads configuration.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Sequence
from itertools import chain

from .dates import month_of

# --------------------------------------------------------------------------- sentences

# Words that are followed by a full stop but do not end a sentence before a capital.
_NON_TERMINAL = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "ft",
        "gen",
        "col",
        "lt",
        "maj",
        "sgt",
        "cpl",
        "capt",
        "cmdr",
        "cdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "fr",
        "hon",
        "pres",
        "supt",
        "insp",
        "det",
        "cllr",
        "no",
        "nos",
        "vol",
        "vols",
        "fig",
        "figs",
        "pp",
        "ed",
        "eds",
        "est",
        "approx",
        "dept",
        "univ",
        "vs",
        "v",
        "al",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "ave",
        "rd",
        "blvd",
        "cf",
        "ca",
        "op",
        "ch",
        "art",
        "sec",
        "para",
        "messrs",
        "mme",
        "mlle",
    ]
)
# Sentence-final punctuation, closing quotes/brackets, then space and a sentence start.
# Written to open with a character set ("[.!?]+|…", spelt so that re's search can skip to the
# candidates instead of trying every position: about 3x faster on long paragraphs).
# A capital that may start a sentence: Latin, Greek, Cyrillic. CJK full stops (。！？) end a
# sentence whatever follows, with or without a space.
# The closers after a CJK stop are all taken (a paragraph that ends "。」" is one sentence, not
# "。" and a stray "」").
# Both kinds of sentence end open with one character set and branch after it on what that
# character was: a top-level alternation of two sets would not let re skip to the candidates.
_SENTENCE_END = re.compile(
    r"""[.!?…。！？](?:(?<=[.!?…])(?:(?<=[.!?])[.!?]*)?['"’”“‘»«›‹)\]]*\s+(?=['"‘“«„(\[]*[A-Z0-9À-ÖØ-ÞΑ-ΩА-ЯЁ])"""
    r"""|(?<=[。！？])[」』）"”’]*(?![」』）"”’])\s*(?=\S))"""
)
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


def _is_abbreviation(before: str) -> bool:
    words = before[-40:].rsplit(None, 1)
    if not words:
        return False
    token = words[-1].lstrip("""'"‘“«([""")
    if not token:
        return False
    if len(token) == 1 and token.isalpha():  # an initial: "J. K. Rowling"
        return True
    if _DOTTED.fullmatch(token):  # U.S, e.g, i.e, a.m
        return True
    return token.lower() in _NON_TERMINAL


def iter_sentences(paragraph: str) -> Iterator[str]:
    """Yield a paragraph's sentences, not fooled by abbreviations, initials, decimals or quotes.

    Lazy: a title needs only the first sentence, a summary only the first few.
    """
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        is_stop = paragraph[m.start()] == "." and not paragraph.startswith("..", m.start())
        if is_stop and _is_abbreviation(paragraph[max(start, m.start() - 40) : m.start()]):
            continue
        sentence = paragraph[start : m.start() + len(m.group(0).rstrip())].strip()
        if sentence:
            yield sentence
        start = m.end()
    rest = paragraph[start:].strip()
    if rest:
        yield rest


def split_sentences(paragraph: str) -> list[str]:
    """All sentences of a paragraph (see iter_sentences)."""
    return list(iter_sentences(paragraph))


# --------------------------------------------------------------------------- lead text

# "WASHINGTON (CNN) -- ", "(CNN)", "LONDON, England (Reuters) -- ", "SEVILLA, España (EFE) — ",
# "MOSCOW — ": wire-service datelines, in any alphabet with capitals. Python's re has no class
# for capital letters, so each pattern matches letters and ``_dateline_end`` checks the case.
# A date may follow the place: "LONDON, March 3 (Reuters) - ", "MADRID, 3 mar (EFE).- ",
# "МОСКВА, 3 марта — ", "ПАРИЖ, 3 марта. /ТАСС/. "; its month is a word of dates.py's table.
_L = r"[^\W\d_]"  # a letter
_PLACE_CHARS = rf"(?:{_L}|[.'’ -])"
# Wire services, a fixed list: their names are what tells a dateline from a parenthesis.
_AGENCIES = (
    "CNN|AP|Reuters|AFP|UPI|PA|BBC|EFE|dpa|DPA|ANSA|Lusa|LUSA|Xinhua|Kyodo|Yonhap|TASS|ТАСС|PTI|IANS|"
    "ANP|Belga|APA|KNA|AA|Europa Press|EUROPA PRESS|Bernama|Antara|ANTARA|CTK|ČTK|PAP|NTB|TT|SDA|ATS|"
    "Интерфакс|РИА Новости|ANA-MPA|АНА-МПА"
)
# ", March 3", ", 3 mars 2024", ", 3. März", ", 3 de março de 2024": a day and a month's name
_DATE_PART = (
    rf",\s*(?:(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?(?P<month>{_L}{{3,12}})\.?|(?P<month2>{_L}{{3,12}})\.?\s+(?P<day2>\d{{1,2}}))"
    r"(?:,?\s+(?:de\s+)?(?:19|20)\d{2})?"
)
_DATELINES = (
    # [Place[, Region]][, date] (Agency) [dash] or /Agency/: the place starts with a capital
    re.compile(
        rf"(?:(?P<place>{_L}{_PLACE_CHARS}{{0,40}})(?:, (?P<region>{_L}{_PLACE_CHARS}{{0,30}}))?"
        rf"(?:{_DATE_PART})?\.?\s*)?"
        rf"(?:\((?:{_AGENCIES})\)|(?<=\. )/(?:{_AGENCIES})/)\s*\.?\s*(?:--|—|–|-)?\s*"
    ),
    # PLACE[, Region][, date] -- [Agency.]: the place in capitals, a dash other than a hyphen
    re.compile(
        rf"(?P<caps>{_L}{_PLACE_CHARS}{{2,30}})(?:, (?P<region>{_L}{_PLACE_CHARS}{{1,30}}))?(?:{_DATE_PART})?"
        rf"\s+(?:--|—|–)\s+(?:(?:{_AGENCIES})\.\s+)?"
    ),
    # "CAPE CANAVERAL, Florida - ": a plain hyphen only after a place in capitals and a region
    re.compile(rf"(?P<caps>{_L}{_PLACE_CHARS}{{2,30}}), (?P<region>{_L}(?:{_L}|[.'’ ]){{1,30}}?)\s+-\s+"),
    # "HONOLULU, Hawaii (KHNL) - ": a place in capitals, any source in brackets, then a dash
    re.compile(
        rf"(?P<caps>{_L}{_PLACE_CHARS}{{2,30}}?)(?:, (?P<region>{_L}{_PLACE_CHARS}{{1,30}}?))?(?:{_DATE_PART})?\s*"
        r"\((?P<source>[^\W\d_][\w.&'’/-]{0,30}(?: [\w.&'’/-]+){0,3})\)\s*\.?(?:--|—|–|-)\s+"
    ),
    # "【金沢】", "【ワシントン共同】": a place (and agency) in lenticular brackets, in Japanese
    re.compile(r"【[^【】\s]{1,12}】\s*"),
)
_ELLIPSIS = "…"
# Literals one of which every dateline contains.
_DATELINE_MARKS = ("(", "--", "—", "–", " - ", ". /", "【")


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# A paragraph that is nothing but a date: "December 3, 2004", "Friday, 3 December 2004",
# "2004-12-03". Wikinews and some wires open an article with one.
_DATE_LINE = re.compile(
    r"(?:(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\.?,?\s+)?"
    rf"(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\.?",
    re.IGNORECASE,
)


def is_date_line(paragraph: str) -> bool:
    """True for a paragraph that is only a date ("December 3, 2004"): a dateline, not a lead."""
    return len(paragraph) <= 40 and _DATE_LINE.fullmatch(paragraph) is not None


def lead_paragraphs(paragraphs: Sequence[str]) -> Sequence[str]:
    """The paragraphs a title and summary are made from: all, but an opening date line."""
    if len(paragraphs) > 1 and is_date_line(paragraphs[0]):
        return paragraphs[1:]
    return paragraphs


def _capital(word: str) -> bool:
    return word[:1].isupper()


def _in_capitals(place: str) -> bool:
    """ "NEW YORK", "SEVILLA", "МОСКВА": capitals and no small letter."""
    return _capital(place) and not any(c.islower() for c in place)


def dateline_end(text: str) -> int:
    """Where a leading wire-service dateline ends (0: the text opens with none)."""
    if not any(mark in text for mark in _DATELINE_MARKS):
        return 0  # every dateline has one of these: skip the backtracking patterns
    return _match_dateline(text)


def _is_date(m: re.Match[str]) -> bool:
    """The dateline's date part, when it has one, names a month (and its day is one)."""
    groups = m.groupdict()
    month = groups.get("month") or groups.get("month2")
    if month is None:
        return True
    return month_of(month) > 0 and 1 <= int(groups.get("day") or groups.get("day2") or 1) <= 31


def _match_dateline(text: str) -> int:
    agency, caps, hyphen, sourced, bracketed = _DATELINES
    m = agency.match(text)
    if m and all(_capital(m[g] or "X") for g in ("place", "region")) and _is_date(m):
        return m.end()
    for pattern in (caps, hyphen, sourced):
        m = pattern.match(text)
        if (
            m
            and _in_capitals(m["caps"])
            and _capital(m["region"] or "X")
            and _capital(m.groupdict().get("source") or "X")
            and _is_date(m)
        ):
            return m.end()
    m = bracketed.match(text)
    return m.end() if m else 0


def strip_dateline(text: str) -> str:
    """Remove a leading wire-service dateline, as shown in a title or summary."""
    end = dateline_end(text)
    stripped = text[end:]
    return stripped if end and stripped.strip() else text


_DATELINE_HEAD = 120  #: every wire dateline ends within this many characters of the start


def opens_with_dateline(text: str) -> bool:
    """A paragraph that opens with a wire dateline (strip_dateline would take one off), told
    from its first characters only: a long paragraph costs no more than a short one."""
    head = text[:_DATELINE_HEAD]
    return strip_dateline(head) != head


_CLAUSE_ENDS = (", ", "; ", ": ", " – ", " — ", " -- ", "、", "，")


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending in an ellipsis: after a clause
    (a comma, a semicolon, a dash) when one ends in the last third of the room, else on a word
    boundary. Never mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    clause = max(cut.rfind(mark) for mark in _CLAUSE_ENDS)
    if clause >= (2 * limit) // 3:
        return cut[:clause].rstrip(" ,;:-–—(‘“'\"、，") + _ELLIPSIS
    space = cut.rfind(" ")
    if space > limit // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—(‘“'\"") + _ELLIPSIS


# What may open a sentence but not a headline: stray sentence ends, dashes, bullets, commas
# (". The minister spoke.", "— The minister spoke."). Not quotes or brackets, and not a sign
# before a number ("-5 degrees", ".5 percent").
_TITLE_JUNK = re.compile(r"[\s.!?…,;:*•·‐‑‒–—―-]+(?![0-9])")


def _is_title_sentence(sentence: str) -> bool:
    """A "sentence" of punctuation only ("." "..." "!?" "—") is no headline."""
    return sentence[:1].isalnum() or any(c.isalnum() for c in sentence)  # most open with a letter


def _title_sentence(sentences: Iterator[str], seen: list[str]) -> str | None:
    """The first sentence that can be a headline; every sentence taken is added to ``seen``."""
    for sentence in sentences:
        seen.append(sentence)
        if _is_title_sentence(sentence):
            return sentence
    return None


# An opening quotation mark and the marks that may close it, in the languages' conventions
# (“…” and „…“ and »…«, ‘…’ and ‚…‘, «…», 「…」).
_QUOTE_CLOSERS = {
    "“": "”“",
    "„": "“”",
    "«": "»",
    "»": "«",
    "‹": "›",
    "‘": "’‘",
    "‚": "‘’",
    "「": "」",
    "『": "』",
    '"': '"',
}


def _unquoted(sentence: str) -> str:
    """Without an opening quotation mark that nothing in the sentence closes: the first
    sentence of a quote that runs on ("“The show was great. We loved it.”") would open a
    headline that never closes it."""
    closers = _QUOTE_CLOSERS.get(sentence[:1])
    if closers is None or any(c in sentence[1:] for c in closers):
        return sentence
    rest = sentence[1:].lstrip()
    return rest or sentence


# What may close a sentence after its full stop: quotes and brackets (as in _SENTENCE_END).
_SENTENCE_CLOSERS = "'\"’”“‘»«›‹)]」』）"


def _without_full_stop(sentence: str) -> str:
    """A headline has no final full stop, also when quotes or brackets close the sentence after
    it ('The ward is known as the "quiet wing."' -> '... the "quiet wing"'). An
    ellipsis ("..") stays, and so does a full stop after no word: a lead of just "." or '"."'
    keeps it, a title is never empty or marks only."""
    body = sentence.rstrip(_SENTENCE_CLOSERS)
    if body.endswith((".", "。")) and not body.endswith("..") and _is_title_sentence(body[:-1]):
        return body[:-1].rstrip() + sentence[len(body) :]
    return sentence


def _headline_text(sentence: str) -> str:
    """The sentence as a headline shows it, before any cut: without what may open a sentence but
    not a headline (_TITLE_JUNK) and without an opening quote it never closes (_unquoted)."""
    junk = _TITLE_JUNK.match(sentence)
    if junk and sentence[junk.end() :].strip():
        sentence = sentence[junk.end() :].lstrip()
    return _unquoted(sentence)


def _title_from(sentence: str, limit: int) -> str:
    return shorten(_without_full_stop(_headline_text(sentence)), limit)


# What a cut title's clause mark leaves at the head of the rest of its sentence: a comma, a
# semicolon, a colon or a dash with a space after it (not the sign of "-5 degrees").
_CUT_MARK = re.compile(r"\s*(?:(?:[,;:]|--|[-–—])(?=\s)|[、，])?\s*")


def _rest_after_title(sentence: str, title: str) -> str:
    """What a title ending in an ellipsis (_title_from of ``sentence``) leaves out of its
    sentence, from the word after the cut to the sentence's end: "" when it shows no word of
    it (the ellipsis alone, or after a quotation mark) or leaves out marks only (the
    sentence's own closing "…" too)."""
    shown = title[: -len(_ELLIPSIS)]
    if not _is_title_sentence(shown):  # no word: a quotation mark or a bracket at most
        return ""
    text = _headline_text(sentence)
    rest = text[len(shown) :]  # shorten() cuts a prefix of the text
    rest = rest[_CUT_MARK.match(rest).end() :]  # type: ignore[union-attr]  # matches "" at worst
    return rest if _is_title_sentence(rest) else ""  # marks only: nothing to go on with


def make_title(lead: str, limit: int) -> str:
    """A headline from the lead paragraph: its first sentence with a word in it, without the
    final full stop (or its first sentence, or the lead, when none has a word)."""
    seen: list[str] = []
    sentence = _title_sentence(iter_sentences(strip_dateline(lead)), seen)
    if sentence is None:
        sentence = seen[0] if seen else lead
    return _title_from(sentence, limit)


_CJK_STOPS = "。！？"
_CJK_CLOSERS = '」』）"”’'  # what may follow a CJK full stop in the same sentence (_SENTENCE_END)


def _gap_after(sentence: str) -> str:
    """What goes between this sentence and the next in a summary: nothing after a CJK full
    stop (Chinese and Japanese put no space between sentences), else a space."""
    end = sentence.rstrip(_CJK_CLOSERS)[-1:]
    return "" if end and end in _CJK_STOPS else " "


SUMMARY_SENTENCES = 2  #: a summary ends with its paragraph once it has this many after the title's


def _paragraph_ends(sentences: Iterator[str]) -> Iterator[tuple[str, bool]]:
    """Each of one paragraph's sentences, and whether it is the paragraph's last."""
    held: str | None = None
    for sentence in sentences:
        if held is not None:
            yield held, False
        held = sentence
    if held is not None:
        yield held, True


def _marked(paragraphs: Sequence[str], lead: Iterator[str] | None = None) -> Iterator[tuple[str, bool]]:
    """The sentences of the lead paragraphs, each with whether it ends its paragraph; the first
    paragraph's from ``lead`` when given (its sentences not yet read), else without its dateline."""
    first = lead if lead is not None else iter_sentences(strip_dateline(paragraphs[0]))
    yield from _paragraph_ends(first)
    for paragraph in paragraphs[1:]:
        yield from _paragraph_ends(iter_sentences(paragraph))


def _summary_from(
    sentences: Iterator[tuple[str, bool]], limit: int, enough: int, worded_only: bool = False
) -> str:
    """Whole sentences up to ``limit`` characters, ending with a paragraph once ``enough`` are
    taken: a summary says a few things and stops where its paragraph does, not inside the next
    one. With ``worded_only``, sentences of punctuation only are left out. When even the first
    sentence is longer than ``limit``, it is cut on a word boundary with an ellipsis."""
    parts: list[str] = []  # the sentences taken, each with the gap before it
    length = 0
    gap = ""  # none before the first sentence
    for sentence, ends_paragraph in sentences:
        if not worded_only or _is_title_sentence(sentence):
            extra = len(gap) + len(sentence)
            if length + extra > limit:
                if not parts:
                    return shorten(sentence, limit)
                break
            parts.append(gap + sentence)
            length += extra
            gap = _gap_after(sentence)
        if ends_paragraph and len(parts) >= enough:
            break
    return "".join(parts)


def make_summary(paragraphs: Sequence[str], limit: int) -> str:
    """Whole sentences from the lead paragraphs, up to ``limit`` characters, ending with a
    paragraph once they are one more than SUMMARY_SENTENCES (no title of the text's own says
    the first).

    Cut on a sentence boundary; when even the first sentence is longer than ``limit``, on a
    word boundary with an ellipsis. Never mid-word.
    """
    return _summary_from(_marked(paragraphs), limit, SUMMARY_SENTENCES + 1)


TITLE_SHOWN = 0.9  #: a cut title that shows this share of its sentence stands for the sentence


def make_title_and_summary(
    paragraphs: Sequence[str], title_limit: int, summary_limit: int
) -> tuple[str, str]:
    """The title (make_title of the first paragraph) and a summary that goes on where the title
    stops: a reader shows both, one above the other, so the summary never says the title again.
    When the title is the whole first sentence, or shows TITLE_SHOWN of it before its cut, the
    summary starts with the next sentence; when the title is cut short, with an ellipsis and the
    rest of the first sentence ("…to all cars for a year."), which counts as one of the
    summary's sentences. It ends with a paragraph once it has SUMMARY_SENTENCES (_summary_from).
    A title that shows nothing of its sentence (a room of a character or two) leaves the summary
    the whole sentence."""
    lead = iter_sentences(strip_dateline(paragraphs[0]))
    seen: list[str] = []  # the sentences of the lead read so far
    first = _title_sentence(lead, seen)
    if first is None:  # no sentence with a word: nothing to share
        return make_title(paragraphs[0], title_limit), make_summary(paragraphs, summary_limit)
    title = _title_from(first, title_limit)
    if title.endswith(_ELLIPSIS) and len(title) - 1 < TITLE_SHOWN * len(first):
        rest = _rest_after_title(first, title)
        if rest:  # the title is cut short: the summary says the rest of its sentence first
            # (whether the rest ends its paragraph tells nothing: it is the first of more)
            continued = chain([(_ELLIPSIS + rest, False)], _marked(paragraphs, lead))
            return title, _summary_from(continued, summary_limit, SUMMARY_SENTENCES + 1, worded_only=True)
        if title != _without_full_stop(_headline_text(first)):  # it shows nothing of it: all of it
            return title, _summary_from(
                _marked(paragraphs, chain(seen, lead)), summary_limit, SUMMARY_SENTENCES + 1
            )
    # The title is the whole first sentence, or all of it but its last few words: the summary
    # goes on from there, unless there is nothing else to say.
    after = _marked(paragraphs, lead)
    return title, _summary_from(after, summary_limit, SUMMARY_SENTENCES, worded_only=True) or _summary_from(
        ((sentence, False) for sentence in seen),
        summary_limit,
        0,  # no paragraph end: all of them
    )
