"""The summary goes on where the title stops, and ends with a paragraph.

A feed reader shows an item's summary under its title. When the title is the lead's first
sentence cut short ("…"), the summary says the rest of that sentence after an ellipsis instead
of the whole sentence again; the continuation counts as one of the summary's sentences. A
summary ends at the end of a paragraph once it holds SUMMARY_SENTENCES sentences after the
title's, and stops at the limit wherever it is. Invented text in several languages; small
limits make the sentences short.
"""

from __future__ import annotations

import pytest

from feedsvc.parse.lead import SUMMARY_SENTENCES
from feedsvc.parse.lead import make_summary
from feedsvc.parse.lead import make_title_and_summary

# (a first sentence of about 110 characters with a clause mark past two thirds of 80, the rest
# of the lead's paragraph, the next paragraph)
LONG_LEADS = {
    "en": (
        "The city council voted on Tuesday night to close the old harbour bridge to all cars for a "
        "year, starting in March.",
        "Engineers will replace its deck. Buses will use the ring road.",
        "Shop owners near the bridge fear losing customers.",
    ),
    "de": (
        "Der Stadtrat hat am Dienstagabend beschlossen, die alte Hafenbrücke für ein ganzes Jahr "
        "zu sperren, ab dem ersten März.",
        "Die Ingenieure erneuern die Fahrbahn. Die Busse fahren über den Ring.",
        "Die Geschäfte an der Brücke fürchten um ihre Kunden.",
    ),
    "es": (
        "El ayuntamiento votó el martes por la noche cerrar el viejo puente del puerto a los "
        "coches durante un año, desde marzo.",
        "Los ingenieros cambiarán el tablero. Los autobuses irán por la circunvalación.",
        "Los comerciantes temen perder clientes.",
    ),
}
TITLE = 80


@pytest.mark.parametrize("lang", list(LONG_LEADS))
def test_a_cut_title_s_summary_says_the_rest_of_its_sentence_then_goes_on(lang: str) -> None:
    first, more, next_paragraph = LONG_LEADS[lang]
    title, summary = make_title_and_summary([f"{first} {more}", next_paragraph], TITLE, 400)
    assert title.endswith("…") and first.startswith(title[:-1])
    rest = first[len(title) - 1 :].lstrip(" ,")
    # the rest of the first sentence (the clause's comma left out), then the paragraph's two
    # sentences: with the continuation, three; the paragraph ends there, so does the summary
    assert summary == f"…{rest} {more}"
    assert title[:-1] not in summary
    assert next_paragraph not in summary


@pytest.mark.parametrize("lang", list(LONG_LEADS))
def test_a_continuation_alone_in_its_paragraph_goes_on_into_the_next(lang: str) -> None:
    first, more, next_paragraph = LONG_LEADS[lang]
    title, summary = make_title_and_summary([first, more, next_paragraph], TITLE, 400)
    rest = first[len(title) - 1 :].lstrip(" ,")
    # the continuation ends its paragraph with one sentence taken: the next paragraph's two
    # make three, and that paragraph's end ends the summary
    assert summary == f"…{rest} {more}"


@pytest.mark.parametrize("lang", list(LONG_LEADS))
def test_the_room_ends_a_continued_summary_on_a_sentence(lang: str) -> None:
    first, more, _ = LONG_LEADS[lang]
    title, summary = make_title_and_summary([f"{first} {more}"], TITLE, 60)
    rest = first[len(title) - 1 :].lstrip(" ,")
    assert summary == f"…{rest}"  # the next sentence does not fit in 60 characters


# (a short first sentence: the title; paragraphs of sentences after it)
SHORT_LEADS = {
    "en": ["The bridge will close.", "Engineers will replace the deck. Buses will use the ring road.", "Shops fear it."],
    "fr": ["Le pont va fermer.", "Les ingénieurs vont refaire le tablier. Les bus prendront la rocade.", "Les commerces ont peur."],
    "ru": ["Мост закроют.", "Инженеры заменят настил. Автобусы пустят по кольцу.", "Магазины боятся."],
}  # fmt: skip


