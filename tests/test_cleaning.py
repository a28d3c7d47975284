"""Character references and author e-mail addresses in the input."""

from __future__ import annotations

import pytest

from feedsvc.parse import author_name
from feedsvc.parse import clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("A &mdash; B", "A — B"),
        ("It&#8217;s", "It’s"),
        ("AT&amp;T", "AT&T"),
        ("&#x1F600;", "😀"),
        ("&lt;script&gt;", "<script>"),  # decoded here; every output escapes it again
        ("R&D and &bogus; stay", "R&D and &bogus; stay"),
        ("&#0;", "\ufffd"),
    ],
)
def test_character_references_are_decoded(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Eve <eve@example.com>", "Eve"),
        ('"Doe, Jane" <jane@example.org>', "Doe, Jane"),
        ("bob@example.org (Bob Smith)", "Bob Smith"),
        ("eve@example.com", "eve"),
        ("Jane Doe", "Jane Doe"),
        ("", None),
    ],
)
def test_author_email_is_not_published(header: str, name: str | None) -> None:
    assert author_name(header) == name
