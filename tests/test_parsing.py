"""The parser, one rule per test: decoding, cleaning, header, captions, boilerplate, title, summary."""

from __future__ import annotations

import codecs
import json
import re
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.config import load_settings
from feedsvc.model import Block
from feedsvc.model import ParsedArticle
from feedsvc.model import ParseRules
from feedsvc.parse import ParseError
from feedsvc.parse import parse_bytes
from feedsvc.parse import parse_text
from feedsvc.parse import split_sentences
from feedsvc.publish import body_html

DATA = Path(__file__).parent / "data"
PARSE_DATA = DATA / "parse"
SEED = DATA / "seeds" / "000_b13d5d3931fdf2cc.txt"
XML_ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
FOOTER = "Get in touch with our news team by emailing us at [email protected]."


def rules_for(**settings: object) -> ParseRules:
    return Settings(seeds_dir=Path("seeds"), db_path=Path("index.sqlite"), **settings).parse_rules()  # type: ignore[arg-type]


RULES = rules_for()


def parse(data: bytes | str, rules: ParseRules = RULES) -> ParsedArticle:
    if isinstance(data, str):
        return parse_text(data, rules)
    return parse_bytes(data, rules)


def visible(article: ParsedArticle) -> str:
    """Everything a reader sees, for "never shown" checks."""
    return "\n".join([article.title, article.summary, *(b.text for b in article.blocks)])


# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    "data",
    [
        "Zoë’s café opened. It is busy.".encode(),
        codecs.BOM_UTF8 + "Zoë’s café opened. It is busy.".encode(),
        codecs.BOM_UTF16_LE + "Zoë’s café opened. It is busy.".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "Zoë’s café opened. It is busy.".encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_decodes_utf8_and_utf16_with_bom(data: bytes) -> None:
    article = parse(data)
    assert article.paragraphs == ("Zoë’s café opened. It is busy.",)
    assert article.title == "Zoë’s café opened"
    assert "\ufeff" not in visible(article)


def test_decodes_cp1252_without_mojibake() -> None:
    article = parse(b"caf\xe9 \x93quoted\x94 text, na\xefve \x80 prices.")
    assert article.paragraphs == ("café “quoted” text, naïve € prices.",)


def test_stray_latin1_byte_keeps_the_utf8_characters() -> None:
    data = (
        "Zoë’s café — “open”.\n".encode()
        + b"One stray caf\xe9 byte; then \xe2\x80\x9cUTF-8\xe2\x80\x9d again."
    )
    article = parse(data)
    assert article.paragraphs == ("Zoë’s café — “open”.", "One stray café byte; then “UTF-8” again.")


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_line_ends(newline: str) -> None:
    article = parse(newline.join(["First line.", "Second line.", "Third line."]).encode())
    assert article.paragraphs == ("First line.", "Second line.", "Third line.")


def test_blank_lines_are_tolerated() -> None:
    article = parse(b"\n\n  \nFirst paragraph.\n\n\n\t\nSecond paragraph.\n\n\n")
    assert article.paragraphs == ("First paragraph.", "Second paragraph.")


def test_one_nul_byte_is_removed_not_fatal() -> None:
    article = parse(b"A perfectly normal sentence\x00 with one NUL byte inside it.")
    assert article.paragraphs == ("A perfectly normal sentence with one NUL byte inside it.",)


@pytest.mark.parametrize(
    "bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")], ids=["utf-8", "utf-16"]
)
def test_one_nul_after_a_bom_is_removed(bom: bytes, encoding: str) -> None:
    article = parse(bom + "A sentence with\x00 one NUL character inside it.".encode(encoding))
    assert article.paragraphs == ("A sentence with one NUL character inside it.",)


def test_sparse_controls_and_ansi_escapes_are_removed() -> None:
    text = "Prices rose \x1b[31msharply\x1b[0m in March, the \x07office said. " + "More words here. " * 30
    article = parse(text.replace("office", "off\x01i\x08ce").encode())
    assert article.title == "Prices rose sharply in March, the office said"
    assert "\x1b" not in visible(article) and "[31m" not in visible(article)


