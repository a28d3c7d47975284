"""Every line of an article gets a class, with the reason that decided it.

Order of decisions:
1. fixed phrases (``[parse]`` patterns): boilerplate is dropped, debris cut out, captions with a
   credit in brackets are captions;
2. the learned model (model_lines.py) says how likely each other line is the article's text;
3. the shape of a line names what a non-text line is (byline, timestamp, related link, comment,
   caption, chrome), and finds bylines, timestamps and date lines inside the text;
4. the lead is the first line of text that is a real paragraph; text above it is a stand-first.

Pure functions: nothing here opens a file or reads configuration. The tests of step 3 that need
only the line's own text (dates, bylines, credits, teasers, salutations) are in linetypes.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Sequence
from typing import Literal
from typing import NamedTuple

from . import features
from .lead import is_date_line
from .lead import iter_sentences
from .lead import opens_with_dateline
from .lead import strip_dateline
from .linetypes import _PLACE
from .linetypes import AD_LABEL
from .linetypes import byline_name
from .linetypes import is_byline
from .linetypes import is_credit
from .linetypes import is_place_line
from .linetypes import is_promotion
from .linetypes import is_salutation
from .linetypes import is_share_button
from .linetypes import is_teaser
from .linetypes import is_timestamp
from .linetypes import is_upper_line
from .linetypes import line_label
from .model_lines import LEAD_CANDIDATES
from .model_lines import LineModel
from .model_lines import lead_vectors
from .model_lines import line_model
from .model_lines import vectors

Kind = Literal[
    "lead",
    "body",
    "standfirst",
    "caption",
    "byline",
    "dateline",
    "timestamp",
    "boilerplate",
    "comment",
    "related",
]
#: The classes whose lines are the article's text, in the body.
TEXT_KINDS = frozenset({"lead", "body", "dateline"})
THRESHOLD = 0.5  #: a line is text when the model gives it at least this probability
CONTINUE = 0.2  #: ... or at least this, when it ends like a sentence and follows text
SENTENCE_WORDS = 4  #: every line of an article that skips the model has at least this many
PROSE_WORDS = 12  #: a full paragraph has at least this many words (CJK: 30 characters)


class Line(NamedTuple):
    """One line of an article and what it is. A NamedTuple, not a frozen dataclass: one is made
    for every line of every article, and a frozen dataclass's __init__ costs four times as much."""

    text: str
    kind: Kind
    score: float  #: the model's probability that the line is article text (1.0/0.0 for rules)
    reason: str  #: what decided, for ``feedsvc explain``
    sentence: bool = False  #: text that ends like a sentence: summary material
    #: decided by a fixed phrase (a [parse] pattern; a picture's credit and the caption below
    #: it), not by the model or a line's shape: a caption so decided is shown as one
    rule: bool = False


_WORD = re.compile(r"\w+")
_AD_LABEL = re.compile(AD_LABEL, re.IGNORECASE)


_CJK = features.NAMES.index("cjk")
_UPPER = features.NAMES.index("upper_line")
_URL = features.NAMES.index("url")


def _is_prose(shape: features.LineShape, line: str) -> bool:
    """A real paragraph: a sentence or more of running text."""
    if shape.values[_CJK]:
        return len(line) >= 30 and shape.terminal
    return shape.words >= PROSE_WORDS and shape.terminal


COPYRIGHT = "\u00a9"  #: the copyright sign, "©": the site's notice, in any language
LEAD_MARGIN = 0.0  #: how much more likely a later paragraph must be to be the lead than the first
FILL = 0.2  #: ... or at least this, when it lies between lines of text
GAP = 2  #: lines that are not text (rules aside) and still do not break the run of text
RUN_SHARE = 0.5  #: a run of text apart from the main one stays when it is this large


def _runs(
    text: Sequence[bool], fixed: Sequence[Line | None], soft: Sequence[bool] = (), start: int = 0
) -> list[list[int]]:
    """The runs of text lines split by more than GAP lines that are not text (rule-decided
    lines aside); below line ``start``, a ``soft`` line neither joins nor breaks a run."""
    runs: list[list[int]] = []
    gap = GAP + 1
    for i, is_text in enumerate(text):
        if fixed[i] is not None:
            continue
        if is_text:
            if gap > GAP or not runs:
                runs.append([])
            runs[-1].append(i)
            gap = 0
        elif not (soft and i > start and soft[i]):
            gap += 1
    return runs


def main_run(
    text: Sequence[bool],
    sizes: Sequence[int],
    fixed: Sequence[Line | None],
    soft: Sequence[bool] = (),
    lines: Sequence[str] = (),
) -> list[bool]:
    """The article is one run of text: runs of text lines split by more than GAP lines of chrome
    (lines the rules decided do not count) are compared by size, and a run much smaller than
    the largest (a cookie notice above it, a reader's comment below a comment form) is not
    text. Below the start of the largest run, a ``soft`` line (one the model is unsure of
    rather than sure it is chrome: a list's item) counts in no gap: a list article's items
    keep the run going, where a line or two of chrome between them would break it."""
    runs = _runs(text, fixed)
    if len(runs) < 2:
        return list(text)
    size = [sum(sizes[i] for i in run) for run in runs]
    if soft:
        runs = _runs(text, fixed, soft, runs[size.index(max(size))][0])
        size = [sum(sizes[i] for i in run) for run in runs]
    biggest = max(size)
    main = runs[size.index(biggest)]
    out = list(text)
    for run, n in zip(runs, size, strict=True):
        if n < RUN_SHARE * biggest:
            end = _repeated_end(lines, fixed, main, run) if lines else -1
            for i in run:
                if i > end:
                    out[i] = False
    return out


REPEATS = 0.5  #: a run apart from the article's stays when this share of its lines repeat the article's


def _repeated_end(lines: Sequence[str], fixed: Sequence[Line | None], main: list[int], run: list[int]) -> int:
    """Where a run apart from the main one ends as the article's: at its last line that repeats
    a line between the main run's first and last, when REPEATS of the lines from its first to
    its last (rules aside) do so; -1 when they do not. Such a run is the next part of a list
    that repeats one template (a meal plan's next week, a schedule's next day) that a few
    unsure lines cut off; chrome repeats nothing of the article, and the chrome below the
    last repeated line (a footer's notices) is no part of the list."""
    seen = {lines[i] for i in range(main[0], main[-1] + 1) if fixed[i] is None}
    span = [i for i in range(run[0], run[-1] + 1) if fixed[i] is None]
    again = [i for i in span if lines[i] in seen]
    return again[-1] if len(span) > 1 and len(again) >= REPEATS * len(span) else -1


