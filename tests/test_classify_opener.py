"""A byline or a date line above the lead opens the article: a short line of "text" above it
(a cookie notice's button, a section label) is site chrome, not the article's body
(classify._above_opener).

The pages are invented (no publisher's text), in English, Portuguese, Russian and Indonesian:
navigation, a cookie notice and its button, a byline or a date, then the article. A model
double gives the button a text-like probability, so the rule is what decides; the shipped
model is asked too, on the same pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_models import classify_given

from feedsvc.config import Settings
from feedsvc.parse import parse_text

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

PAGES = {
    "en": [
        "Home",
        "We use cookies to improve your visit to this site. By going on you agree to our use of cookies.",
        "Accept all cookies",
        "By Jane Smith",
        "The town council agreed on Tuesday to keep the swimming pool open through the winter after a petition signed by more than three thousand residents.",
        "The pool had been due to close in October to save money on heating, but councillors found the funds by delaying the repainting of the town hall.",
        "Swimming clubs said the decision meant their members could keep training for the spring competitions without travelling to the next town.",
    ],
    "pt": [
        "Início",
        "Este site usa cookies para melhorar a sua experiência. Ao continuar a navegar, você concorda com o seu uso.",
        "Aceitar todos",
        "Por Ana Souza",
        "A prefeitura decidiu nesta terça-feira manter a piscina municipal aberta durante o inverno, depois de um abaixo-assinado com mais de três mil nomes.",
        "A piscina deveria fechar em outubro para economizar com o aquecimento, mas os vereadores encontraram o dinheiro adiando a pintura da prefeitura.",
        "Os clubes de natação disseram que a decisão permite que os atletas continuem treinando para as competições da primavera sem viajar.",
    ],
    "ru": [
        "Главная",
        "Мы используем файлы cookie, чтобы сайт работал лучше. Продолжая просмотр, вы соглашаетесь с их использованием.",
        "Принять все",
        "Автор: Анна Петрова",
        "Городской совет во вторник решил оставить бассейн открытым всю зиму после того, как петицию подписали более трёх тысяч жителей.",
        "Бассейн должны были закрыть в октябре, чтобы сэкономить на отоплении, но депутаты нашли деньги, отложив ремонт здания администрации.",
        "В спортивных клубах сказали, что это решение позволит их членам готовиться к весенним соревнованиям, не уезжая в соседний город.",
    ],
    "id": [
        "Beranda",
        "Situs ini menggunakan cookie untuk meningkatkan pengalaman Anda. Dengan melanjutkan, Anda setuju dengan penggunaannya.",
        "Terima semua",
        "12/03/2024 09:15",
        "Dewan kota pada hari Selasa memutuskan untuk tetap membuka kolam renang selama musim hujan setelah petisi yang ditandatangani lebih dari tiga ribu warga.",
        "Kolam renang itu seharusnya ditutup pada bulan Oktober untuk menghemat biaya, tetapi dewan menemukan dana dengan menunda pengecatan balai kota.",
        "Klub renang mengatakan keputusan itu membuat anggota mereka dapat terus berlatih untuk kompetisi tanpa harus pergi ke kota lain.",
    ],
}
BUTTON = 2  #: the cookie notice's button in each page
OPENER = 3  #: the byline or the date
ARTICLE = slice(4, None)


def kinds(lines: list[str]) -> list[str]:
    probs = (0.1, 0.9, 0.9, 0.9, *([0.95] * (len(lines) - 4)))
    out = classify_given(lines, probs)
    return [line.kind for line in out]


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_a_short_line_above_the_opening_byline_or_date_is_chrome(lang: str) -> None:
    got = kinds(PAGES[lang])
    assert got[BUTTON] == "boilerplate"
    assert got[OPENER] in ("byline", "timestamp")
    assert got[ARTICLE] == ["lead", "body", "body"]


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_the_shipped_model_keeps_the_button_and_the_notice_out_of_the_body(lang: str) -> None:
    page = PAGES[lang]
    article = parse_text("\n".join(page), RULES)
    assert article.paragraphs == tuple(page[ARTICLE])


def test_without_an_opener_a_short_line_above_the_lead_stays() -> None:
    """No byline or date above the lead: nothing says where the article starts, and a short
    line of text above the lead stays in the body."""
    page = [line for i, line in enumerate(PAGES["en"]) if i != OPENER]
    got = kinds(page)
    assert got[BUTTON] == "body"


def test_a_short_line_between_the_opener_and_the_lead_stays() -> None:
    """Only what lies above the byline is passed over: a line below it is the article's."""
    page = PAGES["en"][:OPENER + 1] + ["Updated with the council's vote"] + PAGES["en"][OPENER + 1 :]
    got = kinds(page)
    assert got[BUTTON] == "boilerplate"
    assert got[OPENER + 1] == "body"
