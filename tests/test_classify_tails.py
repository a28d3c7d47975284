"""What follows an article's text and is not the article: a list of other stories' short
headlines below it (classify._without_tail_teasers), the publisher's lines below the
article's numbered notes (classify._before_notes_end), a row of headlines each closed by a
label in brackets (classify._tagged_row); and a topic, when chrome may end the article, is
its words less the function words of its language (classify._cut_at_chrome).

Every page is invented (no publisher's text), in English, Spanish, Portuguese, German,
French and Russian.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_models import classify_given

from feedsvc.config import Settings
from feedsvc.parse.article import classify_lines
from feedsvc.parse.classify import TAIL_WORDS
from feedsvc.parse.classify import TEXT_KINDS
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import _before_notes_end
from feedsvc.parse.classify import _cut_at_chrome
from feedsvc.parse.classify import _tagged_row
from feedsvc.parse.classify import _without_tail_teasers

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

# --------------------------------------------------------------------------- other stories' headlines

STORIES: dict[str, list[str]] = {
    "pt": [
        "A prefeitura anunciou nesta segunda-feira que as creches municipais vão funcionar até as sete da noite a partir de março.",
        "Segundo a secretária de Educação, a mudança nas creches vai exigir a contratação de cento e vinte novos profissionais.",
        "O novo horário das creches vale para as quarenta e duas unidades da rede municipal, e as famílias precisam confirmar o interesse.",
        "Representantes dos pais disseram que o horário estendido das creches chega tarde, mas é um alívio para quem trabalha em turnos.",
        "A prefeitura vai avaliar a procura pelo horário das creches ao fim do semestre e pode abrir as unidades também aos sábados.",
    ],
    "en": [
        "The harbour trust approved a new ferry timetable on Tuesday after months of complaints from island commuters.",
        "Under the new timetable the first ferry will leave the island forty minutes earlier, and an extra evening crossing will run on Fridays.",
        "The trust said the earlier ferry would cost about ninety thousand pounds a year, most of it for extra crew.",
        "Commuters welcomed the timetable but said they would watch whether the early ferry kept to time.",
        "The new ferry timetable starts in May and the trust will review it in the autumn.",
    ],
    "ru": [
        "Городские власти в понедельник объявили, что детские сады будут работать до семи часов вечера начиная с марта.",
        "По словам руководителя управления образования, для новых часов работы детских садов придётся нанять сто двадцать воспитателей.",
        "Новые часы работы распространяются на все сорок два детских сада города, а родители должны подтвердить своё желание.",
        "Родители говорят, что продлённые часы работы детских садов появились поздно, но облегчат жизнь тем, кто работает посменно.",
        "Власти оценят спрос на вечерние часы работы детских садов в конце полугодия и могут открыть их по субботам.",
    ],
}
HEADLINES: dict[str, list[str]] = {
    "pt": [
        "Time da cidade vence o clássico regional e assume a liderança",
        "Feira de artesanato volta à praça central com cem expositores",
        "Obras na ponte velha devem terminar antes das chuvas?",
    ],
    "en": [
        "Police seek witnesses after van damaged behind leisure centre",
        "Bakery wins national award for its sourdough loaf",
        "What happens to your body in extreme heat?",
    ],
    "ru": [
        "Полиция ищет свидетелей аварии на главном проспекте",
        "Ярмарка ремёсел возвращается на центральную площадь",
        "Ремонт старого моста завершат до начала дождей?",
    ],
}


def given(lines: list[str], probs: tuple[float, ...]) -> list[bool]:
    """Which lines classify keeps as the article's text, the model's probabilities given."""
    out = classify_given(lines, probs)
    return [x.kind in TEXT_KINDS for x in out]


STORY_P = 0.95  #: the model's probability for each line of a story
HEADLINE_P = 0.7  #: ... and for another story's headline below it: text, less sure


def tails(lines: list[str], probs: list[float], lead: int = 0) -> list[bool]:
    return _without_tail_teasers(lines, [None] * len(lines), [True] * len(lines), lead, probs)


@pytest.mark.parametrize("lang", list(STORIES))
def test_a_list_of_other_stories_below_the_story_is_not_its_text(lang: str) -> None:
    lines = [*STORIES[lang], *HEADLINES[lang]]
    probs = [STORY_P] * 5 + [HEADLINE_P] * 3
    assert tails(lines, probs) == [True] * 5 + [False] * 3


@pytest.mark.parametrize("lang", list(STORIES))
def test_one_line_about_something_else_below_the_story_is_its_closing_note(lang: str) -> None:
    lines = [*STORIES[lang], HEADLINES[lang][0]]
    assert tails(lines, [STORY_P] * 5 + [HEADLINE_P]) == [True] * 6


def test_headlines_the_model_is_about_as_sure_of_as_of_the_story_stay() -> None:
    """Less sure by TAIL_MARGIN or more: other stories; by less, the story's own last
    paragraphs about another side of it (the neighbours' wishes, the next review)."""
    lines = [*STORIES["en"], *HEADLINES["en"]]
    assert tails(lines, [0.9] * 5 + [0.9] * 3) == [True] * 8
    assert tails(lines, [0.9] * 5 + [0.85] * 3) == [True] * 8
    assert tails(lines, [0.9] * 5 + [0.75] * 3) == [True] * 5 + [False] * 3
    assert tails(lines, [0.9] * 5 + [0.7, 0.7, 0.95]) == [True] * 5 + [False] * 3  # their mean


def test_closing_lines_about_the_story_stay() -> None:
    """Short last lines that share the article's words (its topic) are its own."""
    closing = [
        "Ferry tickets for the early crossing go on sale next week.",
        "The trust will publish the timetable on the island notice boards.",
    ]
    lines = [*STORIES["en"], *closing]
    assert tails(lines, [STORY_P] * 5 + [HEADLINE_P] * 2) == [True] * 7


def test_a_list_article_keeps_its_items() -> None:
    """A list article's items are each about another thing, and they are its bulk: more
    than half as long as the text above them."""
    intro = ["Five presents for someone who loves cooking more than anything else this winter."]
    items = [
        "A Japanese steel knife that keeps its edge for years",
        "A cast iron pan that goes from the hob into the oven",
        "A wooden board cut from one piece of walnut",
        "A pepper mill with a ceramic grinder",
        "A small stone for baking pizza in the garden",
    ]
    lines = [*intro, *items]
    assert tails(lines, [STORY_P] + [HEADLINE_P] * 5) == [True] * 6


def test_a_headline_sharing_one_word_in_five_is_about_something_else() -> None:
    """At most TAIL_OFF (one in five) of a headline's topic words are the article's: the
    "ferry" of a headline about a ferry elsewhere does not make it this story's."""
    headlines = [
        "Mainland ferry workers strike over pensions",
        "Bakery wins national award for its sourdough",
    ]
    lines = [*STORIES["en"], *headlines]
    assert tails(lines, [STORY_P] * 5 + [HEADLINE_P] * 2) == [True] * 5 + [False] * 2


def test_short_lines_with_too_few_topic_words_tell_nothing() -> None:
    """A last line needs TAIL_EVIDENCE topic words for its share to tell anything: a sign-off
    ("Happy sailing!") has none to share and is the story's."""
    lines = [*STORIES["en"], "Happy sailing!", "See you aboard."]
    assert tails(lines, [STORY_P] * 5 + [HEADLINE_P] * 2) == [True] * 7


def test_headlines_sharing_only_function_words_are_other_stories() -> None:
    """The article's topic is its words less the function words of its language."""
    story = [
        "Engineers have been asked to rebuild the harbour wall after these storms broke it.",
        "The harbour wall works will take eighteen months, and they were delayed by floods.",
        "The harbour trust said the rebuilt wall would open to walkers in the spring.",
    ]
    headlines = [
        "Police have been searching for stolen bicycles after the match",
        "These were the schools shut by the heating failure",
    ]
    lines = [*story, *headlines]
    assert tails(lines, [STORY_P] * 3 + [HEADLINE_P] * 2) == [True] * 3 + [False] * 2


def test_the_lead_counts_in_the_story() -> None:
    """The story the headlines are measured against starts at the lead: with it, two
    headlines are less than half of it; without it, they would not be."""
    lead = " ".join(STORIES["en"][:3])
    lines = [lead, STORIES["en"][4], *HEADLINES["en"][:2]]
    assert tails(lines, [STORY_P] * 2 + [HEADLINE_P] * 2) == [True, True, False, False]
    assert tails(lines, [0.4, STORY_P] + [HEADLINE_P] * 2) == [True] * 4  # the model surer of them


def test_a_long_paragraph_ends_the_walk_up() -> None:
    """Only short lines (TAIL_WORDS) are headlines: a long paragraph about something else
    above them is the story's, and so is everything above it."""
    long = " ".join(["Ein langer Absatz über das Wetter und die Ernte im ganzen Land."] * 3)
    assert len(long.split()) > TAIL_WORDS
    lines = [*STORIES["pt"], long, *HEADLINES["pt"][:2]]
    got = tails(lines, [STORY_P] * 6 + [HEADLINE_P] * 2)
    assert got == [True] * 6 + [False] * 2


def test_lines_the_rules_or_the_model_decided_are_left_alone() -> None:
    chrome = Line("© 2026 Example", "boilerplate", 0.0, "a [parse] boilerplate pattern", rule=True)
    lines = [*STORIES["en"], chrome.text, *HEADLINES["en"]]
    fixed: list[Line | None] = [chrome if i == 5 else None for i in range(len(lines))]
    text = [i != 5 for i in range(len(lines))]
    got = _without_tail_teasers(lines, fixed, text, 0, [STORY_P] * 5 + [0.0] + [HEADLINE_P] * 3)
    assert got == [True] * 5 + [False] * 4


def test_a_list_of_other_stories_below_the_story_is_no_paragraph_of_it() -> None:
    """Through classify, the model given: a site's menu, the story, three headlines of other
    stories the model takes for text, less sure of them than of the story."""
    lines = ["Home | News | Local | Sport", *STORIES["en"], *HEADLINES["en"]]
    probs = (0.2, *[STORY_P] * 5, *[HEADLINE_P] * 3)
    assert given(lines, probs) == [False, *[True] * 5, False, False, False]


# --------------------------------------------------------------------------- numbered notes

NOTED: dict[str, list[str]] = {
    "de": [
        "Das Klinikum stellt auf seinen Intensivstationen ein neues System vor, das die Alarme aller Geräte eines Patienten bündelt.",
        "Auf einer Intensivstation ist jeder Patient mit bis zu zehn Geräten verbunden, deren Alarme das Personal oft überfordern.[1]",
        "Das neue System zeigt die Alarme nach ihrer Dringlichkeit geordnet an, am Bett und im Stationszimmer.",
        "„Wir sehen auf einen Blick, wo wir gebraucht werden“, sagt die leitende Ärztin der Station.[2]",
        "[1] Müller A, Weber B. Alarmmüdigkeit auf Intensivstationen. Anästhesiologie. 2019; 12: 45-52.",
        "[2] Interview mit der Stationsleitung, März 2020.",
        "Die Firma ist ein weltweit tätiger Anbieter von Lösungen für die Kommunikation im Gesundheitswesen mit Sitz in der Schweiz.",
    ],
    "fr": [
        "L'hôpital présente dans ses services de réanimation un nouveau système qui regroupe les alarmes de tous les appareils d'un patient.",
        "En réanimation, chaque patient est relié à une dizaine d'appareils dont les alarmes débordent souvent le personnel.[1]",
        "Le nouveau système affiche les alarmes par ordre d'urgence, au lit du patient et dans la salle de soins.",
        "« Nous voyons tout de suite où l'on a besoin de nous », explique la médecin responsable du service.[2]",
        "[1] Martin A, Bernard B. La fatigue des alarmes en réanimation. Revue d'anesthésie. 2019 ; 12 : 45-52.",
        "[2] Entretien avec la cadre du service, mars 2020.",
        "L'entreprise est un fournisseur mondial de solutions de communication pour la santé, basé en Suisse.",
    ],
}


def notes(lines: list[str], lead: int = 0) -> list[bool]:
    return _before_notes_end(lines, [None] * len(lines), [True] * len(lines), lead)


@pytest.mark.parametrize("lang", list(NOTED))
def test_the_text_below_the_notes_is_not_the_article(lang: str) -> None:
    assert notes(NOTED[lang]) == [True] * 6 + [False]


@pytest.mark.parametrize("lang", list(NOTED))
def test_notes_not_numbered_from_one_in_a_row_end_nothing(lang: str) -> None:
    lines = NOTED[lang]
    from_two = [*lines[:4], "[2]" + lines[4][3:], "[3]" + lines[5][3:], lines[6]]
    assert notes(from_two) == [True] * 7
    apart = [*lines[:4], lines[4], lines[2], lines[5], lines[6]]
    assert notes(apart) == [True] * 8
    one = [*lines[:5], lines[6]]
    assert notes(one) == [True] * 6


def test_the_story_going_on_at_length_below_notes_keeps_it() -> None:
    """Text below the notes as long as half the text above them (TAIL_SHARE) is the story's:
    notes set in the middle of it."""
    lines = [*NOTED["de"][:6], *NOTED["de"][:2]]
    assert notes(lines) == [True] * 8


def test_the_lead_counts_in_the_text_above_the_notes() -> None:
    """The text below the notes is measured against the text from the lead down: with the
    lead, the publisher's line is less than half of it."""
    lines = [
        " ".join(NOTED["de"][:3]),
        NOTED["de"][3],
        *NOTED["de"][4:6],
        NOTED["de"][6],
    ]
    assert notes(lines) == [True] * 4 + [False]


def test_numbers_in_brackets_within_the_paragraphs_are_no_notes() -> None:
    """A citation "[1] " inside a paragraph is no note: a note opens its line."""
    lines = [
        " ".join(NOTED["de"][:3]),
        "Eine Studie [1] zeigt, dass das Personal viele Alarme nicht mehr wahrnimmt.",
        "Ein Bericht [2] nennt dieselbe Zahl für kleinere Krankenhäuser.",
        "Das Klinikum will das System im Frühjahr auf allen Stationen einführen.",
    ]
    assert notes(lines) == [True] * 4


def test_the_publisher_s_lines_below_the_notes_are_no_paragraph_of_the_article() -> None:
    """Through classify, the model given: the story, its two notes, the publisher's line."""
    lines = NOTED["fr"]
    assert given(lines, (STORY_P,) * len(lines)) == [True] * 6 + [False]


def test_notes_need_text_below_and_a_lead_above() -> None:
    assert notes(NOTED["de"][:6]) == [True] * 6
    lines = NOTED["fr"]
    text = [i != 6 for i in range(len(lines))]
    assert _before_notes_end(lines, [None] * len(lines), text, 0) == text


# --------------------------------------------------------------------------- rows of tagged headlines


@pytest.mark.parametrize(
    "line",
    [
        "Storm shuts the port for a week [VIDEO]|Mayor quits after the vote [REACTION]",
        "Tormenta cierra el puerto [VÍDEO] Dimite el alcalde tras la votación [REACCIÓN]",
        "Шторм закрыл порт на неделю [ВИДЕО] • Мэр ушёл в отставку [РЕАКЦИЯ]",
        "NICHT VERPASSENSturm schließt den Hafen [VIDEO]Bürgermeister tritt zurück [REAKTION]",
        "3 things to know about the new port [INSIGHT] - Mayor quits after the vote [NEWS] and more",
    ],
)
def test_a_row_of_tagged_headlines(line: str) -> None:
    assert _tagged_row(line)


@pytest.mark.parametrize(
    "line",
    [
        "[1] Müller A, Weber B. Alarmmüdigkeit auf Intensivstationen. 2019.",
        '"[We] have agreed to grant all licenses of [our] artists\' performances," it says.',
        "Storm shuts the port for a week [VIDEO]",  # one headline
        "Port [VIDEO] Mayor [REACTION]",  # one word is no headline
        "Click the button [OK] and then [CANCEL] to close the window.",  # a how-to
        "Storm shuts the port [VIDEO] Mayor quits after the vote [reaction]",  # a label in small letters
        "Storm shuts the port [VIDEO] Mayor quits after the vote [2019]",  # a number is no label
    ],
)
def test_no_row_of_tagged_headlines(line: str) -> None:
    assert not _tagged_row(line)


def test_a_row_of_tagged_headlines_between_paragraphs_is_never_text() -> None:
    """Whatever the model says of it (given: as sure as of the story)."""
    row = "Storm shuts the port for a week [VIDEO]|Mayor quits after the vote [REACTION]"
    lines = [*STORIES["en"][:3], row, *STORIES["en"][3:]]
    assert given(lines, (STORY_P,) * 6) == [True] * 3 + [False] + [True] * 2


def test_a_row_of_tagged_headlines_is_named_a_related_link() -> None:
    row = "Storm shuts the port for a week [VIDEO]|Mayor quits after the vote [REACTION]"
    lines = ["Home | News | Local | Sport", *STORIES["en"][:3], row, *STORIES["en"][3:]]
    kinds = {x.text: x.kind for x in classify_lines(lines, RULES)}
    assert kinds[row] == "related"
    assert all(kinds[x] in TEXT_KINDS for x in STORIES["en"])


# --------------------------------------------------------------------------- a topic's words

CHROME = Line("© 2026 Example Ltd", "boilerplate", 0.0, "a [parse] boilerplate pattern", rule=True)
SHARED_FUNCTION_WORDS = {
    "en": (
        [
            "Engineers have been asked to rebuild the harbour wall that storms broke two winters ago.",
            "The harbour wall works will take eighteen months, and these were delayed by the floods.",
        ],
        ["Police have been searching for these stolen bicycles since Friday.", "Three schools were shut."],
    ),
    "es": (
        [
            "Los ingenieros trabajarán para reconstruir el muro del puerto, pero desde el ayuntamiento piden calma.",
            "Las obras del muro durarán dieciocho meses, como estaba previsto sobre el papel.",
        ],
        [
            "La policía busca para sobre todo testigos del robo, pero desde el viernes nadie habla.",
            "Cierran tres colegios como medida.",
        ],
    ),
}


@pytest.mark.parametrize("lang", list(SHARED_FUNCTION_WORDS))
def test_function_words_are_no_shared_topic(lang: str) -> None:
    """Below a line of chrome, lines that share only the function words of the article's
    language with it ("have", "been", "these"; "para", "pero", "desde") are about something
    else: the article ends at the chrome."""
    story, other = SHARED_FUNCTION_WORDS[lang]
    lines = [*story, CHROME.text, *other]
    fixed: list[Line | None] = [CHROME if i == 2 else None for i in range(len(lines))]
    text = [i != 2 for i in range(len(lines))]
    assert _cut_at_chrome(lines, fixed, text, 0, None) == [True, True, False, False, False]


# --------------------------------------------------------------------------- round 10 mutation pins
# (bench/MUTATION.md, round 10: each test below fails a mutant that the tests above let live)


@pytest.mark.parametrize(
    "line",
    [
        "Mayor quits [REACTION] Storm shuts the port [VIDEO]",  # a headline of TAGGED_WORDS words
        "Alcalde dimite [REACCIÓN] Tormenta cierra el puerto [VÍDEO]",
        "Storm shuts the port [TV] Mayor quits after the vote [VIDEO]",  # a label of two letters
        "Шторм закрыл порт [ТВ] Мэр ушёл в отставку [ВИДЕО]",
        "Sturm schließt den Hafen [NACHRICHTENÜBERSICHT] Bürgermeister tritt zurück [REAKTION]",  # 20 letters
        # a headline opening with an X: the separators stripped off the front are no letters
        "Xi Jinping visits the port [VIDEO] Mayor quits after the vote [REACTION]",
        "Xàtiva abre el mercado nuevo [FOTOS] Dimite el alcalde tras la votación [REACCIÓN]",
    ],
)
def test_a_row_of_tagged_headlines_at_the_bounds(line: str) -> None:
    assert _tagged_row(line)


@pytest.mark.parametrize(
    "line",
    [
        # a word of 21 letters in brackets is no label: one label is left, and one is no row
        "Sturm schließt den Hafen [LIVEBERICHTERSTATTUNG] Bürgermeister tritt zurück [REAKTION]",
        # nor a name with an underscore (a setting's, a variable's)
        "Storm shuts the port [LIVE_BLOG] Mayor quits after the vote [REACTION]",
        "Set the limit [MAX_SIZE] Restart the server [DEBUG]",
    ],
)
def test_no_row_of_tagged_headlines_at_the_bounds(line: str) -> None:
    assert not _tagged_row(line)


THREE_WORDS = {  # another story's headline of TAIL_EVIDENCE topic words, no more
    "en": "Bakery wins award",
    "pt": "Padaria ganha prêmio",
    "ru": "Пекарня получила премию",
}


@pytest.mark.parametrize("lang", list(THREE_WORDS))
def test_a_headline_of_three_topic_words_is_enough_to_judge(lang: str) -> None:
    lines = [*STORIES[lang], HEADLINES[lang][0], THREE_WORDS[lang]]
    assert tails(lines, [STORY_P] * 5 + [HEADLINE_P] * 2) == [True] * 5 + [False] * 2


LONG_HEADLINE = {  # another story's "headline" of TAIL_WORDS + 1 words: a paragraph
    "en": "Bakery in the old market town wins the national award for its sourdough loaf after judges "
    "tasted more than two hundred breads from across the country",
    "ru": "Пекарня из старого торгового города получила национальную премию за свой хлеб на закваске после "
    "того как судьи попробовали больше двухсот сортов хлеба со всех концов страны",
}


@pytest.mark.parametrize("lang", list(LONG_HEADLINE))
def test_a_last_line_of_more_than_tail_words_is_the_story_s(lang: str) -> None:
    long = LONG_HEADLINE[lang]
    assert len(long.split()) == TAIL_WORDS + 1
    probs = [STORY_P] * 5 + [HEADLINE_P] * 2
    assert tails([*STORIES[lang], HEADLINES[lang][0], long], probs) == [True] * 7
    short = " ".join(long.split()[:TAIL_WORDS])
    assert tails([*STORIES[lang], HEADLINES[lang][0], short], probs) == [True] * 5 + [False] * 2


@pytest.mark.parametrize("lang", list(STORIES))
def test_headlines_less_sure_by_the_margin_exactly_are_other_stories(lang: str) -> None:
    """Less sure than the story by TAIL_MARGIN (0.1) on average, no less: 0.9 against 1.0
    (both exact in binary arithmetic: 1.0 - 0.1 == (0.9 + 0.9) / 2)."""
    lines = [*STORIES[lang], *HEADLINES[lang][:2]]
    assert tails(lines, [1.0] * 5 + [0.9] * 2) == [True] * 5 + [False] * 2
    assert tails(lines, [1.0] * 5 + [0.91] * 2) == [True] * 7


YEAR_IN_BRACKETS = {"de": "[2024] Jahresbericht des Klinikums.", "fr": "[2024] Rapport annuel de l'hôpital."}


@pytest.mark.parametrize("lang", list(NOTED))
def test_a_year_in_brackets_below_the_notes_is_no_note(lang: str) -> None:
    """A note's number has at most three digits: "[2024] ..." below the notes is no third
    note out of order (which would make the notes no run from 1), it is text below them."""
    lines = [*NOTED[lang][:6], YEAR_IN_BRACKETS[lang], NOTED[lang][6]]
    assert notes(lines) == [True] * 6 + [False] * 2


HALF_AS_LONG = {  # a story of two lines, its notes, and a line below them exactly half as long as the story
    "de": [
        NOTED["de"][0],
        "Die Pflegekräfte der Station haben das neue System drei Monate getestet und wollen es nicht mehr hergeben, sagt die Ärztin.",
        *NOTED["de"][4:7],
    ],
    "fr": [
        NOTED["fr"][3],
        "Les infirmières du service ont testé le système pendant trois mois et ne veulent plus s'en passer.",
        *NOTED["fr"][4:7],
    ],
}


@pytest.mark.parametrize("lang", list(HALF_AS_LONG))
def test_text_below_the_notes_half_as_long_as_above_is_the_story_s(lang: str) -> None:
    """TAIL_SHARE (one half) of the text above the notes, no less, is the story going on."""
    lines = HALF_AS_LONG[lang]
    assert 2 * len(lines[4]) == len(lines[0]) + len(lines[1])
    assert notes(lines) == [True] * 5
    one_less = [*lines[:4], lines[4][:-1]]  # its full stop off
    assert notes(one_less) == [True] * 4 + [False]


TWO_WORDS = {"en": "Bakery wins", "pt": "Padaria premiada", "ru": "Пекарня победила"}


@pytest.mark.parametrize("lang", list(TWO_WORDS))
def test_a_last_line_of_two_topic_words_tells_nothing(lang: str) -> None:
    """Fewer than TAIL_EVIDENCE (three) topic words: the walk up stops at the last line."""
    lines = [*STORIES[lang], HEADLINES[lang][0], TWO_WORDS[lang]]
    assert tails(lines, [STORY_P] * 5 + [HEADLINE_P] * 2) == [True] * 7


@pytest.mark.parametrize("lang", list(STORIES))
def test_two_headlines_below_a_story_of_one_paragraph(lang: str) -> None:
    """TAIL_LINES (two) lines of text below the lead are enough: the lead is the story."""
    lines = [" ".join(STORIES[lang]), *HEADLINES[lang][:2]]
    assert tails(lines, [STORY_P, HEADLINE_P, HEADLINE_P]) == [True, False, False]


def test_headlines_exactly_half_as_long_as_the_story_are_its_own() -> None:
    """TAIL_SHARE (one half) of the story, no less, is the story's bulk (a list article)."""
    story, heads = [STORIES["pt"][0], STORIES["pt"][4]], HEADLINES["pt"][:2]
    assert 2 * sum(map(len, heads)) == sum(map(len, story))
    probs = [STORY_P] * 2 + [HEADLINE_P] * 2
    assert tails([*story, *heads], probs) == [True] * 4
    longer = [story[0], story[1] + " Mais."]
    assert tails([*longer, *heads], probs) == [True] * 2 + [False] * 2


def test_the_story_counts_its_lead_once() -> None:
    """A lead 206 characters long against two headlines of 110: they are more than half of
    it (the story's bulk, kept); counting the lead twice would make them less."""
    lead = STORIES["en"][0] + " " + STORIES["en"][3]
    heads = HEADLINES["en"][:2]
    assert len(lead) / 2 <= sum(map(len, heads)) < len(lead)
    assert tails([lead, *heads], [STORY_P, HEADLINE_P, HEADLINE_P]) == [True] * 3


def test_the_article_s_topic_is_its_text_alone() -> None:
    """A line that is not text (a teaser the model refused) between the story and the
    headlines gives the article none of its words: "bakery", "award", "sourdough" stay
    another story's."""
    teaser = "Bakery wins national award for its sourdough loaf"
    lines = [*STORIES["en"], teaser, HEADLINES["en"][0], "Sourdough bakery award"]
    text = [i != 5 for i in range(len(lines))]
    probs = [STORY_P] * 5 + [0.1] + [HEADLINE_P] * 2
    got = _without_tail_teasers(lines, [None] * len(lines), text, 0, probs)
    assert got == [True] * 5 + [False] * 3


@pytest.mark.parametrize("lang", list(LONG_HEADLINE))
def test_a_line_of_tail_words_above_the_last_two_is_a_headline_too(lang: str) -> None:
    """The walk up takes a line of TAIL_WORDS (25) words, no more, as a headline."""
    line = " ".join(LONG_HEADLINE[lang].split()[:TAIL_WORDS])
    lines = [*STORIES[lang], line, HEADLINES[lang][0], HEADLINES[lang][2]]
    assert tails(lines, [STORY_P] * 5 + [HEADLINE_P] * 3) == [True] * 5 + [False] * 3
    longer = LONG_HEADLINE[lang]  # one word more: the story's, and the walk stops there
    lines = [*STORIES[lang], longer, HEADLINES[lang][0], HEADLINES[lang][2]]
    assert tails(lines, [STORY_P] * 5 + [HEADLINE_P] * 3) == [True] * 6 + [False] * 2


def _noted(*below: str) -> list[str]:
    return [*NOTED["de"][:6], *below]


def test_the_notes_themselves_are_neither_above_nor_below_them() -> None:
    """The text above the notes (442 characters) ends at the first note, the text below them
    starts after the last: the publisher's two lines are measured against 442 alone."""
    assert sum(map(len, NOTED["de"][:4])) == 442
    staff = "Das Unternehmen beschäftigt mehr als dreihundert Menschen und liefert Systeme in vierzig Länder der Welt."
    lines = _noted(NOTED["de"][6], staff)  # 228 characters: half of 442 or more, the story goes on
    assert notes(lines) == [True] * 8
    short = "Das Unternehmen beschäftigt dreihundert Menschen und liefert in vierzig Länder."
    lines = _noted(NOTED["de"][6], short)  # 202: less than half, and less with the last note's 49 too
    assert notes(lines) == [True] * 6 + [False] * 2


def test_the_last_of_three_notes_is_a_note() -> None:
    lines = [*NOTED["de"][:6], "[3] Pressemitteilung des Klinikums, April 2020.", NOTED["de"][6]]
    assert notes(lines) == [True] * 7 + [False]


def test_notes_right_below_the_lead() -> None:
    lines = [" ".join(NOTED["de"][:4]), *NOTED["de"][4:7]]
    assert notes(lines) == [True] * 3 + [False]


def test_a_line_that_is_not_text_below_the_notes_is_not_measured() -> None:
    """A cookie notice the model refused (not text) below the publisher's line: the text
    below the notes is the publisher's line alone, less than half of the story."""
    cookie = (
        "Diese Website verwendet Cookies, um Ihnen die bestmögliche Nutzung zu ermöglichen. "
        "Mit der weiteren Nutzung stimmen Sie der Verwendung von Cookies zu."
    )
    lines = _noted(NOTED["de"][6], cookie)
    text = [i != 7 for i in range(len(lines))]
    assert _before_notes_end(lines, [None] * len(lines), text, 0) == [True] * 6 + [False] * 2


def test_empty_brackets_open_no_note() -> None:
    """A note's number has at least one digit: "[] " (a box to tick) is none."""
    lines = [*NOTED["fr"][:4], "[] J'ai lu la politique de confidentialité.", "[] Je m'abonne à la lettre."]
    assert notes(lines) == [True] * 6


@pytest.mark.parametrize(
    "line",
    [
        # a label is one word: "[LIVE VIDEO]" is none, and one label is no row
        "Storm shuts the port [LIVE VIDEO] Mayor quits after the vote [REACTION]",
        "Tormenta cierra el puerto [EN DIRECTO] Dimite el alcalde tras la votación [REACCIÓN]",
    ],
)
def test_a_label_of_two_words_is_none(line: str) -> None:
    assert not _tagged_row(line)


@pytest.mark.parametrize(
    "line",
    [
        # a letter in brackets within a headline is no label: it does not end the headline
        "Storm shuts Terminal [B] for a week [VIDEO] Mayor quits after the vote [REACTION]",
        "Шторм закрыл терминал [Б] на неделю [ВИДЕО] Мэр ушёл в отставку [РЕАКЦИЯ]",
    ],
)
def test_a_letter_in_brackets_is_no_label(line: str) -> None:
    assert _tagged_row(line)


TOPIC_QUARTER = {  # below the chrome: four topic words, one of them the story's ("harbour", "muro"); a fifth
    "en": ("Harbour tickets, bicycles, schools", "windows"),
    "es": ("Muro, bicicletas, colegios, testigos", "ventanas"),
}


@pytest.mark.parametrize("lang", list(TOPIC_QUARTER))
def test_a_quarter_of_the_words_below_the_chrome_shared_is_the_article_going_on(lang: str) -> None:
    """TOPIC (a quarter) of the longer words below shared, no less: the article goes on."""
    story = SHARED_FUNCTION_WORDS[lang][0]
    four, fifth = TOPIC_QUARTER[lang]
    for below, kept in ((four + ".", True), (f"{four}, {fifth}.", False)):
        lines = [*story, CHROME.text, below]
        fixed: list[Line | None] = [CHROME if i == 2 else None for i in range(len(lines))]
        text = [i != 2 for i in range(len(lines))]
        assert _cut_at_chrome(lines, fixed, text, 0, None) == [True, True, False, kept]


def test_a_row_of_tagged_headlines_says_why_it_is_a_related_link() -> None:
    """What `feedsvc explain` shows for the row, the model given (not sure of it)."""
    row = "Шторм закрыл порт на неделю [ВИДЕО] • Мэр ушёл в отставку [РЕАКЦИЯ]"
    lines = [*STORIES["ru"][:3], row, *STORIES["ru"][3:]]
    out = classify_given(lines, (STORY_P,) * 3 + (0.2,) + (STORY_P,) * 2)
    assert out[3].kind == "related"
    assert (
        out[3].reason.split("; ", 1)[1]
        == "other stories' headlines, each closed by a label in capitals in brackets"
    )


def test_a_hundred_notes_and_more() -> None:
    """A note's number has up to three digits: a study's 120 references, "[1]" to "[120]",
    are one run of notes, and the publisher's line below them goes."""
    refs = [f"[{n}] Quelle {n}: Bericht des Klinikums, Seite {n + 3}." for n in range(1, 121)]
    lines = [*NOTED["de"][:4], *refs, NOTED["de"][6]]
    assert notes(lines) == [True] * 124 + [False]