def is_full_paragraph(line: str, words: int = 0) -> bool:
    """A line that ends like a sentence and has at least ``words`` words (PROSE_WORDS when 0;
    CJK: 30 characters, or 10 for a shorter bar). The same as _is_prose on the line's shape."""
    stripped = line.rstrip(features.CLOSERS)
    if not stripped or stripped[-1] not in features.TERMINAL:
        return False
    words = words or PROSE_WORDS
    if features.is_cjk_line(line):
        return len(line) >= (30 if words >= PROSE_WORDS else 10)
    return line.count(" ") + 1 >= words


def ends_run(line: str) -> bool:
    """A line of text that is no sentence and ends a run of summary material: a name or a
    label (fewer than SENTENCE_WORDS words; CJK: 10 characters) or a line in capitals."""
    if features.is_cjk_line(line):
        return len(line) < 10
    return line.count(" ") + 1 < SENTENCE_WORDS or is_upper_line(line)


def is_one_run_of_prose(lines: Sequence[str], fixed: Sequence[Line | None]) -> bool:
    """Every line (rules aside) is a sentence of SENTENCE_WORDS words or more, and one is a
    full paragraph: nothing in the article looks like chrome (menus, bylines, labels and
    headlines have no full stop). On the BBC, CNN and Wikinews corpora and the real pages, the
    model gives the same text and lead on all but 4 of the 2,151 files that qualify (it took
    their first paragraph, a one-sentence quote, for a stand-first)."""
    return _prose_lead(lines, fixed) >= 0


_HEAD = 160


def _prose_lead(lines: Sequence[str], fixed: Sequence[Line | None]) -> int:
    """The index of the first full paragraph when the article is one run of prose
    (is_one_run_of_prose); -1 when it is not. One pass, each line measured once, with the same
    tests as is_full_paragraph."""
    lead = -1
    for i, (line, rule) in enumerate(zip(lines, fixed, strict=True)):
        if rule is not None:
            continue
        stripped = line.rstrip(features.CLOSERS)
        if not stripped or stripped[-1] not in features.TERMINAL:
            return -1
        if features.is_cjk_line(line):
            if len(line) < 10:
                return -1
            full = len(line) >= 30
        else:
            # Words are what single spaces separate; most paragraphs show PROSE_WORDS of them
            # in their first _HEAD characters, and counting a long one to its end is the cost.
            words = line.count(" ", 0, _HEAD) + 1
            if words < PROSE_WORDS:
                words = line.count(" ") + 1
                if words < SENTENCE_WORDS:
                    return -1
            full = words >= PROSE_WORDS
        if full and lead < 0:
            lead = i
    return lead


DATELINE_REACH = 3  #: paragraphs below the first one where a wire dateline still opens the story


def _datelined_lead(lines: Sequence[str], fixed: Sequence[Line | None], lead: int) -> int:
    """A wire dateline ("MIAMI, Florida (CNN) --") opens the story: when the first paragraph
    has none and one of the next few full paragraphs does, that one is the lead, and the
    lines above it are an editor's note, a caption, a stand-first (kept in the body)."""
    for i in range(lead + 1, min(len(lines), lead + 1 + DATELINE_REACH)):
        if fixed[i] is None and opens_with_dateline(lines[i]) and is_full_paragraph(lines[i]):
            return lead if opens_with_dateline(lines[lead]) else i
    return lead


def _one_run_of_prose(lines: Sequence[str], fixed: Sequence[Line | None], lead: int) -> list[Line]:
    """An article that is one run of prose (is_one_run_of_prose; ``lead`` is its first full
    paragraph) has no chrome to tell apart: all of it is text and the first full paragraph is
    the lead. Skipping the model for it makes clean seed files cheap. Its end is found as
    below the model's text (_cut_at_chrome), by the topic alone: a copyright notice (a [parse]
    boilerplate line) below the lead, then sentences about something else (a comment form's
    notice, a newsletter's offer), end it. A short line with an address does not: with no
    model to say the text below is less sure than the story, the topic alone cuts a story's
    own closing lines (a venue's address, then "Entry is free.")."""
    text = [f is None for f in fixed]
    # Only a boilerplate line CUT_ABOVE lines or more below the lead can end it: most files
    # have none, and skip the walk.
    if any(f is not None and f.kind == "boilerplate" for f in fixed[lead + CUT_ABOVE :]):
        text = _cut_at_chrome(lines, fixed, text, lead, None)
    out: list[Line] = []
    for i, (line, rule) in enumerate(zip(lines, fixed, strict=True)):
        if rule is not None:
            out.append(rule)
        elif not text[i]:
            out.append(
                Line(line, "boilerplate", 1.0, "one run of prose; below its end: chrome, then another topic")
            )
        elif i < lead:
            out.append(_above_lead(line, 1.0, "one run of prose; a sentence above the first paragraph"))
        elif i == lead:
            out.append(Line(line, "lead", 1.0, "one run of prose, no chrome: the first paragraph", True))
        else:
            out.append(Line(line, "body", 1.0, "one run of prose, no chrome", True))
    return out


BYLINE_WORDS = 6  #: a name with a role or a source after it ("Jane Smith, AP Sports Writer") has fewer words


def _named_source(line: str) -> bool:
    """A name, then its role or source after a comma or a bar, in a few words without a digit
    or a sentence's end: "Jane Smith, AP Sports Writer", "Juan Pérez | EFE". Not "On December
    3, 2004 it rained." (a sentence that opens with capitals)."""
    stripped = line.rstrip(features.CLOSERS)
    return (
        line.count(" ") < BYLINE_WORDS
        and not any(c.isdigit() for c in line)
        and not (stripped and stripped[-1] in features.TERMINAL)
        and byline_name(line) is not None
    )


