"""Where an article that is one run of prose ends: every line a sentence, so the model is
skipped (classify._one_run_of_prose), and yet a copyright notice below the lead, then
sentences about something else (a comment form's notice, a newsletter's offer), are the
site's, not the story's. The end is found as below the model's text (classify._cut_at_chrome),
by the topic alone: there are no model scores to compare. A short line with an address, which
ends a model's text, ends no run of prose.

The pages are invented (no publisher's text), in English, Spanish and German.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.article import classify_lines
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import is_one_run_of_prose

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

STORIES = {
    "en": [
        "The harbour trust approved a new ferry timetable on Tuesday after months of complaints from island commuters about the early crossing.",
        "Under the new plan the first boat will leave the island at ten past six, forty minutes earlier than now, and an extra crossing will run on Fridays.",
        "The trust's chair, Helen Marsh, said the change would cost about ninety thousand pounds a year, most of it for extra crew on the ferry.",
        "Commuters welcomed the timetable but said they would watch whether the earlier boat kept to time after a winter of late crossings.",
    ],
    "es": [
        "El ayuntamiento aprobó el martes un nuevo horario para la biblioteca municipal, que abrirá también los domingos por la mañana a partir de enero.",
        "Según la concejala de Cultura, Lucía Romero, la biblioteca contratará a cuatro personas más para cubrir los nuevos turnos del fin de semana.",
        "Los vecinos habían pedido durante años que la biblioteca abriera los domingos, sobre todo los estudiantes que preparan exámenes en invierno.",
        "El ayuntamiento revisará el horario de la biblioteca en verano, cuando conozca cuántos lectores acuden los domingos por la mañana.",
    ],
    "de": [
        "Die Stadt baut in den nächsten zwei Jahren neue Radwege entlang der Hauptstraße und am Bahnhof, wie der Stadtrat am Donnerstag beschlossen hat.",
        "Die Radwege kosten die Stadt rund zwei Millionen Euro, von denen das Land nach Angaben der Verwaltung die Hälfte der Kosten trägt.",
        "Radfahrer hatten seit Jahren sichere Radwege am Bahnhof gefordert, weil dort morgens viele Pendler mit dem Fahrrad unterwegs sind.",
        "Der Stadtrat will die neuen Radwege am Bahnhof nach einem Jahr prüfen und dann über weitere Strecken in der Innenstadt entscheiden.",
    ],
}
COPYRIGHT = {"en": "© 2024 Island Courier Ltd", "es": "© 2024 Diario Local", "de": "© 2024 Stadtanzeiger"}
# Sentences about something else: a comment form's notice, a newsletter's offer.
SITE = {
    "en": ["You must sign in to post a comment.", "Get our best reads delivered every morning."],
    "es": [
        "Debes iniciar sesión para publicar un comentario.",
        "Recibe cada mañana nuestras mejores lecturas.",
    ],
    "de": [
        "Melden Sie sich an, um einen Kommentar zu schreiben.",
        "Erhalten Sie jeden Morgen unsere besten Texte.",
    ],
}
# A short line with an address: the author's note at the story's end.
AUTHOR = {
    "en": "Helen Ward (helen@example.org) covers the islands for the paper.",
    "es": "Marta Gil (marta@example.org) escribe sobre cultura para el diario.",
    "de": "Jonas Bauer (jonas@example.org) schreibt für die Zeitung über Verkehr.",
}
# On the story's topic, below the copyright line: the story goes on.
MORE = {
    "en": "The harbour trust will publish the ferry timetable for the island commuters next week.",
    "es": "El ayuntamiento publicará el horario de la biblioteca municipal los domingos la próxima semana.",
    "de": "Der Stadtrat will die Radwege am Bahnhof und an der Hauptstraße im Frühjahr bauen lassen.",
}


def lines_of(page: list[str]) -> list[Line]:
    return classify_lines(page, RULES)


@pytest.mark.parametrize("lang", list(STORIES))
def test_the_site_after_a_copyright_notice_ends_a_run_of_prose(lang: str) -> None:
    page = [*STORIES[lang], COPYRIGHT[lang], *SITE[lang]]
    got = lines_of(page)
    assert [x.kind for x in got] == [
        "lead",
        "body",
        "body",
        "body",
        "boilerplate",
        "boilerplate",
        "boilerplate",
    ]
    assert all(x.reason.startswith("one run of prose") for x in got if not x.rule)  # the model skipped
    article = parse_text("\n".join(page), RULES)
    assert list(article.paragraphs) == STORIES[lang]


@pytest.mark.parametrize("lang", list(STORIES))
def test_an_address_line_ends_no_run_of_prose(lang: str) -> None:
    """Below a model's text, a short line with an address ends the article when what follows
    is off the topic or less sure; with no model, the topic alone would cut a story's own
    closing lines, so in a run of prose it ends nothing."""
    page = [*STORIES[lang], AUTHOR[lang], *SITE[lang]]
    assert is_one_run_of_prose(page, [None] * len(page))
    got = lines_of(page)
    assert [x.kind for x in got] == ["lead"] + ["body"] * 6


@pytest.mark.parametrize("lang", list(STORIES))
def test_a_run_of_prose_goes_on_below_chrome_on_the_same_topic(lang: str) -> None:
    """The copyright line in the middle (an advertisement slot's notice), the story's topic
    below it: nothing ends."""
    page = [*STORIES[lang][:3], COPYRIGHT[lang], STORIES[lang][3], MORE[lang]]
    article = parse_text("\n".join(page), RULES)
    assert list(article.paragraphs) == [*STORIES[lang][:3], STORIES[lang][3], MORE[lang]]


@pytest.mark.parametrize("lang", list(STORIES))
def test_chrome_right_below_the_first_paragraph_ends_no_run_of_prose(lang: str) -> None:
    """CUT_ABOVE: the copyright line after one paragraph ends nothing, whatever follows it."""
    page = [STORIES[lang][0], COPYRIGHT[lang], *SITE[lang]]
    got = lines_of(page)
    assert [x.kind for x in got] == ["lead", "boilerplate", "body", "body"]
    # after two, it ends the article
    page = [*STORIES[lang][:2], COPYRIGHT[lang], *SITE[lang]]
    assert [x.kind for x in lines_of(page)] == ["lead", "body"] + ["boilerplate"] * 3
