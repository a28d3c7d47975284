"""Dates written with a month's name in any of the languages of ``data/months.json`` (from
CLDR, see tools/make_months.py), and in the Chinese, Japanese and Korean way: "18 de noviembre
de 2019", "18. November 2019", "18 ноября 2019 г.", "2019年11月18日", "2019년 11월 18일".

dateutil reads English month names only, so such a date is given back as ISO text
("2019-11-18") for it. Pure: the table is read once, on first use.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from importlib import resources
from typing import NamedTuple


class NamedDate(NamedTuple):
    start: int
    end: int
    iso: str  #: "YYYY-MM-DD"


@functools.cache
def _months() -> dict[str, int]:
    text = resources.files(__package__).joinpath("data/months.json").read_text(encoding="utf-8")
    months: dict[str, int] = json.loads(text)["months"]
    return months


def month_of(word: str) -> int:
    """The month (1-12) a word names in the table ("März", "марта", "mar"); 0 for no month."""
    return _months().get(word.casefold(), 0)


# A month is any word here, looked up in the table: one pattern of a few characters compiles
# in microseconds, one alternation of 600 names took over 100 ms on first use.
_NAMED = re.compile(
    # day [.] [de] month[.] [,] [de] year: the Romance, Germanic, Slavic... order
    r"\b(?P<day>\d{1,2})(?:\.|º|°)?\s+(?:de\s+)?(?P<month>[^\W\d_]{3,})\.?,?\s+(?:de\s+)?"
    r"(?P<year>(?:19|20)\d{2})(?!\d)"
    # year 年 month 月 day 日 (Chinese, Japanese), year 년 month 월 day 일 (Korean)
    r"|(?P<cyear>(?:19|20)\d{2})\s*[年년]\s*(?P<cmonth>\d{1,2})\s*[月월]\s*(?P<cday>\d{1,2})\s*[日일]"
)


def find_named_date(line: str) -> NamedDate | None:
    """The first such date in ``line`` that is a real day; None when there is none."""
    for m in _NAMED.finditer(line):
        if m["month"] is not None:
            month = _months().get(m["month"].casefold(), 0)  # 0: a word that is no month
            year, day = int(m["year"]), int(m["day"])
        else:
            year, month, day = int(m["cyear"]), int(m["cmonth"]), int(m["cday"])
        try:
            date = dt.date(year, month, day)
        except ValueError:  # not a month, "31 de febrero", "2019年13月1日"
            continue
        return NamedDate(m.start(), m.end(), date.isoformat())
    return None
