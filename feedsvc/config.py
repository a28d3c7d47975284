"""Configuration: config.toml -> a typed, frozen Settings object. Contains no business logic.

Over the ~400-line mark on purpose: every key's type, bounds and message are here, beside the
Settings field they fill, so a reader checks one place for what a config may say.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from .errors import ConfigError
from .model import FeedMeta
from .model import ParseRules

DEFAULT_CAPTIONS = (
    # "Kyiv has described some drones as Iranian-made (Picture: AP)": a credit in brackets at
    # the end of the paragraph.
    r"\((?:pictures?|pics?|images?|photos?|photographs?|videos?|footage|credits?|"
    r"illustrations?|graphics?|main picture|top picture)\s*:[^()]{0,150}\)\s*$",
    # "... in Hialeah, Fla. (AP Photo/Alan Diaz, File)", "(Photo by Jo Bloggs/Agency)", "(Foto de
    # Ana Souza/Folhapress)": a picture word, then "/" or "by" in a few languages, then a capital.
    r"\((?:[^()/]{0,40}\s)?(?:pictures?|pics?|images?|photos?|photographs?|fotos?|fotografías?|bild|фото)"
    r"\s*(?:/|\s(?:by|de|von|di|par|por)\s)\s*(?-i:[A-ZÀ-ÖØ-ÞА-ЯЁ])[^()]{0,150}\)\s*$",
    # "A train in the yard at Maschen. Foto: Peter Schulz/dpa", "... Photograph: Jo Bloggs/Agency":
    # a picture word and a colon after the last sentence, then the credit (a capital, no sentence).
    r"[.!?…][\"'”’»)]?\s+(?:photos?|photographs?|pictures?|pics?|images?|imagens?|imagen|fotos?|"
    r"fotograf[íi]as?|fotografi[ae]|bild(?:er)?|фото|фотографи[яи]|φωτογραφία|φωτό|cr[ée]dits?|"
    r"cr[ée]ditos?)(?:\s(?:by|de|von|di|par|por))?\s*:\s*(?-i:[A-ZÀ-ÖØ-ÞА-ЯЁΑ-ΩΆ-Ώ])[^!?:]{0,60}$",
)
DEFAULT_BOILERPLATE = (
    r"^get in touch with our news team\b",
    r"^for more stories like this\b",
    r"^got a story for us\b",
    r"^(?:do you have|have you got) a story\b",
    r"^sign up (?:to|for) (?:our|the) .{0,60}newsletter",
    r"^(?:share|follow) (?:this|us) on\b",
    r"^e-?mail to a friend\.?$",
    r"^copyright \d{4} .{0,80}all rights reserved",
    r"^(?:copyright\s*)?(?:©|\(c\)|copyright)\s*\d{4}",  # "© 2019 CBS Interactive Inc.", "Copyright © 2024 …"
    r"^(?:copyright\s*)?(?:©|\([cс]\))",  # "© Future plc", "Copyright (с) ООО «Пресса»": the sign opens it
    r"©\s*\d{4}\b.{0,80}\ball rights reserved",  # "... All contents © 2019 X LLC. All rights reserved."
    r"^all rights reserved\.?$",
    # an advertisement slot's label alone on its line (parse.linetypes.AD_LABEL, the same pattern)
    r"^\W*(?:advertisement|advert|sponsored|anzeige|werbung|publicidad|publicidade|publicité|"
    r"pubblicità|реклама|广告|広告|광고)\W*$",
    r"^(?:read more|more:|related:|related articles?:?)$",
)
DEFAULT_DEBRIS = (
    r"\s*\[email(?:\u00a0|\s)*protected\]",
    r"\s*\bE-?mail to a friend\.?\s*$",
    # CNN-style inline links: "Watch a driver describe his narrow escape »"
    r"\s+(?:Watch|See|Hear|Read|Listen to|Click here)\b[^.!?»]{0,120}»",
    # ... any other verb ("Go inside the 'forgotten floor' »") when it ends the paragraph.
    r"(?<=[.!?\"'’”])\s+[^.!?«»]{1,120}»\s*$",
)

DATE_FROM = ("first_seen", "mtime")  #: [seeds] date_from values


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything feedsvc needs to run, resolved and validated. Paths are absolute."""

    seeds_dir: Path
    db_path: Path
    config_path: Path | None = None
    #: [store] url: a database server instead of the SQLite file at ``db_path``
    #: ("postgresql://user@host/db"); None: the SQLite file. ``store.open_store`` picks the
    #: backend by its scheme.
    store_url: str | None = None
    # [site]
    title: str = "feedsvc"
    subtitle: str = "Articles published by feedsvc"
    base_url: str = ""  #: "" means http://<[server] host>:<port>/ (see public_url)
    language: str = "en"
    author: str = "feedsvc"
    timezone: str = "UTC"
    page_size: int = 20  #: articles per page of the HTML listing (feeds: max_items)
    icon: Path | None = None  #: an image for favicon and feed icons; None: the built-in one
    theme_dir: Path | None = None  #: templates and style.css here replace the built-in ones
    # [seeds]
    max_file_bytes: int = 5 * 1024 * 1024
    follow_symlinks: bool = True  #: only ever to targets inside the seeds dir
    settle_seconds: float = 1.0  #: a file nobody can tell is closed waits this long (refresh.settle)
    #: the date of an article whose text gives none: when feedsvc first saw it, or its file's mtime then
    date_from: str = "first_seen"
    # [server]
    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 8
    request_timeout: int = 30
    # [refresh]
    interval_seconds: int = 300
    lock_timeout: float = 60.0
    token: str | None = None  #: enables POST /refresh with "Authorization: Bearer <token>"
    watch: bool = True
    # [feed]
    max_items: int = 50
    archive_size: int = 0  #: articles per RFC 5005 archive page, at most max_items; 0: max_items
    archive_max_age: int = 86400  #: Cache-Control max-age of archive pages, seconds
    # [websub]
    hubs: tuple[str, ...] = ()  #: WebSub hubs: named in every feed, pinged when a feed changes
    # [parse]
    summary_length: int = 400
    title_length: int = 140
    captions: tuple[str, ...] = DEFAULT_CAPTIONS
    boilerplate: tuple[str, ...] = DEFAULT_BOILERPLATE
    debris: tuple[str, ...] = DEFAULT_DEBRIS

    def parse_rules(self) -> ParseRules:
        """Compiled parser rules (patterns are validated in load_settings)."""
        return ParseRules(
            captions=tuple(re.compile(p, re.IGNORECASE) for p in self.captions),
            boilerplate=tuple(re.compile(p, re.IGNORECASE) for p in self.boilerplate),
            debris=tuple(re.compile(p, re.IGNORECASE) for p in self.debris),
            timezone=ZoneInfo(self.timezone),
            summary_length=self.summary_length,
            title_length=self.title_length,
        )

    @property
    def public_url(self) -> str:
        """The absolute URL every link and feed id is built from; ends with "/"."""
        if self.base_url:
            return self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        wildcard = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # noqa: S104
        host = wildcard.get(self.host, self.host)
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    @property
    def archive_page_size(self) -> int:
        """Articles per archive page: [feed] archive_size, or max_items when that is unset."""
        return self.archive_size or self.max_items

    def feed_meta(self, version: str = "") -> FeedMeta:
        return FeedMeta(
            title=self.title,
            subtitle=self.subtitle,
            base_url=self.public_url,
            language=self.language,
            author=self.author,
            version=version,
            hubs=self.hubs,
        )

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


