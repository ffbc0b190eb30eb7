"""Token stores: the protocol, the in-memory store and the 0600 file store keyed by API URL."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from taskmaster import FileTokenStore, MemoryTokenStore, TokenSet, TokenStore
from taskmaster._tokens import default_token_path

A = "http://a.test/api/v1"
B = "http://b.test/api/v1"


@pytest.mark.parametrize("make", [MemoryTokenStore, lambda: FileTokenStore(None)])
def test_stores_follow_the_protocol(make, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    store = make()
    assert isinstance(store, TokenStore)
    assert store.load(A) is None
    tokens = TokenSet("acc", "ref", 123.0, "account")
    store.save(A, tokens)
    store.save(B, TokenSet("other"))
    assert store.load(A) == tokens
    store.clear(A)
    assert store.load(A) is None
    assert store.load(B) == TokenSet("other")


def test_file_store_is_private_and_atomic(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "tokens.json"
    store = FileTokenStore(path)
    store.save(A, TokenSet("acc", "ref"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["tokens.json"]  # no temp file left


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"http://a.test/api/v1": 5}'])
def test_unreadable_file_means_no_tokens(tmp_path: Path, content: str) -> None:
    path = tmp_path / "tokens.json"
    path.write_text(content)
    store = FileTokenStore(path)
    assert store.load(A) is None
    store.save(B, TokenSet("x"))  # and it can be written again
    assert store.load(B) == TokenSet("x")


def test_default_path_follows_xdg(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_token_path() == tmp_path / "taskmaster" / "tokens.json"
