"""Which paragraph is the lead: a byline or a timestamp opens the article, so a cookie notice
or a stand-first above it is passed over (classify._below_byline); a wire dateline opens the
story, so an editor's note or a caption above it is not the lead (classify._datelined_lead); a
paragraph with a copyright sign is the site's notice, not the lead (classify.choose_lead); a
paragraph that shares next to none of its words with the story below is about something else
(classify.on_topic_lead); a stand-first above the page's picture (a caption, then its credit)
is a shorter telling of the lead below the picture (classify._below_picture; its pages in seven
languages are in test_parse_adversarial.py).

The pages are invented (no publisher's text), in Portuguese, Russian, English, Spanish and
Indonesian.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_models import classify_given

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.article import classify_lines
from feedsvc.parse.classify import OFF_TOPIC
from feedsvc.parse.classify import ON_TOPIC
from feedsvc.parse.classify import STEM
from feedsvc.parse.classify import TOPIC_EVIDENCE
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import _below_byline
from feedsvc.parse.classify import _below_picture
from feedsvc.parse.classify import _datelined_lead
from feedsvc.parse.classify import on_topic_lead
from feedsvc.parse.linetypes import is_place_line

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

# A cookie notice (a full paragraph of two sentences), its button, a byline, a timestamp, then
# the article: the notice was taken for the lead.
COOKIE_PAGES = {
    "pt": [
        "Início",
        "Notícias",
        "Entrar",
        "Usamos cookies para melhorar a sua experiência no nosso site. Ao continuar a navegar, "
        "você concorda com a nossa política de privacidade e o uso de cookies.",
        "Aceitar todos",
        "Por Ana Souza, da redação",
        "2024-03-04 09:15",
        "A prefeitura anunciou nesta segunda-feira que as creches municipais vão funcionar até as "
        "sete da noite a partir de março, atendendo a um pedido antigo das famílias.",
        "Segundo a secretária de Educação, a mudança vai exigir a contratação de cento e vinte "
        "novos profissionais, e o processo seletivo deve ser aberto ainda neste mês.",
        "O novo horário vale para as quarenta e duas unidades da rede, mas as famílias precisam "
        "confirmar o interesse na secretaria da escola até o fim de fevereiro.",
        "Representantes dos pais disseram que a medida chega tarde, mas que é um alívio para quem "
        "depende de transporte público e leva mais de uma hora para chegar em casa.",
    ],
    "ru": [
        "Главная",
        "Новости",
        "Войти",
        "Мы используем файлы cookie, чтобы сайт работал лучше. Продолжая пользоваться сайтом, "
        "вы соглашаетесь с нашей политикой конфиденциальности и использованием cookie.",
        "Принять все",
        "Автор: Ирина Соколова",
        "04.03.2024 09:15",
        "Авария на теплотрассе оставила без отопления двести домов в Заречном районе города в "
        "понедельник утром, сообщили в городской администрации.",
        "Ремонтные бригады работали всю ночь, но восстановить подачу тепла удалось только в "
        "половине домов, а остальные жители ждут окончания работ до вечера вторника.",
        "Жители жалуются, что о проблемах с трубопроводом говорили несколько лет, но ремонт "
        "каждый раз откладывали из-за нехватки денег в городском бюджете.",
        "В администрации пообещали проверить состояние всех теплотрасс района до начала "
        "следующего отопительного сезона и заменить самые старые участки.",
    ],
}


@pytest.mark.parametrize("lang", list(COOKIE_PAGES))
def test_a_cookie_notice_above_the_byline_is_not_the_lead(lang: str) -> None:
    lines = COOKIE_PAGES[lang]
    article = parse_text("\n".join(lines), RULES)
    lead = lines[7]
    assert lead.startswith(article.title.rstrip(".…"))
    assert "cookie" not in article.title + article.summary
    assert lines[3] not in article.paragraphs
    assert article.author is not None and article.author in lines[5]
    assert article.date is not None and (article.date.month, article.date.day) == (3, 4)


def test_below_byline_passes_over_the_candidates_above_it() -> None:
    lines = ["A cookie notice.", "By Jane Smith", "The lead.", "More.", "Yet more."]
    assert _below_byline(lines, [0, 2, 3, 4]) == [2, 3, 4]
    # A byline below the last candidate, or none: the candidates stay.
    assert _below_byline(["The lead.", "More.", "By Jane Smith"], [0, 1]) == [0, 1]
    assert _below_byline(["The lead.", "Plain text", "More."], [0, 2]) == [0, 2]
    # A timestamp opens it too.
    assert _below_byline(["A notice.", "March 4, 2024 / 9:15 AM", "The lead."], [0, 2]) == [2]


# An editor's note and a photo caption, then the story under its wire dateline.
DATELINED = {
    "en": [
        "Editor's note: In our series on rivers, correspondents travel the length of one river "
        "each month and report on the people who live along it.",
        "A fisherman mends his nets on the bank of the river at dawn near the old harbour.",
        "LISBON, Portugal (Reuters) -- The river's fishermen say their catch has fallen by half "
        "in ten years, and many of their sons have left for jobs in the city.",
        "The port authority blames warmer water and new dams upstream, and says it will study "
        "whether the fish can be helped to return to their old spawning grounds.",
    ],
    "es": [
        "Nota del editor: en esta serie, nuestros corresponsales recorren cada mes un río y "
        "cuentan la vida de las personas que viven a su orilla.",
        "Un pescador repara sus redes en la orilla del río al amanecer, cerca del viejo puerto.",
        "MADRID (AP) — Los pescadores del río dicen que sus capturas se han reducido a "
        "la mitad en diez años y que muchos de sus hijos se han ido a la ciudad.",
        "La autoridad portuaria culpa al agua más caliente y a las nuevas presas río arriba, y "
        "estudiará cómo ayudar a los peces a volver a sus antiguos lugares de desove.",
    ],
    # a place with an accent and a national wire service: capitals told by case, not A-Z
    "es-efe": [
        "Nota del editor: en esta serie, nuestros corresponsales recorren cada mes un río y "
        "cuentan la vida de las personas que viven a su orilla.",
        "Un pescador repara sus redes en la orilla del río al amanecer, cerca del viejo puerto.",
        "SEVILLA, España (EFE) — Los pescadores dicen que sus capturas se han reducido a la "
        "mitad en diez años. Muchos de sus hijos se han ido a trabajar a la ciudad.",
        "La autoridad portuaria culpa al agua más caliente y a las nuevas presas río arriba, y "
        "estudiará cómo ayudar a los peces a volver a sus antiguos lugares de desove.",
    ],
    "de-dpa": [
        "Hinweis der Redaktion: In dieser Serie reisen unsere Korrespondenten jeden Monat an "
        "einem Fluss entlang und berichten über die Menschen, die an seinem Ufer leben.",
        "Ein Fischer flickt im Morgengrauen seine Netze am Ufer des Flusses nahe dem alten Hafen.",
        "DÜSSELDORF (dpa) — Die Fischer am Rhein sagen, ihr Fang habe sich in zehn Jahren "
        "halbiert, und viele ihrer Söhne seien für Arbeit in die Städte gezogen.",
        "Die Hafenbehörde macht wärmeres Wasser und neue Staustufen flussaufwärts verantwortlich "
        "und will prüfen, wie den Fischen die Rückkehr zu ihren Laichplätzen gelingen kann.",
    ],
}


@pytest.mark.parametrize("lang", list(DATELINED))
def test_the_story_under_a_wire_dateline_is_the_lead(lang: str) -> None:
    lines = DATELINED[lang]
    article = parse_text("\n".join(lines), RULES)
    story = lines[2].split(") ", 1)[1].lstrip("-—– ")
    assert story.startswith(article.title)
    assert all(line in article.paragraphs for line in lines)  # the note and caption stay in the body


def test_datelined_lead_looks_only_a_few_paragraphs_down() -> None:
    full = "A sentence that is long enough to be a full paragraph of the article, with a full stop."
    dated = "LONDON (Reuters) -- " + full
    fixed = [None] * 6
    assert _datelined_lead([full, dated, full], fixed[:3], 0) == 1
    assert _datelined_lead([dated, dated, full], fixed[:3], 0) == 0  # the first has one
    assert _datelined_lead([full, full, full, full, dated], fixed[:5], 0) == 0  # too far down
    assert _datelined_lead([full, full, full], fixed[:3], 0) == 0


# A copyright notice that reads as a paragraph (several sentences, full stops) above the story:
# it was the first full paragraph, so the lead, and the title was the notice.
NOTICE_PAGES = {
    "en": [
        "Home",
        "News",
        # (no "All rights reserved" after the sign: with it, a [parse] boilerplate pattern takes
        # the line before the model and choose_lead see it)
        "This material may not be copied, broadcast or passed on without permission. ©2024 City "
        "Herald Media, LLC. Market data delayed 20 minutes.",
        "The city council voted on Tuesday night to close the old bridge to cars for a year while "
        "engineers replace its rusting steel deck, a repair that has been delayed since the spring.",
        "The bridge carries about twelve thousand cars a day, and the council expects most of them "
        "to use the ring road while the work goes on.",
        "Shop owners near the bridge said they feared losing customers, but the council promised "
        "signs pointing drivers to the parking on the other bank.",
    ],
    "pt": [
        "Início",
        "Notícias",
        "Este material não pode ser publicado, transmitido, reescrito ou redistribuído sem "
        "autorização. © 2024 Jornal da Cidade Ltda. Todos os direitos reservados. Cotações com "
        "atraso de 15 minutos.",
        "A prefeitura anunciou nesta segunda-feira que as creches municipais vão funcionar até as "
        "sete da noite a partir de março, atendendo a um pedido antigo das famílias.",
        "Segundo a secretária de Educação, a mudança vai exigir a contratação de cento e vinte "
        "novos profissionais, e o processo seletivo deve ser aberto ainda neste mês.",
        "O novo horário vale para as quarenta e duas unidades da rede, mas as famílias precisam "
        "confirmar o interesse na secretaria da escola até o fim de fevereiro.",
    ],
    "ru": [
        "Главная",
        "Новости",
        "Перепечатка материалов без разрешения редакции запрещена. © 2024 ООО «Городские вести». "
        "Все права защищены. Котировки с задержкой на 15 минут.",
        "Авария на теплотрассе оставила без отопления двести домов в Заречном районе города в "
        "понедельник утром, сообщили в городской администрации.",
        "Ремонтные бригады работали всю ночь, но восстановить подачу тепла удалось только в "
        "половине домов, а остальные жители ждут окончания работ до вечера вторника.",
        "В администрации пообещали проверить состояние всех теплотрасс района до начала "
        "следующего отопительного сезона и заменить самые старые участки.",
    ],
}


@pytest.mark.parametrize("lang", list(NOTICE_PAGES))
def test_a_copyright_notice_above_the_story_is_not_the_lead(lang: str) -> None:
    lines = NOTICE_PAGES[lang]
    out = classify_lines(lines, RULES)
    assert out[2].score >= 0.5  # the model takes the notice for text: only the sign tells
    assert (out[2].kind, out[3].kind) == ("boilerplate", "lead")
    article = parse_text("\n".join(lines), RULES)
    assert lines[3].startswith(article.title.rstrip(".…"))
    assert "©" not in article.title + article.summary
    assert lines[2] not in article.paragraphs


def test_a_copyright_sign_in_the_only_paragraph_leaves_it_the_lead() -> None:
    lines = [
        "Início",
        "Notícias",
        "O jornal da cidade informa que a edição impressa de domingo chega às bancas com um "
        "caderno especial sobre o carnaval. © 2024 Jornal da Cidade Ltda.",
        "Assine já",
    ]
    assert [line.kind for line in classify_lines(lines, RULES)][2] == "lead"


# A site's notice that reads as a paragraph (no copyright sign, no byline below it) above the
# story: what the publisher is, how to reprint. It was the first full paragraph, so the lead, and
# the title was the notice. None of its topic words is the story's (classify.on_topic_lead).
SITE_NOTICE_PAGES = {
    "en": [
        "Menu",
        "Sign in",
        "Harbour Media Group owns newspapers, regional radio stations and travel magazines in "
        "seven countries, and publishes books for children under three imprints.",
        "The city council voted on Tuesday night to close the old bridge to cars for a year while "
        "engineers replace its rusting steel deck, a repair that has been delayed since the spring.",
        "The bridge carries about twelve thousand cars a day, and the council expects most of "
        "them to use the ring road while the engineers replace the deck.",
        "Shop owners near the bridge said they feared losing customers during the repair, but "
        "the council promised signs pointing drivers to the parking on the other bank.",
        "Engineers found the rust on the bridge deck during an inspection last year, and the "
        "council set money aside for the repair in its spring budget.",
    ],
    "pt": [
        "Menu",
        "Entrar",
        "O Grupo Atlântico reúne jornais, emissoras de rádio e revistas de viagem em sete países "
        "e publica livros infantis sob três selos editoriais diferentes.",
        "A prefeitura anunciou nesta segunda-feira que as creches municipais vão funcionar até as "
        "sete da noite a partir de março, atendendo a um pedido antigo das famílias.",
        "Segundo a secretária de Educação, para funcionar até as sete da noite as creches "
        "municipais vão precisar de novos profissionais, e a prefeitura anunciou o concurso.",
        "O pedido antigo das famílias era atendido só em parte: desde março do ano passado, "
        "algumas creches municipais já abriam até a noite na segunda e na sexta-feira.",
        "Representantes das famílias disseram que a prefeitura demorou a atender o pedido, mas "
        "que as creches abertas até a noite são um alívio para quem trabalha até tarde.",
    ],
    "ru": [
        "Меню",
        "Войти",
        "Медиагруппа «Северный берег» объединяет газеты, радиостанции и журналы о путешествиях "
        "в семи странах и выпускает детские книги под тремя марками.",
        "Авария на теплотрассе оставила без отопления двести домов в Заречном районе города в "
        "понедельник утром, сообщили в городской администрации.",
        "Ремонтные бригады работали на теплотрассе с утра понедельника, но отопление вернули "
        "только в сотню домов, сообщили в администрации Заречного района.",
        "Жители домов, оставшихся без отопления, жалуются, что о старой теплотрассе в "
        "Заречном районе говорили городской администрации несколько лет.",
        "В городской администрации пообещали, что авария на теплотрассе будет устранена и "
        "отопление в двести домов вернётся до вечера вторника.",
    ],
    "id": [
        "Menu",
        "Masuk",
        "Grup Nusantara Media memiliki surat kabar, stasiun radio daerah, dan majalah wisata di "
        "tujuh negara serta menerbitkan buku anak-anak dengan tiga merek.",
        "Pemerintah kota mengumumkan pada hari Senin bahwa jembatan tua di pusat kota akan ditutup "
        "untuk kendaraan selama setahun karena lantai bajanya berkarat.",
        "Jembatan di pusat kota itu ditutup mulai Senin depan, dan pemerintah kota meminta "
        "pengendara kendaraan pribadi memakai jalan lingkar selama setahun.",
        "Pemilik toko di dekat jembatan khawatir kehilangan pelanggan selama jembatan ditutup, "
        "tetapi pemerintah kota berjanji memasang petunjuk menuju tempat parkir.",
        "Lantai jembatan yang berkarat ditemukan saat pemeriksaan tahun lalu, dan pemerintah "
        "mengumumkan anggaran perbaikan sejak awal tahun.",
    ],
}


@pytest.mark.parametrize("lang", list(SITE_NOTICE_PAGES))
def test_a_site_notice_about_something_else_is_not_the_lead(lang: str) -> None:
    lines = SITE_NOTICE_PAGES[lang]
    out = classify_lines(lines, RULES)
    assert out[2].score >= 0.5  # the model takes the notice for text: only its topic tells
    assert (out[2].kind, out[3].kind) == ("standfirst", "lead")
    article = parse_text("\n".join(lines), RULES)
    assert lines[3].startswith(article.title.rstrip(".…"))
    assert lines[2] not in article.paragraphs


# The counter-examples, on the same pages: a first paragraph that is the story's own stays the
# lead, however little of it the next paragraphs repeat word for word.
@pytest.mark.parametrize("lang", list(SITE_NOTICE_PAGES))
def test_a_lead_about_the_story_stays_the_lead(lang: str) -> None:
    lines = SITE_NOTICE_PAGES[lang][:2] + SITE_NOTICE_PAGES[lang][3:]
    out = classify_lines(lines, RULES)
    assert out[2].kind == "lead"
    assert lines[2].startswith(parse_text("\n".join(lines), RULES).title.rstrip(".…"))


def _topic_lines(
    lead: str, nxt: str, below: list[str]
) -> tuple[list[str], list[None], list[bool], list[bool]]:
    lines = [lead, nxt, *below]
    return lines, [None] * len(lines), [True] * len(lines), [True] * len(lines)


# Eight topic words each (eight stems of STEM letters), none a function word.
_STORY = "harbour bridge council engineers repair steel deck traffic"
_NOTICE = "publisher newspapers radio magazines books children imprints countries"


def test_on_topic_lead_passes_over_a_paragraph_about_something_else() -> None:
    lines, fixed, text, prose = _topic_lines(_NOTICE, _STORY, [_STORY, _STORY])
    assert on_topic_lead(lines, fixed, text, prose, 0) == 1
    # the story's own first paragraph stays
    lines, fixed, text, prose = _topic_lines(_STORY, _STORY, [_STORY])
    assert on_topic_lead(lines, fixed, text, prose, 0) == 0


def test_on_topic_lead_shares_at_the_bounds() -> None:
    words = _NOTICE.split()
    # one of ten topic words shared is OFF_TOPIC: passed over; two of ten is not
    for shared, expected in ((1, 1), (2, 0)):
        lead = " ".join(["harbour", "bridge"][:shared] + words[shared:] + ["weather", "forecast"])
        assert len(set(lead.split())) == 10
        lines, fixed, text, prose = _topic_lines(lead, _STORY, [_STORY])
        assert on_topic_lead(lines, fixed, text, prose, 0) == expected, shared
    assert OFF_TOPIC == 0.1
    # the next paragraph must share ON_TOPIC (half) of its own words with the text below it
    half = " ".join(_STORY.split()[:4] + ["alpha", "bravo", "charlie", "delta"])
    for below, expected in ((half, 1), (" ".join(_STORY.split()[:3] + ["echo"]), 0)):
        lines, fixed, text, prose = _topic_lines(_NOTICE, _STORY, [below])
        assert on_topic_lead(lines, fixed, text, prose, 0) == expected, below
    assert ON_TOPIC == 0.5


def test_on_topic_lead_needs_enough_words_to_judge() -> None:
    seven = " ".join(_NOTICE.split()[: TOPIC_EVIDENCE - 1])
    lines, fixed, text, prose = _topic_lines(seven, _STORY, [_STORY])
    assert on_topic_lead(lines, fixed, text, prose, 0) == 0
    eight = " ".join(_NOTICE.split()[:TOPIC_EVIDENCE])
    lines, fixed, text, prose = _topic_lines(eight, _STORY, [_STORY])
    assert on_topic_lead(lines, fixed, text, prose, 0) == 1
    # function words of the article's language are no topic words: with them, a notice of
    # seven topic words still has too few
    english = "The city said that the work on the bridge would start in the spring and end soon."
    padded = seven + " " + " ".join(["would", "there", "their", "which", "about"])
    lines = [padded, _STORY, _STORY, english, english, english]
    assert on_topic_lead(lines, [None] * 6, [True] * 6, [True] * 6, 0) == 0


def test_on_topic_lead_reads_the_run_of_text_below_the_next_paragraph() -> None:
    # the notice repeated at the foot of the page, after lines that are not text, is no part
    # of the story: the notice is still about something else
    lines = [_NOTICE, _STORY, _STORY, "Thank you", _NOTICE]
    text = [True, True, True, False, True]
    assert on_topic_lead(lines, [None] * 5, text, [True, True, True, False, True], 0) == 1
    # a line a [parse] rule decided does not end the run
    fixed = [None, None, Line("x", "boilerplate", 0.0, "rule", rule=True), None, None]
    text = [True, True, False, True, True]
    lines = [_NOTICE, _STORY, "Share this", _STORY, _STORY]
    assert on_topic_lead(lines, fixed, text, [True, True, False, True, True], 0) == 1
    lines = [_NOTICE, _STORY, "Share this", "Sign in", _STORY]
    text = [True, True, False, False, True]
    assert on_topic_lead(lines, [None] * 5, text, [True, True, False, False, True], 0) == 0


def test_on_topic_lead_without_a_next_paragraph_keeps_the_lead() -> None:
    assert on_topic_lead([_NOTICE, "Menu"], [None, None], [True, False], [True, False], 0) == 0


def test_on_topic_lead_takes_a_word_in_any_form() -> None:
    # the next paragraph repeats the story's words in other forms ("bridges", "councils"): the
    # first STEM letters stand for the word, so it shares them with the text below
    nxt = "harbours bridges councils engineers repairs steels traffics decks"
    lines, fixed, text, prose = _topic_lines(_NOTICE, nxt, [_STORY])
    assert on_topic_lead(lines, fixed, text, prose, 0) == 1
    assert STEM == 5


def test_on_topic_lead_needs_a_next_paragraph_with_topic_words() -> None:
    # a next paragraph of short words only has nothing to share: no evidence, the lead stays
    lines, fixed, text, prose = _topic_lines(_NOTICE, "It is so, and we do it as we go on.", [_STORY])
    assert on_topic_lead(lines, fixed, text, prose, 0) == 0


def test_below_byline_passes_over_the_candidates_above_a_place_line() -> None:
    # a dateline on a line of its own opens the story as a byline does: the cookie notice
    # above it is no candidate
    for place in ("BAAR, SWITZERLAND", "SÃO PAULO, BRASIL", "НОВОСИБИРСК, РОССИЯ", "KUALA LUMPUR, MALAYSIA"):
        lines = ["We use cookies on this site.", place, "The lead.", "More.", "Yet more."]
        assert _below_byline(lines, [0, 2, 3, 4]) == [2, 3, 4], place
    # a subhead in capitals is no dateline: it opens nothing
    for subhead in ("THE DEAL", "FRANCE WINS AGAIN", "POINT GUARDS BEHAVE"):
        lines = ["The lead.", "More.", subhead, "Yet more.", "And more."]
        assert _below_byline(lines, [0, 1, 3, 4]) == [0, 1, 3, 4], subhead


@pytest.mark.parametrize(
    ("line", "place"),
    [
        ("BAAR, SWITZERLAND", True),
        ("NEW YORK, N.Y.", True),
        ("МОСКВА, РОССИЯ", True),
        ("SÃO PAULO, BRASIL", True),
        ("WASHINGTON", False),  # no region: a subhead as much as a place
        ("THE DEAL", False),
        ("Baar, Switzerland", False),  # not in capitals
        ("YES, WE CAN DO IT ALL AGAIN AND AGAIN AND AGAIN, AND THEN SOME MORE", False),  # too long
        ("BAAR, SWITZERLAND, 3 MAY", False),  # a date: a timestamp's line, not a place's
    ],
)
def test_is_place_line(line: str, place: bool) -> None:
    assert is_place_line(line) is place


# A stand-first, then the page's picture (its caption, then its credit), then the lead: the
# stand-first's first sentence is a shorter telling of the lead (classify._below_picture). The
# lines are bare lists of topic words, counted as _content_words counts them (words of four
# or more letters, cut to STEM letters): the stand-first's first sentence has ten.
_DEK = "Harbour council rebuilds wall after storm; walkers return, engineers bring stones."
_CAPTION = "A fisherman mends his nets by the lighthouse."
_CREDIT = "Photo: Jane Smith/Valley Press"
_OTHER = "Fishermen asked that one slipway stay open while the builders are there."


def _picture(dek: str, caption: str, lead: str) -> list[int]:
    return _below_picture([dek, caption, _CREDIT, lead, _OTHER], [0, 1, 3, 4])


def test_below_picture_passes_over_a_stand_first_that_the_lead_tells_at_more_length() -> None:
    # the lead holds five of the stand-first's ten words (ON_TOPIC) and has eleven of its own
    lead = "Harbour council wall storm walkers: ferries tickets bridges meadows lanterns cottages."
    assert _picture(_DEK, _CAPTION, lead) == [3, 4]
    # four of the ten are too few to say the lead again
    fewer = "Harbour council wall storm: ferries tickets bridges meadows lanterns cottages orchards."
    assert _picture(_DEK, _CAPTION, fewer) == [0, 1, 3, 4]
    # ten words of its own, as many as the stand-first: it tells no more (a paragraph below a
    # picture within the story that says the lead again)
    same = "Harbour council wall storm walkers: ferries tickets bridges meadows lanterns."
    assert _picture(_DEK, _CAPTION, same) == [0, 1, 3, 4]


def test_below_picture_weighs_the_lead_against_the_lines_between() -> None:
    lead = "Harbour council wall storm walkers: ferries tickets bridges meadows lanterns cottages."
    # the caption holds as many of the stand-first's words as the lead: no evidence
    assert _picture(_DEK, "Harbour council wall storm walkers.", lead) == [0, 1, 3, 4]
    # one fewer: the lead says the stand-first again
    assert _picture(_DEK, "Harbour council wall storm.", lead) == [3, 4]
    # every line between the stand-first and the credit counts, not only the caption
    lines = [_DEK, "Harbour council.", "Wall storm walkers.", _CREDIT, lead, _OTHER]
    assert _below_picture(lines, [0, 1, 2, 4, 5]) == [0, 1, 2, 4, 5]


def test_below_picture_reads_the_first_sentence_of_the_stand_first() -> None:
    # a second sentence with nine more words of its own (the title is the first sentence)
    dek = _DEK + " Orchards pastures gardens villages chapels mills barns fountains markets."
    lead = "Harbour council wall storm walkers: ferries tickets bridges meadows lanterns cottages."
    assert _picture(dek, _CAPTION, lead) == [3, 4]
    # a first sentence of seven topic words is too little to judge by
    short = "Harbour council rebuilds wall after storm; walkers return. " + _DEK
    assert _picture(short, _CAPTION, "Harbour council wall storm walkers: ferries tickets bridges.") == [0, 1, 3, 4]
    # ... and one of TOPIC_EVIDENCE (eight) is enough
    eight = "Harbour council rebuilds wall after storm; walkers return, engineers. " + _DEK
    assert _picture(eight, _CAPTION, "Harbour council wall storm walkers: ferries tickets bridges meadows.") == [3, 4]


def test_below_picture_needs_a_caption_and_a_credit_between() -> None:
    lead = "Harbour council wall storm walkers: ferries tickets bridges meadows lanterns cottages."
    # a credit right below the first candidate (a picture without a caption) tells nothing
    assert _below_picture([_DEK, _CREDIT, lead, _OTHER], [0, 2, 3]) == [0, 2, 3]
    # a line between that is no credit: no picture
    assert _below_picture([_DEK, _CAPTION, "Plain text here", lead, _OTHER], [0, 1, 3, 4]) == [0, 1, 3, 4]
    # the credit may lie right above the last candidate
    assert _below_picture([_DEK, _CAPTION, _CREDIT, lead], [0, 1, 3]) == [3]
    # a credit below the last candidate is no picture between them
    assert _below_picture([_DEK, _CAPTION, lead, _OTHER, _CREDIT], [0, 1, 2, 3]) == [0, 1, 2, 3]


_WIRE_STORY = [
    "The defending champion was knocked out in the second round of the tournament on Sunday, losing in five sets to a qualifier ranked outside the top two hundred.",
    "The qualifier, who had never won a match at a major before this week, saved three match points in the fourth set before running away with the fifth.",
    "The champion said she had been struggling with a shoulder injury since the start of the year.",
]


@pytest.mark.parametrize(
    ("byline", "name"),
    [
        ("Jane Smith, AP Sports Writer", "Jane Smith"),
        ("Anna Müller, dpa", "Anna Müller"),
        ("Juan Pérez | EFE", "Juan Pérez"),
        ("Jane Smith, Associated Press Sports Writer", "Jane Smith"),  # six words: BYLINE_WORDS
    ],
)
def test_a_name_and_its_source_above_the_lead_is_the_byline(byline: str, name: str) -> None:
    # the model rates the byline as text (as it does a short line right above the lead): it is
    # still the byline, out of the body, and it names the author
    out = classify_given(["Menu", byline, *_WIRE_STORY], (0.1, 0.6, 0.9, 0.9, 0.9))
    assert [x.kind for x in out] == ["boilerplate", "byline", "lead", "body", "body"]
    article = parse_text("\n".join(["Menu", byline, *_WIRE_STORY]) + "\n", RULES)
    assert (article.author, byline in article.paragraphs) == (name, False)


@pytest.mark.parametrize(
    "line",
    [
        "Mensagens de Autoestima, Mensagens de Reflexão Sobre a Vida",  # six words and more: sections
        "On December 3, it rained",  # a digit or a sentence's end: no name and its source
        "Jane Smith, AP Sports Writer.",
        "Jane Smith, Associated Press Sports Writer Emeritus",  # seven words
    ],
)
def test_a_line_with_a_comma_above_the_lead_that_is_no_byline(line: str) -> None:
    out = classify_given(["Menu", line, *_WIRE_STORY], (0.1, 0.6, 0.9, 0.9, 0.9))
    assert [x.kind for x in out] == ["boilerplate", "body", "lead", "body", "body"]
