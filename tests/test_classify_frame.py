"""A line above the lead repeated verbatim below it frames the article (classify._within_frame):
share buttons, the author's name, a notice set above and below the story. The text ends at
the lower copy when little text follows it, or somewhat more that the model is less sure of
(the author's bio, a comment form); a table of contents (several such lines), a repeated full
paragraph, or a copy right below the lead frames nothing.

The lines are invented, in Spanish, German, Portuguese and English.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from fake_models import classify_given

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import _within_frame
from feedsvc.parse.classify import is_full_paragraph

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()
SHARE = {"es": "Compartir es querer", "de": "Teilen macht Freude", "pt": "Compartilhe com amigos"}
STORY = {  # cut to 150 characters each below
    "es": "El ayuntamiento abrirá la biblioteca municipal también los domingos por la mañana a partir de enero, según anunció el martes la concejala de Cultura....",
    "de": "Die Stadt baut in den nächsten zwei Jahren neue Radwege entlang der Hauptstraße und am Bahnhof, wie der Stadtrat am Donnerstag beschlossen hat. Gut...",
    "pt": "A prefeitura anunciou nesta segunda-feira que as creches municipais vão funcionar até as sete da noite a partir de março, atendendo a um pedido antigo.",
}
TAIL = {  # cut to 100 characters each below: the author's bio, a comment form's notice
    "es": "Marta escribe sobre cultura y vive en Sevilla con su familia, sus dos gatos y demasiados libros. Ok.",
    "de": "Jonas schreibt über Verkehr und wohnt mit seiner Familie und zwei Katzen am Rand der Stadt. Danke schön!",
    "pt": "Ana escreve sobre educação e mora em Recife com a família, dois gatos e uma coleção de discos velhos.",
}

STORY = {k: v[:150] for k, v in STORY.items()}
TAIL = {k: v[:100] for k, v in TAIL.items()}


def page(lang: str, n_story: int, n_tail: int) -> list[str]:
    """The share line, the story's paragraphs, the share line again, the tail's lines."""
    return [SHARE[lang], *[STORY[lang]] * n_story, SHARE[lang], *[TAIL[lang]] * n_tail]


def frame(lines: Sequence[str], probs: Sequence[float], lead: int = 1) -> list[bool]:
    fixed: list[Line | None] = [None] * len(lines)
    return _within_frame(lines, fixed, [True] * len(lines), lead, probs)


def test_the_fixtures_have_the_lengths_the_tests_count_on() -> None:
    assert {len(x) for x in STORY.values()} == {150}
    assert {len(x) for x in TAIL.values()} == {100}
    assert not any(is_full_paragraph(x) for x in SHARE.values())


@pytest.mark.parametrize("lang", list(SHARE))
def test_a_frame_with_a_short_tail_ends_the_article(lang: str) -> None:
    """3 paragraphs (450 characters) above the lower copy, 2 tail lines (200) below it: less
    than TAIL_SHARE, so it ends there whatever the model says of the tail."""
    lines = page(lang, 3, 2)
    got = frame(lines, [0.9] * len(lines))
    assert got == [True] * 4 + [False] * 3


@pytest.mark.parametrize("lang", list(SHARE))
def test_a_frame_with_a_longer_tail_ends_the_article_when_the_model_is_less_sure_of_it(lang: str) -> None:
    """2 paragraphs (300 characters) above, 2 tail lines (200) below: between TAIL_SHARE and
    FRAME_SHARE, so the model's scores decide."""
    lines = page(lang, 2, 2)
    less = [0.1, 0.95, 0.95, 0.5, 0.8, 0.8]
    assert frame(lines, less) == [True] * 3 + [False] * 3
    # as sure as the article, or less sure by under FRAME_MARGIN (0.05): the text goes on
    assert frame(lines, [0.1, 0.95, 0.95, 0.5, 0.95, 0.95]) == [True] * 6
    assert frame(lines, [0.1, 0.95, 0.95, 0.5, 0.91, 0.91]) == [True] * 6
    assert frame(lines, [0.1, 0.95, 0.95, 0.5, 0.89, 0.89]) == [True] * 3 + [False] * 3


@pytest.mark.parametrize("lang", list(SHARE))
def test_a_frame_with_as_much_text_below_as_above_ends_nothing(lang: str) -> None:
    """FRAME_SHARE: 2 paragraphs (300 characters) above, 3 tail lines (300) below."""
    lines = page(lang, 2, 3)
    assert frame(lines, [0.1, 0.95, 0.95, 0.5, 0.3, 0.3, 0.3]) == [True] * 7


@pytest.mark.parametrize("lang", list(SHARE))
def test_a_copy_right_below_the_lead_frames_nothing(lang: str) -> None:
    """CUT_ABOVE: one line of text between the lead and the copy."""
    lines = page(lang, 1, 1)
    assert frame(lines, [0.1, 0.95, 0.5, 0.3]) == [True] * 4


