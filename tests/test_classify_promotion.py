"""The site's offer to its reader below the story (a newsletter, "follow us on" two social
networks: linetypes.is_promotion) ends the article as a contact line with an address does,
when little text follows it and that text is about something else (classify._cut_at_chrome).

The pages are invented (no publisher's text), in English, French and Russian: two menu words,
five paragraphs of one story, a newsletter's offer without any address, then the sign-up
form's notice and a promotion of the site that the model takes for text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import parse_text
from feedsvc.parse.linetypes import is_promotion

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

PAGES = {
    "en": [
        "Home",
        "News",
        "The county council voted on Wednesday to keep the mobile library running for two more years after hundreds of villagers signed a letter asking it not to close.",
        "The van visits eighteen villages every fortnight and lends about four thousand books a year, most of them to older readers who no longer drive to the town library.",
        "Councillors had proposed closing the service to save sixty thousand pounds, but the vote went against the plan by twenty-one votes to nine after a long debate.",
        "The library service will now look for a cheaper van and ask the parish councils whether they can help with the cost of fuel and the driver's wages.",
        "A review of the service will take place next spring, when the council sets its budget for the following year.",
        "Stay up to date with the Courier. Subscribe to our newsletter.",
        "A message with an activation link has just been sent to your inbox. Please confirm your subscription by clicking it.",
        "Join our readers' club for offers, events and competitions all year round.",
    ],
    "fr": [
        "Accueil",
        "Actualités",
        "Le conseil municipal a voté mardi la prolongation des horaires de la médiathèque, qui ouvrira désormais le dimanche matin à partir du mois de mars prochain.",
        "L'adjointe à la culture, Claire Martin, a expliqué que la mesure répondait à la demande de centaines d'étudiants qui ne trouvent pas de lieu calme pour réviser leurs examens.",
        "La prolongation coûtera environ quarante mille euros par an et obligera la ville à recruter deux agents supplémentaires, dont le recrutement sera ouvert dans les prochaines semaines.",
        "Les habitants du quartier ont salué la décision, tout en demandant que le chauffage de la salle de lecture soit lui aussi amélioré avant l'hiver.",
        "La mairie fera le bilan de ces nouveaux horaires à la fin de l'année pour décider de les maintenir.",
        "Restez informés : abonnez-vous à notre newsletter quotidienne.",
        "Un courriel de confirmation vient de vous être envoyé. Cliquez sur le lien qu'il contient pour activer votre abonnement.",
        "Rejoignez le club des lecteurs et profitez de réductions et de jeux concours toute l'année.",
    ],
    "ru": [
        "Главная",
        "Новости",
        "Городская дума во вторник одобрила продление работы центральной библиотеки, которая с марта будет открыта и по воскресеньям с утра до позднего вечера.",
        "Как пояснила заместитель главы администрации по культуре Анна Петрова, решение принято по просьбе сотен студентов, которым негде спокойно готовиться к экзаменам.",
        "Продление графика обойдётся городу примерно в два миллиона рублей в год, для этого библиотеке придётся принять на работу ещё двух сотрудников.",
        "Жители района поддержали решение, но попросили также отремонтировать отопление в читальном зале, где зимой бывает слишком холодно.",
        "Администрация подведёт итоги работы по новому графику в конце года.",
        "Подпишитесь на нашу рассылку, чтобы первыми узнавать главные новости.",
        "Письмо со ссылкой для подтверждения уже отправлено вам на почту. Перейдите по ней, чтобы завершить подписку.",
        "Вступайте в клуб читателей и получайте скидки и подарки круглый год.",
    ],
}


@pytest.mark.parametrize("lang", list(PAGES))
def test_a_newsletter_offer_ends_the_article(lang: str) -> None:
    lines = PAGES[lang]
    article = parse_text("\n".join(lines), RULES)
    assert list(article.paragraphs) == lines[2:7]


@pytest.mark.parametrize("lang", list(PAGES))
def test_a_newsletter_offer_early_in_the_article_ends_nothing(lang: str) -> None:
    """The same offer after the second paragraph: more text below it than half the text above
    it, so the story goes on."""
    lines = PAGES[lang]
    moved = lines[:4] + [lines[7]] + lines[4:7]
    article = parse_text("\n".join(moved), RULES)
    assert [p for p in lines[2:7] if p not in article.paragraphs] == []


@pytest.mark.parametrize(
    "line",
    [
        "Stay up to date with the Courier. Subscribe to our newsletter.",
        "Abonnieren Sie unseren Newsletter und erhalten Sie jeden Morgen die wichtigsten Nachrichten.",
        "Suscríbete a nuestro boletín y recibe cada mañana las noticias más importantes del día.",
        "Подпишитесь на нашу рассылку, чтобы первыми узнавать главные новости.",
        "뉴스레터를 구독하세요",
        "Follow the Courier on Facebook, Twitter and Instagram.",
        "Siga-nos no Instagram e no YouTube!",
        "Подписывайтесь на нас во ВКонтакте и Telegram",
        # twenty words at most: a notice is short
        " ".join(["word"] * 19) + " newsletter",
    ],
)
def test_a_promotion(line: str) -> None:
    assert is_promotion(line)


@pytest.mark.parametrize(
    "line",
    [
        # a story's sentence names a newsletter or the networks in a longer line, or one network
        "The minister had told his own party's newsletter in March that he would not stand again, a statement his office later said had been taken out of context.",
        " ".join(["word"] * 20) + " newsletter",
        "She posted the video on Twitter on Tuesday night.",
        "Twitter, twitter and TWITTER: one network however it is written.",
        "The council will publish the new timetable next week.",
        "ニュース" * 20,  # CJK: over 60 characters
    ],
)
def test_not_a_promotion(line: str) -> None:
    assert not is_promotion(line)


def test_a_promotion_ends_the_article_only_with_text_below_it() -> None:
    """_addresses: a promotion with a line of text below it may end the article; as the last
    line of text it is as often the story's closing sentence, and may not. A line with an
    address may either way (a contact line closes many stories)."""
    from feedsvc.parse import features
    from feedsvc.parse.classify import Line
    from feedsvc.parse.classify import _addresses

    promotion = "Subscribe to our newsletter."
    contact = "Write to news@example.org"
    kept = ["One line of the story.", promotion, contact, "Another line.", promotion]
    fixed: list[Line | None] = [None] * 5
    shapes = features.shapes(kept)
    T, F = True, False
    assert _addresses(kept, fixed, shapes, [T] * 5) == [F, T, T, F, F]
    # the last line of text, not of the page, decides; lines the rules decided are no text
    assert _addresses(kept, fixed, shapes, [T, T, T, F, F]) == [F, T, T, F, F]
    assert _addresses(kept, fixed, shapes, [T, T, F, F, F]) == [F, F, T, F, F]
    rule = Line("Share", "boilerplate", 0.0, "a rule", rule=True)
    assert _addresses(kept, [None, None, rule, None, None], shapes, [T, T, T, F, F]) == [F, F, T, F, F]
