"""Another story's headline under a short label, set between the paragraphs ("Related: ...",
"Leia também: ...", "Читайте также: ..."), is not the article's text (linetypes.is_teaser,
classify._without_teasers): the shape of the line decides, not its words.

The pages are invented (no publisher's text), in English, Portuguese and Russian.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_models import classify_given

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import _without_teasers
from feedsvc.parse.linetypes import is_teaser

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

# Five paragraphs of one story; the third line is a teaser of another story.
PAGES = {
    "en": [
        'The county council voted on Wednesday to keep the mobile library running for two more years after hundreds of villagers signed a letter asking it not to close.',
        'The van visits eighteen villages every fortnight and lends about four thousand books a year, most of them to older readers who no longer drive to the town library.',
        'Related: Town hall clock to chime again after three silent years',
        'Councillors had proposed closing the service to save sixty thousand pounds, but the vote went against the plan by twenty-one votes to nine after a long debate.',
        "The library service will now look for a cheaper van and ask the parish councils whether they can help with the cost of fuel and the driver's wages.",
        'A review of the service will take place next spring, when the council sets its budget for the following year.',
    ],
    "pt": [
        'A prefeitura anunciou nesta segunda-feira que as creches municipais vão funcionar até as sete da noite a partir de março, atendendo a um pedido antigo das famílias que trabalham em turnos longos.',
        'Segundo a secretária de Educação, Márcia Lopes, a mudança vai exigir a contratação de cento e vinte novos profissionais, e o processo seletivo deve ser aberto ainda neste mês.',
        'Leia também: Feira de artesanato volta à praça central no fim de semana',
        'O novo horário vale para as quarenta e duas unidades da rede, mas as famílias precisam confirmar o interesse na secretaria da escola até o fim de fevereiro.',
        'Representantes dos pais disseram que a medida chega tarde, mas que é um alívio para quem depende de transporte público e leva mais de uma hora para chegar em casa.',
        'A prefeitura informou que vai avaliar a procura pelo horário estendido ao fim do primeiro semestre.',
    ],
    "ru": [
        'Городской совет в среду решил сохранить передвижную библиотеку ещё на два года после того, как сотни жителей окрестных сёл подписали письмо с просьбой не закрывать её.',
        'Автобус с книгами каждые две недели объезжает восемнадцать сёл и выдаёт около четырёх тысяч книг в год, в основном пожилым читателям, которые уже не ездят в город.',
        'Читайте также: Часы на здании ратуши снова будут бить после трёх лет тишины',
        'Депутаты предлагали закрыть библиотеку, чтобы сэкономить шестьдесят тысяч рублей, но после долгих споров большинство проголосовало против этого плана.',
        'Теперь библиотека будет искать более дешёвый автобус и попросит сельские советы помочь с расходами на топливо и зарплатой водителя.',
        'Работу библиотеки снова обсудят весной, когда совет будет утверждать бюджет на следующий год.',
    ],
}


@pytest.mark.parametrize("lang", list(PAGES))
def test_a_teaser_between_the_paragraphs_is_not_the_body(lang: str) -> None:
    lines = PAGES[lang]
    article = parse_text("\n".join(lines), RULES)
    assert list(article.paragraphs) == lines[:2] + lines[3:]


def test_only_a_teaser_between_lines_of_text_below_the_lead_goes() -> None:
    """Above the lead, on the last line of text (a closing note without a full stop: "The
    game is out now" looks the same), or decided by a [parse] pattern: left alone."""
    lines = PAGES["en"][:2] + [PAGES["en"][2]] * 3
    text = [True] * 5
    assert _without_teasers(lines, [None] * 5, text, 0) == [True, True, False, False, True]
    assert _without_teasers(lines, [None] * 5, text, 3) == [True] * 5
    rule = Line(lines[2], "caption", 0.0, "a [parse] caption pattern", rule=True)
    assert _without_teasers(lines, [None, None, rule, None, None], text, 0) == [True, True, True, False, True]
    assert _without_teasers(lines, [None] * 5, [False] * 5, 0) == [False] * 5


TEASERS = [
    "Related: Possible Water Plumes on Icy Moons in Pictures",
    "READ MORE: Harbour trust approves new ferry timetable",
    "SEE MORE: Floods: 800 homes without power in the valley",  # one more colon
    "Also: See our full coverage of the election night",
    "Leia também: Feira de artesanato volta à praça central",
    "Lesen Sie auch: Stadtrat beschließt neue Radwege am Bahnhof",
    "Читайте также: Часы на здании ратуши снова будут бить",
    "On Example.com: Car sales fall for a third month in a row",
    "Related: 7 Signs Your Garden Needs More Water",  # a number opens the headline
    "Related: Ferry timetable, fares and the new evening crossing",  # one comma
    "Related: “Ferry timetable to change in May”",  # in quotes
]
NOT_TEASERS = [
    "Related: Town hall clock to chime again.",  # a full stop: a sentence
    "Related: the clock chimes again after three years",  # lower case: a sentence goes on
    "Related: Clock chimes again",  # three words
    "A: Trip to the lakes with my family",  # a one-letter label: an interview's answer
    "Step 2: Mix the flour and the sugar in a bowl",  # a digit in the label
    "The view from the top of the hill: Green fields as far as you can see",  # a long label
    "Replacements: Smith for Jones, Brown for White, Green for Black",  # a list: commas
    "Result: Nadal 6-7 (6/8) 6-2 7-6 (8/6) 6-2 Roddick",  # more digits than half its letters
    "Portion sizes: 1 Green, 1 Blue",  # numbers aside, two words
    "Tested by: Jo Bloggs Price: 49 Euro More info: www.example.org",  # three colons
    "Summary:",
    "Note: what comes next?",
    "今日のニュース: 市役所の時計が三年ぶりに鳴る",  # no capitals: no headline to tell
]


@pytest.mark.parametrize("line", TEASERS)
def test_is_teaser(line: str) -> None:
    assert is_teaser(line)


@pytest.mark.parametrize("line", NOT_TEASERS)
def test_is_not_teaser(line: str) -> None:
    assert not is_teaser(line)


@pytest.mark.parametrize("lang", list(PAGES))
def test_a_teaser_between_the_paragraphs_is_named_a_related_link(lang: str) -> None:
    """What `feedsvc explain` shows for it: a related link and why, however sure the model is."""
    for p in (0.1, 0.9):
        out = classify_given(PAGES[lang], (0.95, 0.95, p, 0.95, 0.95, 0.95))
        assert [x.kind for x in out] == ["lead", "body", "related", "body", "body", "body"]
        assert out[2].reason.split("; ", 1)[1] == "a label and another story's headline, set in the text"
        # the score says what the model said: below the threshold, or text taken out later
        assert out[2].reason.split("; ", 1)[0] == ("model 0.10 < 0.5" if p < 0.5 else "model 0.90, out of the article")
