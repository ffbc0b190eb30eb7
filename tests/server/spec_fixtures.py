"""Fixtures derived from the spec: values for any property, parents for nested paths, resources,
and rows for a list that differ in every writable field.

Values come from each property's schema (enums, date-times, uuids, booleans, integers, arrays,
objects, strings within their lengths); a ``<thing>_id`` field gets a new resource made by
``POST /<thing>s``; a nested path's parents are made by their collections' create operations.
``ROW_BUILDERS`` holds what the spec cannot say: the lists whose rows no create operation of
their own path makes.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from taskmaster_server.db.models import WebhookDelivery
from taskmaster_server.openapi import ApiSpec
from taskmaster_server.runtime import Runtime
from tests.server.spec_shapes import Operation, non_null, operations, properties

# Distinct words so that every row can be told apart by a word search.
WORDS = ("alpha", "bravo", "charlie", "delta", "echo")


def _pick(values: list[Any], variant: int, avoid: Any) -> Any:
    for i in range(len(values)):
        value = values[(variant + i) % len(values)]
        if value != avoid:
            return value
    return values[variant % len(values)]


def _word(variant: int) -> str:
    return WORDS[variant % len(WORDS)]


Builder = Callable[["SpecFixtures", Operation], Awaitable[dict[str, str]]]


@dataclass
class SpecFixtures:
    """Makes what the checks need on one server, as the user of ``headers``."""

    client: httpx.AsyncClient
    spec: ApiSpec
    runtime: Runtime
    # A fresh account per operation checked, so that every list holds only its fixture's rows.
    new_account: Callable[[], Awaitable[dict[str, str]]]
    headers: dict[str, str] = field(default_factory=dict)
    _by_route: dict[tuple[str, str], Operation] = field(init=False)

    def __post_init__(self) -> None:
        self._by_route = {(op.method, op.path): op for op in operations(self.spec)}

    # -- the spec's shape ------------------------------------------------------------------

    def op(self, method: str, path: str) -> Operation | None:
        return self._by_route.get((method, path))

    def creator(self, collection: str) -> Operation | None:
        """The POST that creates the collection's resources: it answers 201 with the resource
        itself (an upsert's 201 wraps it, and its path is no collection)."""
        op = self.op("POST", collection)
        created = op.response_schema("201") if op and op.json_body() else None
        return op if op and created and "id" in properties(created) else None

    def collection_of(self, path: str) -> str:
        """The collection a write path belongs to: ``/tasks`` for ``/tasks/{task_id}`` and for
        ``/tasks/batch``, ``/tasks/{task_id}/subtasks`` for ``.../subtasks/{subtask_id}``."""
        collection = path
        while collection.count("/") > 1 and self.creator(collection) is None:
            collection = collection.rsplit("/", 1)[0]
        return collection

    def resource_fields(self, collection: str) -> dict[str, Any]:
        """The properties of the collection's resource, as its create returns it."""
        creator = self.creator(collection)
        return properties(creator.response_schema("201") or {}) if creator else {}

    # -- HTTP ----------------------------------------------------------------------------

    async def call(
        self,
        method: str,
        path: str,
        params: dict[str, str],
        *,
        json: Any = None,
        query: Any = None,
    ) -> httpx.Response:
        url = re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], path)
        return await self.client.request(method, url, json=json, params=query, headers=self.headers)

    # -- values from schemas -------------------------------------------------------------

    async def sample(
        self, name: str, schema: dict[str, Any], variant: int, avoid: Any = None
    ) -> Any:
        schema = non_null(schema)
        if "enum" in schema:
            return _pick([v for v in schema["enum"] if v is not None], variant, avoid)
        kind = schema.get("type")
        if kind == "boolean":
            return (not avoid) if isinstance(avoid, bool) else variant % 2 == 0
        if kind == "integer":
            low = schema.get("minimum", 0)
            value = low + 1 + variant
            return min(value, schema.get("maximum", value))
        if kind == "number":
            return schema.get("minimum", 0) + 1.5 + variant
        if kind == "array":
            return [await self.sample(name, schema.get("items", {}), variant, None)]
        if kind == "object" and "properties" in schema:
            return await self.body(schema, variant, full=False)
        if kind == "object":
            return {"conformance": _word(variant)}
        fmt = schema.get("format")
        if fmt == "date-time":
            return f"2031-0{1 + variant % 9}-1{variant % 10}T10:30:00+00:00"
        if fmt == "uuid":
            return await self.reference(name, variant)
        if fmt == "uri":
            return f"https://example.com/conformance/{_word(variant)}"
        if "pattern" in schema:
            example = schema.get("example")
            if isinstance(example, str) and re.search(schema["pattern"], example):
                return example
            raise LookupError(f"no value for {name!r}: its pattern has no example")
        text = f"conformance {name} {_word(variant)}"
        return text[: schema.get("maxLength", len(text))]

    async def reference(self, name: str, variant: int) -> str:
        """A new resource for a ``<thing>_id`` field: made by ``POST /<thing>s``."""
        collection = "/" + name.removesuffix("_id") + "s"
        creator = self.creator(collection) if name.endswith("_id") else None
        if creator is None:
            return str(uuid.uuid4())
        created = await self.create(creator, {}, variant, full=False)
        return str(created["id"])

    async def body(
        self,
        schema: dict[str, Any],
        variant: int,
        *,
        full: bool,
        avoid: dict[str, Any] | None = None,
        only: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        fields = schema.get("properties", {})
        wanted = set(only) if only is not None else set(fields)
        body = {}
        for name, prop in fields.items():
            if prop.get("readOnly") or name not in wanted:
                continue
            required = name in schema.get("required", [])
            if full or required:
                try:
                    body[name] = await self.sample(name, prop, variant, (avoid or {}).get(name))
                except LookupError:
                    if required:
                        raise
        return body

    # -- resources and rows --------------------------------------------------------------

    async def parents(self, path: str) -> dict[str, str]:
        """Path parameters of a nested collection, each a new parent made by its creator."""
        params: dict[str, str] = {}
        segments = path.strip("/").split("/")
        for i, segment in enumerate(segments):
            if segment.startswith("{"):
                collection = "/" + "/".join(segments[:i])
                creator = self.creator(collection)
                if creator is None:
                    raise LookupError(f"no operation creates the {segment} of {path}")
                created = await self.create(creator, params, 0, full=False)
                params[segment.strip("{}")] = str(created["id"])
        return params

    async def create(
        self,
        creator: Operation,
        params: dict[str, str],
        variant: int,
        *,
        full: bool,
        avoid: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        schema = creator.json_body() or {}
        body = await self.body(schema, variant, full=full, avoid=avoid)
        response = await self.call("POST", creator.path, params, json=body)
        if response.status_code != 201:
            raise AssertionError(
                f"{creator.operation_id}: {body} answered {response.status_code}: {response.text}"
            )
        created: dict[str, Any] = response.json()
        created["_sent"] = body
        return created

    async def read(self, collection: str, params: dict[str, str], item_id: str) -> dict[str, Any]:
        """The resource as a GET returns it: its own GET, else its row in the collection's list."""
        for (method, path), _ in self._by_route.items():
            tail = path.removeprefix(collection + "/")
            if method == "GET" and tail != path and re.fullmatch(r"\{\w+\}", tail):
                response = await self.call("GET", path, {**params, tail[1:-1]: item_id})
                assert response.status_code == 200, response.text
                got: dict[str, Any] = response.json()
                return got
        response = await self.call("GET", collection, params)
        assert response.status_code == 200, response.text
        return next(row for row in response.json()["data"] if row["id"] == item_id)

    async def rows(self, lister: Operation) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """Rows for ``lister`` that differ in every writable field, as the list returns them,
        with each writable field as sent (so a dropped field still shows what was meant)."""
        builder = ROW_BUILDERS.get(lister.operation_id)
        if builder is not None:
            params = await builder(self, lister)
            sent: dict[str, dict[str, Any]] = {}
        else:
            creator = self.creator(lister.path)
            if creator is None:
                raise LookupError(f"{lister.operation_id}: no create operation to make rows")
            params = await self.parents(lister.path)
            sent = {}
            for variant in (3, 0, 1, 2):  # a required-only row, then three full ones
                created = await self.create(creator, params, variant, full=variant != 3)
                sent[str(created["id"])] = created["_sent"]
                # Distinct server-set timestamps (created_at, updated_at) between rows.
                await asyncio.sleep(0.002)
        listed = await self.call("GET", lister.path, params, query={"limit": 100})
        assert listed.status_code == 200, listed.text
        rows = [{**row, **sent.get(str(row["id"]), {})} for row in listed.json()["data"]]
        return params, rows

    async def ids(self, lister: Operation, params: dict[str, str], query: Any) -> list[str]:
        response = await self.call("GET", lister.path, params, query=query)
        if response.status_code != 200:
            raise AssertionError(f"{lister.operation_id}?{query}: {response.text}")
        return [str(row["id"]) for row in response.json()["data"]]


async def _event_rows(checks: SpecFixtures, lister: Operation) -> dict[str, str]:
    """Events are written by changes: the task fixture's projects and tasks make them."""
    await checks.rows(_lister(checks, "/tasks"))
    return {}


async def _delivery_rows(checks: SpecFixtures, lister: Operation) -> dict[str, str]:
    """Deliveries are queued by events for a subscribed webhook, and only the delivery worker
    moves them on; the rows get every status of the filter's enum through the database."""
    hooks = checks.creator("/webhooks")
    assert hooks is not None
    schema = hooks.json_body() or {}
    events = non_null(schema["properties"]["events"]["items"])["enum"]
    response = await checks.call(
        "POST", "/webhooks", {}, json={"url": "https://example.com/hook", "events": events}
    )
    assert response.status_code == 201, response.text
    webhook_id = response.json()["id"]
    for variant in range(3):
        await checks.create(_creator(checks, "/tasks"), {}, variant, full=False)
    status = next(p for p in lister.query if p["name"] == "status")
    statuses = [s for s in non_null(status["schema"])["enum"] if s is not None]
    with checks.runtime.db.write() as session:
        rows = session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == uuid.UUID(webhook_id))
            .order_by(WebhookDelivery.created_at)
        ).all()
        for i, row in enumerate(rows):
            row.status = statuses[i % len(statuses)]
    return {"webhook_id": webhook_id}


def _lister(checks: SpecFixtures, path: str) -> Operation:
    op = checks.op("GET", path)
    assert op is not None
    return op


def _creator(checks: SpecFixtures, path: str) -> Operation:
    op = checks.creator(path)
    assert op is not None
    return op


ROW_BUILDERS: dict[str, Builder] = {
    "list_events": _event_rows,
    "list_webhook_deliveries": _delivery_rows,
}
