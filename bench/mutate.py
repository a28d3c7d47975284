"""Mutation testing of one module: the small AST mutator bench/MUTATION.md describes.

    python bench/mutate.py feedsvc/parse/text.py out.json [--only f,Cls.m] [--ids in.json] \
        [--workers 2] -- tests/test_a.py tests/test_b.py

Each mutant is the module with one change (operators below), unparsed with ast.unparse. The
checkout's feedsvc/ and tests/ are copied once per worker; a mutant is written into the copy
and the tests run on it with ``pytest -x`` in a child forked from a process that has pytest
and the third-party libraries imported already (no interpreter start per mutant). Before any
mutant: the unparsed original must pass (baseline) and a module that raises on import must
fail (the copy is what the tests import). A mutant is killed when the tests fail or run past
the timeout (5x the baseline + 30 s, or ``--timeout``: a loop that never ends waits it out
whole, and a baseline measured at a load of 15 makes that minutes).

Which tests: a traced run of the original records which tests call each top-level function
(or method) of the module. A mutant inside a function runs against the tests that call it; a
mutant of a module-level private name (``_PLACE = re.compile(...)``) against the tests that
call a function reading that name, directly or through other private names; anything else (a
public name, a private one a test reads itself, a class body, a method with a cache in front of
it, whose calls a warm cache hides) against every test given. The traced run empties every
feedsvc cache (``functools.cache``/``lru_cache`` of a module-level function) before each test,
so a cached function, and a function reached only through one, is recorded for every test that
reaches it (each mutant then runs in a fresh process: its caches start empty too). A cache of
another kind (an instance's, a closure's) could still hide a caller, so a survivor is a
survivor of the selected tests: the kill rate is a lower bound.

Operators: comparisons (< <=, > >=, == !=, in / not in, is / is not), + - * / // swapped,
``and``/``or`` swapped, ``not`` and unary minus removed, int constants +1 and -1, floats x0.5
and x2 (0.0 -> 1.0), True/False, ``return x`` -> ``return None``, a statement in a function ->
``pass``; strings: a regex (an argument of a ``re`` function, or a string with regex syntax)
loses the first / last element of each character class, each {a,b} bound moves by 1, each
alternative of a group is dropped; any other string gets an "XX" prefix. A literal of 8 or
more strings (a word list) is one mutant, emptied, instead of one per word. Docstrings and
annotations are not mutated.

``--ids`` runs only the mutants named in an earlier output's ``survived`` list (same source);
``--sample N`` every N-th mutant (by id: spread over the whole module), when there is no time
for all.
``report OUT.json`` prints the survivors with their lines.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_RE_FUNCS = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
_REGEX_SYNTAX = re.compile(r"\[[^\]]+\]|\(\?[:=!<]|\{\d*,?\d*\}|\\[dswbDSWB]")
_WORD_LIST = 8


@dataclass
class Mutant:
    id: int
    line: int
    text: str  #: "old -> new"


# --------------------------------------------------------------------------- regex strings


def _class_spans(p: str) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Character classes: (start, end, element spans inside)."""
    out = []
    i = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c != "[":
            i += 1
            continue
        start = i
        i += 1
        if i < len(p) and p[i] == "^":
            i += 1
        elems: list[tuple[int, int]] = []
        first = True
        while i < len(p) and (p[i] != "]" or first):
            first = False
            j = _elem_end(p, i)
            if j < len(p) - 1 and p[j] == "-" and p[j + 1] != "]":
                j = _elem_end(p, j + 1)
            elems.append((i, j))
            i = j
        out.append((start, i + 1, elems))
        i += 1
    return out


def _elem_end(p: str, i: int) -> int:
    if p[i] != "\\":
        return i + 1
    nxt = p[i + 1 : i + 2]
    width = {"x": 4, "u": 6, "U": 10}.get(nxt, 2)
    return i + width


