"""The HTML site: front page, article pages, the feeds page, error pages and the stylesheet.

Plain Jinja, no Flask: web/ decides when to serve a page, this module only makes its bytes.
Templates come from ``templates/``, or first from a theme folder (``[site] theme_dir``) whose
files of the same name replace them. Links between pages are relative (``root`` is the way
from the page up to the site's root, "./" or "../"), so the site works under any host name;
canonical and OpenGraph URLs are absolute, from the base URL, as the feeds' are.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from jinja2 import BaseLoader
from jinja2 import ChoiceLoader
from jinja2 import Environment
from jinja2 import FileSystemLoader
from jinja2 import PackageLoader
from jinja2 import TemplateError
from jinja2 import select_autoescape

from ..model import Article
from ..model import Block
from ..model import FeedMeta
from ..model import Listing
from ..model import Topic
from ..model import TopicKind
from ..model import rfc3339
from ..topics import article_topics
from ..topics import topic_slug
from .feeds import SCOPE_LABEL
from .feeds import SCOPE_PREFIX
from .feeds import SITE_FEEDS
from .feeds import subscriptions
from .icons import SiteIcons

TEMPLATES = ("base.html", "index.html", "article.html", "feeds.html", "error.html", "topic.html", "topics.html")
FEEDS_PAGE = "feeds"  #: the path of the page that explains the feeds, below the root


def _human(dt: datetime) -> str:
    return dt.strftime("%-d %B %Y, %H:%M UTC")


def article_path(slug: str) -> str:
    """An article page's path below the site's root (no leading slash)."""
    return "articles/" + quote(slug)


def root_for(path: str) -> str:
    """The relative way from a page at ``path`` (as the browser sees it, "/a/b") to the root."""
    depth = path.count("/") - 1
    return "../" * depth if depth > 0 else "./"


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where one page of a listing is: "Page 2 of 45", and the links to its neighbours."""

    page: int
    pages: int

    @property
    def numbers(self) -> tuple[int | None, ...]:
        """Page numbers to link: the first, the last and two either side; None for a gap."""
        shown = sorted({1, self.pages, *range(self.page - 2, self.page + 3)} & set(range(1, self.pages + 1)))
        out: list[int | None] = []
        for n in shown:
            if out and out[-1] is not None and n - out[-1] == 2:
                out.append(n - 1)  # a gap of one page: show the number, not "…"
            elif out and out[-1] is not None and n - out[-1] > 2:
                out.append(None)
            out.append(n)
        return tuple(out)

    @property
    def label(self) -> str:
        return f"Page {self.page} of {self.pages}"


def topic_path(kind: TopicKind, slug: str) -> str:
    """A topic page's path below the site's root: ``tags/{slug}/``."""
    return SCOPE_PREFIX[kind].format(slug=slug)


def author_path(name: str) -> str | None:
    """The path of an author's page from the name an article gives; None for a name with no
    slug (nothing in it to make a URL of: no page either)."""
    slug = topic_slug(name)
    return None if slug is None else topic_path("author", slug)


def topics_path(kind: TopicKind) -> str:
    """The path of the page listing every topic of a kind: ``tags/``."""
    return SCOPE_PREFIX[kind].split("{", 1)[0]


def topic_url(base_url: str, kind: TopicKind, slug: str) -> str:
    """Absolute URL of a topic's HTML page: ``{base}tags/{slug}/``."""
    return base_url + topic_path(kind, slug)


