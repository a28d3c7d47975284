"""Where an article ends: a line of site chrome that a [parse] pattern names (a copyright
notice) below the lead, followed by teasers of other stories, ends the body; after an
advertisement slot the same article goes on (classify._cut_at_chrome).

The pages are invented (no publisher's text), in English, Portuguese and German: five
paragraphs of one story, a copyright line, five one-sentence teasers of other stories. A short
line with an address (an e-mail, a handle, a link) near the end ends the article the same way
(English, Spanish, German).
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


# --------------------------------------------------------------------------- a line with an address

# Invented pages: two menu words, five paragraphs of one story, a contact line with an e-mail
# address and a handle, two promotions of the site. The model takes the last three for text.
CONTACT_PAGES = {
    "en": [
        'Home',
        'News',
        'The county council voted on Wednesday to keep the mobile library running for two more years after hundreds of villagers signed a letter asking it not to close.',
        'The van visits eighteen villages every fortnight and lends about four thousand books a year, most of them to older readers who no longer drive to the town library.',
        'Councillors had proposed closing the service to save sixty thousand pounds, but the vote went against the plan by twenty-one votes to nine after a long debate.',
        "The library service will now look for a cheaper van and ask the parish councils whether they can help with the cost of fuel and the driver's wages.",
        'A review of the service will take place next spring, when the council sets its budget for the following year.',
        'Got a story? Email our newsroom at news@example-courier.co.uk or follow us on Twitter @ExampleCourier.',
        "Sign up for our morning briefing and get the day's top stories in your inbox every weekday.",
        "Join our readers' club for offers, events and competitions all year round.",
    ],
    "es": [
        'Inicio',
        'Noticias',
        'El ayuntamiento aprobó el martes la ampliación del horario de la biblioteca municipal, que abrirá también los domingos por la mañana a partir del próximo mes de marzo.',
        'La concejala de Cultura, Lucía Romero, explicó que la medida responde a la petición de cientos de estudiantes que no encuentran un lugar tranquilo para preparar sus exámenes.',
        'La ampliación costará unos cuarenta mil euros al año y obligará a contratar a dos auxiliares más, cuyo proceso de selección se abrirá en las próximas semanas.',
        'Los vecinos del barrio celebraron la decisión, aunque pidieron que se mejore también la calefacción de la sala de lectura, que en invierno resulta insuficiente.',
        'El ayuntamiento revisará el uso del nuevo horario a final de año para decidir si lo mantiene.',
        '¿Tienes una noticia? Escríbenos a redaccion@ejemplo-diario.es o síguenos en Twitter @EjemploDiario.',
        'Suscríbete a nuestro boletín y recibe cada mañana las noticias más importantes del día.',
        'Hazte socio del club de lectores y disfruta de descuentos y sorteos durante todo el año.',
    ],
    "de": [
        'Startseite',
        'Nachrichten',
        'Der Gemeinderat hat am Montag beschlossen, das Hallenbad im Ortszentrum trotz der hohen Kosten für die Sanierung nicht zu schließen, sondern in zwei Abschnitten zu erneuern.',
        'Die Arbeiten sollen im kommenden Sommer beginnen und etwa drei Millionen Euro kosten, von denen das Land nach Angaben der Verwaltung fast die Hälfte übernehmen wird.',
        'Während der Bauzeit können die Schulen der Gemeinde das Bad im Nachbarort nutzen, für die Fahrten dorthin richtet die Gemeinde einen eigenen Bus ein.',
        'Der Schwimmverein begrüßte die Entscheidung und kündigte an, sich mit freiwilligen Helfern an den Arbeiten im Außenbereich zu beteiligen.',
        'Die Wiedereröffnung ist für den Herbst des übernächsten Jahres geplant.',
        'Hinweise an die Redaktion bitte an redaktion@beispiel-zeitung.de oder auf Twitter an @BeispielZeitung.',
        'Abonnieren Sie unseren Newsletter und erhalten Sie jeden Morgen die wichtigsten Nachrichten des Tages.',
        'Werden Sie Mitglied im Leserclub und sichern Sie sich Rabatte und Gewinnspiele das ganze Jahr.',
    ],
}


@pytest.mark.parametrize("lang", list(CONTACT_PAGES))
def test_a_contact_line_with_an_address_ends_the_article(lang: str) -> None:
    """Near the end (less text below it than half the article's), a short line with an
    address ends the article when what follows is about something else: the story told, the
    rest is the site's."""
    lines = CONTACT_PAGES[lang]
    article = parse_text("\n".join(lines), RULES)
    assert list(article.paragraphs) == lines[2:7]


@pytest.mark.parametrize("lang", list(CONTACT_PAGES))
def test_an_address_early_in_the_article_ends_nothing(lang: str) -> None:
    """The same contact line after the second paragraph: more text below it than half the
    text above it, so it is no end (a link in the story, a source's site)."""
    lines = CONTACT_PAGES[lang]
    moved = lines[:4] + [lines[7]] + lines[4:7]
    article = parse_text("\n".join(moved), RULES)
    assert [p for p in lines[2:7] if p not in article.paragraphs] == []


ADDRESS = "Write to the newsroom at news@example.org or follow @example."
LONG_STORY = [  # 143 characters each: more than twice the teasers' 70
    "Die Stadt baut in den nächsten zwei Jahren neue Radwege entlang der Hauptstraße und am Bahnhof, wie der Stadtrat am Donnerstag beschlossen hat.",
    "Die Radwege entlang der Hauptstraße kosten die Stadt rund zwei Millionen Euro, von denen das Land nach Angaben der Verwaltung die Hälfte trägt.",
]


def cut_at(lines: list[str], probs: list[float], address: int, lead: int = 0) -> list[bool]:
    fixed: list[Line | None] = [None] * len(lines)
    addresses = [i == address for i in range(len(lines))]
    return _cut_at_chrome(lines, fixed, [True] * len(lines), lead, probs, addresses)


def test_an_address_line_ends_the_article_when_off_topic_less_sure_text_follows() -> None:
    lines = [*LONG_STORY, ADDRESS, *OTHER]
    assert cut_at(lines, [0.95, 0.95, 0.9, 0.7, 0.7], 2) == [True, True, False, False, False]
    # at the very end it goes on its own
    assert cut_at([*STORY, ADDRESS], [0.95, 0.95, 0.9], 2) == [True, True, False]


def test_an_address_line_ends_nothing_when_the_text_goes_on() -> None:
    lines = [*LONG_STORY, ADDRESS, *ON_TOPIC]
    assert cut_at(lines, [0.95, 0.95, 0.9, 0.6], 2) == [True] * 4  # about the same thing
    lines = [*LONG_STORY, ADDRESS, *OTHER]
    assert cut_at(lines, [0.9, 0.9, 0.9, 0.95, 0.95], 2) == [True] * 5  # as sure as the article


def test_an_address_line_with_as_much_text_below_as_half_the_article_ends_nothing() -> None:
    """TAIL_SHARE: the text below (the teasers, 70 characters) against the article's above it
    (STORY: 135 characters, LONG_STORY: 286)."""
    probs = [0.95, 0.95, 0.9, 0.7, 0.7]
    assert cut_at([*STORY, ADDRESS, *OTHER], probs, 2) == [True] * 5
    assert cut_at([*LONG_STORY, ADDRESS, *OTHER], probs, 2)[3:] == [False, False]


def test_the_text_below_an_address_line_is_measured_to_the_next_break() -> None:
    """Promotions, a line that is not text, then a long notice: only the promotions count
    against the article, so the line ends it, and the notice goes with it."""
    notice = [" ".join(["Ein langer Hinweis zu Cookies und Datenschutz auf dieser Seite."] * 4)] * 2
    lines = [*LONG_STORY, ADDRESS, *OTHER, "Kommentare", *notice]
    text = [True] * 5 + [False] + [True] * 2
    addresses = [i == 2 for i in range(len(lines))]
    probs = [0.95, 0.95, 0.9, 0.7, 0.7, 0.1, 0.8, 0.8]
    got = _cut_at_chrome(lines, [None] * len(lines), text, 0, probs, addresses)
    assert got == [True, True] + [False] * 6
    # without the break, the notice is below it too: more than half the article, no end
    got = _cut_at_chrome(lines, [None] * len(lines), [True] * 8, 0, probs, addresses)
    assert got == [True] * 8


def test_no_address_mask_no_address_rule() -> None:
    lines = [*LONG_STORY, ADDRESS, *OTHER]
    text = [True] * len(lines)
    assert _cut_at_chrome(lines, [None] * len(lines), text, 0, [0.95, 0.95, 0.9, 0.7, 0.7]) == text


# --------------------------------------------------------------------------- two ends on one page

# An article with a contact line in the middle (an address; the story goes on below it, about
# the same thing), then a line of chrome a [parse] pattern names, then teasers of other stories
# (off topic): the second end is decided by the model's sureness alone, measured against the
# article's average probability, which counts the contact line the story went on after (once,
# with its own probability). Invented pages: story (3 lines), contact line, the story going
# on, chrome, two teasers.
TWO_ENDS = {
    "de": [
        "Die Gemeinde erneuert in diesem Sommer die Wasserleitungen unter der Lindenstraße und sperrt dafür die Straße abschnittsweise für den Verkehr.",
        "Die Arbeiten an den Wasserleitungen beginnen im Juni am Marktplatz und sollen bis zum Herbst die gesamte Lindenstraße erfassen, teilte die Gemeinde mit.",
        "Anwohner der Lindenstraße können ihre Grundstücke während der Arbeiten jederzeit erreichen, nur das Parken am Straßenrand ist nicht erlaubt.",
        "Fragen an das Bauamt: bauamt@gemeinde-beispiel.de",
        "Die Gemeinde bittet Anwohner der Lindenstraße um Geduld während der Arbeiten.",
        "Diesen Artikel teilen",
        "Freibad sucht Rettungsschwimmer.",
        "Kirchenchor singt zum Jubiläum.",
    ],
    "es": [
        "El ayuntamiento renovará este verano las tuberías de agua bajo la calle Mayor y cortará el tráfico por tramos mientras duren las obras previstas.",
        "Las obras en las tuberías comenzarán en junio junto a la plaza del mercado y llegarán hasta el final de la calle Mayor antes del otoño, según el ayuntamiento.",
        "Los vecinos de la calle Mayor podrán entrar en sus casas durante las obras, aunque no estará permitido aparcar junto a la acera en esos meses.",
        "Consultas sobre las obras: obras@ayuntamiento-ejemplo.es",
        "El ayuntamiento pide paciencia a los vecinos de la calle Mayor durante las obras.",
        "Compartir este artículo",
        "Piscina municipal busca socorristas.",
        "Coro parroquial celebra aniversario.",
    ],
    "ru": [
        "Администрация района этим летом заменит водопроводные трубы под улицей Садовой и будет перекрывать движение по участкам на время работ.",
        "Работы по замене труб начнутся в июне у рыночной площади и до осени охватят всю улицу Садовую, сообщили в администрации района.",
        "Жители улицы Садовой смогут подъехать к своим домам во время работ, однако парковка вдоль тротуара будет запрещена на эти месяцы.",
        "Вопросы о работах: stroy@rayon-primer.ru",
        "Во время работ жители улицы Садовой могут звонить в администрацию района.",
        "Поделиться статьёй",
        "Бассейн ищет спасателей.",
        "Хор отмечает юбилей.",
    ],
}
SHARE = Line("Share", "boilerplate", 0.0, "a [parse] boilerplate pattern", rule=True)


def two_ends(lang: str, probs: list[float]) -> list[bool]:
    lines = TWO_ENDS[lang]
    fixed: list[Line | None] = [SHARE if i == 5 else None for i in range(len(lines))]
    text = [i != 5 for i in range(len(lines))]
    addresses = [i == 3 for i in range(len(lines))]
    return _cut_at_chrome(lines, fixed, text, 0, probs, addresses)


@pytest.mark.parametrize("lang", list(TWO_ENDS))
def test_the_contact_line_the_story_went_on_after_is_no_end_and_counts_in_its_average(lang: str) -> None:
    lines = TWO_ENDS[lang]
    # the contact line is an end by its place (little text below it), but the story goes on
    # about the same thing: the first end is passed by topic, whatever the probabilities
    assert len(lines[4]) + len(lines[6]) + len(lines[7]) < 0.5 * sum(len(x) for x in lines[:3])
    # The model unsure of the contact line (0.3): the article's average is (3 x 0.9 + 0.3 +
    # 0.9) / 5 = 0.78, the teasers (0.85) are as sure as that: no second end. Without the
    # contact line in the average (0.9), counted as 1.0 (0.92), or divided by one line fewer
    # (0.975), the teasers would be cut.
    assert two_ends(lang, [0.9, 0.9, 0.9, 0.3, 0.9, 0.0, 0.85, 0.85]) == [True] * 5 + [False, True, True]
    # The model sure of it (0.99): (3 x 0.7 + 0.99 + 0.7) / 5 = 0.758, teasers at 0.72 are less
    # sure: the article ends at the chrome. Without its probability but with its line (0.56), with
    # it subtracted (0.362) or counted as two lines (0.632), they would stay.
    assert two_ends(lang, [0.7, 0.7, 0.7, 0.99, 0.7, 0.0, 0.72, 0.72]) == [True] * 5 + [False] * 3