# section -> key -> (Settings field, type, check)
_SCHEMA: dict[str, dict[str, tuple[str, type | tuple[type, ...]]]] = {
    "site": {
        "title": ("title", str),
        "subtitle": ("subtitle", str),
        "base_url": ("base_url", str),
        "language": ("language", str),
        "author": ("author", str),
        "timezone": ("timezone", str),
        "page_size": ("page_size", int),
        "icon": ("icon", str),
        "theme_dir": ("theme_dir", str),
    },
    "seeds": {
        "dir": ("seeds_dir", str),
        "max_file_bytes": ("max_file_bytes", int),
        "follow_symlinks": ("follow_symlinks", bool),
        "settle_seconds": ("settle_seconds", (int, float)),
        "date_from": ("date_from", str),
    },
    "store": {"path": ("db_path", str), "url": ("store_url", str)},
    "server": {
        "host": ("host", str),
        "port": ("port", int),
        "threads": ("threads", int),
        "request_timeout": ("request_timeout", int),
    },
    "refresh": {
        "interval_seconds": ("interval_seconds", int),
        "lock_timeout": ("lock_timeout", (int, float)),
        "token": ("token", str),
        "watch": ("watch", bool),
    },
    "feed": {
        "max_items": ("max_items", int),
        "archive_size": ("archive_size", int),
        "archive_max_age": ("archive_max_age", int),
    },
    "websub": {"hubs": ("hubs", list)},
    "parse": {
        "summary_length": ("summary_length", int),
        "title_length": ("title_length", int),
        "captions": ("captions", list),
        "boilerplate": ("boilerplate", list),
        "extra_boilerplate": ("extra_boilerplate", list),
        "debris": ("debris", list),
        "extra_debris": ("extra_debris", list),
        "extra_captions": ("extra_captions", list),
    },
}
# Settings field -> (where it is written, lowest, highest). Values outside fail later, with a
# traceback or worse: threads = 1000000 starts a million threads and takes the process down,
# a huge interval overflows the scheduler's timedelta, lock_timeout = inf waits for ever.
_RANGES: dict[str, tuple[str, int, int]] = {
    "max_file_bytes": ("[seeds] max_file_bytes", 1, 2**30),  # read whole: 1 GiB is already a lot
    "settle_seconds": ("[seeds] settle_seconds", 0, 3600),
    "port": ("[server] port", 1, 65535),
    "threads": ("[server] threads", 1, 256),
    "request_timeout": ("[server] request_timeout", 1, 3600),
    "interval_seconds": ("[refresh] interval_seconds", 1, 7 * 24 * 3600),
    "lock_timeout": ("[refresh] lock_timeout", 0, 3600),
    "max_items": ("[feed] max_items", 1, 10_000),
    "page_size": ("[site] page_size", 1, 1000),
    "archive_size": ("[feed] archive_size", 0, 10_000),
    "archive_max_age": ("[feed] archive_max_age", 0, 365 * 24 * 3600),
    "summary_length": ("[parse] summary_length", 1, 2**31 - 1),
    "title_length": ("[parse] title_length", 1, 2**31 - 1),
}
# A host name (or IPv4 address) in base_url: no delimiters, quotes, spaces or percent escapes.
# IPv6 addresses come in brackets and are checked by ipaddress.
_HOST_RE = re.compile(r"[^\s/?#@\[\]<>\"'\\^`{|}%:]+")