def _above_lead(line: str, p: float, otherwise: str) -> Line:
    """A line of text above the lead that is not a full paragraph: a byline, a timestamp, a
    place (dateline) by its shape, else body text (``otherwise`` says why)."""
    if is_byline(line):  # asked first, as _name_other does: "By Jo Bloggs, 3 May 2024"
        return Line(line, "byline", p, "a name after a byline word above the lead")
    if is_date_line(line) or is_timestamp(line):
        return Line(line, "timestamp", p, "a date in a short line above the lead")
    # _CAP leaves out only Latin lower case: is_upper_line tells a Cyrillic or Greek line in
    # capitals ("Принять все" is no place).
    if _PLACE.match(line) and is_upper_line(line):
        return Line(line, "dateline", p, "a place in capitals above the lead")
    if _named_source(line):
        return Line(line, "byline", p, "a name and a role or a source above the lead")
    if is_share_button(line):
        return Line(line, "boilerplate", p, "a button that shares the page on a social network")
    return Line(line, "body", p, otherwise, is_full_paragraph(line, SENTENCE_WORDS))


def lead_candidates(prose: Sequence[bool]) -> list[int]:
    """The first few full paragraphs of text: the lines that may be the lead."""
    return [i for i, x in enumerate(prose) if x][:LEAD_CANDIDATES]


def _below_byline(lines: Sequence[str], candidates: list[int]) -> list[int]:
    """A byline, a timestamp or a place line (is_place_line: "BAAR, SWITZERLAND") opens the
    article: the candidates above the first one that lies between two candidates (a cookie
    notice, a stand-first above "By Jane Smith") are not its lead."""
    for m in range(candidates[0] + 1, candidates[-1]):
        if m not in candidates and (is_byline(lines[m]) or is_timestamp(lines[m]) or is_place_line(lines[m])):
            return [c for c in candidates if c > m]
    return candidates


def _below_picture(lines: Sequence[str], candidates: list[int]) -> list[int]:
    """A stand-first, then the page's picture (its caption, then its credit: is_credit), then
    the lead: the stand-first's first sentence (the title it would give) is a shorter telling
    of the lead. So when the first paragraph below a credit holds at least ON_TOPIC of the topic
    words of the first candidate's first sentence, more of them than all the lines between
    (the caption, any paragraph) hold, and has more topic words than that sentence (it tells
    more), the candidates above the credit are not the lead. A paragraph below a picture within
    the story that says the lead again tells no more than the lead does; one that goes on with
    the story shares few of its words. A credit right below the first candidate (a picture
    without a caption) or a sentence with fewer than TOPIC_EVIDENCE topic words tells nothing."""
    first = candidates[0]
    credit = next((m for m in range(first + 2, candidates[-1]) if m not in candidates and is_credit(lines[m])), -1)
    if credit < 0:
        return candidates
    stop = features.article_function_words(lines)
    own = _content_words(next(iter_sentences(lines[first]), ""), stop)
    if len(own) < TOPIC_EVIDENCE:
        return candidates
    between: set[str] = set()
    for i in range(first + 1, credit):
        between |= _content_words(lines[i], stop)
    after = [c for c in candidates if c > credit]
    lead = _content_words(lines[after[0]], stop)
    restated = len(own & lead)
    if restated >= ON_TOPIC * len(own) and restated > len(own & between) and len(lead) > len(own):
        return after
    return candidates


def choose_lead(
    model: LineModel,
    lines: Sequence[str],
    shapes: Sequence[features.LineShape],
    p1: Sequence[float],
    probs: Sequence[float],
    prose: Sequence[bool],
) -> int:
    """The index of the lead: of the first few paragraphs, the one the lead model rates
    highest; the first line of text when there is no paragraph."""
    # A paragraph that holds a copyright sign is the site's notice ("This material may not be
    # published... © 2024 ..."), not the story's first paragraph, unless nothing else is one.
    candidates = lead_candidates([x and COPYRIGHT not in line for x, line in zip(prose, lines, strict=True)])
    candidates = candidates or lead_candidates(prose)
    if not candidates:
        return len(lines)
    candidates = _below_picture(lines, _below_byline(lines, candidates))
    datelined = [i in candidates and strip_dateline(line) != line for i, line in enumerate(lines)]
    rows = lead_vectors(candidates, shapes, p1, probs, prose, datelined)
    scores = [model.lead.probability(r) for r in rows]
    best = max(range(len(candidates)), key=scores.__getitem__)
    # Passing over the first paragraph takes a clear preference: a stand-first is passed over
    # by a margin, a lead that merely looks like one (a quote, one short sentence) is not.
    return candidates[best] if scores[best] >= scores[0] + LEAD_MARGIN else candidates[0]


OFF_TOPIC = 0.1  #: a lead that shares at most this share of its topic words with the text below...
ON_TOPIC = 0.5  #: ... while the next paragraph shares at least this share with the text below it
TOPIC_EVIDENCE = 8  #: topic words a lead needs for its share to tell anything
STEM = 5  #: letters that stand for a word: "bridges" is "bridge", "теплотрассой" is "теплотрассе"


def _content_words(line: str, stop: frozenset[str]) -> set[str]:
    """A line's topic words (_topic_words) less the function words of the article's language,
    each cut to its first STEM letters (one word in its inflected forms)."""
    return {w[:STEM] for w in _topic_words(line) if w not in stop}


def on_topic_lead(
    kept: Sequence[str], fixed: Sequence[Line | None], text: Sequence[bool], prose: Sequence[bool], lead: int
) -> int:
    """The lead is about what the article is about. A paragraph picked for the lead that shares
    at most OFF_TOPIC of its topic words (function words of the article's language aside) with
    the run of text below the next paragraph, while that paragraph shares at least ON_TOPIC of
    its own, speaks of something else: the site (who owns it, what else it publishes), a reprint
    or cookie notice set above the story. The next paragraph is then the lead, and the notice a
    stand-first out of the body. The run ends at the first line that is not text (lines the
    rules decided aside): the same notice repeated at the foot of the page is no part of the
    story. A lead with fewer than TOPIC_EVIDENCE topic words (an aside in brackets, a short
    quote) is too little to judge by, and a next paragraph with none has nothing to share:
    either way the lead stays."""
    nxt = next((i for i in range(lead + 1, len(kept)) if prose[i]), -1)
    if nxt < 0 or len(_topic_words(kept[lead])) < TOPIC_EVIDENCE:
        return lead
    stop = features.article_function_words(kept)
    own = _content_words(kept[lead], stop)
    below: set[str] = set()
    for i in range(nxt + 1, len(kept)):
        if fixed[i] is not None:
            continue
        if not text[i]:
            break
        below |= _content_words(kept[i], stop)
    if len(own) < TOPIC_EVIDENCE or len(own & below) > OFF_TOPIC * len(own):
        return lead
    after = _content_words(kept[nxt], stop)
    return nxt if len(after & below) >= ON_TOPIC * len(after) > 0 else lead


