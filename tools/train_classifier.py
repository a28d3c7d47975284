"""Train the line classifier's weights (feedsvc/parse/data/lines.json).

Labels come from ../shared/corpus/realpages-dev: each line of a page's scrape (article/ and
page/) is article text when most of its word 4-grams occur in the page's annotated body.
Seed-style corpora (BBC, CNN, Wikinews) add clean articles: their lines are text except
what feedsvc's fixed-phrase rules call captions or boilerplate.

Cross-validation holds out whole sites (grouped by domain), so the printed figures estimate
how the weights do on sites they never saw.

    .venv/bin/pip install scikit-learn numpy    # training only; feedsvc does not import them
    .venv/bin/python tools/train_classifier.py [--corpus ../shared/corpus] [--write]
"""

from __future__ import annotations

import argparse
import collections
import json
import pathlib
import re
import sys
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from feedsvc.parse import features  # noqa: E402
from feedsvc.parse import model_lines  # noqa: E402
from feedsvc.parse.text import split_lines  # noqa: E402

TOK = re.compile(r"\w+")
OUT = ROOT / "feedsvc" / "parse" / "data" / "lines.json"


def toks(s: str) -> list[str]:
    return TOK.findall(s.lower())


def label_lines(lines: list[str], body: str) -> list[int]:
    """1 for a line whose word 4-grams mostly occur in ``body`` (short lines: all its words, in
    order), else 0."""
    bt = toks(body)
    grams = {tuple(bt[i : i + 4]) for i in range(len(bt) - 3)}
    flat = " " + " ".join(bt) + " "
    out = []
    for line in lines:
        t = toks(line)
        if len(t) >= 4:
            s = [tuple(t[i : i + 4]) for i in range(len(t) - 3)]
            out.append(int(sum(x in grams for x in s) / len(s) >= 0.5))
        else:
            out.append(int(bool(t) and (" " + " ".join(t) + " ") in flat))
    return out


def realpages(corpus: pathlib.Path) -> list[tuple[str, str, list[str], list[int]]]:
    """(group, name, lines, labels) for each page of article/ and page/."""
    root = corpus / "realpages-dev"
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    docs = []
    for variant in ("article", "page"):
        for path in sorted((root / variant).glob("*.txt")):
            if path.name not in truth:
                continue
            lines = [x for x in split_lines(path.read_text(encoding="utf-8")) if x]
            if not lines:
                continue
            domain = urllib.parse.urlsplit(truth[path.name]["url"]).hostname or path.name
            domain = ".".join(domain.split(".")[-2:])
            docs.append(
                (domain, f"{variant}/{path.name}", lines, label_lines(lines, truth[path.name]["articleBody"]))
            )
    return docs


