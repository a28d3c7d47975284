"""A headline never opens a quotation it does not close: when the lead opens with a quote of
several sentences, the title (its first sentence) drops the opening mark; a quote that closes
within the title keeps its marks. Quotation conventions of several languages; invented text."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.lead import make_title
from feedsvc.parse.lead import make_title_and_summary

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        ("“The show was really great. We got the tickets at the door.”", "The show was really great"),
        ("„Die Vorstellung war großartig. Wir kommen wieder.“", "Die Vorstellung war großartig"),
        ("« Le spectacle était formidable. Nous reviendrons. »", "Le spectacle était formidable"),
        ("»Die Vorstellung war großartig. Wir kommen wieder.«", "Die Vorstellung war großartig"),
        ("«Спектакль был прекрасный. Мы придём ещё.»", "Спектакль был прекрасный"),
        ("‚Ein schöner Abend. Gern wieder.‘", "Ein schöner Abend"),
        ("「公演は素晴らしかった。また来ます。」", "公演は素晴らしかった"),
        ('"The show was really great. We will be back."', "The show was really great"),
    ],
)
def test_an_unclosed_opening_quote_is_dropped(lead: str, title: str) -> None:
    assert make_title(lead, 140) == title


@pytest.mark.parametrize(
    "lead",
    [
        "“We will win,” the coach said on Sunday after the team's third defeat in a row.",
        "„Wir schaffen das“, sagte die Trainerin nach dem Spiel.",
        "«Мы победим», — сказал тренер после матча.",
        "‘Bad idea’ was all the minister would say about the plan on Tuesday.",
        '"Yes" was the answer of the council to the plan for a new bridge.',
        "「必ず勝つ」と監督は語った。",
    ],
)
def test_a_quote_closed_in_the_title_keeps_its_marks(lead: str) -> None:
    title = make_title(lead, 140)
    assert title[0] == lead[0]
    assert lead.startswith(title)


def test_a_title_that_is_only_a_quotation_mark_stays() -> None:
    assert make_title("“", 140) == "“"  # a title is never empty


def test_the_summary_goes_on_after_the_unquoted_title() -> None:
    lead = "“The show was really great. We got the tickets at the door and a drink at the cafe.”"
    title, summary = make_title_and_summary([lead], 140, 400)
    assert title == "The show was really great"
    assert summary == "We got the tickets at the door and a drink at the cafe.”"


def test_a_review_page_gets_a_title_without_a_stray_quote() -> None:
    text = (
        "“O espetáculo foi ótimo. Recebemos os ingressos na entrada e ganhamos uma bebida no "
        "café, e comprar pelo site foi muito fácil.”\n"
        "“Artistas muito talentosos! Divertido do começo ao fim, voltaremos com certeza no "
        "próximo ano com a família.”\n"
    )
    article = parse_text(text, RULES)
    assert article.title == "O espetáculo foi ótimo"