def _shown(key: str) -> str:
    """A TOML key as written in an error message: quoted when it would break the line."""
    return key if key.isprintable() else repr(key)


def _type_name(t: type | tuple[type, ...]) -> str:
    names = {int: "an integer", str: "a string", bool: "true or false", list: "a list", float: "a number"}
    if isinstance(t, tuple):
        return " or ".join(names[x] for x in t)
    return names[t]


def _check_strings(where: str, values: list[Any]) -> tuple[str, ...]:
    for value in values:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a list of strings, got {value!r}")
    return tuple(values)


def _pattern_shown(value: str, limit: int = 80) -> str:
    """A user's value for a one-line message: its repr, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_patterns(where: str, values: list[Any]) -> tuple[str, ...]:
    out = []
    for value in values:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a list of strings, got {value!r}")
        try:
            re.compile(value)
        except re.error as e:
            raise ConfigError(f"{where}: invalid regular expression {_pattern_shown(value)}: {e}") from e
        except RecursionError as e:  # groups nested deeper than re's parser goes
            raise ConfigError(
                f"{where}: invalid regular expression {_pattern_shown(value)}: nested too deeply"
            ) from e
        out.append(value)
    return tuple(out)


def load_settings(path: Path | str, **overrides: Any) -> Settings:
    """Read and validate a config file. Relative paths are relative to the file's folder.

    Raises ConfigError with a one-line, human-readable message.
    """
    path = Path(path)
    name = str(path)
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {name}") from None
    except IsADirectoryError:
        raise ConfigError(f"config path is a directory, not a file: {name}") from None
    except OSError as e:
        raise ConfigError(f"cannot read config file {name}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{name}: invalid TOML: {e}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: config file is not UTF-8") from None

    values: dict[str, Any] = {}
    for section, table in raw.items():
        if section not in _SCHEMA:
            raise ConfigError(f"{name}: unknown section [{_shown(section)}]")
        if not isinstance(table, dict):
            raise ConfigError(f"{name}: [{section}] must be a table")
        for key, value in table.items():
            if key not in _SCHEMA[section]:
                raise ConfigError(f"{name}: unknown key [{section}] {_shown(key)}")
            attr, expected = _SCHEMA[section][key]
            ok = isinstance(value, expected) and not (
                expected in (int, (int, float)) and isinstance(value, bool)
            )
            if not ok:
                raise ConfigError(f"{name}: [{section}] {key} must be {_type_name(expected)}, got {value!r}")
            # numbers are checked against _RANGES in validate()
            if isinstance(value, list) and section == "parse":
                value = _check_patterns(f"{name}: [{section}] {key}", value)
            elif isinstance(value, list):
                value = _check_strings(f"{name}: [{section}] {key}", value)
            values[attr] = value

    base = path.resolve().parent
    seeds = values.pop("seeds_dir", "seeds")
    db = values.pop("db_path", "var/feedsvc.sqlite")
    for kind in ("captions", "boilerplate", "debris"):
        defaults = {"captions": DEFAULT_CAPTIONS, "boilerplate": DEFAULT_BOILERPLATE,
                    "debris": DEFAULT_DEBRIS}[kind]  # fmt: skip
        values[kind] = tuple(values.get(kind, defaults)) + tuple(values.pop(f"extra_{kind}", ()))
    values.update(overrides)
    try:
        # Not resolved: a symlink on the way is followed anew by every walk and by the watcher,
        # so re-pointing it (a release switch, `ln -sfn`) moves the service to the new folder.
        seeds_dir = base / Path(seeds).expanduser()
        if "\0" in os.fspath(seeds_dir):  # what resolve() would have refused
            raise ValueError("embedded null byte")
        db_path = (base / Path(db).expanduser()).resolve()
        for key in ("icon", "theme_dir"):
            if isinstance(values.get(key), str):
                values[key] = (base / Path(values[key]).expanduser()).resolve()
    except (ValueError, OSError) as e:  # "embedded null byte", a loop of links...
        raise ConfigError(
            f"{name}: [seeds] dir, [store] path, [site] icon or theme_dir is not a usable path: {e}"
        ) from None
    settings = Settings(seeds_dir=seeds_dir, db_path=db_path, config_path=path.resolve(), **values)
    validate(settings, name)
    return settings


def _url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the public base URL (the rest of a sentence), or None."""
    # urlsplit silently drops tabs and line breaks; they would end up in every feed link.
    if not url.isprintable() or " " in url:
        return "must be one line of printable characters without spaces"
    try:
        parts = urlsplit(url)
        port = parts.port  # "xx" and anything outside 0-65535 raise here, not in urlsplit
    except ValueError as e:  # "Invalid IPv6 URL", "Port out of range 0-65535"...
        return f"is not a valid URL ({e})"
    if parts.scheme not in ("http", "https"):
        return "must be an absolute http:// or https:// URL"
    if "@" in parts.netloc:  # a password would be published in every feed link
        return "must not contain a user name or password"
    host = parts.hostname
    if not host:
        return "has no host"
    if parts.netloc.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return "has an invalid IPv6 address"
    elif not _HOST_RE.fullmatch(host):
        return "has an invalid host"
    if port == 0:
        return "must have a port between 1 and 65535"
    if "?" in url or "#" in url:  # links are built by appending to it
        return "must not have a query or a fragment"
    return None


