"""A title cut a few words before the end of its sentence stands for the sentence: the summary
goes on from the next one rather than say it twice. A title cut short (much of the sentence
left out) leaves the summary to say the rest of the sentence first, after an ellipsis: a reader
shows the summary under the title, so together they read as the sentence, once. Invented text,
in English, Portuguese and Russian; a small title_length makes the sentences short."""

from __future__ import annotations

import pytest

from feedsvc.parse.lead import TITLE_SHOWN
from feedsvc.parse.lead import make_title_and_summary

LIMIT = 60

# (first sentence: a little over LIMIT characters, the next sentence)
NEARLY_WHOLE = {
    "en": (
        "The city council voted on Tuesday to close the old bridge now.",
        "Engineers will replace its rusting steel deck.",
    ),
    "pt": (
        "A prefeitura decidiu fechar a ponte velha da cidade por um ano.",
        "Os engenheiros vão trocar o tabuleiro de aço.",
    ),
    "ru": (
        "Городской совет решил закрыть старый мост через реку Оку в мае.",
        "Инженеры заменят ржавый стальной настил моста.",
    ),
}


@pytest.mark.parametrize("lang", list(NEARLY_WHOLE))
def test_a_title_cut_near_the_end_of_its_sentence_is_not_restated(lang: str) -> None:
    first, second = NEARLY_WHOLE[lang]
    title, summary = make_title_and_summary([f"{first} {second}"], LIMIT, 400)
    assert title.endswith("…")
    assert len(title) - 1 >= TITLE_SHOWN * len(first)  # the fixture is what it says
    assert summary == second


@pytest.mark.parametrize("lang", list(NEARLY_WHOLE))
def test_a_title_cut_short_leaves_the_rest_of_its_sentence_to_the_summary(lang: str) -> None:
    first, second = NEARLY_WHOLE[lang]
    longer = first[:-1] + ", " + first[:-1].lower() + "."  # twice as long: the title shows half
    title, summary = make_title_and_summary([f"{longer} {second}"], LIMIT, 400)
    assert title.endswith("…") and len(title) - 1 < TITLE_SHOWN * len(longer)
    shown = title[:-1]
    assert longer.startswith(shown)
    # the rest of the sentence from the word after the cut (the clause's comma left out), then on
    rest = longer[len(shown) :].lstrip(", ")
    assert summary == f"…{rest} {second}"
    assert shown not in summary  # what the title shows is not said twice


def test_a_whole_sentence_title_is_not_restated_either() -> None:
    title, summary = make_title_and_summary(["The bridge will close. Engineers will replace it."], LIMIT, 400)
    assert (title, summary) == ("The bridge will close", "Engineers will replace it.")