class SitePages:
    """Renders the site's pages for one site (its FeedMeta); one per app, no global state."""

    def __init__(self, meta: FeedMeta, icons: SiteIcons, theme_dir: Path | None = None) -> None:
        self.meta = meta
        self.icons = icons
        self.theme_dir = theme_dir
        loader: BaseLoader = PackageLoader("feedsvc.publish", "templates")
        if theme_dir is not None:
            loader = ChoiceLoader([FileSystemLoader(theme_dir), loader])
        self.env = Environment(
            loader=loader,
            autoescape=select_autoescape(["html", "xml"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            site=meta,
            feeds=SITE_FEEDS,  # autodiscovery links and the feeds page; a topic page passes its own
            icons=icons,
            feeds_page=FEEDS_PAGE,
            article_path=lambda a: article_path(a.slug),
            absolute=lambda path: meta.base_url + path,
            topic_path=lambda t: topic_path(t.kind, t.slug),
            topics_path=topics_path,
            author_path=author_path,
            topic_feeds=lambda t: subscriptions(t.kind, t.slug),
            topics_of=article_topics,  # an article's tags, section and author, as Topics
            scope_label=SCOPE_LABEL,
            iso=rfc3339,
            human=_human,
        )

    def _render(self, template: str, *, root: str, path: str, **context: object) -> bytes:
        """``path``: the page below the root, for its canonical and OpenGraph URL."""
        return self.env.get_template(template).render(root=root, path=path, **context).encode("utf-8")

    def index(self, articles: Sequence[Article | Listing], pagination: Pagination) -> bytes:
        """One page of the front page: newest first, with links to the other pages."""
        path = "" if pagination.page == 1 else f"?page={pagination.page}"
        return self._render("index.html", root="./", path=path, articles=articles, pagination=pagination)

    def article(self, article: Article, newer: Listing | None = None, older: Listing | None = None) -> bytes:
        return self._render(
            "article.html", root="../", path=article_path(article.slug), article=article, newer=newer, older=older
        )

    def feeds(self, topics: Sequence[Topic] = ()) -> bytes:
        """The page that explains how to subscribe and lists every feed (``topics``: every tag,
        section and author, whose feeds it lists too)."""
        return self._render("feeds.html", root="./", path=FEEDS_PAGE, topics=topics)

    def topic(self, topic: Topic, articles: Sequence[Article | Listing], pagination: Pagination) -> bytes:
        """One page of a tag's, section's or author's articles, with autodiscovery of its feeds."""
        here = topic_path(topic.kind, topic.slug)
        return self._render(
            "topic.html",
            root="../../",
            path=here if pagination.page == 1 else f"{here}?page={pagination.page}",
            topic=topic,
            articles=articles,
            pagination=pagination,
            feeds=subscriptions(topic.kind, topic.slug),
            feed_title=f"{self.meta.title}: {SCOPE_LABEL[topic.kind]} {topic.name}",
        )

    def topics(self, kind: TopicKind, topics: Sequence[Topic]) -> bytes:
        """Every tag (section, author) with its article count."""
        return self._render("topics.html", root="../", path=topics_path(kind), kind=kind, topics=topics)

    def error(self, code: int, name: str, description: str, request_path: str = "/") -> str:
        page = self._render(
            "error.html", root=root_for(request_path), path=quote(request_path.lstrip("/")),
            code=code, name=name, description=description,
        )  # fmt: skip
        return page.decode("utf-8")

    def stylesheet(self) -> bytes:
        """The theme's style.css when it has one, else the built-in one."""
        if self.theme_dir is not None and (self.theme_dir / "style.css").is_file():
            return (self.theme_dir / "style.css").read_bytes()
        return resources.files("feedsvc.publish").joinpath("templates/style.css").read_bytes()

    def check(self) -> None:
        """Render every page once with sample data, so that a broken theme template fails when
        the app is built, not on a visitor's request. Raises ValueError saying which and why."""
        when = datetime(2025, 1, 1, tzinfo=UTC)
        sample = Article(
            id="sample", guid="urn:uuid:0", slug="sample", title="Sample", summary="Summary.",
            blocks=(Block("p", "Text."), Block("caption", "A caption")), author="A. Writer",
            tags=("tag",), published=when, updated=when, path="sample.txt", size=1, mtime_ns=0,
            content_hash="",
        )  # fmt: skip
        listing = Listing("other", "other", "Other", "Summary.", None, when, when)
        renders: dict[str, Callable[[], object]] = {
            "index.html": lambda: self.index([sample, listing], Pagination(2, 3)),
            "article.html": lambda: self.article(sample, listing, listing),
            "feeds.html": lambda: self.feeds([Topic("tag", "tag", "Tag", 1)]),
            "topic.html": lambda: self.topic(Topic("tag", "tag", "Tag", 2), [sample, listing], Pagination(2, 3)),
            "topics.html": lambda: self.topics("tag", [Topic("tag", "tag", "Tag", 2)]),
            "error.html": lambda: self.error(404, "Not Found", "Nothing here.", "/a/b"),
        }
        for name, render in renders.items():
            try:
                render()
            except TemplateError as e:
                where = f"{e.filename}:{e.lineno}" if getattr(e, "lineno", None) else name  # type: ignore[attr-defined]
                raise ValueError(f"template {where}: {e.message or e}") from None
            except (OSError, UnicodeDecodeError) as e:
                raise ValueError(f"template {name} cannot be read: {e}") from None
        try:
            self.stylesheet()
        except OSError as e:
            raise ValueError(f"style.css cannot be read: {e}") from None