def _check_site_paths(settings: Settings, name: str) -> None:
    """[site] icon must be a readable file, theme_dir a folder (their contents are checked when
    the app is built: see web.site)."""
    for where, path, want_dir in (
        ("[site] icon", settings.icon, False),
        ("[site] theme_dir", settings.theme_dir, True),
    ):
        if path is None:
            continue
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.is_file()
        except (OSError, ValueError) as e:
            raise ConfigError(f"{name}: {where} cannot be used: {e}") from None
        if not exists:
            raise ConfigError(f"{name}: {where} does not exist: {path}")
        if is_dir != want_dir:
            raise ConfigError(f"{name}: {where} must be a {'folder' if want_dir else 'file'}: {path}")


def _store_url_problem(url: str) -> str | None:
    """Why ``url`` cannot name a store (the rest of a sentence), or None. Which schemes exist
    is the store's business (store.open_store); the value is never shown: it may hold a password."""
    if not url.isprintable() or " " in url:
        return "must be one line of printable characters without spaces"
    scheme, sep, rest = url.partition("://")
    if not sep or not rest or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme):
        return "must be a URL like postgresql://user@host:5432/feedsvc"
    return None


MAX_HUBS = 10


def _check_hubs(hubs: tuple[str, ...], name: str) -> None:
    """[websub] hubs: absolute http(s) URLs like base_url, none twice, at most MAX_HUBS."""
    if len(hubs) > MAX_HUBS:
        raise ConfigError(f"{name}: [websub] hubs may name at most {MAX_HUBS} hubs, got {len(hubs)}")
    if len(set(hubs)) != len(hubs):
        raise ConfigError(f"{name}: [websub] hubs names a hub twice")
    for hub in hubs:
        problem = _url_problem(hub)
        if problem:
            raise ConfigError(f"{name}: [websub] hubs: a hub URL {problem}, got {hub!r}")


