"""A photo caption that ends with its credit in brackets, in the wire agencies' form ("(AP
Photo/Jane Smith, File)") or with a picture word and "by" ("(Photo by Jo Bloggs/Agency)",
"(Foto de Ana Souza/Agência)", "(Bild von Hans Meier/dpa)", "(Фото/ТАСС)"), is shown as a
caption: out of the article's text, the title and the summary (the second default [parse]
caption pattern). A sentence that merely ends in brackets stays text.

The pages are invented (no publisher's text).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import parse_text

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()


def parts(text: str) -> tuple[str, tuple[str, ...], str, str]:
    """The body's text (paragraphs joined as a feed's content_text), the captions, the title
    and the summary of a parsed page."""
    article = parse_text(text, RULES)
    body = "\n\n".join(b.text for b in article.blocks if b.kind == "p")
    captions = tuple(b.text for b in article.blocks if b.kind == "caption")
    return body, captions, article.title, article.summary


LEAD = (
    "The town council agreed on Tuesday to keep the swimming pool open through the winter after a "
    "petition signed by more than three thousand residents."
)
SECOND = (
    "The pool had been due to close in October to save money on heating, but councillors found the "
    "funds by delaying the repainting of the town hall."
)
THIRD = (
    "Swimming clubs said the decision meant their members could keep training for the spring "
    "competitions without travelling to the next town."
)

CAPTIONS = [
    "Swimmers wait outside the pool in Northfield, Ill., on Monday. (AP Photo/Jane Smith, File)",
    "The mayor and the head of the swimming club pose for a photo at the pool. (Photo by Jo Bloggs/Northfield Images)",
    "Nadadores esperam na porta da piscina municipal na segunda-feira (Foto de Ana Souza/Agência Norte)",
    "Schwimmer warten am Montag vor dem Hallenbad der Stadt (Bild von Hans Meier/dpa)",
    "Пловцы у входа в бассейн в понедельник (Фото/ТАСС)",
]


@pytest.mark.parametrize("caption", CAPTIONS)
def test_a_caption_ending_in_a_bracketed_credit_is_a_caption(caption: str) -> None:
    body, captions, title, _summary = parts("\n".join([LEAD, caption, SECOND, THIRD]))
    assert captions == (caption,)
    assert body == "\n\n".join([LEAD, SECOND, THIRD])
    assert title.startswith("The town council agreed on Tuesday")


@pytest.mark.parametrize("caption", CAPTIONS[:2])
def test_a_credited_caption_above_the_lead_is_not_the_title(caption: str) -> None:
    body, captions, title, summary = parts("\n".join([caption, LEAD, SECOND, THIRD]))
    assert captions == (caption,)
    assert body == "\n\n".join([LEAD, SECOND, THIRD])
    assert title.startswith("The town council agreed on Tuesday")
    assert caption[:20] not in summary


@pytest.mark.parametrize(
    "sentence",
    [
        # brackets that hold no credit: no picture word, a lower-case word after "/" or "by",
        # or "by" with no picture word before it
        "The club also sells swimming gear and cameras at its shop by the entrance (photo/video).",
        "The club's photos are shown in the hall, the secretary said (photo by staff).",
        "The mayor made a point of swimming the first length herself (by the way, in record time).",
        "Photos of the pool were printed in the council's newsletter (Photos: see page four) last year.",
    ],
)
def test_a_sentence_ending_in_other_brackets_stays_text(sentence: str) -> None:
    body, captions, _title, _summary = parts("\n".join([LEAD, sentence, SECOND, THIRD]))
    assert captions == ()
    assert body == "\n\n".join([LEAD, sentence, SECOND, THIRD])


# The third default caption pattern: a picture word and a colon after the caption's last
# sentence, then the credit (a capital first, no sentence after it).
CREDIT_TAILS = [
    "Swimmers wait outside the pool on Monday. Photo: Jane Smith/Northfield Images",
    "Swimmers wait outside the pool on Monday. Photograph: Jo Bloggs/Agency",
    "Schwimmer warten am Montag vor dem Hallenbad. Foto: Hans Meier/dpa",
    "Nadadores esperam na porta da piscina municipal. Foto: Ana Souza/Agência Norte",
    "Пловцы у входа в бассейн в понедельник. Фото: Анна Смирнова",
    "Κολυμβητές περιμένουν έξω από την πισίνα. Φωτογραφία: Νίκος Γεωργίου",
    "Los nadadores esperan a la puerta de la piscina. Imagen de: Lucía Fernández",
]


@pytest.mark.parametrize("caption", CREDIT_TAILS)
def test_a_caption_ending_in_a_credit_after_its_sentence_is_a_caption(caption: str) -> None:
    body, captions, title, _summary = parts("\n".join([LEAD, SECOND, caption, THIRD]))
    assert captions == (caption,)
    assert body == "\n\n".join([LEAD, SECOND, THIRD])
    assert title.startswith("The town council agreed on Tuesday")


@pytest.mark.parametrize(
    "paragraph",
    [
        # no sentence before the picture word: a paragraph about a picture
        "Photo: a word that once meant light, the curator reminds visitors on the wall text.",
        # the credit is no name (no capital after the colon) or goes on as a sentence
        "The museum kept only one print from the whole collection. Photos: none of the others survived.",
        "The museum kept only one print from the whole collection. Photo: Smith took it! Nobody else.",
        # the picture word does not open the last part
        "The museum kept one print. The photographer's note on it: Jane Smith, 1953",
    ],
)
def test_a_paragraph_about_pictures_stays_text(paragraph: str) -> None:
    body, captions, _title, _summary = parts("\n".join([LEAD, SECOND, paragraph, THIRD]))
    assert captions == ()
    assert body == "\n\n".join([LEAD, SECOND, paragraph, THIRD])