@pytest.mark.parametrize("lang", list(SHORT_LEADS))
def test_a_summary_ends_with_the_paragraph_that_gives_it_enough_sentences(lang: str) -> None:
    first, second, third = SHORT_LEADS[lang]
    assert SUMMARY_SENTENCES == 2
    title, summary = make_title_and_summary([first, second, third], 140, 400)
    assert title == first.rstrip(".")
    assert summary == second  # two sentences after the title, and their paragraph ends
    # one sentence after the title is not enough: the summary goes on into the next paragraph
    one, two = second.split(". ")
    title, summary = make_title_and_summary([first, one + ".", two, third], 140, 400)
    assert summary == f"{one}. {two}"
    # two sentences in a paragraph that goes on: the summary does not stop inside it
    title, summary = make_title_and_summary([first, f"{second} {third}"], 140, 400)
    assert summary == f"{second} {third}"


@pytest.mark.parametrize("lang", list(SHORT_LEADS))
def test_a_summary_without_a_title_of_its_own_takes_one_sentence_more(lang: str) -> None:
    first, second, third = SHORT_LEADS[lang]
    # the header gives the title: the summary is the lead's own first three sentences
    assert make_summary([first, second, third], 400) == f"{first} {second}"
    assert make_summary([f"{first} {second}", third], 400) == f"{first} {second}"


def test_a_cut_before_a_minus_sign_keeps_the_sign() -> None:
    lead = "Temperatures fell overnight across the northern valleys of the region to -5 degrees on Monday."
    title, summary = make_title_and_summary([lead], 75, 400)
    assert title == "Temperatures fell overnight across the northern valleys of the region to…"
    assert summary == "…-5 degrees on Monday."


@pytest.mark.parametrize("mark", [" --", " –", " —", ";", ":"])
def test_a_cut_at_a_clause_mark_leaves_the_mark_out_of_the_continuation(mark: str) -> None:
    lead = f"The council closed the old harbour bridge to all cars for a whole year{mark} engineers will replace it."
    title, summary = make_title_and_summary([lead], 80, 400)
    assert title == "The council closed the old harbour bridge to all cars for a whole year…"
    assert summary == "…engineers will replace it."


def test_a_cjk_title_cut_goes_on_in_the_summary_without_a_space() -> None:
    lead = "東京都は月曜日、老朽化した中央図書館の建て替えに向けた基本計画を発表した。新館は五階建てになる。"
    title, summary = make_title_and_summary([lead], 20, 400)
    assert title.endswith("…") and lead.startswith(title[:-1])
    assert summary == "…" + lead[len(title) - 1 :]


def test_a_title_that_shows_nothing_leaves_the_whole_sentence_to_the_summary() -> None:
    # a room of one character: the title is a letter and the ellipsis, the rest marks only
    assert make_title_and_summary(["0」"], 1, 10) == ("0…", "0」")


@pytest.mark.parametrize(
    ("lead", "title"), [("(Ein Bericht aus Bremen.)", "…"), ("«Una frase entera.»", "«…")]
)
def test_a_title_that_shows_no_word_leaves_the_whole_sentence_to_the_summary(lead: str, title: str) -> None:
    # a room of one character after an opening bracket or quote: the title shows no letter, so
    # the summary starts with the sentence it stands for, whole
    assert make_title_and_summary([f"{lead} Der Rat tagte."], 1, 100) == (title, f"{lead} Der Rat tagte.")


def test_a_sentence_ending_in_its_own_ellipsis_is_the_whole_title() -> None:
    # under ten characters, the title ends in "…" and shows less than TITLE_SHOWN of its
    # sentence's length, but it is the whole sentence: the summary goes on after it
    assert make_title_and_summary(["Na ja… Der Rat tagte."], 80, 100) == ("Na ja…", "Der Rat tagte.")


def test_a_summary_that_says_a_title_s_sentence_whole_ends_with_a_paragraph_too() -> None:
    # the title shows no word, so the summary starts with its sentence: it holds three once
    # the second paragraph ends, and stops there
    lead = "(Ein Bericht aus Bremen.) Der Rat tagte."
    paragraphs = [lead, "Er beschloss den Haushalt.", "Die Opposition stimmte dagegen."]
    assert make_title_and_summary(paragraphs, 1, 400) == ("…", f"{lead} Er beschloss den Haushalt.")


def test_with_nothing_after_the_title_the_summary_is_its_sentence_and_what_came_before() -> None:
    # marks before the first sentence with a word are no title, but the summary keeps them
    assert make_title_and_summary([". . Der Rat tagte."], 80, 100) == ("Der Rat tagte", ". . Der Rat tagte.")
