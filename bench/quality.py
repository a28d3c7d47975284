"""Content quality of feedsvc's parser, for the current build next to baselines.

    .venv/bin/python bench/quality.py                        # both parts, 500 BBC files (~1 min)
    .venv/bin/python bench/quality.py --only realpages --verbose
    .venv/bin/python bench/quality.py --only rouge --bbc-limit 0   # all 2,225 BBC files
    .venv/bin/python bench/quality.py --only held-out             # leave-site-out (needs scikit-learn)

Part 1, real pages (``<corpus>/realpages-dev``, see its README.md): runs that folder's own
scorer, ``score.py``, as a subprocess with the venv's ``feedsvc`` on the ``article/`` and
``page/`` scrapes and prints its rows (feedsvc, first line, first 50 words), plus a one-rule
baseline scored with the scorer's own functions (imported from its path, not copied):

  one rule   the first line of >= 12 words that ends in . ! or ? (the first line when none
             does): title = its first sentence, summary = the line, body = the whole file

``--verbose`` lists the pages where feedsvc's summary misses the lead or is not clean.

Part 2, ROUGE-1/2/L F1 (Google's rouge-score, Porter stemming), averaged over files, against
``bbc-seedstyle`` (reference: the extractive summary, ``reference_summary_spaced``) and
``cnndm-sample-seedstyle`` (reference: the highlights joined by newlines, as published CNN/DM
scoring does) of feedsvc's title + summary (parsed in-process with default settings), its
summary alone, Lead-3 and the first line. For BBC, one more row: feedsvc's title against the
reference title (BBC titles are not in the text). Below each table, feedsvc's title + summary
minus Lead-3 file by file: the mean difference with its standard error and the number of files
feedsvc is ahead on, for all files and split by whether the title was cut (ends in "…": the
summary then restates the first sentence the title shows part of). With CNN's 20 files one file
moves a mean by about 5 %, so a gap within about two standard errors is no evidence either way.
With ``--verbose``, the CNN table is followed by one row per file: whether the title was cut,
the words of feedsvc's title + summary, of Lead-3 and of the reference, and feedsvc minus Lead-3
(figures only; ``feedsvc explain FILE`` shows a file's lines, title and summary).

Part 3, leave-site-out: ``tools/train_classifier.py --evaluate`` as a subprocess. It trains the
line model's weights five times, each time without a fifth of the sites (pages grouped by
domain), parses each real page with the weights that never saw its site, and prints score.py's
figures for them ("held-out sites"), then for the shipped training on every site (the dev
figures of part 1, in-process). The held-out figures are the ones that estimate other sites.
Training needs scikit-learn, numpy and scipy (not feedsvc dependencies): without them the part
says so and is skipped.

Lead-3 and the one-rule title split sentences with ``feedsvc.parse.split_sentences``, so a
change to that function moves these baselines too. Nothing from the corpus is written anywhere:
``--verbose`` prints to stdout only. Without the corpus folder the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any
from typing import NamedTuple

from common import env_lines
from common import log
from serving import loadavg
from serving import text_table

from feedsvc.config import load_settings
from feedsvc.model import ParseRules
from feedsvc.parse import ParseError
from feedsvc.parse import parse_bytes
from feedsvc.parse import split_sentences

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS_ROOT = REPO_ROOT.parent / "shared" / "corpus"
VARIANTS = ("article", "page")
SCORER_ROWS = ("feedsvc", "first line", "first 50 words")  # the rows score.py prints, in order
ONE_RULE = "one rule (line >= 12 words, .!?)"
ONE_RULE_MIN_WORDS = 12
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
DEFAULT_BBC_LIMIT = 500
FEEDSVC = "feedsvc (title + summary)"  # the ROUGE rows compared file by file
LEAD3 = "Lead-3"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--only", choices=("realpages", "rouge", "held-out"), help="run one part only")
    ap.add_argument(
        "--verbose", action="store_true",
        help="list the real pages feedsvc misses, and ROUGE on each CNN file",
    )  # fmt: skip
    ap.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS_ROOT, metavar="DIR",
        help=f"the corpus root (default: {DEFAULT_CORPUS_ROOT})",
    )  # fmt: skip
    ap.add_argument(
        "--bbc-limit", type=int, default=DEFAULT_BBC_LIMIT, metavar="N",
        help=f"score N evenly spaced BBC files; 0 = all 2,225 (default: {DEFAULT_BBC_LIMIT})",
    )  # fmt: skip
    return ap.parse_args(argv)


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


# --------------------------------------------------------------------------- part 1: real pages


def feedsvc_executable() -> Path:
    """The ``feedsvc`` console script of the interpreter running this (the venv's)."""
    path = Path(sys.executable).parent / "feedsvc"
    if not path.exists():
        sys.exit(f"error: no feedsvc executable beside {sys.executable}; run with the project's venv")
    return path


def load_scorer(path: Path) -> ModuleType:
    """Import realpages-dev/score.py from its path, to reuse page_scores/aggregate/run_feedsvc."""
    spec = importlib.util.spec_from_file_location("realpages_score", path)
    if spec is None or spec.loader is None:
        sys.exit(f"error: cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_scorer(scorer: Path, feedsvc: Path, scrapes: Path, truth: Path) -> dict[str, Any]:
    """score.py's --json output for one scrape folder: {"table": ..., "per_page": ...}."""
    with tempfile.TemporaryDirectory(prefix="feedsvc-quality-") as tmp:
        out = Path(tmp) / "score.json"
        argv = [sys.executable, str(scorer), str(feedsvc), str(scrapes), str(truth), "--json", str(out)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            sys.exit(f"error: {scorer.name} failed on {scrapes.name}/ ({done.returncode}):\n{done.stderr}")
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def one_rule(raw: str) -> tuple[str, str, bool]:
    """(title, summary, fell_back): the first line of >= 12 words ending in . ! or ?; when no
    line qualifies, the first line (fell_back is then True)."""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    chosen = next(
        (s for s in lines if len(s.split()) >= ONE_RULE_MIN_WORDS and s.endswith((".", "!", "?"))), None
    )
    fell_back = chosen is None
    line = (lines[0] if lines else "") if chosen is None else chosen
    sentences = split_sentences(line)
    return (sentences[0] if sentences else line), line, fell_back


def realpages_variant(
    score: ModuleType, scorer_path: Path, feedsvc: Path, root: Path, variant: str, verbose: bool
) -> None:
    truth_path = root / "truth.json"
    scrapes = root / variant
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    files = sorted(f for f in scrapes.glob("*.txt") if f.name in truth)  # as score.py picks them
    log(f"realpages {variant}/: score.py on {len(files)} pages")
    result = run_scorer(scorer_path, feedsvc, scrapes, truth_path)

    rows, fell_back = [], 0
    for f in files:
        raw = f.read_text(encoding="utf-8")
        title, summary, fallback = one_rule(raw)
        fell_back += fallback
        rows.append(score.page_scores(truth[f.name]["articleBody"], title, summary, raw))
    table = {name: result["table"][name] for name in SCORER_ROWS}
    table[ONE_RULE] = score.aggregate(rows)

    per_page: dict[str, dict[str, Any]] = result["per_page"]
    missing = sum(1 for r in per_page.values() if r.get("missing"))
    print(f"\nrealpages-dev/{variant}/: {len(files)} pages, {missing} missing from feedsvc's feed; "
          f"one rule fell back to the first line on {fell_back}")  # fmt: skip
    header = ("system", "lead", "clean_sum", "clean_title", "body P", "body R", "body F1")
    print(text_table(header, [
        (name, pct(m["lead"]), pct(m["clean_sum"]), pct(m["clean_title"]),
         f"{m['body_p']:.3f}", f"{m['body_r']:.3f}", f"{m['body_f1']:.3f}")
        for name, m in table.items()
    ]))  # fmt: skip

    if verbose:
        missed = {name: r for name, r in per_page.items() if not (r["lead"] and r["clean_sum"])}
        print(f"\nfeedsvc misses lead or clean_sum on {len(missed)} of {len(files)} pages "
              "(title and summary as served in /feed.json):")  # fmt: skip
        items = score.run_feedsvc(str(feedsvc), files) if missed else {}
        for name, r in missed.items():
            what = ", ".join(k for k in ("lead", "clean_sum") if not r[k])
            item = items.get(name, {})
            print(f"  {name}  misses: {what}{'  (not in the feed)' if r.get('missing') else ''}")
            print(f"    title:   {item.get('title', '')!r}")
            print(f"    summary: {(item.get('summary') or '')[:100]!r}")


def realpages(corpus: Path, verbose: bool) -> None:
    root = corpus / "realpages-dev"
    scorer_path = root / "score.py"
    print("\n== real pages: realpages-dev (score.py; lead/clean_* = share of pages) ==")
    if not scorer_path.is_file():
        print(f"skipped: no {scorer_path}")
        return
    score = load_scorer(scorer_path)
    feedsvc = feedsvc_executable()
    for variant in VARIANTS:
        realpages_variant(score, scorer_path, feedsvc, root, variant, verbose)


# --------------------------------------------------------------------------- part 2: ROUGE


def default_rules() -> ParseRules:
    """ParseRules as `feedsvc serve` builds them from a config file with no [parse] section."""
    with tempfile.TemporaryDirectory(prefix="feedsvc-quality-") as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text("", encoding="utf-8")
        return load_settings(config).parse_rules()


def evenly_spaced(items: Sequence[Any], k: int) -> list[Any]:
    """``k`` items spread over the whole sequence (the BBC files are ordered by category)."""
    if k <= 0 or k >= len(items):
        return list(items)
    return [items[i * len(items) // k] for i in range(k)]


def lead3(paragraphs: Sequence[str]) -> str:
    """The first three sentences of the article."""
    sentences: list[str] = []
    for paragraph in paragraphs:
        sentences.extend(split_sentences(paragraph))
        if len(sentences) >= 3:
            break
    return " ".join(sentences[:3])


def candidates(data: bytes, rules: ParseRules) -> tuple[dict[str, str], str, bool]:
    """({system: candidate summary}, feedsvc's title, parsed ok) for one file."""
    try:
        parsed = parse_bytes(data, rules)
        title, summary, ok = parsed.title, parsed.summary, True
    except ParseError:
        title, summary, ok = "", "", False
    paragraphs = [line.strip() for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
    systems = {
        FEEDSVC: f"{title} {summary}".strip(),
        "feedsvc summary only": summary,
        LEAD3: lead3(paragraphs),
        "first line": paragraphs[0] if paragraphs else "",
    }
    return systems, title, ok


class RougeRun(NamedTuple):
    means: dict[str, dict[str, float]]  #: mean F1 per system and ROUGE type
    errors: int  #: files feedsvc would not parse
    scores: dict[str, dict[str, list[float]]]  #: system -> ROUGE type -> F1 per file, in refs order
    cut: list[bool]  #: per file: feedsvc cut the title
    words: list[tuple[int, int, int]]  #: per file: words of feedsvc (title + summary), Lead-3, reference


def rouge_corpus(
    scorer: Any,
    rules: ParseRules,
    folder: Path,
    refs: list[dict[str, Any]],
    reference_of: Callable[[dict[str, Any]], str],
    ref_title: bool,
) -> RougeRun:
    """ROUGE F1 of every system on every file of ``refs``, and their means."""
    scores: dict[str, dict[str, list[float]]] = {}
    cut: list[bool] = []
    words: list[tuple[int, int, int]] = []
    errors = 0
    for ref in refs:
        systems, title, ok = candidates((folder / ref["filename"]).read_bytes(), rules)
        errors += not ok
        cut.append(title.endswith("…"))
        words.append(
            (len(systems[FEEDSVC].split()), len(systems[LEAD3].split()), len(reference_of(ref).split()))
        )
        pairs = [(name, reference_of(ref), text) for name, text in systems.items()]
        if ref_title:
            pairs.append(("feedsvc title vs ref. title", ref["title"], title))
        for name, reference, text in pairs:
            result = scorer.score(reference, text)  # (target, prediction)
            per_type = scores.setdefault(name, {t: [] for t in ROUGE_TYPES})
            for t in ROUGE_TYPES:
                per_type[t].append(result[t].fmeasure)
    means = {name: {t: statistics.mean(v) for t, v in per.items()} for name, per in scores.items()}
    return RougeRun(means, errors, scores, cut, words)


def per_file_rows(refs: list[dict[str, Any]], run: RougeRun) -> list[tuple[str, ...]]:
    """One row per file: its name, whether the title was cut, the words of feedsvc's title +
    summary, Lead-3 and the reference, and feedsvc minus Lead-3 per ROUGE type."""
    rows = []
    for i, ref in enumerate(refs):
        diffs = (100 * (run.scores[FEEDSVC][t][i] - run.scores[LEAD3][t][i]) for t in ROUGE_TYPES)
        rows.append(
            (
                ref["filename"],
                "cut" if run.cut[i] else "",
                *map(str, run.words[i]),
                *(f"{d:+.2f}" for d in diffs),
            )
        )
    return rows


def paired_rows(scores: dict[str, dict[str, list[float]]], cut: list[bool]) -> list[tuple[str, ...]]:
    """feedsvc (title + summary) minus Lead-3 per file: for all files, then the files whose
    title was cut and those whose title was not, the mean difference +- its standard error per
    ROUGE type, and on how many files feedsvc is ahead (R1/R2/RL)."""
    rows: list[tuple[str, ...]] = []
    groups = (("all files", None), ("title cut (…)", True), ("title whole", False))
    for label, want in groups:
        keep = [i for i, c in enumerate(cut) if want is None or c == want]
        if not keep:
            continue
        cells, ahead = [], []
        for t in ROUGE_TYPES:
            diffs = [100 * (scores[FEEDSVC][t][i] - scores[LEAD3][t][i]) for i in keep]
            se = statistics.stdev(diffs) / len(diffs) ** 0.5 if len(diffs) > 1 else 0.0
            cells.append(f"{statistics.mean(diffs):+.2f} ± {se:.2f}")
            ahead.append(str(sum(d > 0 for d in diffs)))
        rows.append((label, str(len(keep)), *cells, "/".join(ahead)))
    return rows


def read_refs(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rouge(corpus: Path, bbc_limit: int, verbose: bool = False) -> None:
    print("\n== ROUGE F1 x 100 (rouge-score, Porter stemmer; mean over files) ==")
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        print("skipped: rouge-score is not installed (.venv/bin/pip install -e '.[bench]')")
        return
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    rules = default_rules()
    setups = [
        ("bbc-seedstyle", "reference_summary_spaced (extractive)", lambda r: r["reference_summary_spaced"],
         True, bbc_limit, False),
        ("cnndm-sample-seedstyle", "highlights joined by newlines", lambda r: "\n".join(r["highlights"]),
         False, 0, verbose),
    ]  # fmt: skip
    for name, what, reference_of, ref_title, limit, each_file in setups:
        folder = corpus / name
        if not (folder / "references.jsonl").is_file():
            print(f"\n{name}: skipped, no {folder / 'references.jsonl'}")
            continue
        every = read_refs(folder / "references.jsonl")
        refs = evenly_spaced(every, limit)
        if len(refs) < len(every):
            chosen = (
                f"{len(refs)} of {len(every):,} files, evenly spaced (file i * {len(every)} // {len(refs)})"
            )
        else:
            chosen = f"all {len(refs):,} files"
        log(f"rouge {name}: {len(refs)} files")
        started = time.perf_counter()
        run = rouge_corpus(scorer, rules, folder, refs, reference_of, ref_title)
        print(f"\n{name}: {chosen}; reference: {what}; parse errors: {run.errors}; "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        print(text_table(
            ("system", "R1", "R2", "RL"),
            [(system, *(f"{100 * m[t]:.2f}" for t in ROUGE_TYPES)) for system, m in run.means.items()],
        ))  # fmt: skip
        print(f"\n{FEEDSVC} minus {LEAD3}, file by file (mean ± standard error; files ahead):")
        print(
            text_table(("files", "n", "R1", "R2", "RL", "ahead R1/R2/RL"), paired_rows(run.scores, run.cut))
        )
        if each_file:
            print(f"\n{FEEDSVC} minus {LEAD3}, each file (words: feedsvc / Lead-3 / reference):")
            header = ("file", "title", "words fs", "L3", "ref", "R1", "R2", "RL")
            print(text_table(header, per_file_rows(refs, run)))


# --------------------------------------------------------------------------- part 3: leave-site-out


def held_out(corpus: Path) -> None:
    print("\n== real pages, leave-site-out (tools/train_classifier.py --evaluate) ==")
    try:
        import numpy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        print("skipped: training needs scikit-learn and numpy (.venv/bin/pip install scikit-learn numpy)")
        return
    log("held-out: training five site-held-out models")
    script = REPO_ROOT / "tools" / "train_classifier.py"
    argv = [sys.executable, str(script), "--evaluate", "--corpus", str(corpus)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        sys.exit(f"error: {script.name} failed ({done.returncode}):\n{done.stderr}")
    print(done.stdout.rstrip())


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    load_before = loadavg()
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"skipped: no corpus at {corpus} (give one with --corpus DIR)")
        return 0
    print("\n".join(env_lines()))
    print(f"corpus:   {corpus}")
    print(f"loadavg:  {load_before} at the start (1 min; 2 cores)")
    if args.only in (None, "realpages"):
        realpages(corpus, args.verbose)
    if args.only in (None, "rouge"):
        rouge(corpus, args.bbc_limit, args.verbose)
    if args.only in (None, "held-out"):
        held_out(corpus)
    print(f"\nloadavg:  {loadavg()} at the end (1 min)")
    print(f"run time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
