"""The clients' cookie jar (_cookies.py): responses without Set-Cookie are not parsed for
cookies, and a cookie a gateway sets (a sticky session, say) is still kept and sent back."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from taskmaster._cookies import SetCookieJar
from tests.sdk.conftest import task_json


def test_a_cookie_set_by_a_gateway_is_sent_back(router: Any, client_factory: Any) -> None:
    task_id = str(uuid.uuid4())
    sent: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("cookie"))
        headers = {"Set-Cookie": "sticky=node-2; Path=/"} if len(sent) == 1 else {}
        return httpx.Response(200, json=task_json(id=task_id), headers=headers)

    router.get(f"/tasks/{task_id}").mock(side_effect=answer)
    client = client_factory(token="t", verify_tokens=False)
    client.get_task(task_id)
    client.get_task(task_id)
    client.get_task(task_id)
    assert sent == [None, "sticky=node-2", "sticky=node-2"]


def test_responses_without_set_cookie_are_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[object] = []
    monkeypatch.setattr(
        "http.cookiejar.CookieJar.make_cookies", lambda self, r, q: parsed.append(r) or []
    )
    jar = httpx.Cookies(SetCookieJar())
    request = httpx.Request("GET", "https://api.example.com/tasks")
    jar.extract_cookies(httpx.Response(200, request=request, headers={"X-Request-ID": "1"}))
    assert parsed == []
    jar.extract_cookies(httpx.Response(200, request=request, headers={"Set-Cookie": "a=b"}))
    assert len(parsed) == 1
