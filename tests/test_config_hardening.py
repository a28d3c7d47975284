"""Config and secrets under hostile or careless input (issue 11): base_url, bounded numbers,
Unicode tokens, and what /healthz tells an anonymous client."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXED_NOW
from server_utils import HOST
from server_utils import running_server
from server_utils import write_config

from feedsvc.cli import cli
from feedsvc.config import Settings
from feedsvc.config import load_settings
from feedsvc.config import validate
from feedsvc.errors import ConfigError
from feedsvc.model import RefreshStats
from feedsvc.refresh import run_refresh
from feedsvc.store import Store
from feedsvc.store import open_store
from feedsvc.web import create_app

# ---------------------------------------------------------------------------- base_url

BAD_BASE_URLS = [
    "http://[::1/",  # unbalanced bracket: urlsplit raised ValueError, a traceback
    "http://[not-an-ip]/",
    "http://example.org:99999/",  # port out of range
    "http://example.org:65536/",
    "http://example.org:0/",
    "http://example.org:xx/",  # port not a number
    "http://example.org:-1/",
    "ftp://example.org/",  # not http(s)
    "javascript:alert(1)",
    "file:///etc/passwd",
    "example.org",  # no scheme
    "//example.org/",
    "http:///feeds/",  # no host
    "http://:8080/",
    "http://user@/",
    "http://example.org/?q=1",  # query
    "http://example.org/?",
    "http://example.org/#top",  # fragment
    "http://example.org/#",
    "http://user:secret@example.org/",  # credentials would go into every feed link
    "http://exa<mple.org/",
    "http://example.org/\n",
    "http://example .org/",
]


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[seeds]\ndir = "seeds"\n' + body, "utf-8")
    return path


def _one_line_cli_error(path: Path) -> str:
    result = CliRunner().invoke(cli, ["--config", str(path), "refresh", "--no-progress"])
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a traceback
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("url", BAD_BASE_URLS)
def test_a_bad_base_url_is_one_line_naming_file_key_and_value(tmp_path: Path, url: str) -> None:
    path = _config(tmp_path, f"[site]\nbase_url = {json.dumps(url)}\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith(f"{path}: [site] base_url "), message
    assert repr(url) in message and message.isprintable(), message

    line = _one_line_cli_error(path)
    assert line == f"Error: {message}"


@pytest.mark.parametrize("url", BAD_BASE_URLS)
def test_a_bad_base_url_set_in_code_is_rejected_too(tmp_path: Path, url: str) -> None:
    settings = Settings(seeds_dir=tmp_path, db_path=tmp_path / "x.sqlite", base_url=url)
    with pytest.raises(ConfigError, match=r"\[site\] base_url"):
        validate(settings)


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://news.example.com/feeds", "https://news.example.com/feeds/"),  # slash added
        ("https://news.example.com/feeds/", "https://news.example.com/feeds/"),
        ("http://example.org", "http://example.org/"),
        ("http://example.org:8080/", "http://example.org:8080/"),
        ("http://example.org:65535/", "http://example.org:65535/"),
        ("http://example.org:1/", "http://example.org:1/"),
        ("http://[::1]:8000/", "http://[::1]:8000/"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
        ("https://bücher.example/", "https://bücher.example/"),
    ],
)
def test_good_base_urls_load_and_end_with_a_slash(tmp_path: Path, url: str, public: str) -> None:
    settings = load_settings(_config(tmp_path, f"[site]\nbase_url = {json.dumps(url)}\n"))
    assert settings.public_url == public
    assert settings.feed_meta().base_url == public


# ---------------------------------------------------------------------------- bounded numbers

OUT_OF_RANGE = [
    ("server", "threads", "1000000"),  # took the process down
    ("server", "threads", "257"),
    ("server", "threads", "0"),
    ("server", "port", "99999"),
    ("server", "port", "0"),
    ("server", "request_timeout", "0"),
    ("server", "request_timeout", "100000000"),
    ("refresh", "interval_seconds", "0"),
    ("refresh", "interval_seconds", "100000000"),
    ("refresh", "lock_timeout", "-1"),
    ("refresh", "lock_timeout", "inf"),
    ("refresh", "lock_timeout", "nan"),
    ("refresh", "lock_timeout", "1e300"),
    ("feed", "max_items", "0"),
    ("feed", "max_items", "100000000"),
    ("seeds", "max_file_bytes", "0"),
    ("seeds", "max_file_bytes", "100000000000"),
]


@pytest.mark.parametrize(("section", "key", "value"), OUT_OF_RANGE)
def test_numbers_out_of_range_are_one_line_errors(tmp_path: Path, section: str, key: str, value: str) -> None:
    text = f"[{section}]\n{key} = {value}\n"
    path = tmp_path / "config.toml"
    path.write_text(text if section == "seeds" else '[seeds]\ndir = "seeds"\n' + text, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith(f"{path}: [{section}] {key} "), message
    assert message.isprintable(), message
    assert _one_line_cli_error(path) == f"Error: {message}"


@pytest.mark.parametrize(
    ("field", "value"),
    [("threads", 1_000_000), ("port", 99999), ("request_timeout", 10**8), ("interval_seconds", 0),
     ("lock_timeout", float("inf")), ("max_items", 10**8)],
)  # fmt: skip
def test_numbers_out_of_range_set_in_code_are_rejected(tmp_path: Path, field: str, value: object) -> None:
    settings = Settings(seeds_dir=tmp_path, db_path=tmp_path / "x.sqlite", **{field: value})  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=field):
        validate(settings)


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [("server", "threads", 1), ("server", "threads", 256), ("server", "port", 65535),
     ("server", "request_timeout", 3600), ("refresh", "interval_seconds", 1),
     ("refresh", "interval_seconds", 604800), ("refresh", "lock_timeout", 0),
     ("refresh", "lock_timeout", 3600), ("refresh", "lock_timeout", 0.5), ("feed", "max_items", 10000)],
)  # fmt: skip
def test_numbers_at_the_bounds_load(tmp_path: Path, section: str, key: str, value: object) -> None:
    settings = load_settings(_config(tmp_path, f"[{section}]\n{key} = {value}\n"))
    assert getattr(settings, key) == value


# ---------------------------------------------------------------------------- Unicode tokens

UNICODE_TOKEN = "tökén-ü€😀-0123456789"  # beyond Latin-1: "€" and an emoji


def _wsgi(header: str) -> str:
    """A header value as a WSGI server hands it over: the UTF-8 bytes read as Latin-1 (PEP 3333)."""
    return header.encode("utf-8").decode("latin-1")


def _token_client(
    settings: Settings, store: Store, token: str
) -> tuple[Callable[[str], int], list[int]]:
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    calls: list[int] = []

    def refresh() -> RefreshStats:
        calls.append(1)
        return RefreshStats()

    client = create_app(settings.with_overrides(token=token), store=store, refresh=refresh).test_client()

    def post(authorization: str) -> int:
        return client.post("/refresh", headers={"Authorization": authorization}).status_code

    return post, calls


def test_a_unicode_token_matches(settings: Settings, store: Store) -> None:
    post, calls = _token_client(settings, store, UNICODE_TOKEN)
    # as a real server delivers it (waitress, gunicorn: PEP 3333 strings)
    assert post(_wsgi(f"Bearer {UNICODE_TOKEN}")) == 200
    # as a server or test client that passes the text through
    assert post(f"Bearer {UNICODE_TOKEN}") == 200
    assert calls == [1, 1]


@pytest.mark.parametrize(
    "given",
    ["tökén-ü€😁-0123456789", "tökén-ü€-0123456789", "tokén-ü€😀-0123456789", UNICODE_TOKEN + "x",
     UNICODE_TOKEN[:-1], UNICODE_TOKEN.upper(), "tökén-ü?😀-0123456789"],
)  # fmt: skip
def test_a_wrong_unicode_token_is_401(settings: Settings, store: Store, given: str) -> None:
    post, calls = _token_client(settings, store, UNICODE_TOKEN)
    assert post(_wsgi(f"Bearer {given}")) == 401
    assert post(f"Bearer {given}") == 401
    assert calls == []


def test_a_latin1_token_sent_as_latin1_still_matches(settings: Settings, store: Store) -> None:
    # Python's http.client (and so requests) sends header text as Latin-1.
    token = "geheimnis-für-tests-0123"
    post, calls = _token_client(settings, store, token)
    assert post(f"Bearer {token}".encode("latin-1").decode("latin-1")) == 200
    assert post(_wsgi(f"Bearer {token}")) == 200
    assert post(_wsgi("Bearer geheimnis-fur-tests-0123")) == 401
    assert calls == [1, 1]


def _raw_post(port: int, authorization: bytes) -> int:
    request = (
        b"POST /refresh HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n"
        b"Authorization: " + authorization + b"\r\n\r\n"
    )
    with socket.create_connection((HOST, port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1])


def test_a_unicode_token_over_a_real_server_and_healthz_shows_no_path(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    config = write_config(tmp_path, extra=f"[refresh]\ntoken = {json.dumps(UNICODE_TOKEN, ensure_ascii=False)}\n")
    with running_server(config) as server:
        assert _raw_post(server.port, f"Bearer {UNICODE_TOKEN}".encode()) == 200
        assert _raw_post(server.port, "Bearer tökén-ü€😁-0123456789".encode()) == 401
        health = _raw_health(server.port)
    assert str(tmp_path) not in health and "sqlite" not in health


def _raw_health(port: int) -> str:
    with socket.create_connection((HOST, port), timeout=10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data.decode("utf-8")


# ---------------------------------------------------------------------------- /healthz


def test_healthz_shows_no_path_when_the_index_is_broken(settings: Settings) -> None:
    settings.db_path.parent.mkdir(parents=True)
    settings.db_path.write_bytes(b"this is not a database, " * 200)
    with open_store(settings) as store:
        client = create_app(settings, store=store).test_client()
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "error"
    text = response.get_data(as_text=True)
    for leak in (str(settings.db_path), str(settings.db_path.parent), settings.db_path.name, "/"):
        assert leak not in text, text


def test_healthz_ok_has_the_documented_fields_and_no_path(settings: Settings, store: Store) -> None:
    run_refresh(settings, store, now=lambda: FIXED_NOW)
    response = create_app(settings, store=store).test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert {"status", "articles", "last_refresh", "generation"} <= set(body)
    assert body["status"] == "ok" and body["articles"] == 2
    text = response.get_data(as_text=True)
    assert str(settings.db_path.parent) not in text and str(settings.seeds_dir) not in text