def test_a_table_of_contents_frames_nothing() -> None:
    """Two headings listed above the lead and set again as subheads: the table of contents
    above an article, not a frame."""
    story = STORY["de"]
    lines = ["Die Pläne", "Die Kosten", story, story, story, "Die Pläne", story, "Die Kosten", TAIL["de"]]
    probs = [0.2, 0.2, 0.95, 0.95, 0.95, 0.5, 0.95, 0.5, 0.3]
    assert frame(lines, probs, lead=2) == [True] * 9
    # the same page with one heading: the second copy frames it
    one = [x for x in lines if x != "Die Kosten"]
    assert (
        frame(one, [p for x, p in zip(lines, probs) if x != "Die Kosten"], lead=1) == [True] * 4 + [False] * 3
    )


def test_a_full_paragraph_repeated_frames_nothing() -> None:
    """A stand-first above the lead that the story repeats in full is a sentence of it."""
    repeated = "Die Radwege kosten zwei Millionen Euro, von denen das Land die Hälfte der Kosten trägt."
    lines = [repeated, *[STORY["de"]] * 3, repeated, TAIL["de"]]
    assert frame(lines, [0.6, 0.95, 0.95, 0.95, 0.9, 0.3]) == [True] * 6


def test_rule_lines_and_lines_below_the_lead_only_are_no_frame() -> None:
    lines = page("pt", 3, 2)
    fixed: list[Line | None] = [None] * len(lines)
    fixed[0] = Line(lines[0], "boilerplate", 0.0, "a [parse] boilerplate pattern", rule=True)
    assert _within_frame(lines, fixed, [True] * len(lines), 1, [0.9] * len(lines)) == [True] * 7
    # the line twice below the lead, never above it
    lines = [STORY["pt"], SHARE["pt"], *[STORY["pt"]] * 2, SHARE["pt"], TAIL["pt"]]
    assert frame(lines, [0.9] * 6, lead=0) == [True] * 6


def test_classify_drops_the_frame_and_what_follows_it() -> None:
    """English: share buttons above and below a three-paragraph story, then the author's bio
    and a comment form's notice; the model (given) is less sure of them than of the story."""
    lines = [
        "Sharing is caring!",
        "The harbour trust approved a new ferry timetable on Tuesday after months of complaints from island commuters about the early crossing.",
        "Under the new plan the first boat will leave the island at ten past six, forty minutes earlier than now, and an extra crossing will run on Fridays.",
        "Commuters welcomed the timetable but said they would watch whether the earlier boat kept to time after a winter of late crossings.",
        "Sharing is caring!",
        "Helen writes about the islands and lives by the harbour with her two sons, a dog and far too many boats to count.",
        "Save my name and address in this browser for the next time I comment.",
    ]
    probs = (0.6, 0.97, 0.97, 0.97, 0.7, 0.8, 0.6)
    out = classify_given(lines, probs)
    assert [x.kind for x in out][1:4] == ["lead", "body", "body"]
    assert [x.kind in ("lead", "body") for x in out][4:] == [False] * 3


@pytest.mark.parametrize("label", ["Anzeige", "Publicidad", "Реклама"])
def test_a_single_word_above_the_lead_and_between_paragraphs_frames_nothing(label: str) -> None:
    """An advertisement's label, not in the [parse] patterns, set above the lead and again
    before the last paragraph: the story goes on below it."""
    story = STORY["de"]
    lines = [label, story, story, story, label, TAIL["de"]]
    assert frame(lines, [0.1, 0.95, 0.95, 0.95, 0.2, 0.5]) == [True] * 6
    # two words are a frame ("Teilen macht Freude", an author's name)
    two = [f"{label} {label}" if x == label else x for x in lines]
    assert frame(two, [0.1, 0.95, 0.95, 0.95, 0.2, 0.5]) == [True] * 4 + [False] * 2


def test_an_advertisement_label_near_the_end_cuts_no_story() -> None:
    """The whole parse, with the shipped model: German, "Anzeige" above the headline and before
    the story's last paragraph."""
    lines = [
        "Startseite",
        "Anzeige",
        "Die Stadt baut neue Radwege entlang der Hauptstraße und am Bahnhof",
        "Die Stadt baut in den nächsten zwei Jahren neue Radwege entlang der Hauptstraße und am Bahnhof, wie der Stadtrat am Donnerstag beschlossen hat.",
        "Die Radwege kosten die Stadt rund zwei Millionen Euro, von denen das Land nach Angaben der Verwaltung die Hälfte der Kosten trägt.",
        "Radfahrer hatten seit Jahren sichere Radwege am Bahnhof gefordert, weil dort morgens viele Pendler mit dem Fahrrad unterwegs sind.",
        "Die Händler an der Hauptstraße hatten sich gegen den Wegfall der Parkplätze gewehrt und befürchten weniger Kunden aus dem Umland.",
        "Die Bauarbeiten sollen im Sommer beginnen und abschnittsweise erfolgen, damit die Geschäfte erreichbar bleiben.",
        "Anzeige",
        "Der Stadtrat will die neuen Radwege am Bahnhof nach einem Jahr prüfen und dann über weitere Strecken in der Innenstadt entscheiden.",
    ]
    article = parse_text("\n".join(lines), RULES)
    assert lines[-1] in article.paragraphs
    assert [p for p in lines[3:8] if p not in article.paragraphs] == []