def _alternatives(p: str) -> list[list[tuple[int, int]]]:
    """Each group's (and the whole pattern's) alternatives as spans, for groups of 2 or more."""
    stack: list[list[int]] = [[0]]
    bars: list[list[int]] = [[]]
    groups = []
    i = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            spans = [s for s in _class_spans(p[i:])[:1]]
            i += spans[0][1] if spans else 1
            continue
        if c == "(":
            body = i + 1
            if p.startswith("?", body):
                m = re.match(r"\?(?:[:=!]|<[=!]|P?<[^>]*>|[aiLmsux-]+:)", p[body:])
                body += m.end() if m else 1
            stack.append([body])
            bars.append([])
        elif c == ")" and len(stack) > 1:
            groups.append((stack.pop()[0], i, bars.pop()))
        elif c == "|":
            bars[-1].append(i)
        i += 1
    groups.append((0, len(p), bars[0]))
    out = []
    for start, end, bar in groups:
        if not bar:
            continue
        edges = [start - 1, *bar, end]
        out.append([(edges[k] + 1, edges[k + 1]) for k in range(len(edges) - 1)])
    return out


def regex_mutations(p: str) -> list[tuple[str, str]]:
    """(mutated pattern, what changed) for one regex source."""
    out = []
    for _start, _end, elems in _class_spans(p):
        if len(elems) >= 2:
            a, b = elems[0]
            out.append((p[:a] + p[b:], f"class loses {p[a:b]!r}"))
            a, b = elems[-1]
            out.append((p[:a] + p[b:], f"class loses {p[a:b]!r}"))
    for m in re.finditer(r"(?<!\\)\{(\d*)(,?)(\d*)\}", p):
        for g in (1, 3):
            if not m.group(g):
                continue
            n = int(m.group(g))
            for d in (-1, 1):
                if n + d < 0:
                    continue
                new = p[: m.start(g)] + str(n + d) + p[m.end(g) :]
                out.append((new, f"{m.group(0)} bound {n} -> {n + d}"))
    for alts in _alternatives(p):
        for k, (a, b) in enumerate(alts):
            # drop the alternative and one of its bars
            new = p[:a] + p[b + 1 :] if k < len(alts) - 1 else p[: a - 1] + p[b:]
            out.append((new, f"alternative {p[a:b]!r} dropped"))
    return out


# --------------------------------------------------------------------------- finding mutants

_CMP = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div}


def _skip_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations, __all__, `if TYPE_CHECKING`."""
    skip: set[int] = set()

    def all_of(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                all_of(body[0])
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            all_of(node.returns)
            for a in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                all_of(a.annotation)
            if node.args.vararg:
                all_of(node.args.vararg.annotation)
            if node.args.kwarg:
                all_of(node.args.kwarg.annotation)
        if isinstance(node, ast.AnnAssign):
            all_of(node.annotation)
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            all_of(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            all_of(node)
        if isinstance(node, ast.ImportFrom | ast.Import):
            all_of(node)
    return skip


def _regex_nodes(tree: ast.AST) -> set[int]:
    """ids of string constants inside the pattern argument of a ``re`` function."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _RE_FUNCS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.args
        ):
            out.update(id(n) for n in ast.walk(node.args[0]))
    return out


def _word_lists(tree: ast.AST) -> list[ast.AST]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Set | ast.List | ast.Tuple):
            strings = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(strings) >= _WORD_LIST:
                out.append(node)
    return out


