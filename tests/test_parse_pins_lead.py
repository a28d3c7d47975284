"""The lead of an article (feedsvc/parse/lead.py) at the edges its mutation run found unpinned
(bench/MUTATION.md, round 5): every month and weekday name of an opening date line, every quote
pair a headline drops an unclosed opening mark of, the 120 characters a dateline is looked for
in, and every kind of character that ends or starts a sentence. Each test states what a reader
sees: the title, the summary, which paragraph the lead starts with, the sentences.
Fixtures are written here, in several languages."""

from __future__ import annotations

import pytest

from feedsvc.parse.lead import dateline_end
from feedsvc.parse.lead import is_date_line
from feedsvc.parse.lead import lead_paragraphs
from feedsvc.parse.lead import make_summary
from feedsvc.parse.lead import make_title
from feedsvc.parse.lead import make_title_and_summary
from feedsvc.parse.lead import opens_with_dateline
from feedsvc.parse.lead import split_sentences
from feedsvc.parse.lead import strip_dateline

MONTHS = [
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May", "May"),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sep"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
]
NAMES = sorted({name for pair in MONTHS for name in pair} | {"Sept"})


@pytest.mark.parametrize("month", NAMES)
def test_every_month_name_makes_a_date_line(month: str) -> None:
    # the month first or the day first, full or abbreviated, with or without its full stop
    for line in (f"{month} 3, 2004", f"3 {month} 2004", f"{month}. 3, 2004", f"Friday, 3 {month} 2004"):
        assert is_date_line(line), line
    # an article that opens with it starts after it
    assert list(lead_paragraphs([f"{month} 3, 2004", "The council met on Friday."])) == [
        "The council met on Friday."
    ]


@pytest.mark.parametrize(
    "weekday",
    [
        "Mon", "Monday", "Tue", "Tues", "Tuesday", "Wed", "Wednesday", "Thu", "Thur", "Thurs",
        "Thursday", "Fri", "Friday", "Sat", "Saturday", "Sun", "Sunday",
    ],
)  # fmt: skip
def test_every_weekday_name_may_open_a_date_line(weekday: str) -> None:
    assert is_date_line(f"{weekday}, 3 December 2004")
    assert is_date_line(f"{weekday}. December 3, 2004")


# Each opening mark with a sentence that never closes it: the title drops the mark. The
# sentences hold an "X", so a mark list that also held a letter would call them closed.
UNCLOSED = [
    ("“The X Factor final was a joy. We loved every minute.”", "The X Factor final was a joy"),
    ("„Die X-Men waren großartig. Wir kommen wieder.“", "Die X-Men waren großartig"),
    ("« Le film X était formidable. Nous reviendrons. »", "Le film X était formidable"),
    ("»Die Show X war großartig. Wir kommen wieder.«", "Die Show X war großartig"),
    ("‹Das Projekt X ist beendet. Wir danken allen.›", "Das Projekt X ist beendet"),
    ("‘The X Factor was great. We loved it.’", "The X Factor was great"),
    ("‚Die Firma X hat geschlossen. Schade.‘", "Die Firma X hat geschlossen"),
    ("「Xの新作は素晴らしかった。また来ます。」", "Xの新作は素晴らしかった"),
    ("『Xの映画は最高だった。また観たい。』", "Xの映画は最高だった"),
    ('"The X Factor final was a joy. We loved every minute."', "The X Factor final was a joy"),
]


@pytest.mark.parametrize(("lead", "title"), UNCLOSED)
def test_a_title_never_opens_a_quote_it_does_not_close(lead: str, title: str) -> None:
    assert make_title(lead, 140) == title


# Each opening mark with each mark its languages close it with, inside the title: the marks stay.
CLOSED = [
    "“We will win,” the coach said after the game.",
    "“We will win“, the coach said after the game.",  # a writer who closes with the opener
    "„Wir schaffen das“, sagte die Trainerin.",
    "„Wir schaffen das”, sagte die Trainerin.",
    "«Nous gagnerons», a dit l'entraîneuse.",
    "»Wir schaffen das«, sagte die Trainerin.",
    "‹Wir schaffen das›, sagte die Trainerin.",
    "‘We will win,’ the coach said after the game.",
    "‘We will win‘, the coach said after the game.",
    "‚Wir schaffen das‘, sagte die Trainerin.",
    "‚Wir schaffen das’, sagte die Trainerin.",
    "「勝ちます」と監督は言った。",
    "『勝ちます』と監督は言った。",
    '"We will win," the coach said after the game.',
]


