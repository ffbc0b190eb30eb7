"""The SSRF guard: which webhook URLs the server refuses, after DNS resolution."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import httpx
import pytest

from taskmaster_server.settings import Settings
from taskmaster_server.webhooks.ssrf import BlockedAddress, UrlPolicy, resolve_host
from tests.fixtures.server import ServerUser
from tests.server.helpers import assert_problem, auth

HOOK = {"events": ["task.created"]}


def resolving_to(*addresses: str) -> Callable[[str, int, float], list[object]]:
    def resolve(host: str, port: int, timeout: float) -> list[object]:
        return [ipaddress.ip_address(a) for a in addresses]

    return resolve


def unresolvable(host: str, port: int, timeout: float) -> list[object]:
    raise BlockedAddress(f"{host} does not resolve")


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "127.0.0.1",
        "::1",
        "169.254.169.254",
        "169.254.10.10",
        "fe80::1",
        "fd00:ec2::254",
        "fc00::5",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "ff02::1",
        "100.64.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_names_resolving_to_non_public_addresses_are_refused(address: str) -> None:
    policy = UrlPolicy(resolver=resolving_to(address))  # type: ignore[arg-type]
    with pytest.raises(BlockedAddress, match="not allowed"):
        policy.check("https://innocent.example.com/hook")


def test_one_bad_address_among_good_ones_is_enough_to_refuse() -> None:
    policy = UrlPolicy(resolver=resolving_to("93.184.215.14", "10.0.0.1"))  # type: ignore[arg-type]
    with pytest.raises(BlockedAddress):
        policy.check("https://mixed.example.com/")


def test_public_addresses_are_allowed_and_the_checked_address_is_returned() -> None:
    policy = UrlPolicy(resolver=resolving_to("93.184.215.14"))  # type: ignore[arg-type]
    target = policy.check("https://hooks.example.com:8443/x")
    assert target is not None
    assert (target.scheme, target.host, target.port) == ("https", "hooks.example.com", 8443)
    assert str(target.address) == "93.184.215.14"


def test_allow_private_still_refuses_metadata_multicast_and_unspecified() -> None:
    policy = UrlPolicy(allow_private=True)
    assert policy.check("http://10.0.0.5/hook") is not None
    assert policy.check("http://[::1]:9000/hook") is not None
    for url in (
        "http://169.254.169.254/latest/meta-data",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ):
        with pytest.raises(BlockedAddress):
            policy.check(url)


def test_allowed_networks_are_exact() -> None:
    policy = UrlPolicy(allowed_networks=["127.0.0.1/32", "10.9.0.0/16"])
    assert policy.check("http://127.0.0.1:8080/") is not None
    assert policy.check("http://10.9.200.1/") is not None
    for url in ("http://127.0.0.2/", "http://10.8.0.1/", "http://169.254.169.254/"):
        with pytest.raises(BlockedAddress):
            policy.check(url)


def test_names_are_not_resolved_at_creation_but_are_at_send_time() -> None:
    looked_up: list[str] = []

    def recording(host: str, port: int, timeout: float) -> list[object]:
        looked_up.append(host)
        return unresolvable(host, port, timeout)  # type: ignore[no-any-return]

    policy = UrlPolicy(resolver=recording)  # type: ignore[arg-type]
    assert policy.check("https://not-yet.example.com/", resolve=False) is None
    assert looked_up == []
    with pytest.raises(BlockedAddress, match="does not resolve"):
        policy.check("https://not-yet.example.com/")
    assert looked_up == ["not-yet.example.com"]


@pytest.mark.parametrize(
    "url", ["http://localhost:8080/", "http://api.localhost/", "http://metadata/"]
)
def test_never_public_names_are_refused_without_a_lookup(url: str) -> None:
    with pytest.raises(BlockedAddress):
        UrlPolicy(resolver=unresolvable).check(url, resolve=False)  # type: ignore[arg-type]
    assert (
        UrlPolicy(allowed_networks=["127.0.0.0/8"]).check("http://localhost:1/", resolve=False)
        is None
    )


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "/relative", "http://:80/", "http://h:99999/"]
)
def test_only_absolute_http_urls(url: str) -> None:
    with pytest.raises(BlockedAddress):
        UrlPolicy().check(url, resolve=False)


def test_localhost_resolves_to_loopback() -> None:
    # /etc/hosts: no network traffic.
    addresses = resolve_host("localhost", 80, 2.0)
    assert addresses
    assert all(a.is_loopback for a in addresses)
    with pytest.raises(BlockedAddress):
        UrlPolicy().check("http://localhost:8080/hook")


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "TASKMASTER_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32, 10.0.0.0/8",
            "TASKMASTER_WEBHOOK_WORKER": "false",
            "TASKMASTER_WEBHOOK_RETRY_BASE": "0.5",
            "TASKMASTER_WEBHOOK_MAX_ATTEMPTS": "4",
        }
    )
    assert settings.webhook_allowed_networks == ("127.0.0.1/32", "10.0.0.0/8")
    assert (settings.webhook_worker, settings.webhook_retry_base) == (False, 0.5)
    assert settings.webhook_max_attempts == 4
    with pytest.raises(ValueError, match="does not appear to be"):
        Settings.from_env({"TASKMASTER_WEBHOOK_ALLOWED_NETWORKS": "10.0.0.0/8,nonsense"})


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost:8080/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fd00:ec2::254]/",
    ],
)
async def test_the_api_refuses_them_on_create_and_update(
    api_client: httpx.AsyncClient, make_user: Callable[..., ServerUser], url: str
) -> None:
    headers = await auth(api_client, make_user())
    refused = await api_client.post("/webhooks", json={**HOOK, "url": url}, headers=headers)
    body = assert_problem(refused, 422, "validation-error")
    assert body["errors"][0]["pointer"] == "/url"
    assert "not allowed" in body["detail"]
    created = await api_client.post(
        "/webhooks", json={**HOOK, "url": "https://93.184.215.14/hook"}, headers=headers
    )
    assert created.status_code == 201, created.text
    changed = await api_client.patch(
        f"/webhooks/{created.json()['id']}", json={"url": url}, headers=headers
    )
    assert_problem(changed, 422, "validation-error")