# A label in brackets after a headline: one word in capitals, in any script ("[VIDEO]", "[FOTOS]",
# "[ВИДЕО]"). A footnote's "[1]" and an editor's "[We]" are none.
_TAG = re.compile(r"\[([^\W\d_]{2,20})\]")
TAGS = 2  #: a row of other stories' headlines has at least this many labels in brackets...
TAGGED_WORDS = 2  #: ... each after a headline of at least this many words
_ROW_SEPARATORS = " |/\u00b7\u2022-\u2013\u2014"  #: what a row of links sets between its headlines


def _tagged_row(line: str) -> bool:
    """Other stories' headlines strung in one line, each closed by a label in capitals in
    brackets ("Storm shuts the port [VIDEO] Mayor quits [REACTION]"): a row of links, never a
    sentence of the story, whatever the model says of it. Every bracketed word of the line is
    such a label, and every headline opens with a capital or a digit (separators aside); a
    sentence quoting "[the minister]", a line of footnotes "[1]" or a how-to's "Click the
    button [OK] and then [CANCEL]" is none."""
    parts = _TAG.split(line)
    tags = parts[1::2]
    if len(tags) < TAGS or not all(t.isupper() for t in tags):
        return False
    heads = [head.lstrip(_ROW_SEPARATORS) for head in parts[0:-1:2]]
    return all(
        len(head.split()) >= TAGGED_WORDS and (head[0].isupper() or head[0].isdigit()) for head in heads
    )


def _name_other(
    line: str, shape: features.LineShape, index: int, first_text: int, last_text: int
) -> tuple[Kind, str]:
    """What a line the model calls not-text is, from its shape and where it stands."""
    if is_credit(line):  # not beside the text (_labelled): a site's credit for its pictures
        return "boilerplate", "a picture's credit away from the text"
    if index < first_text and is_byline(line):
        return "byline", "a byline word and a name above the text"
    if is_timestamp(line):
        return "timestamp", "a date in a short line"
    if index < first_text and byline_name(line) is not None:
        return "byline", "a name in a short line above the text"
    if index > last_text and is_salutation(line):
        return "comment", "a salutation below the text: a reply to a reader's comment"
    if _tagged_row(line):
        return "related", "other stories' headlines, each closed by a label in capitals in brackets"
    if first_text < index < last_text and is_teaser(line):
        return "related", "a label and another story's headline, set in the text"
    if index > last_text and _is_prose(shape, line):
        return "comment", "prose below the article's text"
    if index > last_text and not shape.terminal and shape.words >= 4:
        return "related", "a headline-like line below the text"
    if 0 <= first_text - index <= 2 and shape.words >= 8 and not shape.terminal:
        return "caption", "a sentence without a full stop just above the text"
    return "boilerplate", "site chrome: short, list-like or away from the text"


Matcher = Callable[[str], bool]


def classify(
    lines: Sequence[str],
    *,
    is_boilerplate: Matcher,
    is_caption: Matcher,
    cut_debris: Callable[[str], str],
    model: LineModel | None = None,
    explain: bool = False,
) -> list[Line]:
    """The class of every non-empty line of an article body (the header already taken off).
    ``explain`` adds to each model-scored line's reason the features that weighed most."""
    kept, fixed = _by_rules(lines, is_boilerplate, is_caption, cut_debris)
    if not kept:
        return []
    lead = _prose_lead(kept, fixed)
    if lead >= 0:  # one run of prose: the common case of a clean file, without the model
        return _one_run_of_prose(kept, fixed, _datelined_lead(kept, fixed, lead))
    shapes = features.shapes(kept)
    model = model or line_model()
    p1, probs = model.probabilities(shapes)
    text = _text_mask(kept, fixed, shapes, probs)
    prose = [t and _is_prose(s, line) for t, s, line in zip(text, shapes, kept, strict=True)]
    if not any(prose):  # a short note, a list: too little prose for the model to go by
        text = [f is None for f in fixed]
    captions = _credited_captions(kept, fixed, text)
    if captions:
        text = [t and i not in captions for i, t in enumerate(text)]
        prose = [x and i not in captions for i, x in enumerate(prose)]
    lead = choose_lead(model, kept, shapes, p1, probs, prose)
    lead = on_topic_lead(kept, fixed, text, prose, lead)
    addresses = _addresses(kept, fixed, shapes, text)
    text = _cut_at_chrome(kept, fixed, text, lead, probs, addresses)
    text = _within_frame(kept, fixed, text, lead, probs)
    text = _without_teasers(kept, fixed, text, lead)
    text = _before_replies(kept, fixed, text, lead)
    text = _without_tail_teasers(kept, fixed, text, lead, probs)
    text = _before_notes_end(kept, fixed, text, lead)
    out = _labelled(kept, fixed, shapes, probs, text, prose, lead, captions)
    return _with_features(out, fixed, model, shapes) if explain else out


def _by_rules(
    lines: Sequence[str], is_boilerplate: Matcher, is_caption: Matcher, cut_debris: Callable[[str], str]
) -> tuple[list[str], list[Line | None]]:
    """The non-empty lines (debris cut) and, for each, the Line a [parse] pattern decided, or None."""
    kept: list[str] = []
    fixed: list[Line | None] = []
    for raw in lines:
        if not raw:
            continue
        if is_boilerplate(raw):
            kept.append(raw)
            fixed.append(Line(raw, "boilerplate", 0.0, "a [parse] boilerplate pattern", rule=True))
            continue
        line = cut_debris(raw)  # the same object when no debris was cut
        if line is not raw and (not line or is_boilerplate(line)):
            kept.append(raw)
            fixed.append(
                Line(raw, "boilerplate", 0.0, "nothing left after [parse] debris patterns", rule=True)
            )
            continue
        kept.append(line)
        fixed.append(
            Line(line, "caption", 0.0, "a [parse] caption pattern", rule=True) if is_caption(line) else None
        )
    return kept, fixed


