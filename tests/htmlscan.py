"""Test helper: a tiny HTML element scanner (stdlib html.parser), for asserting on markup."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""  #: all text inside the element, nested elements included
    parents: tuple[str, ...] = field(default=())


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, dict(attrs), parents=tuple(e.tag for e in self._open))
        self.elements.append(el)
        if tag not in VOID:
            self._open.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs), parents=tuple(e.tag for e in self._open)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                return

    def handle_data(self, data: str) -> None:
        for el in self._open:
            el.text += data


def scan(markup: str) -> list[Element]:
    """Every element of ``markup``, in document order."""
    parser = _Scanner()
    parser.feed(markup)
    parser.close()
    return parser.elements


def find(markup: str, tag: str, **attrs: str) -> list[Element]:
    """Elements with this tag whose attributes include ``attrs`` (``class_`` for class)."""
    wanted = {k.rstrip("_"): v for k, v in attrs.items()}
    return [e for e in scan(markup) if e.tag == tag and all(e.attrs.get(k) == v for k, v in wanted.items())]


def live_markup(markup: str, allowed_tags: frozenset[str] | None = None) -> list[str]:
    """What in ``markup`` a browser would run or follow: scripts, on* handlers, javascript: URLs.

    With ``allowed_tags``, any other element is reported too.
    """
    problems = []
    for el in scan(markup):
        if el.tag in ("script", "iframe", "object", "embed") or (
            allowed_tags is not None and el.tag not in allowed_tags
        ):
            problems.append(f"<{el.tag}> element")
        for name, value in el.attrs.items():
            if name.startswith("on"):
                problems.append(f"{name}= attribute on <{el.tag}>")
            # A <meta> content is text (og:title, article:tag...), never followed, except
            # http-equiv="refresh", which names a URL.
            text_only = el.tag == "meta" and name == "content" and "http-equiv" not in el.attrs
            if value and value.strip().lower().startswith("javascript:") and not text_only:
                problems.append(f"javascript: URL in {name}= on <{el.tag}>")
    return problems