def validate(settings: Settings, name: str = "config") -> Settings:
    """Cross-field checks shared by load_settings and programmatic Settings."""
    for attr, (where, low, high) in _RANGES.items():
        value = getattr(settings, attr)
        if not low <= value <= high:  # also rejects nan
            raise ConfigError(f"{name}: {where} must be between {low} and {high}, got {value!r}")
    if settings.base_url:
        problem = _url_problem(settings.base_url)
        if problem:
            raise ConfigError(f"{name}: [site] base_url {problem}, got {settings.base_url!r}")
    elif _url_problem(settings.public_url):
        raise ConfigError(
            f"{name}: [server] host cannot be part of a URL (set [site] base_url), got {settings.host!r}"
        )
    if not re.fullmatch(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*", settings.language):
        raise ConfigError(
            f"{name}: [site] language must be a language tag like 'en' or 'en-GB', got {settings.language!r}"
        )
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{name}: [site] timezone is not a known time zone: {settings.timezone!r}"
        ) from None
    _check_site_paths(settings, name)
    if settings.archive_size > settings.max_items:
        # Every article not yet archived must fit in the subscription feed (publish.archive).
        raise ConfigError(
            f"{name}: [feed] archive_size ({settings.archive_size}) must not exceed [feed] max_items"
            f" ({settings.max_items})"
        )
    _check_hubs(settings.hubs, name)
    if settings.date_from not in DATE_FROM:
        raise ConfigError(
            f"{name}: [seeds] date_from must be one of {', '.join(map(repr, DATE_FROM))}, got {settings.date_from!r}"
        )
    if settings.store_url is not None:
        problem = _store_url_problem(settings.store_url)
        if problem:
            raise ConfigError(f"{name}: [store] url {problem}")
    if settings.token is not None and len(settings.token) < 16:
        raise ConfigError(f"{name}: [refresh] token must be at least 16 characters")
    return settings