def _credited_captions(kept: Sequence[str], fixed: Sequence[Line | None], text: Sequence[bool]) -> set[int]:
    """The picture's caption beside a credit line that opens the article ("Jo Bloggs | Agency
    Images" above "The minister, pictured in May, ..."): the sentence of "text" right below
    a credit with no text above it is the caption, not the lead."""
    first = next((i for i, t in enumerate(text) if t), len(kept))
    for c in range(first):
        if fixed[c] is None and is_credit(kept[c]):
            j = next((k for k in range(c + 1, len(kept)) if fixed[k] is None), len(kept))
            if j == first and is_full_paragraph(kept[j], SENTENCE_WORDS):
                return {j}
    return set()


SHOUT_WORDS = 8  #: a line in capitals with no full stop and this many words is a headline


def _shouted(shape: features.LineShape, line: str = "") -> bool:
    """A headline in capitals, not a subhead: another story's title or a call to act ("CLICK
    HERE TO GET THE APP") set between the paragraphs. A subhead in capitals is a few words, a
    sentence in capitals ends like one; scripts without capitals have neither. A few small
    letters do not make it prose: a plural or a name keeps its own ("FEUD AT THE AMAs",
    "McDONALD'S": _mostly_upper)."""
    if shape.terminal or shape.words < SHOUT_WORDS:
        return False
    return bool(shape.values[_UPPER]) or _mostly_upper(line)


UPPER_SHARE = 0.9  #: a line in capitals has at least this share of its cased letters in capitals
UPPER_LETTERS = 20  #: ... of this many cased letters at least: an abbreviation or two is no headline


def _mostly_upper(line: str) -> bool:
    """UPPER_SHARE or more of the line's cased letters (UPPER_LETTERS at least) are capitals."""
    upper = sum(map(str.isupper, line))
    cased = upper + sum(map(str.islower, line))
    return cased >= UPPER_LETTERS and upper >= UPPER_SHARE * cased


# Links at the end of a line: an embedded post's ("... ourselves? pic.twitter.com/s96jjh8AlD"),
# glued to the full stop or not.
_TRAILING_LINKS = re.compile(r"(?:\s*(?:https?://|www\.|pic\.twitter\.com/)\S*)+$")


def _ends_before_link(line: str) -> bool:
    """A sentence that ends like one before the links at the end of the line: an embedded
    post (a tweet's text, then its picture's link), the story's quote of it."""
    cut = _TRAILING_LINKS.search(line)
    if cut is None or cut.start() == 0:
        return False
    head = line[: cut.start()].rstrip(features.CLOSERS)
    return bool(head) and head[-1] in features.TERMINAL


# "... begrüßten die Nachricht. (dpa)", "... la noticia. (EFE)", "... новость. /ТАСС/": a wire
# service's or an editor's mark after the paragraph's last sentence.
_SIGNATURE = re.compile(r"\s+(?:\([^()\s][^()]{0,24}\)|/[^/\s][^/]{0,24}/)$")


def _ends_before_signature(line: str) -> bool:
    """A sentence that ends like one before a short mark in brackets or between slashes that
    ends the line: the paragraph of a wire story signed by its agency ("... (dpa)")."""
    cut = _SIGNATURE.search(line)
    if cut is None or cut.start() == 0:
        return False
    head = line[: cut.start()].rstrip(features.CLOSERS)
    return bool(head) and head[-1] in features.TERMINAL


_ADDRESS = re.compile(r"https?://|www\.|\.com\b|\.org\b|@\w")  #: as features' "url"


def _embedded_post(line: str) -> bool:
    """A sentence, then only links (_ends_before_link), and no address before them: a post
    the story embeds (a tweet's text, then its picture's link), not a contact line: "Write
    to jo@example.com.", "More at example.com. https://example.com/more" keep theirs."""
    if not _ends_before_link(line):
        return False
    cut = _TRAILING_LINKS.search(line)
    return cut is not None and _ADDRESS.search(line, 0, cut.start()) is None


def _text_mask(
    kept: Sequence[str],
    fixed: Sequence[Line | None],
    shapes: Sequence[features.LineShape],
    probs: Sequence[float],
) -> list[bool]:
    """Which lines are the article's text: the model's, continued, cut to the main run, filled;
    never a headline in capitals (_shouted), whatever the model says of it."""
    # A headline in capitals, a picture's credit or a row of tagged headlines is never text,
    # whatever the model says.
    shouted = [
        _shouted(shape, line) or is_credit(line) or _tagged_row(line)
        for shape, line in zip(shapes, kept, strict=True)
    ]
    text = [f is None and p >= THRESHOLD and not x for f, p, x in zip(fixed, probs, shouted, strict=True)]
    previous = False  # is the line above (rule-decided lines aside) text?
    for i in range(len(kept)):  # a sentence (an embedded post's too) right after text goes on with it
        if fixed[i] is not None:
            continue
        if (
            not text[i]
            and previous
            and probs[i] >= CONTINUE
            and (shapes[i].terminal or _ends_before_link(kept[i]) or _ends_before_signature(kept[i]))
        ):
            text[i] = True
        previous = text[i]
    # Bylines and timestamps sit between chrome and the article: they never join two runs.
    meta = [
        f is None and t and (is_timestamp(x) or is_byline(x))
        for x, f, t in zip(kept, fixed, text, strict=True)
    ]
    unsure = [p >= FILL for p in probs]  # a line of a list, more often than chrome
    runs = main_run(
        [t and not m for t, m in zip(text, meta, strict=True)], [len(x) for x in kept], fixed, unsure, kept
    )
    text = [r or m for r, m in zip(runs, meta, strict=True)]
    marks = [i for i, t in enumerate(text) if t]
    if marks:  # inside the run of text, a sentence or a likely line (a list item, a subhead) is text
        for i in range(marks[0] + 1, marks[-1]):
            if (
                not text[i]
                and fixed[i] is None
                and not shouted[i]
                and (probs[i] >= FILL or is_full_paragraph(kept[i], SENTENCE_WORDS))
            ):
                text[i] = True
    return text


CUT_ABOVE = 2  #: text lines from the lead down an article has at least, before chrome ends it
NEXT = 3  #: text lines below a line of chrome that tell whether the article goes on after it
TOPIC = 0.25  #: ... it does when at least this share of their longer words are the article's


