"""A picture's credit on a line of its own ("Photo: Jane Smith", "Alex Wong | Agency Images",
"Фото: Анна Петрова") is a caption, never a byline (the photographer is not the author) nor
the article's text; the sentence right below a credit that opens the article is the picture's
caption, not the lead (linetypes.is_credit, classify._credited_captions). Both are shown as
the picture's caption, out of the text.

The pages are invented (no publisher's text), in English, Portuguese, Russian and German: a
credit, the picture's caption, then the article.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.linetypes import is_byline
from feedsvc.parse.linetypes import is_credit

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

PAGES = {
    "en": [
        "Jane Smith | Northfield Images",
        "The mayor, pictured at the opening of the new library in 2019, when she was still a councillor. Her plan for the pool has divided the town.",
        "The town council agreed on Tuesday to keep the swimming pool open through the winter after a petition signed by more than three thousand residents.",
        "The pool had been due to close in October to save money on heating, but councillors found the funds by delaying the repainting of the town hall.",
        "Swimming clubs said the decision meant their members could keep training for the spring competitions without travelling to the next town.",
    ],
    "pt": [
        "Foto: Ana Souza",
        "A prefeita, fotografada na inauguração da biblioteca em 2019, quando ainda era vereadora. O plano para a piscina dividiu a cidade.",
        "A prefeitura decidiu nesta terça-feira manter a piscina municipal aberta durante o inverno, depois de um abaixo-assinado com mais de três mil nomes.",
        "A piscina deveria fechar em outubro para economizar com o aquecimento, mas os vereadores encontraram o dinheiro adiando a pintura da prefeitura.",
        "Os clubes de natação disseram que a decisão permite que os atletas continuem treinando para as competições da primavera sem viajar.",
    ],
    "ru": [
        "Фото: Анна Петрова",
        "Мэр города на открытии новой библиотеки в 2019 году, когда она ещё была депутатом. Её план по бассейну разделил жителей.",
        "Городской совет во вторник решил оставить бассейн открытым всю зиму после того, как петицию подписали более трёх тысяч жителей.",
        "Бассейн должны были закрыть в октябре, чтобы сэкономить на отоплении, но депутаты нашли деньги, отложив ремонт здания администрации.",
        "В спортивных клубах сказали, что это решение позволит их членам готовиться к весенним соревнованиям, не уезжая в соседний город.",
    ],
    "de": [
        "Bild: Jana Schmidt",
        "Die Bürgermeisterin bei der Eröffnung der neuen Bibliothek im Jahr 2019, als sie noch im Stadtrat saß. Ihr Plan für das Bad spaltet die Stadt.",
        "Der Stadtrat hat am Dienstag beschlossen, das Hallenbad den ganzen Winter über offen zu halten, nachdem mehr als dreitausend Bürger eine Petition unterschrieben hatten.",
        "Das Bad sollte im Oktober schließen, um Heizkosten zu sparen, doch der Rat fand das Geld, indem er den Anstrich des Rathauses verschob.",
        "Die Schwimmvereine sagten, ihre Mitglieder könnten nun für die Wettkämpfe im Frühjahr trainieren, ohne in die Nachbarstadt zu fahren.",
    ],
}


@pytest.mark.parametrize(
    "line",
    [
        "Alex Wong | Northfield Images",
        "Jo Bloggs/Agency via Northfield Images",
        "Photo: Jane Smith",
        "Image: Northfield Solar",
        "Photo by Jane Smith on Northfield",
        "Foto: Ana Souza",
        "Crédito: Ana Souza/Imagem",
        "Фото: Анна Петрова",
        "Bild: Jana Schmidt",
        "Cover photo: Jane Smith",
    ],
)
def test_a_picture_credit_is_told_in_several_languages(line: str) -> None:
    assert is_credit(line)
    assert not is_byline(line)


@pytest.mark.parametrize(
    "line",
    [
        "By Jane Smith | CNN",  # a byline: no picture word
        "Jane Smith, AP Sports Writer",
        "Photos of the day",  # a heading, no label
        "Photo: the mayor at the library. She opened it in May.",  # a caption's sentences
        "Cover image: the mayor at the opening of the new library with the architects and the builders",
        "Images of the flood were shared widely on social media after the river burst its banks.",
    ],
)
def test_a_byline_a_heading_or_a_sentence_is_no_credit(line: str) -> None:
    assert not is_credit(line)


def test_the_longest_credit_line_is_still_one() -> None:
    ten_words = "Photo: " + " ".join(["Name"] * 9)  # CREDIT_WORDS
    assert is_credit(ten_words)
    assert not is_credit(ten_words + " Name")


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_the_sentence_below_an_opening_credit_is_the_caption_not_the_lead(lang: str) -> None:
    credit, caption, lead, *rest = PAGES[lang]
    article = parse_text("\n".join(PAGES[lang]), RULES)
    assert lead.startswith(article.title.rstrip("…"))
    assert article.paragraphs == (lead, *rest)
    assert article.captions == (credit, caption)  # shown as the picture's, not as text
    assert article.author is None  # the photographer is not the author


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_a_credit_between_paragraphs_leaves_the_body_and_nothing_else(lang: str) -> None:
    credit, _caption, lead, second, third = PAGES[lang]
    article = parse_text("\n".join([lead, second, credit, third]), RULES)
    assert article.paragraphs == (lead, second, third)
    assert article.captions == (credit,)
    assert lead.startswith(article.title.rstrip("…"))
    assert article.author is None


def test_a_byline_with_a_separator_is_still_the_author() -> None:
    credit, _caption, lead, *rest = PAGES["en"]
    article = parse_text("\n".join(["By Jane Smith | Northfield Gazette", lead, *rest]), RULES)
    assert article.author == "Jane Smith"
    assert lead.startswith(article.title.rstrip("…"))


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_a_credit_away_from_the_text_is_chrome_not_a_caption(lang: str) -> None:
    credit, _caption, lead, second, third = PAGES[lang]
    footer = ["Home", "Contact", "Privacy", credit]  # a site's credit for its pictures, in its footer
    article = parse_text("\n".join([lead, second, third, *footer]), RULES)
    assert article.paragraphs == (lead, second, third)
    assert article.captions == ()
    assert article.author is None


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_a_credit_right_below_the_last_paragraph_is_the_last_pictures(lang: str) -> None:
    credit, _caption, lead, second, third = PAGES[lang]
    article = parse_text("\n".join([lead, second, third, credit]), RULES)
    assert article.paragraphs == (lead, second, third)
    assert article.captions == (credit,)
