"""taskmaster.webhooks.verify against the independent `standardwebhooks` implementation."""

from __future__ import annotations

import base64
import json
import os
import time

import pytest
import standardwebhooks

from taskmaster import webhooks
from taskmaster.webhooks import WebhookVerificationError

SECRET = "whsec_" + base64.b64encode(os.urandom(32)).decode()
EVENT = {
    "id": "8f1b4d3c-5e6a-4b8c-8d0e-2f3a4b5c6d7e",
    "seq": 42,
    "type": "task.completed",
    "account_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "project_id": None,
    "occurred_at": "2026-11-04T16:20:00+00:00",
    "data": {"object": {"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "title": "Ship"}},
}
BODY = json.dumps(EVENT, separators=(",", ":"))


def oracle_headers(body: str, secret: str = SECRET, *, ts: int | None = None) -> dict[str, str]:
    """Headers as the reference implementation signs them."""
    stamp = int(time.time()) if ts is None else ts
    from datetime import UTC, datetime

    when = datetime.fromtimestamp(stamp, tz=UTC)
    signature = standardwebhooks.Webhook(secret).sign(EVENT["id"], when, body)
    return {
        "webhook-id": str(EVENT["id"]),
        "webhook-timestamp": str(stamp),
        "webhook-signature": signature,
    }


def test_a_delivery_signed_by_the_oracle_verifies_into_a_typed_event() -> None:
    event = webhooks.verify(BODY, oracle_headers(BODY), SECRET)
    assert event.seq == 42
    assert event.type_ == "task.completed"
    assert event.occurred_at.tzinfo is not None
    assert str(event.id) == EVENT["id"]


def test_our_signature_verifies_with_the_oracle() -> None:
    headers = webhooks.sign(BODY, SECRET, msg_id=str(EVENT["id"]))
    verified = standardwebhooks.Webhook(SECRET).verify(BODY, headers)
    assert verified == EVENT


def test_header_names_are_case_insensitive_and_bytes_bodies_work() -> None:
    headers = {k.upper(): v for k, v in oracle_headers(BODY).items()}
    assert webhooks.verify(BODY.encode(), headers, SECRET).seq == 42


def test_any_of_several_signatures_may_match_during_a_rotation() -> None:
    old = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    headers = oracle_headers(BODY)
    headers["webhook-signature"] = (
        oracle_headers(BODY, old)["webhook-signature"] + " " + headers["webhook-signature"]
    )
    assert webhooks.verify(BODY, headers, SECRET).seq == 42
    assert webhooks.verify(BODY, headers, old).seq == 42


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda h, b: (h, b.replace('"seq":42', '"seq":43')), "no webhook-signature matches"),
        (lambda h, b: ({**h, "webhook-id": "other"}, b), "no webhook-signature matches"),
        (lambda h, b: ({**h, "webhook-signature": "v1,AAAA"}, b), "no webhook-signature"),
        (lambda h, b: ({**h, "webhook-signature": "v2,xyz"}, b), "no webhook-signature"),
        (lambda h, b: ({**h, "webhook-signature": "v1,%%%"}, b), "no webhook-signature"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b), "missing"),
        (lambda h, b: ({**h, "webhook-timestamp": "soon"}, b), "not a number"),
    ],
)
def test_tampering_raises_a_typed_error(mutate, message) -> None:  # type: ignore[no-untyped-def]
    headers, body = mutate(oracle_headers(BODY), BODY)
    with pytest.raises(WebhookVerificationError, match=message):
        webhooks.verify(body, headers, SECRET)


def test_a_wrong_secret_fails_for_us_and_for_the_oracle() -> None:
    other = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    headers = oracle_headers(BODY)
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(BODY, headers, other)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(other).verify(BODY, headers)


@pytest.mark.parametrize("skew", [-301, 301])
def test_timestamps_outside_the_tolerance_are_refused(skew: int) -> None:
    headers = oracle_headers(BODY, ts=int(time.time()) + skew)
    with pytest.raises(WebhookVerificationError, match=r"too old|future"):
        webhooks.verify(BODY, headers, SECRET)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(SECRET).verify(BODY, headers)


def test_the_tolerance_is_configurable() -> None:
    headers = oracle_headers(BODY, ts=int(time.time()) - 3600)
    assert webhooks.verify(BODY, headers, SECRET, tolerance=7200).seq == 42


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"id": "x"}'])
def test_an_authentic_body_that_is_not_an_event_raises_the_typed_error(body: str) -> None:
    headers = webhooks.sign(body, SECRET, msg_id="m1")
    with pytest.raises(WebhookVerificationError, match="not a Task Master event"):
        webhooks.verify(body, headers, SECRET)


def test_a_malformed_secret_raises_the_typed_error() -> None:
    with pytest.raises(WebhookVerificationError, match="secret"):
        webhooks.verify(BODY, oracle_headers(BODY), "whsec_***")