@pytest.mark.parametrize("lead", CLOSED)
def test_a_quote_that_closes_in_the_title_keeps_its_marks(lead: str) -> None:
    title = make_title(lead, 140)
    assert title == lead.rstrip(".。")


# "HONOLULU, Hawaii (KHNL News ...) - ": a dateline whose source has up to four words.
def _dateline(length: int) -> str:
    head = "SCHWÄBISCH GMÜND, Baden-Württemberg (Ostalb Nachrichten "
    tail = ") — "
    word = "Heute" + "x" * (length - len(head) - len(tail) - 5)
    dateline = head + word + tail
    assert len(dateline) == length
    return dateline


TEXT = "Der Gemeinderat hat am Abend den neuen Haushalt beschlossen."


def test_a_dateline_is_seen_when_the_text_starts_within_120_characters() -> None:
    # every dateline ends within 120 characters: a paragraph is told from its first 120
    assert strip_dateline(_dateline(119) + TEXT) == TEXT
    assert opens_with_dateline(_dateline(119) + TEXT)
    assert opens_with_dateline(_dateline(119) + "D")
    # a dateline that fills all 120 leaves no text in them to tell it from a paragraph that
    # is only a dateline (which strip_dateline leaves as it is)
    assert not opens_with_dateline(_dateline(120) + TEXT)
    assert not opens_with_dateline(_dateline(121) + TEXT)
    assert strip_dateline(_dateline(120) + TEXT) == TEXT  # the whole paragraph: stripped


SPLITS = [
    # each mark that ends a sentence before a space and a capital
    ("Er wartete… Dann kam der Zug.", ["Er wartete…", "Dann kam der Zug."]),
    ("Wirklich?! Ja, wirklich.", ["Wirklich?!", "Ja, wirklich."]),
    ("Wait.. Then it rained.", ["Wait..", "Then it rained."]),
    # each closer after the mark
    ("She said 'never.' Then she left.", ["She said 'never.'", "Then she left."]),
    (
        "[Update: the road is open again.] Police said so.",
        ["[Update: the road is open again.]", "Police said so."],
    ),
    ("Er sagte »nie.« Dann ging er.", ["Er sagte »nie.«", "Dann ging er."]),
    ("Er sagte ›nie.‹ Dann ging er.", ["Er sagte ›nie.‹", "Dann ging er."]),
    ("He said (once.) Then he left.", ["He said (once.)", "Then he left."]),
    # each opener before the next sentence's capital
    ("It rained. 'Stay in,' she said.", ["It rained.", "'Stay in,' she said."]),
    (
        "The road is closed. [Update: it reopened at noon.]",
        ["The road is closed.", "[Update: it reopened at noon.]"],
    ),
    # capitals of every alphabet, and a digit
    ("Он ушёл. Ёлка стояла в углу.", ["Он ушёл.", "Ёлка стояла в углу."]),
    ("Он ушёл. Ясно было всем.", ["Он ушёл.", "Ясно было всем."]),
    ("Έφυγε. Ωραία μέρα ήταν.", ["Έφυγε.", "Ωραία μέρα ήταν."]),
    ("Έφυγε. Αύριο θα βρέξει.", ["Έφυγε.", "Αύριο θα βρέξει."]),
    ("Il est parti. À midi il pleuvait.", ["Il est parti.", "À midi il pleuvait."]),
    ("Er ging. Öfter als sonst regnete es.", ["Er ging.", "Öfter als sonst regnete es."]),
    ("Er ging. Zu spät.", ["Er ging.", "Zu spät."]),
    ("He left. 2024 was a hard year.", ["He left.", "2024 was a hard year."]),
    ("Rain fell. Ønsket var klart.", ["Rain fell.", "Ønsket var klart."]),
    ("Rain fell. Þá kom sólin.", ["Rain fell.", "Þá kom sólin."]),
    # CJK stops end a sentence whatever follows, and take the closers after them
    ("他来了吗？我不知道。", ["他来了吗？", "我不知道。"]),
    ("他来了！我很高兴。", ["他来了！", "我很高兴。"]),
    ("他来了。我很高兴。", ["他来了。", "我很高兴。"]),
    ("「また来ます。」彼女はそう言った。", ["「また来ます。」", "彼女はそう言った。"]),
    ("他说：‘我明天来。’然后他走了。", ["他说：‘我明天来。’", "然后他走了。"]),
    # a paragraph that ends in a stop and its closer is one sentence, not a stray closer
    ("「公演は素晴らしかった。」", ["「公演は素晴らしかった。」"]),
    ("他说：‘我明天来。’", ["他说：‘我明天来。’"]),
]


