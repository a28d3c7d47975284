"""The summary is one run of the lead paragraphs: it ends at a line of text that is no sentence
and would be read between two of its sentences (a reviewer's name under a quote, a label, a
promotion in capitals), and passes over lines the body leaves out. A summary joined across
such a line reads two sentences as one and puts words side by side that the article does not.

The pages are invented (no publisher's text), in Portuguese, Russian, English and Spanish.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.article import classify_lines
from feedsvc.parse.article import lead_run
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import ends_run
from feedsvc.parse.linetypes import is_upper_line

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

# An introduction, then reviews, each with the reviewer's shortened name on a line below it.
REVIEWS = {
    "pt": [
        "Os visitantes que compraram os ingressos pelo nosso site foram ao teatro ver o musical e "
        "deixaram as suas opiniões sobre o espetáculo!",
        "Reunimos aqui algumas dessas opiniões, confira abaixo.",
        "“O espetáculo foi ótimo. Recebemos os ingressos na entrada e ganhamos uma bebida no café. "
        "Comprar pelo site foi muito fácil.”",
        "– Mar**",
        "“Artistas muito talentosos! Divertido do começo ao fim! Voltaremos com certeza no próximo "
        "ano com a família.”",
        "– Ana***",
        "“Vale muito a pena, a música e os figurinos são lindos e a história é contada com muito humor.”",
        "– Jo** Si**",
    ],
    "ru": [
        "Зрители, которые купили билеты через наш сайт, пришли в театр на мюзикл и оставили свои "
        "отзывы о спектакле!",
        "Мы собрали здесь некоторые из этих отзывов, читайте ниже.",
        "«Спектакль был прекрасный. Билеты мы получили у входа, а в кафе нас угостили напитком. "
        "Купить билеты через сайт было очень просто.»",
        "– Мар**",
        "«Очень талантливые люди! Было весело от начала до конца! Обязательно придём ещё раз всей "
        "семьёй в следующем году.»",
        "– Ан***",
        "«Очень советую, музыка и костюмы прекрасны, а историю рассказывают с большим юмором.»",
        "– Ю** Си**",
    ],
}


@pytest.mark.parametrize("lang", list(REVIEWS))
def test_the_summary_ends_at_a_name_under_a_quote(lang: str) -> None:
    lines = REVIEWS[lang]
    classes = {line.text: line.kind for line in classify_lines(lines, RULES)}
    assert classes[lines[3]] == "body"  # the name is text: the summary must not read past it
    article = parse_text("\n".join(lines), RULES)
    assert lines[3] in article.paragraphs
    assert lines[1] in article.summary and lines[2] in article.summary
    assert lines[4] not in article.summary  # the second review is not glued to the first


# A promotion in capitals (it ends in "!") between the lead and the story's second paragraph,
# followed by the promotion's own text.
SHOUTED = {
    "en": [
        "Analysis by Jane Smith",
        "Updated 1909 GMT (0309 HKT) November 18, 2019",
        "The city council voted on Tuesday night to close the old bridge to cars for a year while "
        "engineers replace its rusting steel deck, a repair that has been delayed since the spring.",
        "WATCH OUR SHOW -- NOW ON VIDEO!",
        "In each episode of her weekly video show, our reporter goes behind the headlines of the "
        "week in the city and talks to the people who made them.",
        "The bridge carries about twelve thousand cars a day, and the council expects most of them "
        "to use the ring road while the work goes on.",
        "Shop owners near the bridge said they feared losing customers, but the council promised "
        "signs pointing drivers to the parking on the other bank.",
    ],
    "es": [
        "Análisis de Ana López",
        "Actualizado 19:09 GMT 18 de noviembre de 2019",
        "El ayuntamiento votó el martes por la noche cerrar el viejo puente a los coches durante "
        "un año mientras los ingenieros cambian su tablero de acero oxidado, una obra aplazada "
        "desde la primavera.",
        "MIRA NUESTRO PROGRAMA: ¡AHORA EN VÍDEO!",
        "En cada episodio de su programa semanal, nuestra periodista cuenta lo que hay detrás de "
        "las noticias de la semana en la ciudad y habla con sus protagonistas.",
        "Por el puente pasan unos doce mil coches al día, y el ayuntamiento espera que la mayoría "
        "use la carretera de circunvalación mientras duren las obras.",
        "Los comerciantes cercanos al puente dijeron que temen perder clientes, pero el "
        "ayuntamiento prometió carteles que indiquen el aparcamiento de la otra orilla.",
    ],
}


@pytest.mark.parametrize("lang", list(SHOUTED))
def test_a_line_in_capitals_is_no_sentence_and_ends_the_summary(lang: str) -> None:
    lines = SHOUTED[lang]
    out = {line.text: line for line in classify_lines(lines, RULES)}
    shout = out[lines[3]]
    assert shout.kind == "body" and not shout.sentence  # kept in the body, not summary material
    assert out[lines[4]].sentence
    article = parse_text("\n".join(lines), RULES)
    # the title is cut, so the summary is the rest of the lead's sentence, and ends there
    assert article.title.endswith("…") and article.summary.startswith("…")
    assert lines[2].startswith(article.title[:-1]) and lines[2].endswith(article.summary[1:])
    assert lines[4][:30] not in article.summary


def _line(text: str, kind: str = "body", sentence: bool = True) -> Line:
    return Line(text, kind, 1.0, "test", sentence)  # type: ignore[arg-type]


def test_lead_run_ends_at_a_short_line_or_one_in_capitals_and_passes_over_the_rest() -> None:
    lead = _line("The lead.", "lead")
    after = _line("After.")
    chrome = _line("Share this article", "boilerplate", False)
    caption = _line("A fisherman mends his nets at dawn", "body", False)  # long: passed over
    assert lead_run([lead, chrome, after], 0) == ["The lead.", "After."]
    assert lead_run([lead, caption, after], 0) == ["The lead.", "After."]
    assert lead_run([lead, _line("– Ana", sentence=False), after], 0) == ["The lead."]
    assert lead_run([lead, _line("SEE IT ON VIDEO NOW", sentence=False), after], 0) == ["The lead."]
    # a dateline is text too: a short one ends the run
    assert lead_run([lead, _line("LONDON", "dateline", False), after], 0) == ["The lead."]
    # the run starts at ``start``: lines above it are not read
    assert lead_run([after, chrome, lead], 2) == ["The lead."]


@pytest.mark.parametrize(
    ("line", "ends"),
    [
        ("– Ana***", True),  # two words
        ("Module efficiency", True),
        ("Три слова тут", True),
        ("Four words are enough", False),  # SENTENCE_WORDS: a caption without a full stop
        ("WATCH OUR SHOW -- NOW ON VIDEO!", True),
        ("ÚLTIMA HORA: EL PUENTE SE CIERRA", True),
        ("Four Words Are Enough", False),  # title case is not capitals
        ("市議会は火曜日の夜に古い橋を閉鎖することを決めた", False),  # CJK: by characters
        ("古い橋", True),
    ],
)
def test_ends_run(line: str, ends: bool) -> None:
    assert ends_run(line) is ends


@pytest.mark.parametrize(
    ("line", "upper"),
    [
        ("NOW ON VIDEO!", True),
        ("СЕЙЧАС В ЭФИРЕ", True),
        ("Now on video", False),
        ("2024 — 15:30", False),
        ("東京", False),
    ],
)
def test_is_upper_line(line: str, upper: bool) -> None:
    assert is_upper_line(line) is upper