def test_unterminated_escape_sequence_eats_only_its_line() -> None:
    article = parse("Start \x1b]0;window title\nThe second paragraph survives.\nSo does the third.")
    assert article.paragraphs[-2:] == ("The second paragraph survives.", "So does the third.")


@pytest.mark.parametrize(
    "data",
    [
        "Lone \ud800surrogate and \ufffenon\uffffchars are dropped.",
        "Lone \ud800surrogate and \ufffenon\uffffchars are dropped.".encode("utf-8", "surrogatepass"),
    ],
    ids=["text", "bytes"],
)
def test_surrogates_and_nonchars_are_removed(data: str | bytes) -> None:
    article = parse(data)
    assert article.paragraphs == ("Lone surrogate and nonchars are dropped.",)


def test_whitespace_is_normalised() -> None:
    article = parse("  Tabs\t\tand\u00a0no-break   spaces\u2003collapse.  \nSecond\u3000line. ")
    assert article.paragraphs == ("Tabs and no-break spaces collapse.", "Second line.")


# --------------------------------------------------------------------------- header


def test_header_is_read_and_never_shown() -> None:
    text = (
        "TITLE: The header title\nauthor: Jo Bloggs\nTags: a, b, a\nSUMMARY: The header summary.\n"
        "Id: my-id\nDate: 2025-03-03\n\nThe body starts here. It goes on.\n"
    )
    article = parse(text)
    assert (article.title, article.summary) == ("The header title", "The header summary.")
    assert (article.author, article.tags, article.explicit_id) == ("Jo Bloggs", ("a", "b"), "my-id")
    assert article.paragraphs == ("The body starts here. It goes on.",)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3 March 2025 14:05 GMT", datetime(2025, 3, 3, 14, 5, tzinfo=UTC)),
        ("2025-03-03T14:05:00+01:00", datetime(2025, 3, 3, 13, 5, tzinfo=UTC)),
        ("Mon, 03 Mar 2025 14:05:00 -0500", datetime(2025, 3, 3, 19, 5, tzinfo=UTC)),
    ],
)
def test_header_dates_are_aware_utc(value: str, expected: datetime) -> None:
    date = parse(f"Date: {value}\n\nBody.").date
    assert date == expected
    assert date is not None and date.utcoffset() is not None and date.tzinfo == UTC


def test_naive_date_is_in_the_configured_timezone() -> None:
    rules = rules_for(timezone="Europe/London")
    summer = parse("Date: 2025-07-01 12:00\n\nBody.", rules).date
    winter = parse("Date: 2025-01-15 12:00\n\nBody.", rules).date
    assert summer == datetime(2025, 7, 1, 11, 0, tzinfo=UTC)  # BST
    assert winter == datetime(2025, 1, 15, 12, 0, tzinfo=UTC)  # GMT


def test_unparseable_date_is_a_warning() -> None:
    article = parse("Date: the day after tomorrow-ish\n\nBody text.")
    assert article.date is None
    assert len(article.warnings) == 1 and "the day after tomorrow-ish" in article.warnings[0]
    assert article.paragraphs == ("Body text.",)


def test_note_paragraph_is_not_a_header() -> None:
    article = parse("Note: the vote was held in private.\n\nThe council met on Monday.")
    assert article.title == "Note: the vote was held in private"
    assert article.paragraphs[0] == "Note: the vote was held in private."


# --------------------------------------------------------------------------- captions and boilerplate


@pytest.mark.parametrize(
    "caption",
    [
        "Rescue teams at the scene (Picture: AP)",
        "Rescue teams at the scene (Pictures: AP / Reuters)",
        "Rescue teams at the scene (Image: Getty)",
        "Rescue teams at the scene (Photo: J. Smith)",
        "Rescue teams at the scene (Video: ITN)",
    ],
)
def test_caption_lines_are_captions(caption: str) -> None:
    article = parse(f"{caption}\nThe storm closed two roads. Crews worked overnight.\n{caption}")
    assert article.blocks[0] == Block("caption", caption)
    assert article.captions == (caption, caption)
    assert article.title == "The storm closed two roads"
    assert article.summary == "Crews worked overnight."  # the title's sentence is not repeated


@pytest.mark.parametrize(
    "line",
    [
        FOOTER,
        "For more stories like this, check our news page.",
        "Got a story for us? Email us at [email protected].",
    ],
)
def test_boilerplate_is_removed(line: str) -> None:
    article = parse(f"{line}\nThe storm closed two roads.\n{line}\nCrews worked overnight.\n{line}")
    assert article.paragraphs == ("The storm closed two roads.", "Crews worked overnight.")
    assert article.title == "The storm closed two roads"
    assert line[:20] not in visible(article)


def test_email_debris_is_cut_out_of_a_paragraph() -> None:
    article = parse("Readers wrote to [email protected] in their hundreds.")
    assert article.paragraphs == ("Readers wrote to in their hundreds.",)


def test_extra_boilerplate_from_config(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[parse]\nextra_boilerplate = ["^Follow us on Mastodon"]\n', "utf-8")
    rules = load_settings(config).parse_rules()
    article = parse(f"Follow us on Mastodon for more.\nThe storm closed two roads.\n{FOOTER}", rules)
    assert article.paragraphs == ("The storm closed two roads.",)


# --------------------------------------------------------------------------- title


def test_header_title_wins() -> None:
    assert parse("Title: Chosen title\n\nThe lead sentence. More.").title == "Chosen title"


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        ("Mr. Smith and Dr. Jones met in St. Ives. They talked.", "Mr. Smith and Dr. Jones met in St. Ives"),
        ("J. K. Rowling visited the school. Pupils cheered.", "J. K. Rowling visited the school"),
        ("Growth was 3.5% in 2024. Economists were surprised.", "Growth was 3.5% in 2024"),
        ('"We will win," the minister said. Critics disagreed.', '"We will win," the minister said'),
        ("Is it over? Nobody knows.", "Is it over?"),
    ],
)
def test_title_is_the_first_sentence(lead: str, title: str) -> None:
    assert parse(lead).title == title


def test_title_is_cut_only_when_longer_than_140() -> None:
    exact = "word " * 27 + "abcd"  # 139 characters
    assert len(exact) == 139
    assert parse(exact + "e.").title == exact + "e"  # 140: kept whole, full stop dropped
    long_title = parse(exact + " longer.").title  # 146
    assert long_title.endswith("…") and len(long_title) <= 140
    kept = long_title[:-1].split(" ")
    assert kept == exact.split(" ")[: len(kept)]  # whole words only


@pytest.mark.parametrize(
    "date_line",
    ["December 3, 2004", "3 December 2004", "Friday, December 3rd, 2004", "Fri. 3 Dec. 2004", "2004-12-03"],
)
def test_an_opening_date_line_is_not_the_title(date_line: str) -> None:
    article = parse(f"{date_line}\nThe Congo may be preparing troops. Talks failed.\nSecond paragraph here.")
    assert article.title == "The Congo may be preparing troops"
    assert article.summary == "Talks failed. Second paragraph here."
    # A date line is a timestamp: it dates the article (no Date: header) and is not body text.
    assert article.paragraphs[0] == "The Congo may be preparing troops. Talks failed."
    assert date_line not in article.paragraphs
    assert article.date == datetime(2004, 12, 3, tzinfo=UTC)


def test_a_header_date_wins_over_a_date_line() -> None:
    article = parse("Date: 2020-01-02T03:04:05Z\n\nDecember 3, 2004\nThe Congo may be preparing troops.")
    assert article.date == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "lead",
    ["December 3, 2004 was a Friday. It rained.", "On December 3, 2004 it rained.", "2004 was a leap year."],
)
def test_a_lead_that_only_starts_with_a_date_is_the_title(lead: str) -> None:
    assert parse(f"{lead}\nMore text.").title == lead.split(". ")[0].removesuffix(".")