def _topic_words(line: str) -> set[str]:
    """A line's words of four or more characters, numbers aside: what it is about. CJK text
    has no spaces between its words, so one run of letters is a whole clause and shares
    nothing: there, each pair of neighbouring characters stands for a word (the particles'
    pairs too, as the longer function words count in a language with spaces)."""
    words = {w for w in _WORD.findall(line.casefold()) if len(w) >= 4 and not w.isdigit()}
    if words and features.is_cjk_line(line):
        return {
            run[k : k + 2] for run in _WORD.findall(line) if not run.isascii() for k in range(len(run) - 1)
        }
    return words


ADDRESS_WORDS = 40  #: a line with an address (link, e-mail, handle) and at most this many words...
TAIL_SHARE = 0.5  #: ... ends the article when the text below it is less than this share of the text above


def _addresses(
    kept: Sequence[str],
    fixed: Sequence[Line | None],
    shapes: Sequence[features.LineShape],
    text: Sequence[bool],
) -> list[bool]:
    """The lines that may end the article near its end (_is_chrome): a short line with an
    address (a link, an e-mail, a handle: a contact line; a post the story embeds, a sentence
    and its links, has none: _embedded_post), or the site's promotion
    (linetypes.is_promotion: its newsletter, two social networks) with text below it. As the
    last line of text, a promotion is as often the story's closing sentence ("The club's
    newsletter will carry the results.", "The video was shared on Facebook and Twitter.")."""
    last = max((i for i, t in enumerate(text) if t and fixed[i] is None), default=-1)
    return [
        (bool(s.values[_URL]) and s.words <= ADDRESS_WORDS and not _embedded_post(line))
        or (i < last and is_promotion(line))
        for i, (s, line) in enumerate(zip(shapes, kept, strict=True))
    ]


def _is_chrome(
    b: int,
    kept: Sequence[str],
    fixed: Sequence[Line | None],
    text: Sequence[bool],
    lead: int,
    addresses: Sequence[bool],
) -> bool:
    """Line ``b`` may end the article: a [parse] pattern calls it boilerplate, or it is a short
    line of text with an address (a contact line, "follow us @...", a promotion's link) that
    has less text below it than TAIL_SHARE of the article's above it: the story told, what
    follows is the site's. "Below it" ends at the next line that is not text (lines the rules
    decided aside): a cookie notice after a break is no part of what the line closes. An
    advertisement slot's label (linetypes.AD_LABEL) ends nothing: the story goes on below the
    slot, often about a side of it that shares few words with the paragraphs above."""
    rule = fixed[b]
    if rule is not None:
        return rule.kind == "boilerplate" and not _AD_LABEL.match(kept[b])
    if not (addresses and addresses[b] and text[b]):
        return False
    below = 0
    for i in range(b + 1, len(kept)):
        if fixed[i] is not None:
            continue
        if not text[i]:
            break
        below += len(kept[i])
    above = sum(len(kept[i]) for i in range(lead, b) if text[i])
    return below < TAIL_SHARE * above


def _cut_at_chrome(
    kept: Sequence[str],
    fixed: Sequence[Line | None],
    text: list[bool],
    lead: int,
    probs: Sequence[float] | None,
    addresses: Sequence[bool] = (),
) -> list[bool]:
    """The article ends at a line of site chrome below the lead (_is_chrome: a copyright
    notice, "Share this on", "Related:", a contact line with an address near the end) when
    the text right below it is about something else (few of its longer words, the function
    words of the article's language aside, are the article's: "have", "been", "these" say
    nothing of a topic) and the model is less sure of it than of the article: another story's
    teasers, a promotion, a cookie notice. After an advertisement slot, the article goes on
    about the same thing. Chrome right below the first line of text (fewer than CUT_ABOVE lines above
    it) ends nothing: that line is a notice or a stand-first taken for the lead more often
    than a whole article. ``addresses`` marks the lines with an address (empty: none);
    ``probs`` None (a run of prose the model skipped): the topic alone decides."""
    above_sum, above_n = 0.0, 0
    stop: frozenset[str] | None = None  # the function words of the article's language, once needed
    for b in range(lead, len(kept)):
        if above_n < CUT_ABOVE or not _is_chrome(b, kept, fixed, text, lead, addresses):
            if fixed[b] is None and text[b]:
                above_sum += probs[b] if probs is not None else 1.0
                above_n += 1
            continue
        below = [i for i in range(b + 1, len(kept)) if text[i]][:NEXT]
        if below:
            if stop is None:
                stop = features.article_function_words(kept)
            words_above: set[str] = set()
            for i in range(lead, b):
                if text[i] and fixed[i] is None:
                    words_above |= {w for w in _topic_words(kept[i]) if w not in stop}
            words_below = set().union(*({w for w in _topic_words(kept[i]) if w not in stop} for i in below))
            topic = len(words_below & words_above) / len(words_below) if words_below else 0.0
            sure = sum(probs[i] for i in below) / len(below) if probs is not None else 0.0
            if topic >= TOPIC or (probs is not None and sure >= above_sum / above_n):
                if fixed[b] is None and text[b]:
                    above_sum += probs[b] if probs is not None else 1.0
                    above_n += 1
                continue
        return [t and i < b for i, t in enumerate(text)]
    return text


FRAME_SHARE = 1.0  #: the text below a frame's lower copy is less than this share of the article's
FRAME_MARGIN = 0.05  #: ... and the model less sure of it than of the article by this much


def _within_frame(
    kept: Sequence[str], fixed: Sequence[Line | None], text: list[bool], lead: int, probs: Sequence[float]
) -> list[bool]:
    """One line above the lead repeated verbatim below it ("Share this", the author's name, a
    notice set above and below the story) frames the article: the text ends at the lower copy
    when it is no full paragraph, CUT_ABOVE lines of text lie between it and the lead, and the
    text below it is less than TAIL_SHARE of the text above, or less than FRAME_SHARE of it
    and the model is less sure of its first NEXT lines than of the article (by FRAME_MARGIN):
    the author's bio, a comment form. Two or more such lines are a table of contents above
    the article and its subheads, not a frame; a single word is an advertisement's label
    ("Anzeige", "Publicidad") set above the lead and between paragraphs, not a frame."""
    frame = {kept[i] for i in range(lead) if fixed[i] is None and " " in kept[i].strip()}
    again = [b for b in range(lead + 1, len(kept)) if fixed[b] is None and kept[b] in frame]
    if not again or len({kept[b] for b in again}) > 1:
        return text
    b = again[0]
    upper = [i for i in range(lead, b) if text[i] and fixed[i] is None]
    lower = [i for i in range(b + 1, len(kept)) if text[i] and fixed[i] is None]
    if len(upper) < CUT_ABOVE or is_full_paragraph(kept[b]) or not lower:
        return text
    below = sum(len(kept[i]) for i in lower)
    above = sum(len(kept[i]) for i in upper)
    sure = sum(probs[i] for i in lower[:NEXT]) / len(lower[:NEXT])
    less_sure = sure < sum(probs[i] for i in upper) / len(upper) - FRAME_MARGIN
    if below < TAIL_SHARE * above or (below < FRAME_SHARE * above and less_sure):
        return [t and i < b for i, t in enumerate(text)]
    return text


