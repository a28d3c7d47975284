"""bench/quality.py's ROUGE part on a folder of invented articles: the figures it prints per
file (title cut or whole, the words of each text, feedsvc minus Lead-3) are the ones it scored."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import quality  # noqa: E402

LONG = (
    "The harbour board of Port Ellery voted on Tuesday to replace the old swing bridge with a lifting "
    "span by 2027, a spokeswoman for the board said after the meeting."
)
FILES = {
    "a.txt": "PORT ELLERY (AP) -- The bridge will close. Work starts in May. Traffic goes by ferry.\n",
    "b.txt": f"{LONG}\nThe old bridge opened in 1903.\nIt jams twice a year.\n",
}
REFS = [
    {"filename": "a.txt", "highlights": ["The bridge will close in May"]},
    {"filename": "b.txt", "highlights": ["Harbour board votes to replace swing bridge"]},
]


def test_each_file_row_holds_what_was_scored(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    scorer = rouge_scorer.RougeScorer(list(quality.ROUGE_TYPES), use_stemmer=True)
    run = quality.rouge_corpus(
        scorer, quality.default_rules(), tmp_path, REFS, lambda r: "\n".join(r["highlights"]), False
    )
    assert run.errors == 0
    assert run.cut == [False, True]  # b's first sentence is longer than a title (140)
    # a: title + summary lose the dateline (12 words); Lead-3 keeps its 4 (16 words)
    assert run.words[0] == (12, 16, 6)
    # b: Lead-3 is the three sentences; the reference has 7 words
    assert run.words[1][1:] == (len(LONG.split()) + 11, 7)
    rows = quality.per_file_rows(REFS, run)
    assert [row[:5] for row in rows] == [
        ("a.txt", "", "12", "16", "6"),
        ("b.txt", "cut", *map(str, run.words[1])),
    ]
    for row, i in zip(rows, range(2), strict=True):
        for cell, t in zip(row[5:], quality.ROUGE_TYPES, strict=True):
            diff = 100 * (run.scores[quality.FEEDSVC][t][i] - run.scores[quality.LEAD3][t][i])
            assert cell == f"{diff:+.2f}"
    # on a, both say the same words but Lead-3 adds the dateline: feedsvc is ahead on R1
    assert float(rows[0][5]) > 0