def test_a_date_line_alone_is_still_the_title() -> None:
    assert parse("December 3, 2004\n").title == "December 3, 2004"


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        (
            "CAPE CANAVERAL, Florida - The first new rocket is cleared to launch. More.",
            "The first new rocket is cleared to launch",
        ),
        ("WASHINGTON (CNN) -- The Senate voted today. More.", "The Senate voted today"),
        ("LONDON, England (Reuters) - Shares fell. More.", "Shares fell"),
        ("NASA - the agency - said little. More.", "NASA - the agency - said little"),
        ("Spider-Man, Peter Parker - a hero. More.", "Spider-Man, Peter Parker - a hero"),
        ("PARIS, France - Rain - and more rain. More.", "Rain - and more rain"),
    ],
)
def test_wire_datelines_are_not_in_the_title(lead: str, title: str) -> None:
    assert parse(lead).title == title


def test_title_has_no_trailing_full_stop() -> None:
    assert parse("A one-sentence article.").title == "A one-sentence article"


def test_title_is_never_empty() -> None:
    assert parse(".").title == "."


# --------------------------------------------------------------------------- summary


def test_header_summary_wins() -> None:
    assert parse("Summary: Chosen.\n\nThe lead sentence. More.").summary == "Chosen."


def test_summary_is_whole_sentences_up_to_the_limit() -> None:
    sentence = "This sentence is exactly fifty characters long ok."
    assert len(sentence) == 50
    text = " ".join([sentence] * 12)  # one paragraph of 12 sentences of 50 + spaces: its end is far
    assert parse(text).summary == " ".join([sentence] * 7)  # 7 * 51 - 1 = 356; 8 would be 407
    assert parse(text, rules_for(summary_length=407)).summary == " ".join([sentence] * 8)


def test_long_first_sentence_is_cut_on_a_word_boundary() -> None:
    words = [f"w{i:03d}x" for i in range(120)]  # 120 words of 5 letters, no sentence end
    article = parse(" ".join(words) + ".")
    shown = article.title[:-1].split(" ")
    assert article.title.endswith("…") and shown == words[: len(shown)]  # whole words only
    # the summary goes on with the next word, and is cut on a word boundary too
    assert article.summary.startswith("…") and article.summary.endswith("…")
    kept = article.summary[1:-1].split(" ")
    assert kept == words[len(shown) : len(shown) + len(kept)]
    assert len(article.summary) <= 400


def test_seed_summary_goes_on_after_the_title() -> None:
    article = parse(SEED.read_bytes())
    assert article.title == (
        "Iran has appeared to acknowledge for the first time that it sent drones to Russia in the "
        "months before the invasion of Ukraine"
    )
    assert article.paragraphs[0] == article.title + "."  # the lead is one sentence: the title
    # so the summary goes on from paragraph 2, in whole sentences, up to 400 characters
    assert article.summary.startswith(article.paragraphs[1] + " ")
    assert len(article.summary) <= 400 < len(article.summary) + len(article.paragraphs[3])
    assert len(article.captions) == 3
    assert not any("Get in touch" in p or "For more stories" in p for p in article.paragraphs)


# --------------------------------------------------------------------------- body HTML


def test_body_html_escapes_everything() -> None:
    article = parse("""Tom & Jerry's <script>alert("x")</script> show.\nCrowds at the show (Picture: AP)""")
    html = body_html(article.blocks)
    assert html == (
        "<p>Tom &amp; Jerry&#x27;s &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; show.</p>\n"
        '<figure class="caption"><figcaption>Crowds at the show (Picture: AP)</figcaption></figure>'
    )


# --------------------------------------------------------------------------- not articles


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \n\t\r\n  \n", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"(Picture: AP)\nCrowds (Photo: PA)\n" + FOOTER.encode(), "nothing left"),
        (b"Title: Only a header\nDate: 2025-03-03\n\n", "no article text"),
    ],
    ids=["empty", "whitespace", "binary", "png", "captions-and-boilerplate", "header-only"],
)
def test_not_an_article(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse(data)


def test_split_sentences_keeps_abbreviations_together() -> None:
    assert split_sentences("Gen. Lee arrived at 3 p.m. on Jan. 4. The U.S. Army waited. It rained.") == [
        "Gen. Lee arrived at 3 p.m. on Jan. 4.",
        "The U.S. Army waited.",
        "It rained.",
    ]


# --------------------------------------------------------------------------- data-driven


@pytest.mark.parametrize("path", sorted(PARSE_DATA.glob("*.txt")), ids=lambda p: p.stem)
def test_parse_data(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))
    article = parse(path.read_bytes())
    assert article.title == expected["title"]
    assert article.summary == expected["summary"]
    assert list(article.captions) == expected["captions"]
    assert len(article.paragraphs) == expected["paragraphs"]
    if "date" in expected:
        assert article.date == datetime.fromisoformat(expected["date"])
    for key, attr in (("author", "author"), ("id", "explicit_id")):
        if key in expected:
            assert getattr(article, attr) == expected[key]
    if "tags" in expected:
        assert list(article.tags) == expected["tags"]
    assert "[email protected]" not in visible(article)
    assert "Get in touch" not in visible(article) and "»" not in visible(article)


