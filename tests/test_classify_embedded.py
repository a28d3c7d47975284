"""A post the story embeds (a tweet: its text, then its picture's link) right after the text
goes on with it, as a sentence does (classify._ends_before_link, CONTINUE), and is no contact
line that ends the article (classify._embedded_post, _addresses).

The pages are invented (no publisher's text), in English, Spanish and German. A model double
scores each line, so the rules are what decide.
"""

from __future__ import annotations

import pytest
from fake_models import classify_given

from feedsvc.parse.classify import _embedded_post
from feedsvc.parse.classify import _ends_before_link
from feedsvc.parse.classify import _ends_before_signature

STORIES = {
    "en": [
        "The governor launched the new road safety campaign on Monday with posters, radio spots and a website for young drivers.",
        "Within hours the slogan was trending, and not for the reasons her office had hoped, as thousands of people mocked it online.",
        "Her spokesman said the campaign had done exactly what it was meant to do, which was to get people talking about safe driving.",
        "One driver summed up the mood of the day in a single post that was shared more than ten thousand times by the evening.",
    ],
    "es": [
        "La gobernadora presentó el lunes la nueva campaña de seguridad vial con carteles, anuncios de radio y una web para conductores jóvenes.",
        "En pocas horas el lema se convirtió en tendencia, aunque no por las razones que esperaba su oficina, y miles de personas se burlaron de él.",
        "Su portavoz dijo que la campaña había logrado justo lo que buscaba, que la gente hablara de conducir con prudencia.",
        "Un conductor resumió el ánimo del día en una sola publicación que se compartió más de diez mil veces antes de la noche.",
    ],
    "de": [
        "Die Gouverneurin stellte am Montag die neue Kampagne für Verkehrssicherheit mit Plakaten, Radiospots und einer Webseite für junge Fahrer vor.",
        "Binnen Stunden wurde der Slogan zum Trend, allerdings nicht aus den Gründen, die ihr Büro erhofft hatte, und Tausende spotteten im Netz.",
        "Ihr Sprecher sagte, die Kampagne habe genau das erreicht, was sie erreichen sollte: Die Leute redeten über vorsichtiges Fahren.",
        "Ein Autofahrer fasste die Stimmung des Tages in einem einzigen Beitrag zusammen, der bis zum Abend mehr als zehntausendmal geteilt wurde.",
    ],
}
POSTS = {
    "en": "Honestly the best ad campaign of the year, and I mean that. pic.twitter.com/Ab3dE5fG7h",
    "es": "Sinceramente, la mejor campaña del año, y lo digo en serio.https://t.co/xY12abCD9z",
    "de": "Ehrlich gesagt die beste Kampagne des Jahres, und das meine ich ernst! https://t.co/Qw34ErTy56 pic.twitter.com/Zx78CvBn90",
}


def kinds(lines: list[str], probs: list[float]) -> list[str]:
    # "Home", a menu word above the story: not one run of prose, so the model decides
    out = classify_given(["Home", *lines], (0.1, *probs))
    return [line.kind for line in out][1:]


@pytest.mark.parametrize("lang", sorted(STORIES))
def test_an_embedded_post_after_the_text_is_text(lang: str) -> None:
    lines = [*STORIES[lang], POSTS[lang]]
    assert kinds(lines, [0.9, 0.9, 0.9, 0.9, 0.3]) == ["lead", "body", "body", "body", "body"]


@pytest.mark.parametrize("lang", sorted(STORIES))
def test_a_line_with_links_and_no_sentence_before_them_is_not(lang: str) -> None:
    post = POSTS[lang].replace(".", "").replace("!", "")  # no full stop before the links
    assert kinds([*STORIES[lang], post], [0.9, 0.9, 0.9, 0.9, 0.3])[-1] != "body"


def test_an_embedded_post_too_unsure_or_away_from_the_text_is_not() -> None:
    lines = [*STORIES["en"], POSTS["en"]]
    assert kinds(lines, [0.9, 0.9, 0.9, 0.9, 0.1])[-1] != "body"  # below CONTINUE
    # after a line that is not text (a picture's caption the model rejects), nothing goes on
    caption = "The campaign poster on a motorway bridge outside the capital"
    out = kinds([*STORIES["en"], caption, POSTS["en"]], [0.9, 0.9, 0.9, 0.9, 0.1, 0.3])
    assert out[-1] != "body"


@pytest.mark.parametrize(
    ("line", "before_link"),
    [
        ("Honestly the best ad campaign of the year. pic.twitter.com/Ab3dE5fG7h", True),
        ("¿Quién aprobó esto?https://t.co/xY12abCD9z", True),  # glued to the question mark
        ("Das meine ich ernst!“ https://t.co/Qw34ErTy56 pic.twitter.com/Zx78CvBn90", True),  # a closing quote
        ("Voir la vidéo. www.example.fr/video", True),
        ("Honestly the best ad campaign of the year pic.twitter.com/Ab3dE5fG7h", False),  # no full stop
        ("https://t.co/xY12abCD9z", False),  # only a link
        ("The best ad campaign of the year.", False),  # no link at the end
        ("See https://example.com/more for the details.", False),  # a link inside the sentence
    ],
)
def test_ends_before_link(line: str, before_link: bool) -> None:
    assert _ends_before_link(line) is before_link


@pytest.mark.parametrize(
    ("line", "embedded"),
    [
        ("Honestly the best ad campaign of the year. pic.twitter.com/Ab3dE5fG7h", True),
        # an address before the links: a contact line, which may end the article
        ("Write to jo@example.org. https://example.org/contact", False),
        ("More at example.com. https://example.com/more", False),
        ("Follow @example for more. https://t.co/xY12abCD9z", False),
        ("Questions? Write to www.example.org/ask", False),
        ("No links at all.", False),
    ],
)
def test_embedded_post(line: str, embedded: bool) -> None:
    assert _embedded_post(line) is embedded


@pytest.mark.parametrize(
    ("line", "signed"),
    [
        ("Pendler begrüßten die Nachricht. (dpa)", True),
        ("Los viajeros celebraron la noticia. (EFE)", True),
        ("«Это хорошая новость», — сказал он. /ТАСС/", True),  # a closing quote, then slashes
        ("The ferry service resumes on Monday. (Reuters/AP)", True),
        ("Pendler begrüßten die Nachricht (dpa)", False),  # no sentence before the mark
        ("(dpa)", False),  # only the mark
        ("The ferry resumes on Monday. (A spokesman for the operator said the timetable would be published later)", False),  # a sentence in brackets
        ("The share of commuters rose to 40 per cent (from 31).", False),  # a bracket inside the sentence
    ],
)
def test_ends_before_signature(line: str, signed: bool) -> None:
    assert _ends_before_signature(line) is signed


@pytest.mark.parametrize("lang", sorted(STORIES))
def test_a_last_paragraph_signed_by_its_agency_goes_on_with_the_text(lang: str) -> None:
    signed = STORIES[lang][3] + " (dpa)"
    assert kinds([*STORIES[lang][:3], signed], [0.9, 0.9, 0.9, 0.4]) == ["lead", "body", "body", "body"]
    unsigned = STORIES[lang][3].rstrip(".") + " (dpa)"  # no sentence before the mark: not continued
    assert kinds([*STORIES[lang][:3], unsigned], [0.9, 0.9, 0.9, 0.4])[-1] != "body"
