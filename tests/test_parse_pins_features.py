"""What a line shows about itself (feedsvc/parse/features.py), at the edges its mutation run
(bench/MUTATION.md, round 5: the whole module) found unpinned. The features feed the line model
and the rules of classify.py; each test says what the parser would make of the line otherwise.
Fixtures are written here, in several languages."""

from __future__ import annotations

import pytest

from feedsvc.parse import features
from feedsvc.parse.classify import is_full_paragraph

NAMES = [
    "Abebe",
    "Bikila",
    "Zatopek",
    "Nurmi",
    "Kipchoge",
    "Gebrselassie",
    "Bekele",
    "Farah",
    "Tergat",
    "Wanjiru",
    "Kiptum",
    "Ndereba",
    "Radcliffe",
    "Kosgei",
    "Chepngetich",
    "Dibaba",
    "Defar",
    "Ayana",
    "Cheruiyot",
    "Kiprop",
    "Lagat",
    "Komen",
]


def _feature(line: str, name: str) -> float:
    return features.shapes([line])[0].values[features.NAMES.index(name)]


@pytest.mark.parametrize(
    "line",
    [
        "Apple asks every owner of an older phone to update to iOS 17.X",
        "Die neue Version heißt einfach 2.X",
    ],
)
def test_a_version_number_is_no_sentence_end(line: str) -> None:
    """Only quotes and brackets may follow the full stop of a sentence's end."""
    assert _feature(line, "terminal") == 0.0
    assert not is_full_paragraph(line, 4)


@pytest.mark.parametrize(
    ("word", "language"),
    [("nicht", "German"), ("который", "Russian"), ("aussi", "French")],
)
def test_a_language_needs_five_percent_of_function_words(word: str, language: str) -> None:
    """One function word among 19 names is 5 %: the article is in that word's language; among
    20 names it is less, and no stop-word list fits (the function-word features say nothing)."""
    lists = features.stop_words()
    words = [n.casefold() for n in NAMES]
    assert lists.language_of([*words[:19], word]) == lists.languages.index(language)
    assert lists.language_of([*words[:20], word]) == -1


@pytest.mark.parametrize("telling", [10, 11])
def test_ten_telling_words_decide_the_language(telling: int) -> None:
    """Function words of only a few lists ("nicht": German alone) tell languages apart; once
    there are 10 of them they decide, however many words of dozens of lists ("la") there are."""
    lists = features.stop_words()
    words = ["nicht"] * telling + ["la"] * 12 + [n.casefold() for n in NAMES]
    assert lists.languages[lists.language_of(words)] == "German"


def test_with_fewer_telling_words_every_function_word_counts() -> None:
    """A short text: too few telling words, so the shared ones count as well (here "la", in
    more lists than "nicht" and more often)."""
    lists = features.stop_words()
    words = ["nicht"] * 9 + ["la"] * 12 + [n.casefold() for n in NAMES]
    assert lists.languages[lists.language_of(words)] != "German"
    assert lists.language_of(words) == lists.language_of(["la"] * 12)


@pytest.mark.parametrize(
    ("line", "sentences"),
    [
        ("Why did the harbour close? Nobody said.", 1 / 3),
        ("¿Por qué cerró el puerto? Nadie lo dijo.", 1 / 3),
        ("Stop! Nobody moves.", 1 / 3),
        ("Hafen zu. Niemand sagt warum.", 1 / 3),
        ("港が閉鎖された。理由は不明だ", 1 / 3),
    ],
)
def test_each_sentence_mark_breaks_a_line(line: str, sentences: float) -> None:
    """A line of several sentences is prose: a break after ?, !, . and 。 each counts."""
    assert _feature(line, "sentences") == pytest.approx(sentences)


@pytest.mark.parametrize(
    "line",
    [
        "Mehr auf harbournews.com",
        "Plus d'informations sur port-infos.org",
        "Подробнее на harbournews.com сегодня",
    ],
)
def test_a_bare_domain_is_a_link(line: str) -> None:
    """Site chrome names its domains without "www." or a scheme."""
    assert _feature(line, "url") == 1.0


@pytest.mark.parametrize(
    ("line", "share"),
    [
        ("Home\\News", 1 / 9),  # the ASCII path
        ("Главная\\Новости", 1 / 15),  # the other one
        ("a|b", 1 / 3),
        ("а|б", 1 / 3),
    ],
)
def test_every_separator_mark_counts(line: str, share: float) -> None:
    assert _feature(line, "separator_share") == pytest.approx(share)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("（共同） 港", {"共同", "港"}),  # full-width brackets
        ("«Привет». Мир", {"привет", "мир"}),
        ("„Hallo“, sagte er.", {"hallo", "sagte", "er"}),
        ("(AFP) — Port reopens.", {"afp", "port", "reopens"}),
        ("[Reuters] Port reopens", {"reuters", "port", "reopens"}),
    ],
)
def test_the_words_of_a_line_lose_the_punctuation_around_them(line: str, words: set[str]) -> None:
    """The model's vocabulary and the lead's word overlap see "共同" and "Привет", not the
    word with its brackets or quotes."""
    assert features.shapes([line])[0].tokens == words


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Follow us on X", "digit_share"),  # the ASCII path
        ("Следите за нами в X", "digit_share"),  # the other one
        ("X, formerly Twitter, said it would appeal.", "opens_quote"),
    ],
)
def test_the_letter_x_is_only_a_letter(line: str, name: str) -> None:
    assert _feature(line, name) == 0.0


def test_a_korean_line_is_cjk() -> None:
    """Hangul is spaced by words, but a line of it is measured as CJK like Chinese and Japanese."""
    line = "서울시는 월요일에 새 시립 도서관을 열었고 많은 시민이 아침부터 줄을 섰다."
    assert features.is_cjk_line(line)
    assert _feature(line, "cjk") == 1.0


def test_no_language_means_no_function_words() -> None:
    """When no stop-word list fits the article, no line is full of function words."""
    shapes = features.shapes(
        ["The council voted on Monday to close three of the city's libraries."], known_language=False
    )
    assert shapes[0].values[features.NAMES.index("stop_density")] == 0.0
    cjk = features.shapes(["市立図書館は月曜日に新しい建物で開館し多くの市民が朝から長い列を作った。"])
    assert cjk[0].values[features.NAMES.index("stop_density")] == 0.0


def test_the_second_of_two_lines_is_at_the_bottom() -> None:
    rel_pos = features.NAMES.index("rel_pos")
    assert [s.values[rel_pos] for s in features.shapes(["Hafen öffnet.", "Mehr dazu morgen."])] == [0.0, 1.0]


@pytest.mark.parametrize("line", ["Tickets @ 10 euros each, two for 15", "Karten zu je 8 € @ Abendkasse"])
def test_an_at_sign_alone_is_no_link(line: str) -> None:
    """ "@" before a name is a handle; "@" before a space is a price list's "at"."""
    assert _feature(line, "url") == 0.0