def _enumerate(tree: ast.Module) -> list[tuple[int, str, object]]:
    """(node index in ast.walk order, kind, argument) for every mutation of the tree."""
    skip = _skip_nodes(tree)
    regex = _regex_nodes(tree)
    lists = _word_lists(tree)
    in_list = {id(e) for wl in lists for e in wl.elts}  # type: ignore[attr-defined]
    in_func: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for sub in node.body:
                for n in ast.walk(sub):
                    in_func.add(id(n))
    muts: list[tuple[int, str, object]] = []
    for idx, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        if node in lists:
            muts.append((idx, "empty", None))
        if isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in _CMP:
                    muts.append((idx, "cmp", k))
        elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in _BIN:
            muts.append((idx, "bin", None))
        elif isinstance(node, ast.BoolOp):
            muts.append((idx, "bool", None))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
            muts.append((idx, "unary", None))
        elif isinstance(node, ast.Constant) and id(node) not in in_list:
            v = node.value
            if isinstance(v, bool):
                muts.append((idx, "bool_const", None))
            elif isinstance(v, int):
                muts.append((idx, "int", 1))
                muts.append((idx, "int", -1))
            elif isinstance(v, float):
                muts.append((idx, "float", 0.5))
                if v:
                    muts.append((idx, "float", 2.0))
            elif isinstance(v, str | bytes) and v:
                s = v.decode("latin-1") if isinstance(v, bytes) else v
                is_regex = id(node) in regex or bool(_REGEX_SYNTAX.search(s))
                changes = regex_mutations(s) if is_regex else []
                muts.extend((idx, "regex", k) for k in range(len(changes)))
                if not changes:
                    muts.append((idx, "xx", None))
        if (
            isinstance(node, ast.Return)
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            muts.append((idx, "return", None))
        if isinstance(node, ast.stmt) and id(node) in in_func and not isinstance(node, ast.Pass):
            muts.append((idx, "pass", None))
    return muts


class _Apply(ast.NodeTransformer):
    def __init__(self, target: int, kind: str, arg: object) -> None:
        self.target, self.kind, self.arg = target, kind, arg
        self.old = self.new = ""

    def run(self, tree: ast.Module) -> ast.Module:
        nodes = list(ast.walk(tree))
        node = nodes[self.target]
        self.old = _short(node)
        new = self.mutate(node)
        parents = {id(c): p for p in nodes for c in ast.iter_child_nodes(p)}
        parent = parents[id(node)]
        for field, value in ast.iter_fields(parent):
            if value is node:
                setattr(parent, field, new)
            elif isinstance(value, list):
                for k, item in enumerate(value):
                    if item is node:
                        value[k] = new
        self.new = _short(new)
        return tree

    def mutate(self, node: ast.AST) -> ast.AST:
        k, a = self.kind, self.arg
        if k == "empty":
            assert isinstance(node, ast.Set | ast.List | ast.Tuple)
            self.what = f"word list of {len(node.elts)} emptied"
            if isinstance(node, ast.Set):
                return ast.Call(ast.Name("frozenset", ast.Load()), [], [])
            node.elts = []
            return node
        if k == "cmp":
            assert isinstance(node, ast.Compare) and isinstance(a, int)
            node.ops[a] = _CMP[type(node.ops[a])]()
            return node
        if k == "bin":
            assert isinstance(node, ast.BinOp | ast.AugAssign)
            node.op = _BIN[type(node.op)]()
            return node
        if k == "bool":
            assert isinstance(node, ast.BoolOp)
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            return node
        if k == "unary":
            assert isinstance(node, ast.UnaryOp)
            return node.operand
        if k == "bool_const":
            assert isinstance(node, ast.Constant)
            return ast.Constant(not node.value)
        if k == "int":
            assert isinstance(node, ast.Constant) and isinstance(a, int)
            return ast.Constant(node.value + a)
        if k == "float":
            assert isinstance(node, ast.Constant) and isinstance(a, float)
            return ast.Constant(node.value * a if node.value else 1.0)
        if k == "xx":
            assert isinstance(node, ast.Constant)
            return ast.Constant(b"XX" + node.value if isinstance(node.value, bytes) else "XX" + node.value)
        if k == "regex":
            assert isinstance(node, ast.Constant) and isinstance(a, int)
            v = node.value
            s = v.decode("latin-1") if isinstance(v, bytes) else v
            new, what = regex_mutations(s)[a]
            self.what = what
            return ast.Constant(new.encode("latin-1") if isinstance(v, bytes) else new)
        if k == "return":
            assert isinstance(node, ast.Return)
            return ast.Return(ast.Constant(None))
        if k == "pass":
            return ast.Pass()
        raise ValueError(k)


def _short(node: ast.AST, limit: int = 100) -> str:
    try:
        s = ast.unparse(node)
    except Exception:  # noqa: BLE001 - a fragment that does not unparse alone
        s = type(node).__name__
    s = s.split("\n", 1)[0]
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _functions(tree: ast.Module) -> list[tuple[str, int, int]]:
    out = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + child.name
                out.append((name, child.lineno, child.end_lineno or child.lineno))
                visit(child, name + ".")

    visit(tree, "")
    return out


def mutants(source: str, only: set[str] | None = None) -> list[tuple[Mutant, str]]:
    tree = ast.parse(source)
    base = ast.unparse(tree)
    spans = [(a, b) for name, a, b in _functions(tree) if only is None or name in only]
    assigned = set()
    if only is not None:  # module-level names too: `_PLACE = re.compile(...)`
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id in only for t in targets):
                    assigned.add((node.lineno, node.end_lineno or node.lineno))
    out = []
    nodes = list(ast.walk(tree))
    for n, (idx, kind, arg) in enumerate(_enumerate(tree)):
        line = getattr(nodes[idx], "lineno", 0)
        t = copy.deepcopy(tree)
        app = _Apply(idx, kind, arg)
        app.run(t)
        if only is not None and not any(a <= line <= b for a, b in [*spans, *assigned]):
            continue
        ast.fix_missing_locations(t)
        src = ast.unparse(t)
        if src == base:
            continue
        try:
            compile(src, "<mutant>", "exec")
        except SyntaxError:
            continue
        what = getattr(app, "what", None)
        text = f"{app.old} -> {app.new}" if what is None else f"{app.old[:60]}: {what}"
        out.append((Mutant(n, line, text), src))
    return out


# --------------------------------------------------------------------------- running


def _copy_tree(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(ROOT / "feedsvc", dest / "feedsvc", ignore=ignore)
    shutil.copytree(ROOT / "tests", dest / "tests", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")


class _Trace:
    """A pytest plugin: which top-level functions of the module each test calls."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.current: str | None = None
        self.calls: dict[str, set[str]] = {}

    def tracer(self, frame, event, arg):  # type: ignore[no-untyped-def]
        if event == "call" and self.current and frame.f_code.co_filename == self.filename:
            name = frame.f_code.co_qualname.split(".<locals>", 1)[0]
            self.calls.setdefault(name, set()).add(self.current)

    def pytest_runtest_protocol(self, item, nextitem):  # type: ignore[no-untyped-def]
        self.current = item.nodeid
        # Every feedsvc cache emptied before each test: a function reached only through a
        # cache (Logistic.__post_init__ behind line_model()) is otherwise recorded for the
        # first test that filled the cache, and its mutants run against that test alone.
        for name, module in list(sys.modules.items()):
            if name == "feedsvc" or name.startswith("feedsvc."):
                for value in list(vars(module).values()):
                    try:  # a proxy (flask's request) raises outside its context
                        clear = getattr(value, "cache_clear", None)
                    except Exception:  # noqa: BLE001
                        continue
                    if callable(clear) and getattr(value, "__module__", None) == name:
                        clear()

    def pytest_runtest_logfinish(self, nodeid, location):  # type: ignore[no-untyped-def]
        # A test that runs into the recursion limit (tests/test_parse_pins_patterns.py nests
        # groups as deep as re's parser goes) can raise the RecursionError inside the tracer,
        # and Python then turns tracing off: that test's calls from there on, and every later
        # test's, would go unrecorded. Such a test counts as calling every function ("*"),
        # and the tracer is set again for the next.
        if sys.gettrace() != self.tracer:  # a bound method: equal, never the same object
            self.calls.setdefault("*", set()).add(nodeid)
            sys.settrace(self.tracer)
        self.current = None


def _run_tests(
    copy_dir: Path,
    rel: str,
    source: str,
    tests: list[str],
    timeout: float,
    trace: Path | None = None,
    log: Path | None = None,
) -> tuple[str, float]:
    (copy_dir / rel).write_text(source, "utf-8")
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: the tests on the copy
        try:
            os.chdir(copy_dir)
            sys.path.insert(0, str(copy_dir))
            sys.dont_write_bytecode = True
            fd = os.open(log or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            import threading

            import pytest

            plugins = []
            if trace is not None:
                t = _Trace(str(copy_dir / rel))
                sys.settrace(t.tracer)
                threading.settrace(t.tracer)
                plugins.append(t)
            args = ["-q", "-p", "no:cacheprovider", *tests]
            rc = pytest.main(args if trace else ["-x", *args], plugins=plugins)
            if trace is not None:
                sys.settrace(None)
                trace.write_text(json.dumps({k: sorted(v) for k, v in t.calls.items()}))
        except BaseException:  # noqa: BLE001 - any failure to run is a failure
            import traceback

            traceback.print_exc()
            rc = 99
        os._exit(int(rc))
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            rc = os.waitstatus_to_exitcode(status)
            return ("survived" if rc in (0, 5) else "killed"), time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", time.monotonic() - t0
        time.sleep(0.02)


def _owner(source: str) -> dict[int, str]:
    """line -> the outermost function (``Class.method`` for a method) it is in."""
    tree = ast.parse(source)
    classes = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    funcs = [f for f in _functions(tree) if f[0].rsplit(".", 1)[-1] not in classes]
    out: dict[int, str] = {}
    for name, a, b in sorted(funcs, key=lambda f: f[1] - f[2]):  # outermost first
        for line in range(a, b + 1):
            out.setdefault(line, name)
    return out


def _selector(source: str, calls: dict[str, list[str]], every: list[str]):  # type: ignore[no-untyped-def]
    """Mutant -> the tests to run it against: the tests that call its function; for a
    module-level private name, the tests that call a function reading it (through other
    private names); every test for a cached method, a public name, or anything else."""
    tree = ast.parse(source)
    owner = _owner(source)
    used = "\n".join((ROOT / t.split("::")[0]).read_text("utf-8") for t in every)  # the tests' own text
    funcs: dict[str, ast.AST] = {}
    cached: set[str] = set()
    other: list[ast.AST] = []  # module-level code that is no private assignment or function
    assigns: list[tuple[set[str], ast.AST]] = []
    for node in tree.body:
        units = [(node.name + ".", n) for n in node.body] if isinstance(node, ast.ClassDef) else [("", node)]
        for prefix, n in units:
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
                funcs[prefix + n.name] = n
                # a module-level function's cache is emptied before each traced test (_Trace),
                # so its callers are recorded; a method's cache is not
                if prefix and any("cache" in ast.unparse(d) for d in n.decorator_list):
                    cached.add(prefix + n.name)
            elif isinstance(n, ast.Assign | ast.AnnAssign) and not prefix:
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                names = {t.id for t in targets if isinstance(t, ast.Name)}
                if names and len(names) == len(targets) and all(x.startswith("_") for x in names):
                    assigns.append((names, n))
                else:
                    other.append(n)
            elif not isinstance(n, ast.Import | ast.ImportFrom | ast.Expr):
                other.append(n)

    def refs(node: ast.AST) -> set[str]:
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}

    def for_names(names: set[str]) -> list[str]:
        seen = set(names)
        grew = True
        while grew:
            grew = False
            for targets, n in assigns:
                if not targets <= seen and refs(n) & seen:
                    seen |= targets
                    grew = True
        if any(refs(n) & seen for n in other) or any(re.search(rf"\b{x}\b", used) for x in seen):
            return every  # read by module-level code, or by a test itself (`from ... import _PLACE`)
        users = [f for f, n in funcs.items() if refs(n) & seen]
        if any(f in cached for f in users):
            return every
        return sorted({*(t for f in users for t in calls.get(f, [])), *lost})

    lost = calls.get("*", [])  # tests whose trace was turned off (_Trace): every function's

    def select(m: Mutant) -> list[str]:
        name = owner.get(m.line)
        if name is not None:
            return every if name in cached else sorted({*calls.get(name, []), *lost})
        for names, n in assigns:
            if n.lineno <= m.line <= (n.end_lineno or n.lineno):
                return for_names(names)
        return every

    return select


def _work(
    found: list[tuple[Mutant, str]],
    w: int,
    workers: int,
    copy_dir: Path,
    rel: str,
    tests_of,
    timeout: float,
    part: Path,
    verbose: bool,
) -> None:  # type: ignore[no-untyped-def]
    with part.open("w") as f:
        for k, (m, src) in enumerate(found):
            if k % workers != w:
                continue
            tests = tests_of(m)
            if tests:
                st, t = _run_tests(copy_dir, rel, src, tests, timeout)
            else:
                st, t = "survived", 0.0
            f.write(
                json.dumps({**asdict(m), "status": st, "seconds": round(t, 2), "tests": len(tests)}) + "\n"
            )
            f.flush()
            if verbose:
                print(f"{k + 1}/{len(found)} {st:8} l.{m.line} {m.text}", flush=True)


def _parallel(found, workers, copies, rel, tests_of, timeout, tmp, tag):  # type: ignore[no-untyped-def]
    parts = [tmp / f"{tag}{w}.jsonl" for w in range(workers)]
    pids = []
    for w in range(workers):
        pid = os.fork()
        if pid == 0:
            _work(found, w, workers, copies[w], rel, tests_of, timeout, parts[w], w == 0)
            os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
    return {r["id"]: r for r in (json.loads(x) for p in parts for x in p.read_text().splitlines())}


def run(args: argparse.Namespace) -> None:
    module = Path(args.module)
    rel = str(module)
    source = (ROOT / module).read_text("utf-8")
    only = set(args.only.split(",")) if args.only else None
    found = mutants(source, only)
    if args.ids:
        wanted = set(json.loads(Path(args.ids).read_text())["survived_ids"])
        found = [(m, s) for m, s in found if m.id in wanted]
    if args.sample > 1:  # every n-th mutant (ids follow the source's order): an unbiased sample
        found = [(m, s) for m, s in found if m.id % args.sample == 0]
    print(f"{len(found)} mutants of {rel}", flush=True)
    # Pre-import what every child would import anyway (never feedsvc: the child imports the copy's).
    # (not a pytest plugin such as hypothesis: pytest warns, an error here, when it cannot rewrite one)
    import dateutil.parser  # noqa: F401
    import pytest  # noqa: F401

    assert not any(m == "feedsvc" or m.startswith("feedsvc.") for m in sys.modules)
    tmp = Path(tempfile.mkdtemp(prefix="mutate-"))
    base = ast.unparse(ast.parse(source))
    copies = []
    for w in range(args.workers):
        d = tmp / f"w{w}"
        _copy_tree(d)
        copies.append(d)
    status, took = _run_tests(copies[0], rel, base, args.tests, 3600, log=tmp / "baseline.txt")
    if status != "survived":
        print((tmp / "baseline.txt").read_text()[-3000:])
        sys.exit(f"baseline: the unmutated module fails the tests ({status})")
    status2, _ = _run_tests(copies[0], rel, base + "\nraise RuntimeError('canary')\n", args.tests, 3600)
    if status2 != "killed":
        sys.exit("canary: a module raising on import passed: the tests do not import the copy")
    timeout = args.timeout or 5 * took + 30
    print(f"baseline {took:.1f} s, timeout {timeout:.0f} s", flush=True)
    # Pass 1: each mutant against the tests that call its function (module-level code: all).
    trace = tmp / "trace.json"
    _run_tests(copies[0], rel, base, args.tests, 3600, trace=trace)
    selected = _selector(source, json.loads(trace.read_text()), args.tests)
    results = sorted(
        _parallel(found, args.workers, copies, rel, selected, timeout, tmp, "a").values(),
        key=lambda r: r["id"],
    )
    survived = [r for r in results if r["status"] == "survived"]
    out = {
        "module": rel,
        "tests": args.tests,
        "only": args.only,
        "total": len(results),
        "killed": len(results) - len(survived),
        "survived_ids": [r["id"] for r in survived],
        "results": results,
    }
    Path(args.out).write_text(json.dumps(out, indent=1))
    shutil.rmtree(tmp)
    print(f"{rel}: {out['killed']}/{out['total']} killed", flush=True)


def report(path: str) -> None:
    data = json.loads(Path(path).read_text())
    lines = (ROOT / data["module"]).read_text("utf-8").splitlines()
    print(f"{data['module']}: {data['killed']}/{data['total']} killed")
    for r in data["results"]:
        if r["status"] == "survived":
            print(f"#{r['id']} l.{r['line']}: {r['text']}\n      {lines[r['line'] - 1].strip()[:110]}")


def main() -> None:
    if sys.argv[1:2] == ["report"]:
        report(sys.argv[2])
        return
    if sys.argv[1:2] == ["list"]:
        source = (ROOT / sys.argv[2]).read_text("utf-8")
        only = set(sys.argv[3].split(",")) if len(sys.argv) > 3 else None
        for m, _ in mutants(source, only):
            print(f"#{m.id} l.{m.line}: {m.text}")
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("module")
    p.add_argument("out")
    p.add_argument("--only")
    p.add_argument("--ids")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--sample", type=int, default=1, help="run every n-th mutant only")
    p.add_argument(
        "--timeout", type=float, help="seconds a mutant may run (default: 5x the baseline + 30 s)"
    )
    p.add_argument("tests", nargs="+")
    run(p.parse_args())


if __name__ == "__main__":
    main()