def _label(line: str) -> str | None:
    """A line's label (linetypes.line_label), casefolded: "Step one" and "STEP ONE" are one."""
    label = line_label(line)
    return None if label is None else label.casefold()


def _labelled_text(kept: Sequence[str], fixed: Sequence[Line | None], i: int) -> bool:
    """Line ``i`` is one of a run of labelled lines of the text, not a teaser: the next line
    answers under another label (an interview's "Q: ..." above "A: ..."), or another line
    carries a label with the same first word and a different rest (a how-to's "Step one: ..."
    and "Step two: ..."). Teasers repeat one label ("Related: ...") or stand alone."""
    label = _label(kept[i])
    if label is None:
        return False
    j = i + 1
    if j < len(kept) and fixed[j] is None and _label(kept[j]) not in (None, label) and not is_teaser(kept[j]):
        return True
    head = label.split()[0]
    for k, line in enumerate(kept):
        other = _label(line) if k != i and fixed[k] is None and line[: len(head)].casefold() == head else None
        if other is not None and other != label and other.split()[0] == head:
            return True
    return False


def _without_teasers(
    kept: Sequence[str], fixed: Sequence[Line | None], text: list[bool], lead: int
) -> list[bool]:
    """A teaser (is_teaser) set between lines of text below the lead is not the article's:
    the link to another story that sites put between paragraphs. The last line of text is
    left alone (a closing note without a full stop: "The game is out now"), and so are the
    labelled lines of an interview or a how-to (_labelled_text)."""
    marks = [i for i, t in enumerate(text) if t]
    if not marks:
        return text
    return [
        t
        and not (
            lead < i < marks[-1]
            and fixed[i] is None
            and is_teaser(kept[i])
            and not _labelled_text(kept, fixed, i)
        )
        for i, t in enumerate(text)
    ]


#: salutations below the lead, one greeting to as many different names, that make a thread of replies
REPLIES = 2


def _thread(kept: Sequence[str], found: Sequence[int]) -> list[int]:
    """Of the salutations ``found``, those of a thread of replies: one greeting (the first
    word) to REPLIES or more different names, the greeting no function word of the article's
    language. A speech's "Mr Speaker," or a letters page's "Dear Editor," repeats one name;
    a verse's "Old Lisbon," and "Sweet River," greet with different words; a sentence broken
    after "In New York," opens with a function word."""
    greetings: dict[str, list[int]] = {}
    for i in found:
        greetings.setdefault(kept[i].split(maxsplit=1)[0].casefold(), []).append(i)
    language = -1
    for greeting, lines in greetings.items():
        if len({" ".join(kept[i].casefold().split()[1:]) for i in lines}) < REPLIES:
            continue
        if language == -1:
            language = features.article_language(kept)
        if language < 0 or greeting not in features.stop_words().sets[language]:
            return lines
    return []


def _before_replies(
    kept: Sequence[str], fixed: Sequence[Line | None], text: list[bool], lead: int
) -> list[bool]:
    """Below the lead, a thread of replies to readers' comments (_thread: one greeting to
    REPLIES or more different names) is not the article: the text ends at its first
    salutation."""
    found = [i for i in range(lead + 1, len(kept)) if fixed[i] is None and is_salutation(kept[i])]
    if len(found) < REPLIES:
        return text
    thread = _thread(kept, found)
    if not thread:
        return text
    return [t and i < thread[0] for i, t in enumerate(text)]


TAIL_EVIDENCE = 3  #: topic words a last line needs for its share to tell anything
TAIL_OFF = 0.2  #: ... it is off the article's topic when at most this share of them are the article's
TAIL_WORDS = 25  #: ... and it has at most this many words (a headline, not a paragraph)
TAIL_LINES = 2  #: such lines that end the text, at least, make a list of other stories
TAIL_MARGIN = 0.1  #: ... when the model is less sure of them than of the story by this much


def _without_tail_teasers(
    kept: Sequence[str], fixed: Sequence[Line | None], text: list[bool], lead: int, probs: Sequence[float]
) -> list[bool]:
    """The last lines of text, when TAIL_LINES or more in a row are short (TAIL_WORDS) and
    about something else (at most TAIL_OFF of their topic words, function words aside, are the
    article's above them), are a list of other stories' headlines below the story ("most
    read"), not its end: the text ends above them. One such line alone is as often the
    story's closing note ("This report was first published in Spanish."), and is kept. The
    list is less than TAIL_SHARE of the story, and the model is less sure of it than of the
    story by TAIL_MARGIN on average: a list article's own items (each about another thing) are
    its bulk, and the story's own last paragraphs about another side of it (the neighbours'
    wishes, the next review) are about as likely text to the model as the rest."""
    marks = [i for i, t in enumerate(text) if t and fixed[i] is None and i > lead]
    if len(marks) < TAIL_LINES or any(len(kept[i].split()) > TAIL_WORDS for i in marks[-TAIL_LINES:]):
        return text
    stop = features.article_function_words(kept)
    words = [
        _content_words(x, stop) if t and f is None else set()
        for x, f, t in zip(kept, fixed, text, strict=True)
    ]
    cut = len(kept)
    for m in reversed(marks):
        own = words[m]
        if len(own) < TAIL_EVIDENCE or len(kept[m].split()) > TAIL_WORDS:
            break
        if len(own & set().union(*words[lead:m])) > TAIL_OFF * len(own):
            break
        cut = m
    tail = [m for m in marks if m >= cut]
    story = [lead, *(m for m in marks if m < cut)]
    if len(tail) < TAIL_LINES:
        return text
    if sum(len(kept[i]) for i in tail) >= TAIL_SHARE * sum(len(kept[i]) for i in story):
        return text
    if sum(probs[i] for i in tail) / len(tail) > sum(probs[i] for i in story) / len(story) - TAIL_MARGIN:
        return text
    return [t and i < cut for i, t in enumerate(text)]