def seedstyle(corpus: pathlib.Path, folder: str, limit: int) -> list[tuple[str, str, list[str], list[int]]]:
    """Clean articles: every line is text (the fixed-phrase rules of feedsvc still run first)."""
    paths = sorted((corpus / folder).glob("*.txt"))
    step = max(1, len(paths) // limit)
    docs = []
    for path in paths[::step][:limit]:
        lines = [x for x in split_lines(path.read_text(encoding="utf-8")) if x]
        docs.append((folder, f"{folder}/{path.name}", lines, [1] * len(lines)))
    return docs


Doc = tuple[str, str, list[str], list[int]]
# A second copy of each real page, its features measured as if no stop-word list fitted and
# its words unknown: what a Japanese or Chinese page looks like to the model. Without these,
# the model has never seen such a page and guesses.
BLIND = "blind:"


def vocabulary(docs: list[Doc], min_sites: int) -> list[str]:
    """Words seen on at least ``min_sites`` sites: shared vocabulary, never one site's phrases."""
    sites: dict[str, set[str]] = collections.defaultdict(set)
    for group, _name, lines, _y in docs:
        for shape in features.shapes(lines):
            for token in shape.tokens:
                if not token.isdigit():
                    sites[token].add(group)
    return sorted(w for w, g in sites.items() if len(g) >= min_sites)


def line_weights(lines: list[str], by_words: float) -> np.ndarray:
    """Every page weighs the same; within a page, a line weighs by its share of the words, as
    body F1 counts words (by_words=1), or all lines alike (0), or in between."""
    words = np.array([len(x.split()) for x in lines], dtype=float)
    even = np.full(len(lines), 1.0 / len(lines))
    share = words / words.sum() if words.sum() else even
    return 20.0 * (by_words * share + (1 - by_words) * even)


def stage1_matrix(docs: list[Doc], vocab: list[str]):  # type: ignore[no-untyped-def]
    from scipy import sparse

    index = {w: i for i, w in enumerate(vocab)}
    dense: list[list[float]] = []
    rows, cols, vals = [], [], []
    shapes_all = []
    for _group, name, lines, _y in docs:
        blind = name.startswith(BLIND)
        shapes = features.shapes(lines, known_language=not blind)
        shapes_all.append(shapes)
        for shape, row in zip(shapes, model_lines.vectors(shapes), strict=True):
            r = len(dense)
            dense.append(row)
            hits = [] if blind else [index[t] for t in shape.tokens if t in index]
            if shape.tokens:
                for c in hits:
                    rows.append(r)
                    cols.append(c)
                    vals.append(1.0 / np.sqrt(len(shape.tokens)))
    lex = sparse.csr_matrix((vals, (rows, cols)), shape=(len(dense), len(vocab)))
    return np.array(dense), lex, shapes_all


def fit(x, y, weight, c, lex=None, vocab=(), names=()):  # type: ignore[no-untyped-def]
    from scipy import sparse

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    if lex is not None:
        z = sparse.hstack([sparse.csr_matrix(z), lex]).tocsr()
    clf = LogisticRegression(C=c, max_iter=5000)
    clf.fit(z, y, sample_weight=weight)
    coef = clf.coef_[0]
    k = x.shape[1]
    words = {w: round(float(v), 4) for w, v in zip(vocab, coef[k:], strict=True) if abs(v) >= 0.02}
    return {
        "names": list(names),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "weights": [round(float(v), 6) for v in coef[:k]],
        "bias": round(float(clf.intercept_[0]), 6),
        "words": words,
    }


def train(docs: list[Doc], args: argparse.Namespace, folds: int):  # type: ignore[no-untyped-def]
    """Both stages on ``docs``: the second is trained on out-of-fold first-stage output."""
    vocab = vocabulary(docs, args.min_sites)
    x, lex, shapes = stage1_matrix(docs, vocab)
    y = np.concatenate([np.array(d[3]) for d in docs])
    weight = np.concatenate([line_weights(d[2], args.by_words) for d in docs])
    groups = np.concatenate([np.array([d[0]] * len(d[2])) for d in docs])
    offsets = np.cumsum([0] + [len(d[2]) for d in docs])
    fold = site_folds(groups, folds)
    p1 = np.zeros(len(y))
    for k in range(folds):
        tr, te = fold != k, fold == k
        m = model_lines.logistic_from_json(
            fit(x[tr], y[tr], weight[tr], args.c, lex[tr], vocab, model_lines.stage1_names()),
            model_lines.stage1_names(),
        )
        idx = np.nonzero(te)[0]
        flat = [s for doc in shapes for s in doc]
        p1[idx] = [m.probability(x[i].tolist(), flat[i].tokens) for i in idx]
    x2 = np.array(
        [
            row
            for d in range(len(docs))
            for row in model_lines.stage2_vectors(list(p1[offsets[d] : offsets[d + 1]]), shapes[d])
        ]
    )
    first = fit(x, y, weight, args.c, lex, vocab, model_lines.stage1_names())
    second = fit(x2, y, weight, args.c2, names=model_lines.stage2_names())
    # The lead model learns from out-of-fold second-stage output, as the second from the first.
    p2 = np.zeros(len(y))
    for k in range(folds):
        tr, te = fold != k, fold == k
        m2 = model_lines.logistic_from_json(
            fit(x2[tr], y[tr], weight[tr], args.c2, names=model_lines.stage2_names()),
            model_lines.stage2_names(),
        )
        p2[np.nonzero(te)[0]] = [m2.probability(r) for r in x2[te].tolist()]
    lx, ly = lead_rows(docs, shapes, p1, p2, offsets)
    lead = fit(np.array(lx), np.array(ly), np.ones(len(ly)), args.c2, names=model_lines.lead_names())
    return {"first": first, "second": second, "lead": lead}


def lead_rows(docs, shapes, p1, p2, offsets):  # type: ignore[no-untyped-def]
    """The lead model's rows and labels: the candidates of each real page, 1 for the one the
    annotated body starts with."""
    from feedsvc.parse.classify import _is_prose
    from feedsvc.parse.classify import lead_candidates
    from feedsvc.parse.lead import strip_dateline

    xs, ys = [], []
    for d, (group, _name, lines, labels) in enumerate(docs):
        if group.endswith("seedstyle"):
            continue
        a, b = offsets[d], offsets[d + 1]
        q1, q2 = list(p1[a:b]), list(p2[a:b])
        prose = [q >= 0.5 and _is_prose(s, line) for q, s, line in zip(q2, shapes[d], lines, strict=True)]
        cands = lead_candidates(prose)
        first_text = next((i for i, v in enumerate(labels) if v), None)
        if len(cands) < 2 or first_text is None or first_text not in cands:
            continue  # nothing to choose, or the true lead is not among the candidates
        dl = [strip_dateline(line) != line for line in lines]
        rows = model_lines.lead_vectors(cands, shapes[d], q1, q2, prose, dl)
        xs.extend(rows)
        ys.extend(int(i == first_text) for i in cands)
    return xs, ys


def site_folds(groups: np.ndarray, folds: int) -> np.ndarray:
    sites = sorted(set(groups.tolist()))
    rng = np.random.default_rng(0)
    rng.shuffle(sites)
    fold_of = {s: i % folds for i, s in enumerate(sites)}
    return np.array([fold_of[g] for g in groups])


def corpus_docs(args: argparse.Namespace) -> list[Doc]:
    docs = realpages(args.corpus)
    docs += [(group, BLIND + name, lines, y) for group, name, lines, y in docs]
    for folder in ("bbc-seedstyle", "cnndm-sample-seedstyle", "wikinews-sample-seedstyle"):
        if (args.corpus / folder).is_dir():
            docs += seedstyle(args.corpus, folder, args.seed_docs)
    return docs


def options(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=pathlib.Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--c", type=float, default=0.3, help="inverse regularisation, first stage")
    ap.add_argument("--c2", type=float, default=1.0, help="inverse regularisation, second stage")
    ap.add_argument("--min-sites", type=int, default=4, help="a word must occur on this many sites")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed-docs", type=int, default=60, help="clean articles from each seed-style corpus")
    ap.add_argument(
        "--threshold", type=float, default=0.5, help="with --evaluate: try another text threshold"
    )
    ap.add_argument("--prose-words", type=int, default=12, help="with --evaluate: words of a full paragraph")
    ap.add_argument("--continue", dest="continue_", type=float, default=0.2, help="with --evaluate")
    ap.add_argument("--by-words", type=float, default=0.6, help="weigh lines by their words (0-1)")
    ap.add_argument("--lead-margin", type=float, default=0.0, help="with --evaluate: classify.LEAD_MARGIN")
    ap.add_argument("--fill", type=float, default=0.2, help="with --evaluate: classify.FILL")
    ap.add_argument("--gap", type=int, default=2, help="with --evaluate: classify.GAP")
    ap.add_argument("--run-share", type=float, default=0.5, help="with --evaluate: classify.RUN_SHARE")
    ap.add_argument("--evaluate", action="store_true", help="nested cross-validation on whole pages")
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    return ap.parse_args(argv)


def score_module(corpus: pathlib.Path):  # type: ignore[no-untyped-def]
    """The realpages scorer (score.py), imported from its path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("score", corpus / "realpages-dev" / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def page_table(docs: list[Doc], models: dict[str, model_lines.LineModel], corpus: pathlib.Path) -> None:
    """Parse each real page with the model its site was held out of; print score.py's figures."""
    from feedsvc.config import load_settings
    from feedsvc.parse import article as parse_article
    from feedsvc.parse import classify

    score = score_module(corpus)
    truth = json.loads((corpus / "realpages-dev" / "truth.json").read_text(encoding="utf-8"))
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (pathlib.Path(tmp) / "config.toml").write_text("", encoding="utf-8")
        rules = load_settings(pathlib.Path(tmp) / "config.toml").parse_rules()
    rows: dict[str, list[dict[str, object]]] = collections.defaultdict(list)
    original = classify.line_model
    try:
        for group, name, _lines, _y in docs:
            if group.endswith("seedstyle") or name.startswith(BLIND):
                continue
            classify.line_model = lambda g=group: models[g]  # type: ignore[misc]
            variant, file = name.split("/")
            data = (corpus / "realpages-dev" / variant / file).read_bytes()
            try:
                a = parse_article.parse_bytes(data, rules)
                got = (a.title, a.summary, "\n\n".join(a.paragraphs))
            except Exception:
                got = ("", "", "")
            rows[variant].append(score.page_scores(truth[file]["articleBody"], *got))
    finally:
        classify.line_model = original
    for variant, r in rows.items():
        m = score.aggregate(r)
        print(
            f"  {variant:<8} lead {m['lead']:.1%} clean_sum {m['clean_sum']:.1%} clean_title {m['clean_title']:.1%} "
            f"body P {m['body_p']:.3f} R {m['body_r']:.3f} F1 {m['body_f1']:.3f}"
        )


def evaluate(docs: list[Doc], args: argparse.Namespace) -> None:
    """Nested cross-validation by site: each page is parsed by a model that never saw its site."""
    groups = np.array([d[0] for d in docs])
    fold = site_folds(groups, args.folds)
    models: dict[str, model_lines.LineModel] = {}
    for k in range(args.folds):
        train_docs = [d for d, f in zip(docs, fold, strict=True) if f != k]
        model = model_lines.from_json(train(train_docs, args, args.folds))
        for d, f in zip(docs, fold, strict=True):
            if f == k:
                models[d[0]] = model
    print("held-out sites (nested cross-validation):")
    page_table(docs, models, args.corpus)
    full = model_lines.from_json(train(docs, args, args.folds))
    print("trained on every site (optimistic):")
    page_table(docs, {d[0]: full for d in docs}, args.corpus)


def main() -> None:
    args = options()
    docs = corpus_docs(args)
    if args.evaluate:
        from feedsvc.parse import classify

        classify.THRESHOLD = args.threshold
        classify.PROSE_WORDS = args.prose_words
        classify.CONTINUE = args.continue_
        classify.GAP = args.gap
        classify.FILL = args.fill
        classify.LEAD_MARGIN = args.lead_margin
        classify.RUN_SHARE = args.run_share
        evaluate(docs, args)
        return
    print(f"{len(docs)} documents, {sum(len(d[2]) for d in docs)} lines", file=sys.stderr)
    model = train(docs, args, args.folds)
    for stage in ("first", "second"):
        part = model[stage]
        print(f"{stage} stage: {len(part['words'])} words", file=sys.stderr)
        for name, w in sorted(zip(part["names"], part["weights"], strict=True), key=lambda p: -abs(p[1]))[
            :12
        ]:
            print(f"  {name:<22} {w:+.3f}", file=sys.stderr)
    if args.write:
        OUT.write_text(json.dumps(model, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {OUT} ({OUT.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
