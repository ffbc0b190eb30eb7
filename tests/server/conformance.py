"""Spec-derived conformance checks: every filter changes a result, every writable field round-trips.

An upsert (a POST whose 201 wraps the resource) is checked twice on one key, its schema's
``x-upsert-key``: created from a full body, then every other field changed.

Everything is read from the spec: the list operations and their query parameters, the create
and update operations and their bodies, the resource each returns, the values to send (from each
property's schema: enums, date-times, uuids, booleans, arrays, objects, strings within their
lengths) and the rows a filter needs (rows that match and rows that do not). What the spec
cannot say sits in three small tables, each entry saying why:

- ``PAGING``/``SORT``/``SEARCH`` (here): parameters checked generically as paging, sorting and
  word search, not as filters on a property;
- ``FILTER_PROPERTIES`` (spec_shapes.py): a filter whose property is not named after it;
- ``ROW_BUILDERS`` (spec_fixtures.py): lists whose rows no create operation of their own path makes (events are
  side effects of writes; deliveries are queued by events and moved on only by the worker).

A check never stops at the first problem: ``Conformance.run()`` returns every failure, each
naming the operation and the parameter or field.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tests.server.spec_fixtures import WORDS, SpecFixtures
from tests.server.spec_shapes import (
    Operation,
    filter_property,
    operations,
    properties,
    same,
    splitting_value,
)

PAGING = {"limit", "cursor", "offset"}
SORT = {"sort"}
# Word search: which properties it reads (the spec says so in prose only).
SEARCH = {"search": ("title", "description")}


def _wrapper_property(op: Operation, resource: dict[str, Any]) -> str | None:
    """The property of the 201 answer that holds the resource (``task`` of an upsert)."""
    answer = op.response_schema("201") or {}
    for name, schema in properties(answer).items():
        if resource and set(resource) <= set(properties(schema)):
            return name
    return None


@dataclass
class Conformance(SpecFixtures):
    """Runs the checks against one server; each operation in a fresh account (its rows are ours)."""

    # Only the operations of these tags (default: all).
    tags: frozenset[str] | None = None
    failures: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.failures.append(message)

    # -- writable fields round-trip --------------------------------------------------------
    # Only fields the resource shows are sent and compared: a write-only one (a webhook's
    # secret, a batch item's if_match) has nothing to be read back from.

    async def check_create(self, creator: Operation) -> None:
        collection = creator.path
        resource = self.resource_fields(collection)
        params = await self.parents(collection)
        baseline = await self.create(creator, params, 3, full=False)
        sent_schema = creator.json_body() or {}
        body = await self.body(sent_schema, 0, full=True, avoid=baseline, only=resource)
        response = await self.call("POST", collection, params, json=body)
        if response.status_code != 201:
            self.fail(f"{creator.operation_id}: {body} answered {response.status_code}")
            return
        got = await self.read(collection, params, response.json()["id"])
        self._compare(creator.operation_id, "create → get", body, got, sent_schema)

    async def _existing(
        self, op: Operation
    ) -> tuple[str, Operation, dict[str, str], dict[str, Any]] | None:
        """A resource to update, among siblings (so that a position has somewhere to move)."""
        collection = self.collection_of(op.path)
        creator = self.creator(collection)
        if creator is None:
            self.fail(f"{op.operation_id}: no create operation at {collection} to update")
            return None
        params = await self.parents(collection)
        for variant in (3, 4):
            await self.create(creator, params, variant, full=False)
        before = await self.create(creator, params, 0, full=True)
        return collection, creator, params, before

    async def check_update(self, updater: Operation) -> None:
        existing = await self._existing(updater)
        if existing is None:
            return
        collection, _, params, before = existing
        sent_schema = updater.json_body() or {}
        resource = self.resource_fields(collection)
        body = await self.body(sent_schema, 1, full=True, avoid=before, only=resource)
        item_param = updater.path.rsplit("/", 1)[1][1:-1]
        params = {**params, item_param: str(before["id"])}
        response = await self.call(updater.method, updater.path, params, json=body)
        if response.status_code != 200:
            self.fail(f"{updater.operation_id}: {body} answered {response.status_code}")
            return
        got = await self.read(collection, params, str(before["id"]))
        self._compare(updater.operation_id, "update → get", body, got, sent_schema)

    async def check_batch(self, op: Operation) -> None:
        """A batch of one item: created, or (items carrying an ``id``) an update."""
        items = op.batch_items() or {}
        collection = self.collection_of(op.path)
        resource = {k: v for k, v in self.resource_fields(collection).items() if k != "id"}
        if "id" in items.get("required", []):
            existing = await self._existing(op)
            if existing is None:
                return
            _, _, params, before = existing
            fields = await self.body(items, 1, full=True, avoid=before, only=resource)
            item, how = {"id": before["id"], **fields}, "batch update → get"
        else:
            params = await self.parents(collection)
            fields = await self.body(items, 0, full=True, only=resource)
            item, how = fields, "batch create → get"
        response = await self.call(op.method, op.path, params, json=[item])
        result = response.json().get("results", [{}])[0] if response.status_code == 200 else {}
        if "id" not in result or "error" in result:
            self.fail(f"{op.operation_id}: [{item}] answered {response.status_code}: {result}")
            return
        got = await self.read(collection, params, str(result["id"]))
        self._compare(op.operation_id, how, fields, got, items)

    async def check_upsert(self, op: Operation) -> None:
        """A create-or-update whose answer wraps the resource: the same key twice, the first
        call creating from a full body, the second changing every other field."""
        collection = self.collection_of(op.path)
        resource = {k: v for k, v in self.resource_fields(collection).items() if k != "id"}
        wrapper = _wrapper_property(op, resource)
        sent_schema = op.json_body() or {}
        params = await self.parents(collection)
        key = set(sent_schema.get("x-upsert-key", sent_schema.get("required", [])))
        first = await self.body(sent_schema, 0, full=True, only=resource)
        second = await self.body(sent_schema, 1, full=True, avoid=first, only=resource)
        second.update({k: v for k, v in first.items() if k in key})
        for body, status, how in (
            (first, 201, "upsert (new) → get"),
            (second, 200, "upsert → get"),
        ):
            response = await self.call(op.method, op.path, params, json=body)
            if response.status_code != status or wrapper is None:
                self.fail(f"{op.operation_id}: {body} answered {response.status_code}")
                return
            got = await self.read(collection, params, str(response.json()[wrapper]["id"]))
            self._compare(op.operation_id, how, body, got, sent_schema)

    def _compare(
        self,
        operation_id: str,
        how: str,
        body: dict[str, Any],
        got: dict[str, Any],
        sent_schema: dict[str, Any],
    ) -> None:
        for name, value in body.items():
            self.checked.append(f"{operation_id}.{name}")
            if name not in got:
                self.fail(f"{operation_id}: writable field {name!r} missing after {how}")
            elif not same(value, got[name], sent_schema["properties"][name]):
                self.fail(
                    f"{operation_id}: writable field {name!r} did not round-trip ({how}): "
                    f"sent {value!r}, read back {got[name]!r}"
                )

    # -- filters, paging, sorting ----------------------------------------------------------

    async def check_list(self, lister: Operation) -> None:
        item = lister.item_schema()
        if item is None:
            self.fail(f"{lister.operation_id}: a list without a data array")
            return
        params, rows = await self.rows(lister)
        if len(rows) < 2:
            self.fail(f"{lister.operation_id}: fixture made {len(rows)} row(s); need 2")
            return
        for param in lister.query:
            name = param["name"]
            self.checked.append(f"{lister.operation_id}?{name}")
            if name in PAGING:
                await self.check_paging(lister, params, rows, name)
            elif name in SORT:
                await self.check_sort(lister, params, rows, param)
            elif name in SEARCH:
                await self.check_search(lister, params, rows, name)
            else:
                await self.check_filter(lister, params, rows, param, item)

    async def check_filter(
        self,
        lister: Operation,
        params: dict[str, str],
        rows: list[dict[str, Any]],
        param: dict[str, Any],
        item: dict[str, Any],
    ) -> None:
        name, where = param["name"], f"{lister.operation_id}: query parameter {param['name']!r}"
        resolved = filter_property(name, param["schema"], item.get("properties", {}))
        if resolved is None:
            self.fail(f"{where} filters no property of the rows; add it to FILTER_PROPERTIES")
            return
        prop, comparison = resolved
        schema = item["properties"][prop]
        chosen = splitting_value(rows, prop, comparison, schema)
        if chosen is None:
            self.fail(f"{where}: the rows' {prop!r} values cannot show the filter")
            return
        value, expected = chosen
        query_value = [value] if param["schema"].get("type") == "array" else value
        actual = set(await self.ids(lister, params, {name: query_value, "limit": 100}))
        if actual != expected:
            ignored = " (ignored: every row came back)" if len(actual) == len(rows) else ""
            self.fail(
                f"{where}={query_value!r}{ignored}: expected the {len(expected)} of "
                f"{len(rows)} rows with {prop} {comparison} {value!r}, got {len(actual)}"
            )

    async def check_paging(
        self, lister: Operation, params: dict[str, str], rows: list[dict[str, Any]], name: str
    ) -> None:
        where = f"{lister.operation_id}: query parameter {name!r}"
        everything = await self.ids(lister, params, {"limit": 100})
        if name == "limit":
            if await self.ids(lister, params, {"limit": 1}) != everything[:1]:
                self.fail(f"{where}=1 did not return just the first row")
        elif name == "offset":
            if await self.ids(lister, params, {"offset": 1, "limit": 100}) != everything[1:]:
                self.fail(f"{where}=1 did not skip the first row")
        elif name == "cursor":
            first = await self.call("GET", lister.path, params, query={"limit": 1})
            cursor = first.json().get("next_cursor")
            if not cursor:
                self.fail(f"{where}: a first page of 1 of {len(rows)} rows had no next_cursor")
                return
            second = await self.ids(lister, params, {"limit": 1, "cursor": cursor})
            if second != everything[1:2]:
                self.fail(f"{where}: the next page did not continue after the first")

    async def check_sort(
        self,
        lister: Operation,
        params: dict[str, str],
        rows: list[dict[str, Any]],
        param: dict[str, Any],
    ) -> None:
        match = re.search(r"\(([\w|]+)\)", param["schema"].get("pattern", ""))
        if match is None:
            self.fail(f"{lister.operation_id}: sort keys not derivable from the pattern")
            return
        for key in match.group(1).split("|"):
            ascending = await self.ids(lister, params, {"sort": key, "limit": 100})
            descending = await self.ids(lister, params, {"sort": f"-{key}", "limit": 100})
            if descending != ascending[::-1] or len(set(ascending)) != len(rows):
                self.fail(
                    f"{lister.operation_id}: query parameter 'sort'={key!r}: "
                    f"-{key} is not the reverse of {key}"
                )

    async def check_search(
        self, lister: Operation, params: dict[str, str], rows: list[dict[str, Any]], name: str
    ) -> None:
        fields = SEARCH[name]

        def words(row: dict[str, Any]) -> set[str]:
            text = " ".join(str(row.get(f) or "") for f in fields)
            return set(re.findall(r"\w+", text.lower()))

        for word in WORDS:
            expected = {str(r["id"]) for r in rows if word in words(r)}
            if 0 < len(expected) < len(rows):
                actual = set(await self.ids(lister, params, {name: word, "limit": 100}))
                if actual != expected:
                    self.fail(
                        f"{lister.operation_id}: query parameter {name!r}={word!r}: expected "
                        f"{len(expected)} of {len(rows)} rows, got {len(actual)}"
                    )
                return
        self.fail(f"{lister.operation_id}: query parameter {name!r}: no word splits the rows")

    # -- everything ------------------------------------------------------------------------

    def _check_for(self, op: Operation) -> Callable[[Operation], Awaitable[None]] | None:
        if op.method == "GET" and op.item_schema() is not None and op.query:
            return self.check_list
        creator = self.creator(op.path) if op.method == "POST" else None
        if creator is not None and creator.operation_id == op.operation_id:
            return self.check_create
        if op.method in {"PATCH", "PUT"} and op.json_body() is not None and op.path[-1] == "}":
            return self.check_update
        if op.method in {"POST", "PATCH"} and op.batch_items() is not None:
            return self.check_batch
        if op.method == "POST" and op.json_body() is not None:
            resource = self.resource_fields(self.collection_of(op.path))
            if resource and _wrapper_property(op, resource) is not None:
                return self.check_upsert
        return None

    async def run(self) -> list[str]:
        """Every check on every operation it applies to; the failures, each naming its own."""
        for op in operations(self.spec):
            check = self._check_for(op)
            if check is None or (self.tags is not None and op.spec["tags"][0] not in self.tags):
                continue
            self.headers = await self.new_account()
            try:
                await check(op)
            except (LookupError, AssertionError) as error:
                self.fail(f"{op.operation_id}: could not be checked: {error}")
        return self.failures
