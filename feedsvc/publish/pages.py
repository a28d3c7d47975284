"""The HTML site: front page, article pages, error pages and the stylesheet, from templates/.

Plain Jinja, no Flask: web/ decides when to serve a page, this module only makes its bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from importlib import resources

from jinja2 import Environment
from jinja2 import PackageLoader
from jinja2 import select_autoescape

from ..model import Article
from ..model import FeedMeta
from ..model import Listing
from ..model import rfc3339
from .feeds import FEEDS
from .render import article_url


def _human(dt: datetime) -> str:
    return dt.strftime("%-d %B %Y, %H:%M UTC")


class SitePages:
    """Renders the site's pages for one site (its FeedMeta); one per app, no global state."""

    def __init__(self, meta: FeedMeta) -> None:
        self.meta = meta
        self.env = Environment(
            loader=PackageLoader("feedsvc.publish", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        base = meta.base_url
        self.env.globals.update(
            site=meta,
            base_url=base,
            feeds=FEEDS,  # autodiscovery links and the footer, in table order
            url=lambda a: article_url(base, a.slug),
            iso=rfc3339,
            human=_human,
        )

    def _render(self, template: str, **context: object) -> str:
        return self.env.get_template(template).render(**context)

    def index(self, articles: Sequence[Article | Listing], page: int, has_next: bool) -> bytes:
        """One page of the front page: newest first, with links to its neighbours."""
        return self._render("index.html", articles=articles, page=page, has_next=has_next).encode("utf-8")

    def article(self, article: Article) -> bytes:
        return self._render("article.html", article=article).encode("utf-8")

    def error(self, code: int, name: str, description: str) -> str:
        return self._render("error.html", code=code, name=name, description=description)

    @staticmethod
    def stylesheet() -> bytes:
        return resources.files("feedsvc.publish").joinpath("templates/style.css").read_bytes()
