"""Below the article, replies to readers' comments open with a salutation ("Hi Margaret,",
"Hola Marta,", "Olá Fernanda,"): two or more of them make a thread of replies, and the text
ends at the first (linetypes.is_salutation, classify._before_replies).

The pages are invented (no publisher's text), in English, Spanish and Portuguese: four
paragraphs of one story, then a reader's question, a reply, another question, another reply.
The first question stays in the body: nothing marks where the readers' thread begins.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import features
from feedsvc.parse import parse_text
from feedsvc.parse.article import classify_lines
from feedsvc.parse.classify import TEXT_KINDS
from feedsvc.parse.classify import Line
from feedsvc.parse.classify import _before_replies
from feedsvc.parse.linetypes import is_salutation

RULES = Settings(seeds_dir=Path("seeds"), db_path=Path("x")).parse_rules()

PAGES = {
    "en": [
        "The county council voted on Wednesday to keep the mobile library running for two more years after hundreds of villagers signed a letter asking it not to close.",
        "The van visits eighteen villages every fortnight and lends about four thousand books a year, most of them to older readers who no longer drive to the town library.",
        "Councillors had proposed closing the service to save sixty thousand pounds, but the vote went against the plan by twenty-one votes to nine after a long debate.",
        "The library service will now look for a cheaper van and ask the parish councils whether they can help with the cost of fuel and the driver's wages.",
        "Will the van also stop in the new estate on the north side of the town, where there is no library at all?",
        "Hi Margaret,",
        "Thanks for asking. The route for next year is not fixed yet, and the library service says it will look at the new estate when it plans it in the spring.",
        "Is there any plan to add audiobooks for readers whose eyesight is failing?",
        "Hi Tom,",
        "Yes, the van already carries a small shelf of audiobooks, and more can be ordered from the town library and picked up on the next visit.",
    ],
    "es": [
        "El ayuntamiento aprobó el martes la ampliación del horario de la biblioteca municipal, que abrirá también los domingos por la mañana a partir del próximo mes de marzo.",
        "La concejala de Cultura, Lucía Romero, explicó que la medida responde a la petición de cientos de estudiantes que no encuentran un lugar tranquilo para preparar sus exámenes.",
        "La ampliación costará unos cuarenta mil euros al año y obligará a contratar a dos auxiliares más, cuyo proceso de selección se abrirá en las próximas semanas.",
        "Los vecinos del barrio celebraron la decisión, aunque pidieron que se mejore también la calefacción de la sala de lectura, que en invierno resulta insuficiente.",
        "¿Se podrá usar también la sala de ordenadores los domingos o solo la sala de lectura?",
        "Hola Marta,",
        "Gracias por la pregunta. Según el ayuntamiento, la sala de ordenadores abrirá los domingos a partir de abril, cuando estén contratados los nuevos auxiliares.",
        "¿Habrá actividades para niños durante el nuevo horario de los domingos por la mañana?",
        "Hola Javier,",
        "Por ahora no están previstas, pero la concejala dijo que estudiará un programa de cuentacuentos si la biblioteca tiene suficientes visitantes.",
    ],
    "pt": [
        "A prefeitura anunciou nesta segunda-feira que as creches municipais vão funcionar até as sete da noite a partir de março, atendendo a um pedido antigo das famílias que trabalham em turnos longos.",
        "Segundo a secretária de Educação, Márcia Lopes, a mudança vai exigir a contratação de cento e vinte novos profissionais, e o processo seletivo deve ser aberto ainda neste mês.",
        "O novo horário vale para as quarenta e duas unidades da rede, mas as famílias precisam confirmar o interesse na secretaria da escola até o fim de fevereiro.",
        "Representantes dos pais disseram que a medida chega tarde, mas que é um alívio para quem depende de transporte público e leva mais de uma hora para chegar em casa.",
        "O horário estendido também vale para as creches conveniadas com a prefeitura ou só para as da rede própria?",
        "Olá Fernanda,",
        "Obrigado pela pergunta. Segundo a secretaria, as creches conveniadas poderão aderir ao novo horário, mas precisam assinar um aditivo ao convênio até abril.",
        "Haverá alguma mudança no horário do transporte escolar das crianças que ficam até mais tarde?",
        "Olá Ricardo,",
        "A secretaria informou que o transporte escolar terá uma linha extra no fim do dia a partir de março, para atender as crianças do horário estendido.",
    ],
}


@pytest.mark.parametrize("lang", list(PAGES))
def test_a_thread_of_replies_is_not_the_body(lang: str) -> None:
    lines = PAGES[lang]
    article = parse_text("\n".join(lines), RULES)
    assert list(article.paragraphs) == lines[:5]
    kinds = [x.kind for x in classify_lines(lines, RULES)]
    assert not TEXT_KINDS & set(kinds[5:])
    assert kinds[5] == kinds[8] == "comment"  # the salutations, named for explain


@pytest.mark.parametrize("lang", list(PAGES))
def test_one_salutation_is_no_thread(lang: str) -> None:
    """A letter quoted in the story opens with one ("Dear Mr Smith,"): a thread needs two."""
    lines = PAGES[lang][:8]
    text = [True] * 8
    assert _before_replies(lines, [None] * 8, text, 0) == text


def test_the_text_ends_at_the_first_salutation_below_the_lead() -> None:
    # sentences enough for the article's language (English): the greeting is no function word of it
    lines = [
        "Hi Anna,",
        "It was a long day and we did not go out.",
        "Hi Ben,",
        "The shop is closed on the weekend.",
        "Hi Cleo,",
        "End.",
    ]
    text = [True] * 6
    assert _before_replies(lines, [None] * 6, text, 0) == [True, True, False, False, False, False]
    # above the lead, or decided by a [parse] pattern, a salutation counts for nothing
    assert _before_replies(lines, [None] * 6, text, 2) == [True, True, True, True, True, True]
    rule = Line("Hi Ben,", "boilerplate", 0.0, "a [parse] boilerplate pattern", rule=True)
    assert _before_replies(lines, [None, None, rule, None, None, None], text, 0) == text  # one left


# A Thai page (no stop-word list covers Thai: the article's language is unknown) whose readers'
# replies are addressed in English, "To Lina," and "To Kevin,".
THAI = [
    "สภาเมืองลงมติเมื่อวันพุธ ให้ห้องสมุดเคลื่อนที่เปิดบริการต่อไปอีกสองปี หลังจากชาวบ้านหลายร้อยคน ร่วมกันลงชื่อในจดหมาย ขอให้คงบริการนี้ไว้",
    "รถห้องสมุดคันนี้ แวะไปยังหมู่บ้านสิบแปดแห่ง ทุกสองสัปดาห์ และให้ยืมหนังสือราวสี่พันเล่มต่อปี ผู้อ่านส่วนใหญ่ เป็นผู้สูงอายุ ที่ไม่ได้ขับรถเข้าเมืองแล้ว",
    "สมาชิกสภาบางคน เคยเสนอให้ยกเลิกบริการนี้ เพื่อประหยัดงบประมาณ แต่หลังการอภิปรายนาน ที่ประชุมลงมติไม่เห็นด้วย ยี่สิบเอ็ดเสียง ต่อเก้าเสียง",
    "ฝ่ายห้องสมุดระบุว่า จะหารถคันใหม่ที่ราคาถูกลง และจะสอบถามสภาตำบล ว่าจะช่วยออกค่าน้ำมัน และค่าจ้างคนขับได้หรือไม่",
    "รถห้องสมุด จะไปจอดที่หมู่บ้านจัดสรรใหม่ ทางเหนือของเมืองด้วยไหม ที่นั่นไม่มีห้องสมุดเลย",
    "To Lina,",
    "ขอบคุณที่ถามมา เส้นทางของปีหน้า ยังไม่ได้กำหนด ห้องสมุดบอกว่า จะพิจารณาหมู่บ้านใหม่ ตอนวางแผนช่วงฤดูใบไม้ผลิ",
    "มีแผนจะเพิ่มหนังสือเสียง สำหรับผู้อ่านที่สายตาไม่ดีไหม",
    "To Kevin,",
    "มีแล้ว บนรถมีชั้นหนังสือเสียงเล็ก ๆ และสั่งเพิ่มได้จากห้องสมุดเมือง แล้วมารับในรอบถัดไป",
]  # fmt: skip


def test_in_an_article_of_unknown_language_any_greeting_makes_a_thread() -> None:
    """No stop-word list knows the article's language, so none decides whether the greeting is
    a function word: "To" greets here, though it is one in English and in other lists (the
    last of them among these, which an unknown language's index of -1 would read)."""
    assert features.article_language(THAI) == -1
    stops = features.stop_words()
    assert "to" in stops.sets[stops.languages.index("English")] and "to" in stops.sets[-1]
    text = [True] * len(THAI)
    assert _before_replies(THAI, [None] * len(THAI), text, 0) == [True] * 5 + [False] * 5


@pytest.mark.parametrize(
    "line",
    ["Hi Milan,", "Hola Marta,", "Olá Fernanda,", "Dear Mr Smith,", "Hallo Herr Müller,", "Привет Анна,"],
)
def test_is_salutation(line: str) -> None:
    assert is_salutation(line)


@pytest.mark.parametrize(
    "line",
    [
        "Hi,",  # no name
        "Oh my love,",  # a verse: no name at its end
        "Hi Milan",  # no comma
        "Hi Milan, thanks for your question.",  # a paragraph
        "Dear Mr John Smith,",  # four words
        "on Tuesday, Jones,",  # lower case
        "こんにちは、田中さん、",  # no comma of the Latin kind, no capitals
    ],
)
def test_is_not_salutation(line: str) -> None:
    assert not is_salutation(line)
