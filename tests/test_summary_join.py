"""How a summary joins the sentences it takes: Chinese and Japanese put no space between
sentences, so none goes after a CJK full stop (。！？, with any closing bracket or quote after
it); every other script gets one space. The summary's budget counts what is shown, so a CJK
summary fits one character more per sentence than it did with spaces.

The texts are invented (no publisher's text): Japanese, Chinese, Korean, German, English.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsvc.config import Settings
from feedsvc.parse import make_summary
from feedsvc.parse import parse_text
from feedsvc.parse import split_sentences
from feedsvc.parse.lead import make_title_and_summary

JA = ["市は新しい図書館を駅前に建てると発表した。", "開館は来年の春になる。", "費用は約二十億円だ。"]
ZH = ["市政府周一宣布将在河边修建新公园。", "市长说：「工程明年完工。」", "预计每天有上万人使用。"]


@pytest.mark.parametrize(
    ("sentences", "summary"),
    [
        (JA, "市は新しい図書館を駅前に建てると発表した。開館は来年の春になる。費用は約二十億円だ。"),
        # a closing bracket after the full stop belongs to the sentence: still no space
        (ZH, "市政府周一宣布将在河边修建新公园。市长说：「工程明年完工。」预计每天有上万人使用。"),
        # Korean writes its sentences with spaces, and so do the Latin and Cyrillic scripts
        (
            ["시는 새 도서관을 짓는다고 밝혔다.", "개관은 내년 봄이다."],
            "시는 새 도서관을 짓는다고 밝혔다. 개관은 내년 봄이다.",
        ),
        (
            ["Die Stadt baut eine Bibliothek.", "Sie öffnet im Frühjahr."],
            "Die Stadt baut eine Bibliothek. Sie öffnet im Frühjahr.",
        ),
        # a question or exclamation mark in full width ends a CJK sentence too
        (
            ["新しい駅はできるのか？", "答えは来月出る！", "市は待つ。"],
            "新しい駅はできるのか？答えは来月出る！市は待つ。",
        ),
    ],
    ids=["ja", "zh-closing-bracket", "ko", "de", "ja-question-exclamation"],
)
def test_sentences_are_joined_as_the_script_writes_them(sentences: list[str], summary: str) -> None:
    assert make_summary(sentences, 400) == summary  # one sentence a paragraph
    assert make_summary([summary], 400) == summary  # all in one paragraph, as the script writes it


def test_the_budget_counts_no_space_between_cjk_sentences() -> None:
    whole = "".join(JA)
    assert make_summary(JA, len(whole)) == whole  # all three fit exactly
    assert make_summary(JA, len(whole) - 1) == JA[0] + JA[1]  # one character short: two
    latin = ["One two three.", "Four five.", "Six."]
    joined = " ".join(latin)
    assert make_summary(latin, len(joined)) == joined
    assert make_summary(latin, len(joined) - 1) == " ".join(latin[:2])


def test_a_latin_sentence_after_a_cjk_one_gets_no_space_and_before_one_gets_one() -> None:
    assert make_summary(["新製品を発表した。", "It ships in May.", "価格は未定だ。"], 400) == (
        "新製品を発表した。It ships in May. 価格は未定だ。"
    )


def test_a_sentence_of_closing_quotes_only_is_no_cjk_sentence_end() -> None:
    # nothing is left of '"' once the closers are taken off: it is no full stop, so a space follows
    assert make_summary(['"', "Next one."], 400) == '" Next one.'


@pytest.mark.parametrize(
    ("paragraphs", "title", "summary"),
    [
        (JA, "市は新しい図書館を駅前に建てると発表した", "開館は来年の春になる。費用は約二十億円だ。"),
        (ZH, "市政府周一宣布将在河边修建新公园", "市长说：「工程明年完工。」预计每天有上万人使用。"),
    ],
    ids=["ja", "zh"],
)
def test_the_summary_after_a_cjk_title_has_no_spaces(paragraphs: list[str], title: str, summary: str) -> None:
    assert make_title_and_summary(paragraphs, 140, 400) == (title, summary)


def test_a_japanese_article_is_published_with_its_summary_unspaced() -> None:
    paragraphs = [
        "東京都は十二日、都内の公立図書館すべてで来年四月から開館時間を夜十時まで延ばすと発表した。",
        "利用者の声を受けたもので、職員は新たに百人を採用する。費用は年間約五億円を見込む。",
        "都の担当者は「仕事帰りの人にも使ってほしい」と話している。",
    ]
    article = parse_text(
        "\n".join(paragraphs) + "\n",
        Settings(seeds_dir=Path("seeds"), db_path=Path("index.sqlite")).parse_rules(),
    )
    assert article.title == paragraphs[0][:-1]  # the first sentence without its full stop
    assert article.summary.startswith("利用者の声を受けたもので、職員は新たに百人を採用する。費用は")
    assert " " not in article.summary


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        # a paragraph that ends in a quote or bracket closed after its full stop is one sentence
        ("市长说：「工程明年完工。」", ["市长说：「工程明年完工。」"]),
        ("雨だ。「本当だ。」", ["雨だ。", "「本当だ。」"]),
        ("水。」』", ["水。」』"]),
        ("水。」火", ["水。」", "火"]),
    ],
)
def test_closers_after_a_cjk_stop_stay_with_their_sentence(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences
