"""The `feedsvc` command line: a thin shell over the library. The only place that wires it all."""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import signal
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import NamedTuple
from typing import TypeVar

import click

from . import __version__
from .config import Settings
from .config import load_settings
from .errors import FeedsvcError
from .errors import ParseError
from .model import Article
from .model import ParsedArticle
from .model import ParseRules
from .model import rfc3339
from .parse import decode
from .parse import parse_bytes
from .parse import split_header
from .parse import split_lines
from .parse.article import classify_lines
from .parse.classify import TEXT_KINDS
from .refresh import run_refresh
from .sources import FileChanged
from .sources import SourceFile
from .sources import display_path
from .sources import read_file
from .store import open_store

F = TypeVar("F", bound=Callable[..., Any])


def setup_logging(verbose: int, quiet: bool = False) -> None:
    """Configure the root logger once, at the edge (library modules never do)."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    # APScheduler logs every job run at INFO; our own refresh log line says what matters.
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))


def pass_settings(fn: F) -> F:
    """Load the config inside the command (so `--help` works without a config file)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            settings = load_settings(ctx.obj["config_path"])
        except FeedsvcError as e:
            raise click.ClickException(str(e)) from None
        return fn(settings, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _article_json(article: Article) -> str:
    return json.dumps(
        {
            "id": article.id,
            "guid": article.guid,
            "slug": article.slug,
            "title": article.title,
            "summary": article.summary,
            "published": rfc3339(article.published),
            "updated": rfc3339(article.updated),
            "author": article.author,
            "tags": list(article.tags),
            "path": article.path,
        },
        ensure_ascii=False,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="config.toml",
    envvar="FEEDSVC_CONFIG",
    show_default=True,
    show_envvar=True,
    help="The config file. Relative paths in it are relative to its folder.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.version_option(__version__, prog_name="feedsvc")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, verbose: int) -> None:
    """Publish a folder of plain-text articles as Atom, RSS 2.0 and JSON Feed."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path
    ctx.obj["verbose"] = verbose
    setup_logging(verbose)


@cli.command()
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@pass_settings
def refresh(settings: Settings, progress: bool | None) -> None:
    """Scan the seeds folder once and update the index; print what changed."""
    show = sys.stderr.isatty() if progress is None else progress
    try:
        with open_store(settings) as store:
            if show:
                with click.progressbar(length=1, label="refreshing", file=sys.stderr) as bar:

                    def report(done: int, total: int) -> None:
                        bar.length = max(total, 1)
                        bar.update(done - bar.pos)

                    stats = run_refresh(settings, store, progress=report)
            else:
                stats = run_refresh(settings, store)
    except FeedsvcError as e:
        raise click.ClickException(str(e)) from None
    click.echo(stats.summary_line())
    for skipped in stats.skipped:
        click.echo(f"skipped {display_path(skipped.path)}: {skipped.reason}")
    for path, reason in zip(stats.deferred, stats.deferred_reasons, strict=True):
        click.echo(f"deferred {display_path(path)}: {reason}; not published yet")


@cli.command()
@click.option("--host", default=None, help="Address to listen on [default: [server] host].")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port [default: [server] port].")
@click.option(
    "--watch/--no-watch", default=None, help="React to file changes at once [default: [refresh] watch]."
)
@click.option(
    "--export", "export_dir", type=click.Path(path_type=Path), default=None,
    help="Keep a static export of the site in this folder (a symlink) current after each refresh.",
)  # fmt: skip
@pass_settings
def serve(
    settings: Settings, host: str | None, port: int | None, watch: bool | None, export_dir: Path | None
) -> None:
    """Refresh, then serve the feeds and pages (waitress), refreshing in the background."""
    from .serve import Service
    from .serve import run_waitress

    if host is not None or port is not None:
        settings = settings.with_overrides(host=host or settings.host, port=port or settings.port)
    if click.get_current_context().obj["verbose"] == 0:
        setup_logging(1)  # a server logs refreshes, skips and requests by default
    try:
        service = Service(settings, run_refresh, watch=watch)
    except FeedsvcError as e:  # a [store] url no backend opens, psycopg missing...
        raise click.ClickException(str(e)) from None
    if export_dir is not None:
        service.after_refresh = _exporter(service, export_dir)
    # systemd and container runtimes stop services with SIGTERM: shut down as for Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        service.start()
        run_waitress(service, settings.host, settings.port)
    except OSError as e:
        raise click.ClickException(
            f"cannot serve on {settings.host}:{settings.port}: {e.strerror or e}"
        ) from None
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()


def _exporter(service: Any, out: Path) -> Callable[[], None]:
    """After a refresh: rewrite the export when the published generation moved. A failure is
    logged and retried after the next refresh; the server keeps serving."""
    from .export import build_export

    done: list[int] = []  # the generation last exported

    def export() -> None:
        try:
            generation = service.cache.current().generation
            if done and done[-1] == generation:
                return
            stats = build_export(service.app, out)
        except (FeedsvcError, OSError, RuntimeError) as e:
            logging.getLogger("feedsvc.export").error("export to %s failed: %s", out, e)
            return
        done[:] = [generation]
        logging.getLogger("feedsvc.export").info("export %s: %s", out, stats.summary_line())

    return export


@cli.command()
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="The export: a symlink to the live generation (made on the first build).")  # fmt: skip
@pass_settings
def build(settings: Settings, out: Path) -> None:
    """Write the whole published site as static files (with .gz and a manifest) into --out,
    rewriting only what changed, switched atomically. Run `feedsvc refresh` first."""
    from .export import build_export
    from .web import create_app

    if not settings.base_url:
        click.echo(
            f"warning: [site] base_url is not set: the files' absolute links say {settings.public_url}",
            err=True,
        )
    try:
        with open_store(settings) as store:
            stats = build_export(create_app(settings, store=store), out)
    except (FeedsvcError, OSError, RuntimeError) as e:  # RuntimeError: a URL answered neither 200 nor 404
        raise click.ClickException(str(e)) from None
    click.echo(stats.summary_line())


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=None, help="At most this many.")
@pass_settings
def list_(settings: Settings, as_json: bool, limit: int | None) -> None:
    """Show what is published, newest first."""
    try:
        with open_store(settings) as store:
            articles = store.latest(limit)
    except FeedsvcError as e:
        raise click.ClickException(str(e)) from None
    for article in articles:
        if as_json:
            click.echo(_article_json(article))
        else:
            click.echo(f"{rfc3339(article.published)}  {article.slug}  {article.title}")


# --------------------------------------------------------------------------- explain


class _Explained(NamedTuple):
    """One line of an article file, as `feedsvc explain` shows it."""

    n: int  #: line number: 1-based, counting the line ends the parser splits on
    kind: str  #: a classify.Kind, or "header"
    score: float | None  #: the model's probability that the line is article text; None: a rule decided
    reason: str
    text: str  #: as the parser saw it (after [parse] debris patterns)


def _read_any(path: Path, max_bytes: int) -> bytes:
    """A file named on the command line, read with the checks and size limit refresh uses."""
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except FileNotFoundError:
        raise click.ClickException(f"{display_path(str(path))}: file not found") from None
    except OSError as e:  # the words refresh uses for a file it cannot stat
        why = "permission denied" if isinstance(e, PermissionError) else f"cannot stat: {e.strerror}"
        raise click.ClickException(f"{display_path(str(path))}: {why}") from None
    src = SourceFile(str(path), real, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino)
    try:
        return read_file(src, max_bytes)
    except (
        FeedsvcError,
        FileChanged,
    ) as e:  # why refresh would skip it ("larger than the ... limit"), or changed
        raise click.ClickException(f"{display_path(str(path))}: {e}") from None


def _explain_lines(data: bytes, rules: ParseRules) -> list[_Explained]:
    """Every non-empty line of an article file with its class and the reason for it.

    Raises ParseError when the bytes are not text (empty, binary).
    """
    lines = split_lines(decode(data))
    _, body = split_header(lines)
    offset = len(lines) - len(body)  # the header block, with any blank lines above it
    out: list[_Explained] = []
    seen: set[str] = set()
    for n, line in enumerate(lines[:offset], 1):
        if line:
            key = line.split(":", 1)[0].strip().lower()
            why = f"header field {key}" + (" again: ignored" if key in seen else "")
            seen.add(key)
            out.append(_Explained(n, "header", None, why, line))
    numbers = [offset + i for i, line in enumerate(body, 1) if line]
    # classify() gives one Line per non-empty line, in order; a mismatch is a bug: let zip raise.
    for n, found in zip(numbers, classify_lines(body, rules, explain=True), strict=True):
        rule = "[parse]" in found.reason  # a [parse] pattern decided: its score is not the model's
        out.append(_Explained(n, found.kind, None if rule else found.score, found.reason, found.text))
    return out


_MODEL_PREFIX = re.compile(r"^model \d+\.\d+(?: < [\d.]+)?(?:; |$| (?=\[))")
_KIND_COLORS = {**dict.fromkeys(TEXT_KINDS, "green"), "caption": "cyan", "header": "blue"}


def _shown_reason(item: _Explained) -> str:
    """The reason as the table shows it: the p column already gives the model's score."""
    if item.score is None:
        return item.reason
    reason = _MODEL_PREFIX.sub("", item.reason)
    if not reason or reason.startswith("["):  # only the score, and the features behind it
        return ("text, by the model " + reason).rstrip()
    return reason


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _explain_table(items: list[_Explained], width: int) -> list[str]:
    """The lines as aligned rows: number, class, p, a preview of the text, the reason.

    A reason loses the model's probability (the p column has it); the preview is as wide as the
    longest reason lets it be within ``width``, from 24 (fewer below 90 columns) to 60 characters.
    """
    reasons = [_shown_reason(item) for item in items]
    nw = len(str(items[-1].n)) if items else 1
    fixed = nw + 2 + 11 + 2 + 4 + 2  # "boilerplate" is the longest class name
    narrowest = min(24, width - fixed - 2 - 16)  # leave a reason at least 16 characters
    preview = max(narrowest, min(60, width - fixed - 2 - max(map(len, reasons), default=0)))
    room = width - fixed - preview - 2
    rows = [f"{'#':>{nw}}  {'class':<11}  {'p':>4}  {'text':<{preview}}  reason"]
    for item, reason in zip(items, reasons, strict=True):
        kind = click.style(f"{item.kind:<11}", fg=_KIND_COLORS.get(item.kind))
        score = "rule" if item.score is None else f"{item.score:.2f}"
        text = _clip(item.text, preview)
        rows.append(f"{item.n:>{nw}}  {kind}  {score:>4}  {text:<{preview}}  {_clip(reason, room)}")
    return rows


def _explain_result(parsed: ParsedArticle, width: int) -> list[str]:
    """Title, summary, author, date and the size of the body; long values wrapped."""

    def field(name: str, value: str) -> str:
        return textwrap.fill(value, width, initial_indent=f"{name + ':':<9}", subsequent_indent=" " * 9)

    paragraphs, captions = len(parsed.paragraphs), len(parsed.captions)
    body = f"{paragraphs} paragraph{'s' * (paragraphs != 1)}, {captions} caption{'s' * (captions != 1)}"
    rows = [
        field("title", parsed.title or "-"),
        field("summary", parsed.summary or "-"),
        field("author", parsed.author or "-"),
        field("date", rfc3339(parsed.date) if parsed.date else "-"),
        field("body", body),
    ]
    rows.extend(field("warning", note) for note in parsed.warnings)
    return rows


def _explain_json(items: list[_Explained], parsed: ParsedArticle | None, error: str | None) -> str:
    lines = [
        {"n": x.n, "kind": x.kind, "score": None if x.score is None else round(x.score, 4),
         "reason": x.reason, "text": x.text}
        for x in items
    ]  # fmt: skip
    result: dict[str, Any] = {
        "lines": lines,
        "title": parsed.title if parsed else None,
        "summary": parsed.summary if parsed else None,
        "author": parsed.author if parsed else None,
        "date": rfc3339(parsed.date) if parsed and parsed.date else None,
        "paragraphs": len(parsed.paragraphs) if parsed else 0,
        "captions": len(parsed.captions) if parsed else 0,
        "warnings": list(parsed.warnings) if parsed else [],
        "error": error,
    }
    return json.dumps(result, ensure_ascii=False)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the lines and the result.")
@click.option("--width", type=click.IntRange(min=60), default=100, show_default=True, help="Columns to fit.")
@pass_settings
def explain(settings: Settings, file: Path, as_json: bool, width: int) -> None:
    """Show how FILE parses: each line's class and why, then its title, summary, author and date.

    p is the model's probability that a line is article text (text from 0.50); "rule": the header
    block or a [parse] pattern decided. FILE may be any file; it is read with the [seeds]
    max_file_bytes limit. A file that refresh would skip exits non-zero (after its lines, if any).
    """
    rules = settings.parse_rules()
    data = _read_any(file, settings.max_file_bytes)
    try:
        items = _explain_lines(data, rules)
    except ParseError as e:  # empty or binary: there are no lines to show
        raise click.ClickException(f"{display_path(str(file))}: {e.reason}") from None
    parsed: ParsedArticle | None = None
    error = None
    try:
        parsed = parse_bytes(data, rules)
    except ParseError as e:  # nothing left after boilerplate...: the lines above show why
        error = e.reason
    if as_json:
        click.echo(_explain_json(items, parsed, error))
    else:
        color = False if os.environ.get("NO_COLOR") else None  # else: only on a terminal
        for row in _explain_table(items, width):
            click.echo(row, color=color)
        if parsed is not None:
            click.echo()
            click.echo("\n".join(_explain_result(parsed, width)))
    if error is not None:
        raise click.ClickException(f"{display_path(str(file))}: {error}")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Console-script entry point: a bad flag or config is one line on stderr, never a traceback
    or click's three-line usage block."""
    try:
        cli.main(obj={}, standalone_mode=False)
    except click.exceptions.Exit as e:  # --help, --version
        sys.exit(e.exit_code)
    except click.ClickException as e:
        click.echo(f"Error: {e.format_message()}", err=True)
        sys.exit(e.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
