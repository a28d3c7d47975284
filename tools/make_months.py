"""Build feedsvc/parse/data/months.json: month names in many languages, from CLDR.

CLDR (the Unicode Common Locale Data Repository, Unicode licence) is read through Babel
(https://babel.pocoo.org, BSD licence). feedsvc reads dates such as "18 de noviembre de 2019",
"18. November 2019" or "18 ноября 2019" in a byline or timestamp line with these names; it
does not import Babel. Names that mean different months in two languages, abbreviations
shorter than three letters and names of more than one word are left out.

    .venv/bin/pip install babel     # only to run this script
    .venv/bin/python tools/make_months.py
"""

from __future__ import annotations

import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "feedsvc" / "parse" / "data" / "months.json"
# The languages of the stop-word lists that write dates as day, month name, year, and their
# neighbours (English month names are read by dateutil already, and are in the list too).
LOCALES = [
    "af",
    "ar",
    "bg",
    "ca",
    "cs",
    "cy",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "eu",
    "fi",
    "fr",
    "ga",
    "gl",
    "hr",
    "hu",
    "id",
    "is",
    "it",
    "lt",
    "lv",
    "mk",
    "ms",
    "nb",
    "nl",
    "nn",
    "pl",
    "pt",
    "ro",
    "ru",
    "sk",
    "sl",
    "sq",
    "sr_Latn",
    "sv",
    "sw",
    "tr",
    "uk",
    "vi",
]


def main() -> None:
    from babel.dates import get_month_names

    names: dict[str, set[int]] = {}
    for locale in LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for month, name in get_month_names(width, context=context, locale=locale).items():
                    word = name.casefold().rstrip(".")
                    for article in ("de ", "d’", "d'"):  # Catalan: "de novembre", "d’abril"
                        word = word.removeprefix(article)
                    if len(word) >= 3 and word.isalpha():  # one word (feedsvc reads a word)
                        names.setdefault(word, set()).add(month)
    ambiguous = sorted(word for word, months in names.items() if len(months) > 1)
    table = {word: next(iter(months)) for word, months in sorted(names.items()) if len(months) == 1}
    OUT.write_text(
        json.dumps(
            {
                "source": "CLDR via Babel (tools/make_months.py); Unicode licence",
                "locales": LOCALES,
                "months": table,
            },
            ensure_ascii=False,
            indent=0,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    print(
        f"{OUT}: {len(table)} names ({len(names) - len(table)} ambiguous left out: {' '.join(ambiguous)}), {OUT.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main()
