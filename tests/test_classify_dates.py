"""A slashed numeric date in a timestamp line ("04/03/2024") is read in the order the
article's language writes dates: month first in English, day first in the others (most of the
world); a number over 12 decides either way. Dotted dates are always day first.

The articles are invented (no publisher's text), in Portuguese, Italian, Russian and English.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.article import parse_date

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

# Byline, timestamp, then three paragraphs and a menu line between them (so that the file is
# not one run of prose and the classifier looks at the header lines).
ARTICLES = {
    "pt": (
        "Por Ana Souza",
        [
            "A prefeitura anunciou nesta segunda-feira que as creches municipais vão funcionar até "
            "as sete da noite a partir de março, atendendo a um pedido antigo das famílias.",
            "Segundo a secretária de Educação, a mudança vai exigir a contratação de cento e vinte "
            "novos profissionais, e o processo seletivo deve ser aberto ainda neste mês.",
            "Menu",
            "O novo horário vale para as quarenta e duas unidades da rede, mas as famílias precisam "
            "confirmar o interesse na secretaria da escola até o fim de fevereiro.",
        ],
    ),
    "it": (
        "di Marco Rossi",
        [
            "Il consiglio comunale ha approvato lunedì il nuovo piano per le piste ciclabili lungo "
            "il fiume, che saranno pronte entro la fine del prossimo anno secondo il sindaco.",
            "Il progetto costerà circa due milioni di euro e sarà finanziato in gran parte dalla "
            "regione, che da anni sostiene la mobilità sostenibile nelle città di medie dimensioni.",
            "Menu",
            "I commercianti del centro hanno chiesto che i lavori si svolgano per tratti, così che i "
            "negozi restino sempre raggiungibili durante tutto il periodo del cantiere.",
        ],
    ),
    "ru": (
        "Автор: Ирина Соколова",
        [
            "Авария на теплотрассе оставила без отопления двести домов в Заречном районе города в "
            "понедельник утром, сообщили в городской администрации.",
            "Ремонтные бригады работали всю ночь, но восстановить подачу тепла удалось только в "
            "половине домов, а остальные жители ждут окончания работ до вечера вторника.",
            "Меню",
            "Жители жалуются, что о проблемах с трубопроводом говорили несколько лет, но ремонт "
            "каждый раз откладывали из-за нехватки денег в городском бюджете.",
        ],
    ),
    "en": (
        "By Ann Smith",
        [
            "The harbour trust approved a new ferry timetable on Tuesday after months of complaints "
            "from island commuters who said the early crossing left too late for work.",
            "Under the new plan the first boat will leave the island at ten past six, forty minutes "
            "earlier than now, and an extra evening crossing will run on Fridays.",
            "Menu",
            "The trust's chair said the change would cost about ninety thousand pounds a year, most "
            "of it for extra crew, and that fares would not rise to pay for it.",
        ],
    ),
}


def dated(lang: str, stamp: str) -> datetime | None:
    byline, paragraphs = ARTICLES[lang]
    return parse_text("\n".join([byline, stamp, *paragraphs]), RULES).date


@pytest.mark.parametrize("lang", ["pt", "it", "ru"])
def test_a_slashed_date_is_day_first_outside_english(lang: str) -> None:
    assert dated(lang, "04/03/2024 09:15") == datetime(2024, 3, 4, 9, 15, tzinfo=UTC)


def test_a_slashed_date_is_month_first_in_english() -> None:
    assert dated("en", "03/04/2024 09:15") == datetime(2024, 3, 4, 9, 15, tzinfo=UTC)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_a_number_over_twelve_decides_the_order(lang: str) -> None:
    assert dated(lang, "19/04/2024") == datetime(2024, 4, 19, tzinfo=UTC)
    assert dated(lang, "04/19/2024") == datetime(2024, 4, 19, tzinfo=UTC)


def test_dotted_dates_are_day_first_in_every_language() -> None:
    assert dated("en", "04.03.2024") == datetime(2024, 3, 4, tzinfo=UTC)
    assert dated("pt", "04.03.2024") == datetime(2024, 3, 4, tzinfo=UTC)


def test_parse_date_day_first_only_when_asked() -> None:
    assert parse_date("04/03/2024", UTC) == datetime(2024, 4, 3, tzinfo=UTC)
    assert parse_date("04/03/2024", UTC, dayfirst=True) == datetime(2024, 3, 4, tzinfo=UTC)
    assert parse_date("2024-03-04", UTC, dayfirst=True) == datetime(2024, 3, 4, tzinfo=UTC)  # ISO stays
