"""Where an article ends: a line of site chrome that a [parse] pattern names (a copyright
notice) below the lead, followed by teasers of other stories, ends the body; after an
advertisement slot the same article goes on (classify._cut_at_chrome).

The pages are invented (no publisher's text), in English, Portuguese and German: five
paragraphs of one story, a copyright line, five one-sentence teasers of other stories.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import _cut_at_chrome

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()
ARTICLE = slice(3, 8)  #: the story's paragraphs in each page
TEASERS = slice(9, None)  #: below the copyright line

PAGES = {
    "en": [
        "Home",
        "News",
        "Harbour trust approves new ferry timetable after months of complaints from island commuters",
        "The harbour trust approved a new ferry timetable on Tuesday after months of complaints from island commuters who said the early crossing left too late for them to reach work in the city on time.",
        "Under the new plan the first boat will leave the island at ten past six, forty minutes earlier than now, and an extra evening crossing will run on Fridays during the summer months.",
        "The trust's chair, Helen Marsh, said the change would cost about ninety thousand pounds a year, most of it for extra crew, and that fares would not rise to pay for it this year.",
        "Commuters welcomed the decision but said they would watch closely whether the earlier boat kept to time, after a winter in which one crossing in five left late because of staff shortages.",
        "The new timetable starts on the first Monday of May and will be reviewed by the trust in the autumn, when passenger numbers for the summer season are known.",
        "© 2024 Island Courier Ltd",
        "Police are asking for witnesses after a van was damaged in the car park behind the leisure centre on Saturday night.",
        "Plans for sixty new homes on the old school site have been sent back to the developer for a second time.",
        "A local bakery has won a national award for its sourdough, beating more than four hundred other entries.",
        "The county's cricket club has named a new captain for the coming season after a long search.",
        "Roadworks on the coast road will close one lane for three weeks from Monday, the council has said.",
    ],
    "pt": [
        "Início",
        "Notícias",
        "Prefeitura amplia horário das creches municipais a partir de março",
        "A prefeitura anunciou nesta segunda-feira que as creches municipais vão funcionar até as sete da noite a partir de março, atendendo a um pedido antigo das famílias que trabalham em turnos longos.",
        "Segundo a secretária de Educação, Márcia Lopes, a mudança vai exigir a contratação de cento e vinte novos profissionais, e o processo seletivo deve ser aberto ainda neste mês.",
        "O novo horário vale para as quarenta e duas unidades da rede, mas as famílias precisam confirmar o interesse na secretaria da escola até o fim de fevereiro.",
        "Representantes dos pais disseram que a medida chega tarde, mas que é um alívio para quem depende de transporte público e leva mais de uma hora para chegar em casa.",
        "A prefeitura informou que vai avaliar a procura pelo horário estendido ao fim do primeiro semestre e que pode ampliar o atendimento aos sábados se houver demanda.",
        "© 2024 Jornal da Cidade. Todos os direitos reservados.",
        "Polícia procura testemunhas de um acidente na avenida principal que deixou dois feridos no sábado.",
        "Feira de artesanato volta à praça central no próximo fim de semana com mais de cem expositores.",
        "Time da cidade vence o clássico regional e assume a liderança do campeonato estadual.",
        "Obras na ponte velha devem terminar antes do período de chuvas, segundo o governo do estado.",
        "Hospital municipal inaugura nova ala de pediatria com trinta leitos e uma sala de vacinação.",
    ],
    "de": [
        "Startseite",
        "Nachrichten",
        "Stadtrat beschließt neue Radwege entlang der Hauptstraße",
        "Der Stadtrat hat am Donnerstag mit großer Mehrheit beschlossen, entlang der Hauptstraße bis zum Ende des nächsten Jahres durchgehende Radwege auf beiden Seiten der Fahrbahn anzulegen.",
        "Dafür fallen etwa achtzig Parkplätze weg, die nach den Plänen der Verwaltung zum Teil in einem neuen Parkhaus am Bahnhof ersetzt werden sollen, das im Frühjahr eröffnet.",
        "Die Kosten von rund zwei Millionen Euro trägt zu einem großen Teil das Land, das den Ausbau des Radverkehrs in mittelgroßen Städten mit einem eigenen Programm fördert.",
        "Die Händler an der Hauptstraße hatten sich gegen den Wegfall der Parkplätze gewehrt und befürchten, dass weniger Kunden aus dem Umland mit dem Auto in die Innenstadt kommen.",
        "Die Bauarbeiten sollen im Sommer beginnen und abschnittsweise erfolgen, damit die Geschäfte während der gesamten Bauzeit von beiden Seiten erreichbar bleiben.",
        "© 2024 Stadtanzeiger GmbH",
        "Die Polizei sucht Zeugen eines Unfalls an der Kreuzung vor dem Rathaus, bei dem am Samstag zwei Menschen verletzt wurden.",
        "Das Freibad öffnet in diesem Jahr schon Mitte Mai, weil die Sanierung des Beckens früher fertig geworden ist.",
        "Der Sportverein feiert sein hundertjähriges Bestehen mit einem großen Fest auf dem Marktplatz am Wochenende.",
        "Die Stadtbibliothek verlängert ihre Öffnungszeiten am Samstag ab dem kommenden Monat bis achtzehn Uhr.",
        "Ein neuer Wochenmarkt im Nordviertel soll ab April jeden Mittwoch Obst und Gemüse aus der Region anbieten.",
    ],
}


@pytest.mark.parametrize("lang", list(PAGES))
def test_teasers_below_the_copyright_line_are_not_the_body(lang: str) -> None:
    lines = PAGES[lang]
    article = parse_text("\n".join(lines), RULES)
    assert [p for p in lines[ARTICLE] if p not in article.paragraphs] == []
    assert [p for p in lines[TEASERS] if p in article.paragraphs] == []
    assert lines[8] not in article.paragraphs  # the copyright line itself


def test_the_article_goes_on_after_an_advertisement_slot() -> None:
    lines = list(PAGES["en"])
    lines.insert(6, "Advertisement")  # between the third and the fourth paragraph
    article = parse_text("\n".join(lines), RULES)
    story = lines[3:6] + lines[7:9]
    assert [p for p in story if p not in article.paragraphs] == []
    assert [p for p in lines[10:] if p in article.paragraphs] == []


# --------------------------------------------------------------------------- the rule alone

CHROME = Line("© 2024 Example Ltd", "boilerplate", 0.0, "a [parse] boilerplate pattern", rule=True)
STORY = [
    "Die Stadt baut neue Radwege entlang der Hauptstraße und am Bahnhof.",
    "Die Radwege entlang der Hauptstraße kosten die Stadt zwei Millionen.",
]
OTHER = ["Das Freibad öffnet früher im Mai.", "Der Sportverein feiert hundert Jahre."]
ON_TOPIC = ["Der Bahnhof bekommt dafür neue Radwege und Hauptstraße Ampeln."]


def cut(lines: list[str], probs: list[float], chrome_at: int, lead: int = 0) -> list[bool]:
    fixed: list[Line | None] = [CHROME if i == chrome_at else None for i in range(len(lines))]
    text = [i != chrome_at for i in range(len(lines))]
    return _cut_at_chrome(lines, fixed, text, lead, probs)


def test_cut_when_the_text_below_is_off_topic_and_less_sure() -> None:
    lines = [*STORY, CHROME.text, *OTHER]
    assert cut(lines, [0.95, 0.95, 0.0, 0.8, 0.8], 2) == [True, True, False, False, False]


def test_no_cut_when_the_text_below_is_as_sure_as_the_article() -> None:
    lines = [*STORY, CHROME.text, *OTHER]
    assert cut(lines, [0.9, 0.9, 0.0, 0.95, 0.95], 2) == [True, True, False, True, True]


def test_no_cut_when_the_text_below_is_about_the_same_thing() -> None:
    lines = [*STORY, CHROME.text, *ON_TOPIC]
    assert cut(lines, [0.95, 0.95, 0.0, 0.6], 2) == [True, True, False, True]


def test_no_cut_above_the_lead_nor_with_no_text_above_it() -> None:
    lines = [CHROME.text, *STORY, *OTHER]
    probs = [0.0, 0.95, 0.95, 0.5, 0.5]
    assert cut(lines, probs, 0, lead=1) == [False, True, True, True, True]


def test_chrome_at_the_very_end_cuts_nothing_else() -> None:
    lines = [*STORY, CHROME.text]
    assert cut(lines, [0.95, 0.95, 0.0], 2) == [True, True, False]


def test_only_the_first_line_of_chrome_below_off_topic_text_ends_it() -> None:
    """Chrome, the same story going on, chrome again, then teasers: the article ends at the
    second line of chrome."""
    lines = [*STORY, CHROME.text, *ON_TOPIC, CHROME.text, *OTHER]
    fixed: list[Line | None] = [CHROME if i in (2, 4) else None for i in range(len(lines))]
    text = [i not in (2, 4) for i in range(len(lines))]
    got = _cut_at_chrome(lines, fixed, text, 0, [0.95, 0.95, 0.0, 0.9, 0.0, 0.7, 0.7])
    assert got == [True, True, False, True, False, False, False]


def test_no_cut_right_below_the_first_line_of_text() -> None:
    """One line of text above the chrome (CUT_ABOVE): a notice or a stand-first taken for the
    lead, not an article that ended; the story below it stays. Two lines are enough."""
    notice = ["Die Kurse werden mit mindestens fünfzehn Minuten Verzögerung angezeigt."]
    lines = [*notice, CHROME.text, *OTHER]
    assert cut(lines, [0.95, 0.0, 0.8, 0.8], 1) == [True, False, True, True]
    lines = [*STORY, CHROME.text, *OTHER]
    assert cut(lines, [0.95, 0.95, 0.0, 0.8, 0.8], 2) == [True, True, False, False, False]


# --------------------------------------------------------------------------- copyright notices

NOT_BODY = [
    "© Example Media Ltd, 1 High Street, Exampletown EX1 1AA.",  # the sign opens it, no year
    "Copyright © Example Newspapers Ltd. All rights reserved.",
    "Copyright (с) ООО «Пример Медиа», 2024.",  # Cyrillic с in the brackets
    "(c) Exemplo Comunicação S.A. Todos os direitos reservados.",
    "Example News is published by Example Group. All contents © 2024 Example Group LLC. All rights reserved.",
]
BODY = [
    "The photographer, whose prints are all marked with a © and her name, said she never sold one.",
    "The court ruled that the phrase all rights reserved has had no legal effect since 2000.",
]


@pytest.mark.parametrize("line", NOT_BODY)
def test_a_copyright_notice_is_boilerplate(line: str) -> None:
    from feedsvc.parse.patterns import rule_matchers

    is_boilerplate, _, _ = rule_matchers(RULES)
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", BODY)
def test_a_sentence_that_mentions_copyright_is_not(line: str) -> None:
    from feedsvc.parse.patterns import rule_matchers

    is_boilerplate, _, _ = rule_matchers(RULES)
    assert not is_boilerplate(line)