def test_every_parse_fixture_has_expectations() -> None:
    texts = {p.stem for p in PARSE_DATA.glob("*.txt")}
    expectations = {p.name.removesuffix(".expected.json") for p in PARSE_DATA.glob("*.expected.json")}
    assert texts == expectations and len(texts) >= 4


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("Авария произошла ночью. Ремонт идёт.", ["Авария произошла ночью.", "Ремонт идёт."]),
        (
            "Η κυβέρνηση ανακοίνωσε μέτρα. Οι πολίτες αντέδρασαν.",
            ["Η κυβέρνηση ανακοίνωσε μέτρα.", "Οι πολίτες αντέδρασαν."],
        ),
        (
            "事故があった。警察によると、けが人はいない。",
            ["事故があった。", "警察によると、けが人はいない。"],
        ),
        ("「大丈夫」と話した。 次の文。", ["「大丈夫」と話した。", "次の文。"]),
        ("Он сказал: «Всё хорошо». Потом ушёл.", ["Он сказал: «Всё хорошо».", "Потом ушёл."]),
        ("т. е. слово. Дальше.", ["т. е. слово.", "Дальше."]),  # no capital after "т.": one sentence
    ],
)
def test_sentences_end_in_other_scripts(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


def test_a_cjk_title_drops_its_full_stop() -> None:
    assert parse("事故があった。警察によると、けが人はいない。").title == "事故があった"


def test_a_long_title_is_cut_after_a_clause_when_one_ends_late_enough() -> None:
    from feedsvc.parse.lead import shorten

    text = (
        "The harbour authority will replace the 120-year-old swing bridge at Port Ellery with a "
        "lifting span by 2027, officials said on Tuesday in a statement to the press"
    )
    assert shorten(text, 140) == text[: text.index(", officials")] + "…"  # the comma at 111 of 140
    # A clause that ends too early (before two thirds of the room) is not worth the words lost.
    assert shorten(text, 60) == "The harbour authority will replace the 120-year-old swing…"
    assert shorten("Ein Satz, der lang genug ist, um gekürzt zu werden, und mehr", 40) == (
        "Ein Satz, der lang genug ist…"  # the comma at 28 of 39 characters of room
    )
    assert shorten("Ein Satz, der lang genug ist um gekürzt zu werden, und mehr", 40) == (
        "Ein Satz, der lang genug ist um…"  # the only comma, at 8: a word boundary
    )


@pytest.mark.parametrize(
    ("pattern", "hint"),
    [
        (r"\s*\[email(?:\u00a0|\s)*protected\]", "protected]"),
        (r"ab+c", "a"),  # "b" may repeat: "abbc" holds no "abc"
        (r"a\x41bc", "bc"),  # a code point is never guessed
        (r"x{2,3}yz", "yz"),
        (r"a{3}bcd", "bcd"),
        (r"foo(?:bar)baz", "foo"),
        (r"\.com\b", ".com"),
        (r"[]a]bcd", "bcd"),  # "]" first in a class is in the class
        (r"(?i)^Hello", "hello"),  # casefolded
        (r"^a|bcd", None),  # an alternation at the top: nothing is required
        (r"(?x) a b c", None),  # verbose: white space is not text
        (r"Straße", "strasse"),
    ],
)
def test_required_literal(pattern: str, hint: str | None) -> None:
    from feedsvc.parse.patterns import required_literal

    assert required_literal(re.compile(pattern)) == hint