@pytest.mark.parametrize(("paragraph", "sentences"), SPLITS)
def test_every_sentence_end_splits(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


def test_a_summary_goes_sentence_by_sentence_in_every_script() -> None:
    assert make_summary(["Он ушёл. Ёлка стояла в углу."], 12) == "Он ушёл."
    assert make_summary(["他来了吗？我不知道。"], 7) == "他来了吗？"


@pytest.mark.parametrize(
    "text",
    [
        "Der Gemeinderat hat getagt.",  # no mark any dateline holds
        "Der Gemeinderat – alle zwölf – hat getagt.",  # a mark, but no dateline before it
        "the city (AP) — Text.",
    ],
)
def test_a_text_without_a_dateline_has_it_end_at_0(text: str) -> None:
    assert dateline_end(text) == 0
    assert strip_dateline(text) == text


def test_a_day_has_one_or_two_digits() -> None:
    assert is_date_line("March 12, 2004")
    assert not is_date_line("March 123, 2004")


def test_a_paragraph_that_ends_without_a_stop_is_followed_by_a_space() -> None:
    # a headline-like first paragraph ending in a letter, even an "X"
    summary = make_summary(["Neu: das Telefon X", "Es kostet 999 Euro."], 200)
    assert summary == "Neu: das Telefon X Es kostet 999 Euro."


STRIPPED = [
    "UAE (WAM) - ",  # a place of 3 capitals and any source in brackets
    "UAE, Dubai (WAM) - ",
    "C" * 31 + " (WAM) - ",  # ... and of 31
    "DUBAI, Du (WAM) - ",  # a region of 2 letters
    "DUBAI, D" + "u" * 30 + " (WAM) - ",  # ... and of 31
    "DUBAI (W) - ",  # a source of one letter
    "DUBAI (W" + "a" * 30 + ") - ",  # ... and a first word of 31
    "DUBAI (Radio Al-Arabiya Abu Dhabi) - ",  # four words, a hyphen in one
    "DUBAI (Al-Arabiya) - ",
    "DUBAI (WAM) -- ",
    "DUBAI (WAM) – ",
    "ST. LOUIS (AP) — ",  # a full stop in a place
    "CAPE CANAVERAL, Fla. - ",  # ... and in a region
    "A" + "b" * 40 + " (CNN) ",
]
NOT_STRIPPED = [
    "UA, Dubai (WAM) - ",  # 2 capitals are too few for a place
    "C" * 32 + " (WAM) - ",  # 32 too many
    "DUBAI, D" + "u" * 31 + " (WAM) - ",
    "DUBAI (W" + "a" * 31 + ") - ",
    "DUBAI (Radio Al Arabiya Abu Dhabi) - ",  # five words
    "A" + "b" * 41 + " (CNN) ",  # a place of 42 letters
    "Paris, B" + "c" * 31 + " (CNN) ",
    "C" * 32 + " -- ",
    "ROME, B -- ",
    "ROME, B" + "c" * 31 + " -- ",
    "UA, Florida - ",
    "C" * 32 + ", Florida - ",
    "ROME, B - ",
    "ROME, B" + "c" * 31 + " - ",
]


@pytest.mark.parametrize("dateline", STRIPPED)
def test_datelines_at_their_bounds_are_stripped(dateline: str) -> None:
    assert strip_dateline(dateline + TEXT) == TEXT


@pytest.mark.parametrize("text", NOT_STRIPPED)
def test_past_their_bounds_nothing_is_stripped(text: str) -> None:
    assert strip_dateline(text + TEXT) == text + TEXT


# A first sentence of 60 characters, the full stop included; a title of 57 shows it to a word.
SHOWN_54 = "Der Gemeinderat hat am Abend den Haushalt für das Jahr 2025."
SHOWN_53 = "Der Gemeinderat hat am Abend den Haushalt für das Amt Weser."
AFTER = "Die Opposition stimmte dagegen."


def test_a_title_that_shows_nine_tenths_of_its_sentence_is_not_repeated() -> None:
    assert len(SHOWN_54) == len(SHOWN_53) == 60
    title, summary = make_title_and_summary([SHOWN_54, AFTER], 58, 300)
    assert title == SHOWN_54[:54] + "…"  # 54 of 60 shown: the summary goes on after it
    assert summary == AFTER
    title, summary = make_title_and_summary([SHOWN_53, AFTER], 58, 300)
    assert title == SHOWN_53[:53] + "…"  # 53 of 60: the summary gives the rest of the sentence
    assert summary == "…Weser. " + AFTER


def test_a_lead_without_a_word_titles_the_first_paragraph() -> None:
    assert make_title_and_summary(["— … —", "Der Rat tagte."], 80, 200) == ("— … —", "— … — Der Rat tagte.")


# --------------------------------------------------------------------------- a headline's full stop
# English puts the full stop inside the closing quote ('... the "quiet wing."'), Japanese
# inside 「」, anyone inside a bracketed sentence: the headline drops the stop, keeps the marks.

STOP_BEFORE_CLOSER = [
    ('The ward is known as the "quiet wing." Staff agree.', 'The ward is known as the "quiet wing"'),
    ("The ward is known as the 'quiet wing.' Staff agree.", "The ward is known as the 'quiet wing'"),
    ("The ward is known as the “quiet wing.” Staff agree.", "The ward is known as the “quiet wing”"),
    ("The ward is known as the ‘quiet wing.’ Staff agree.", "The ward is known as the ‘quiet wing’"),
    ("Die Station heißt „stiller Flügel.“ Alle wissen es.", "Die Station heißt „stiller Flügel“"),
    ("Die Station heißt ‚stiller Flügel.‘ Alle wissen es.", "Die Station heißt ‚stiller Flügel‘"),
    ("Afdelingen hedder »den stille fløj.« Alle ved det.", "Afdelingen hedder »den stille fløj«"),
    ("Le service s'appelle «l'aile calme.» Tous le savent.", "Le service s'appelle «l'aile calme»"),
    ("Le service s'appelle ‹l'aile calme.› Tous le savent.", "Le service s'appelle ‹l'aile calme›"),
    ("(The ward was never named.) Staff agree.", "(The ward was never named)"),
    ("[The ward was never named.] Staff agree.", "[The ward was never named]"),
    ("病棟は「静かな棟。」と呼ばれる", "病棟は「静かな棟」"),
    ("病棟は『静かな棟。』と呼ばれる", "病棟は『静かな棟』"),
    ("病棟は（静かな棟。）と呼ばれる", "病棟は（静かな棟）"),
    ('Palata nazyvaetsya "tikhoe krylo ." Vse znayut.', 'Palata nazyvaetsya "tikhoe krylo"'),
]


@pytest.mark.parametrize(("lead", "title"), STOP_BEFORE_CLOSER)
def test_a_title_drops_a_full_stop_that_quotes_or_brackets_close(lead: str, title: str) -> None:
    assert make_title(lead, 140) == title
    assert make_title_and_summary([lead], 140, 400)[0] == title


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        ('He wrote "and then..." Nothing more.', 'He wrote "and then..."'),  # an ellipsis stays
        ('They said "no!" Then left.', 'They said "no!"'),  # so do ! and ?
        ('Was it "the end?" Nobody knows.', 'Was it "the end?"'),
        ('"." Then words.', "Then words"),  # a sentence of marks only is passed over
    ],
)
def test_a_title_keeps_other_ends_before_closers(lead: str, title: str) -> None:
    assert make_title(lead, 140) == title


@pytest.mark.parametrize("lead", [".", '"."', "(.)", "「。」"])
def test_a_lead_of_marks_and_a_stop_keeps_its_stop(lead: str) -> None:
    assert make_title(lead, 140) == lead
