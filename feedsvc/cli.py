"""The `feedsvc` command line: a thin shell over the library. The only place that wires it all."""

from __future__ import annotations

import functools
import json
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import TypeVar

import click

from . import __version__
from .config import Settings
from .config import load_settings
from .errors import FeedsvcError
from .model import Article
from .model import rfc3339
from .refresh import run_refresh
from .sources import display_path
from .store import Store

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
        with Store(settings.db_path) as store:
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
    for path in stats.deferred:
        click.echo(f"deferred {display_path(path)}: changed while being read; next refresh")


@cli.command()
@click.option("--host", default=None, help="Address to listen on [default: [server] host].")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port [default: [server] port].")
@click.option(
    "--watch/--no-watch", default=None, help="React to file changes at once [default: [refresh] watch]."
)
@pass_settings
def serve(settings: Settings, host: str | None, port: int | None, watch: bool | None) -> None:
    """Refresh, then serve the feeds and pages (waitress), refreshing in the background."""
    from .server import Service
    from .server import run_waitress

    if host is not None or port is not None:
        settings = settings.with_overrides(host=host or settings.host, port=port or settings.port)
    if click.get_current_context().obj["verbose"] == 0:
        setup_logging(1)  # a server logs refreshes, skips and requests by default
    service = Service(settings, run_refresh, watch=watch)
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


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=None, help="At most this many.")
@pass_settings
def list_(settings: Settings, as_json: bool, limit: int | None) -> None:
    """Show what is published, newest first."""
    try:
        with Store(settings.db_path) as store:
            articles = store.latest(limit)
    except FeedsvcError as e:
        raise click.ClickException(str(e)) from None
    for article in articles:
        if as_json:
            click.echo(_article_json(article))
        else:
            click.echo(f"{rfc3339(article.published)}  {article.slug}  {article.title}")


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
