"""Where tokens live between requests: the `TokenStore` protocol and two stores.

`MemoryTokenStore` (the default) keeps them for the life of the process. `FileTokenStore`
keeps them in one JSON file (mode 0600, written atomically) keyed by API URL, so a CLI stays
logged in across runs and against several servers.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

__all__ = ["FileTokenStore", "MemoryTokenStore", "TokenSet", "TokenStore", "default_token_path"]


@dataclass(frozen=True, slots=True)
class TokenSet:
    """The tokens of one session. `expires_at` is the access token's expiry (Unix seconds).

    Its repr shows only the first characters of each token.
    """

    access_token: str | None = None
    refresh_token: str | None = None
    expires_at: float | None = None
    account_id: str | None = None

    def __repr__(self) -> str:
        return (
            f"TokenSet(access_token={_mask(self.access_token)}, "
            f"refresh_token={_mask(self.refresh_token)}, expires_at={self.expires_at!r}, "
            f"account_id={self.account_id!r})"
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> TokenSet | None:
        """The tokens in `data`, or None when it is not a stored token set."""
        if not isinstance(data, dict):
            return None
        access, refresh = data.get("access_token"), data.get("refresh_token")
        expires, account = data.get("expires_at"), data.get("account_id")
        if not (isinstance(access, str) or isinstance(refresh, str)):
            return None
        return cls(
            access_token=access if isinstance(access, str) else None,
            refresh_token=refresh if isinstance(refresh, str) else None,
            expires_at=float(expires) if isinstance(expires, int | float) else None,
            account_id=account if isinstance(account, str) else None,
        )


def _mask(token: str | None) -> str:
    return "None" if token is None else f"'{token[:6]}...'"


@runtime_checkable
class TokenStore(Protocol):
    """Keeps a `TokenSet` per API URL. Implementations must be safe to call from threads."""

    def load(self, api_url: str) -> TokenSet | None: ...

    def save(self, api_url: str, tokens: TokenSet) -> None: ...

    def clear(self, api_url: str) -> None: ...


class MemoryTokenStore:
    """Tokens in this process only."""

    def __init__(self) -> None:
        self._tokens: dict[str, TokenSet] = {}

    def load(self, api_url: str) -> TokenSet | None:
        return self._tokens.get(api_url)

    def save(self, api_url: str, tokens: TokenSet) -> None:
        self._tokens[api_url] = tokens

    def clear(self, api_url: str) -> None:
        self._tokens.pop(api_url, None)

    def __repr__(self) -> str:
        return f"MemoryTokenStore(urls={sorted(self._tokens)!r})"


def default_token_path() -> Path:
    """`$XDG_CONFIG_HOME/taskmaster/tokens.json` (`~/.config/...` by default)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "taskmaster" / "tokens.json"


class FileTokenStore:
    """Tokens in a JSON file readable by its owner only: `{api_url: TokenSet}`.

    Every save rewrites the file through a temporary file and `os.replace`, so a crash never
    leaves half a file; a file that is unreadable or not ours loads as "no tokens".
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_token_path()
        self._lock = threading.Lock()

    def load(self, api_url: str) -> TokenSet | None:
        return TokenSet.from_json(self._read().get(api_url))

    def save(self, api_url: str, tokens: TokenSet) -> None:
        with self._lock:
            data = self._read()
            data[api_url] = tokens.to_json()
            self._write(data)

    def clear(self, api_url: str) -> None:
        with self._lock:
            data = self._read()
            if data.pop(api_url, None) is not None:
                self._write(data)

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".tokens-", dir=self.path.parent)  # created 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=2, sort_keys=True)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def __repr__(self) -> str:
        return f"FileTokenStore(path={str(self.path)!r})"