# A note's number in brackets at the start of a line: "[1] Smith J. Alarm fatigue. 2015."
_NOTE = re.compile(r"\[(\d{1,3})\]\s")
NOTES = 2  #: numbered notes, at least, that close the article


def _before_notes_end(
    kept: Sequence[str], fixed: Sequence[Line | None], text: list[bool], lead: int
) -> list[bool]:
    """The notes close the article: NOTES or more lines of text in a row below the lead, each
    opening with its number in brackets, numbered from 1 up ("[1] ...", "[2] ..."), are its
    end matter, and the text below them (the publisher's "about us", an offer) is not the
    article, when it is less than TAIL_SHARE of the text above them. Notes in the middle of
    the story have the story going on below them at length."""
    marks = [i for i in range(lead + 1, len(kept)) if text[i] and fixed[i] is None]
    notes = [(k, int(m.group(1))) for k, i in enumerate(marks) if (m := _NOTE.match(kept[i]))]
    n = len(notes)
    if n < NOTES or notes != [(notes[0][0] + j, j + 1) for j in range(n)]:  # in a row, from 1 up
        return text
    first, last = marks[notes[0][0]], marks[notes[-1][0]]
    below = sum(len(kept[i]) for i in marks if i > last)
    above = sum(len(kept[i]) for i in [lead, *marks] if i < first)
    if below >= TAIL_SHARE * above:
        return text
    return [t and i <= last for i, t in enumerate(text)]


def _labelled(
    kept: Sequence[str],
    fixed: Sequence[Line | None],
    shapes: Sequence[features.LineShape],
    probs: Sequence[float],
    text: Sequence[bool],
    prose: Sequence[bool],
    lead: int,
    captions: set[int] | frozenset[int] = frozenset(),
) -> list[Line]:
    """Each line's class from the text mask, the prose mask and the lead model's pick."""
    marks = [i for i, t in enumerate(text) if t]
    first_text = marks[0] if marks else len(kept)
    last_text = marks[-1] if marks else -1
    out: list[Line] = []
    lead_found = False
    for i, (line, shape, p) in enumerate(zip(kept, shapes, probs, strict=True)):
        if fixed[i] is not None:
            out.append(fixed[i])  # type: ignore[arg-type]
            continue
        if i in captions:
            why = "the sentence below a picture's credit"
            out.append(Line(line, "caption", p, f"model {p:.2f}; {why}", rule=True))
            continue
        if not text[i] and is_credit(line) and _beside_text(i, text, captions):  # never text (_text_mask)
            why = "a picture's credit beside the text: a picture word as its label or after a separator"
            out.append(Line(line, "caption", p, f"model {p:.2f}; {why}", rule=True))
            continue
        if not text[i]:
            kind, why = _name_other(line, shape, i, first_text, last_text)
            # the model's score, or that a later step took a line it called text out of the article
            score = f"model {p:.2f} < {THRESHOLD}" if p < THRESHOLD else f"model {p:.2f}, out of the article"
            out.append(Line(line, kind, p, f"{score}; {why}"))
            continue
        if i < lead and prose[i]:
            if COPYRIGHT in line:
                out.append(Line(line, "boilerplate", p, f"model {p:.2f}; a copyright notice above the lead"))
            else:
                out.append(Line(line, "standfirst", p, f"model {p:.2f}; a paragraph above the lead"))
            continue
        if not lead_found and not prose[i]:
            out.append(_above_lead(line, p, f"model {p:.2f}; not yet a full paragraph"))
            continue
        if not lead_found:
            lead_found = True
            out.append(Line(line, "lead", p, f"model {p:.2f}; the lead model's pick", True))
        else:
            # A line in capitals shouts: a promotion ("NOW ON VIDEO!") or a subhead, not a
            # sentence of the story, whatever its last character.
            sentence = shape.terminal and not shape.values[_UPPER]
            out.append(Line(line, "body", p, f"model {p:.2f}", sentence))
    out = _above_opener(out, lead)
    if not any(line.kind in TEXT_KINDS for line in out):  # only a date, a byline...: keep it
        out = [
            Line(x.text, "body", x.score, x.reason + "; kept: nothing else is text") if f is None else x
            for x, f in zip(out, fixed, strict=True)
        ]
    return out


def _beside_text(i: int, text: Sequence[bool], captions: set[int] | frozenset[int]) -> bool:
    """A line next to a line of text or of a picture's caption: a credit there is a picture's in
    the article; away from the text (a site's footer crediting its pictures), it is chrome."""
    return any(0 <= j < len(text) and (text[j] or j in captions) for j in (i - 1, i + 1))


_OPENERS = frozenset({"byline", "timestamp"})


def _above_opener(out: list[Line], lead: int) -> list[Line]:
    """A byline or a date line above the lead opens the article (as _below_byline has it for
    the lead): a short line of "text" above the nearest one is chrome the model took for
    text (a cookie notice's button, a section label), not the article's. Prose above it is a
    stand-first, out of the body already."""
    opener = next((i for i in range(min(lead, len(out)) - 1, -1, -1) if out[i].kind in _OPENERS), -1)
    if opener <= 0:
        return out
    return [
        Line(x.text, "boilerplate", x.score, f"{x.reason}; above the byline or date that opens the article")
        if i < opener and x.kind == "body" and not x.rule
        else x
        for i, x in enumerate(out)
    ]


def _with_features(
    out: list[Line], fixed: Sequence[Line | None], model: LineModel, shapes: Sequence[features.LineShape]
) -> list[Line]:
    """Each model-scored line's reason, with the three features of the line that weighed most
    in the first stage's score (positive: towards text) and its words' share: for ``explain``."""
    rows = vectors(shapes)
    explained = []
    for line, rule, row, shape in zip(out, fixed, rows, shapes, strict=True):
        if rule is not None:
            explained.append(line)
            continue
        top = model.first.contributions(row)[:3]
        words = model.first.word_score(shape.tokens)
        parts = ", ".join(f"{name} {value:+.1f}" for name, value in top) + f", words {words:+.1f}"
        explained.append(line._replace(reason=f"{line.reason} [{parts}]"))
    return explained
