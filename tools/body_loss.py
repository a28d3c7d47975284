"""Where the body F1 on realpages-dev is lost: the parser's kept lines against the line labels.

Each page of ``article/`` and ``page/`` is parsed in-process with default settings; its lines
are labelled as tools/train_classifier.py labels them (a line is article text when most of its
word 4-grams occur in the annotated body). The lines the parser keeps wrongly are split by
where they stand against the labelled text (above its first line, below its last, inside), the
lines it drops wrongly are counted apart, and score.py's body F1 is printed as it is and with
each kind of error put right on its own ("what if"), then with every line right (the
perfect line classifier):

    .venv/bin/python tools/body_loss.py [--corpus ../shared/corpus] [--pages 15] [--lines]

``--pages N`` lists the N pages whose F1 the perfect classifier would raise most, with their
precision and recall and whether the line taken for the lead is article text at all; ``--lines`` prints each wrong line of those pages (corpus text: to
stdout only, never into the repository).
"""

from __future__ import annotations

import argparse
import collections
import json
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from train_classifier import realpages  # noqa: E402
from train_classifier import score_module  # noqa: E402

from feedsvc.config import load_settings  # noqa: E402
from feedsvc.parse.article import classify_lines  # noqa: E402
from feedsvc.parse.classify import TEXT_KINDS  # noqa: E402
from feedsvc.parse.text import split_lines  # noqa: E402

FIXES = ("as parsed", "no wrong line above", "no wrong line inside", "no wrong line below",
         "no wrong line kept", "no line dropped wrongly", "every line right")  # fmt: skip


def options(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=pathlib.Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--pages", type=int, default=15, help="list this many pages that lose most")
    ap.add_argument("--lines", action="store_true", help="print the wrong lines of those pages")
    return ap.parse_args(argv)


def masks(kept: list[bool], labels: list[int]) -> dict[str, list[bool]]:
    """The kept-line mask as parsed and with each kind of error put right."""
    marks = [i for i, y in enumerate(labels) if y]
    first, last = (marks[0], marks[-1]) if marks else (len(labels), -1)
    where = ["above" if i < first else "below" if i > last else "inside" for i in range(len(labels))]
    right = [bool(y) for y in labels]
    return {
        "as parsed": kept,
        "no wrong line above": [k and (y or w != "above") for k, y, w in zip(kept, right, where, strict=True)],
        "no wrong line inside": [k and (y or w != "inside") for k, y, w in zip(kept, right, where, strict=True)],
        "no wrong line below": [k and (y or w != "below") for k, y, w in zip(kept, right, where, strict=True)],
        "no wrong line kept": [k and y for k, y in zip(kept, right, strict=True)],
        "no line dropped wrongly": [k or y for k, y in zip(kept, right, strict=True)],
        "every line right": right,
    }


def main() -> None:
    args = options()
    if not (args.corpus / "realpages-dev" / "truth.json").is_file():
        print(f"skipped: no {args.corpus / 'realpages-dev'}")
        return
    score = score_module(args.corpus)
    truth = json.loads((args.corpus / "realpages-dev" / "truth.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        (pathlib.Path(tmp) / "config.toml").write_text("", encoding="utf-8")
        rules = load_settings(pathlib.Path(tmp) / "config.toml").parse_rules()
    rows: dict[str, dict[str, list[dict[str, object]]]] = collections.defaultdict(lambda: collections.defaultdict(list))
    words: dict[tuple[str, str], int] = collections.Counter()
    losers = []
    for _group, name, lines, labels in realpages(args.corpus):
        variant, file = name.split("/")
        text = (args.corpus / "realpages-dev" / variant / file).read_text(encoding="utf-8")
        out = classify_lines(split_lines(text), rules)
        if len(out) != len(lines):
            raise SystemExit(f"{name}: {len(out)} classified lines, {len(lines)} labelled")
        kept = [line.kind in TEXT_KINDS for line in out]
        body = truth[file]["articleBody"]
        scores = {}
        for fix, mask in masks(kept, labels).items():
            s = score.page_scores(body, "", "", "\n\n".join(x.text for x, k in zip(out, mask, strict=True) if k))
            rows[variant][fix].append(s)
            scores[fix] = s
        m = masks(kept, labels)
        for i, (k, y) in enumerate(zip(kept, labels, strict=True)):
            if k and not y:
                where = next(f for f in ("above", "inside", "below") if not m[f"no wrong line {f}"][i])
                words[variant, f"kept wrongly, {where}"] += len(out[i].text.split())
            elif y and not k:
                words[variant, f"dropped wrongly ({out[i].kind})"] += len(out[i].text.split())

        def f1(s: dict[str, float]) -> float:
            return 2 * s["p"] * s["r"] / (s["p"] + s["r"]) if s["p"] + s["r"] else 0.0

        losers.append((f1(scores["every line right"]) - f1(scores["as parsed"]), name, scores["as parsed"], out, kept, labels))
    for variant, by_fix in rows.items():
        print(f"\n{variant}/: body F1 (P / R), score.py's figures over {len(by_fix['as parsed'])} pages")
        for fix in FIXES:
            a = score.aggregate(by_fix[fix])
            print(f"  {fix:<26} {a['body_f1']:.3f}  ({a['body_p']:.3f} / {a['body_r']:.3f})")
        print("  words of wrong lines:")
        for (v, what), n in sorted(words.items()):
            if v == variant:
                print(f"    {what:<34} {n:6d}")
    losers.sort(key=lambda x: -x[0])
    print(f"\nthe {args.pages} pages the perfect line classifier would raise most (F1 gain, P, R as parsed):")
    for gain, name, s, out, kept, labels in losers[: args.pages]:
        lead = next((i for i, x in enumerate(out) if x.kind == "lead"), None)
        wrong_lead = "  (its lead is no article text)" if lead is not None and not labels[lead] else ""
        print(f"  {name:<34} +{gain:.3f}  P {s['p']:.2f} R {s['r']:.2f}{wrong_lead}")
        if args.lines:
            for i, (x, k, y) in enumerate(zip(out, kept, labels, strict=True)):
                if k != bool(y):
                    print(f"    {i:3d} {'kept' if k else 'lost'} {x.kind:<11} {x.score:.2f} {x.text[:90]!r}")


if __name__ == "__main__":
    main()
