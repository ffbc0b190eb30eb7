"""The spec read as the SDK generator needs it: resources, operations, parameters, bodies.

Everything a generated method does is decided here from the spec (plus the checked names file);
the templates only print it.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Operation", "Resource", "SpecError", "read_spec"]

PAGE_MARKERS = ("next_cursor", "next_after")
PASCAL = re.compile(r"(?<!^)(?=[A-Z])")


class SpecError(Exception):
    """The spec (or the names file) asks for something the generator cannot express."""


@dataclass
class Param:
    name: str  # the Python keyword (and the generated endpoint's)
    annotation: str  # what the method accepts
    convert: str  # an expression of `v` giving the generated endpoint's argument
    description: str = ""
    default: str = "None"
    positional: bool = False
    needs: list[str] = field(default_factory=list)  # models `convert` uses


@dataclass
class BodyField:
    name: str
    annotation: str  # keyword type, without `| NotGiven`
    typed_dict: str  # the TypedDict value type
    required: bool


@dataclass
class Body:
    kind: str  # "model" | "models" | "ids"
    model: str  # the generated model (of the items, for "models")
    params: str  # the TypedDict of the dict form
    arg: str  # the positional argument's name
    fields: list[BodyField] = field(default_factory=list)


@dataclass
class Operation:
    id: str
    tag: str
    http_method: str
    path: str
    method: str  # the resource method name
    flat: str | None  # the client method name, if any
    endpoint_module: str  # taskmaster_api.api.<tag>.<id>
    doc: str
    path_params: list[Param] = field(default_factory=list)
    query: list[Param] = field(default_factory=list)
    headers: list[Param] = field(default_factory=list)
    filters: str | None = None
    body: Body | None = None
    result: str = "none"  # "none" | "model" | "page" | "list"
    model: str | None = None  # the parsed model (the list model for page/list)
    item: str | None = None  # the item model of page/list
    etag: bool = False
    if_match: str | None = None  # the model whose ETag `if_match=` may be given as
    if_none_match: bool = False
    account: bool = False
    write: bool = False

    @property
    def returns(self) -> str:
        if self.result == "model":
            return str(self.model)
        if self.result == "list":
            return f"builtins.list[{self.item}]"
        if self.result == "page":
            return f"{{pager}}[{self.item}]"
        return "None"

    @property
    def call_type(self) -> str:
        if self.result == "page":
            return f"Page[{self.item}]"
        return self.returns

    @property
    def keywords(self) -> bool:
        """Whether the method has keyword-only parameters besides `**options`."""
        body_fields = self.body is not None and bool(self.body.fields)
        return bool(
            [q for q in self.query if not q.positional]
            or body_fields
            or self.headers
            or self.if_match
            or self.if_none_match
            or self.account
        )

    @property
    def positional_only(self) -> bool:
        return self.body is not None or self.filters is not None


@dataclass
class Resource:
    tag: str
    attr: str  # client.<attr>
    cls: str  # Tasks
    module: str  # tasks
    description: str
    operations: list[Operation]
    lib: str | None = None


def bullet(name: str, text: str) -> str:
    """One parameter's line of a docstring's list (reStructuredText, as the docs read it)."""
    return textwrap.fill(f"`{name}`: {text}", width=88, initial_indent="- ", subsequent_indent="  ")


def snake(name: str) -> str:
    return PASCAL.sub("_", name).lower().replace("-", "_").replace(" ", "_")


class Reader:
    def __init__(self, spec: dict[str, Any], names: dict[str, Any]) -> None:
        self.spec = spec
        self.names = names
        self.schemas: dict[str, Any] = spec.get("components", {}).get("schemas", {})
        self.models: set[str] = set()  # generated model names the output refers to

    # --- schemas -------------------------------------------------------------------------

    def ref_name(self, schema: dict[str, Any]) -> str | None:
        ref = schema.get("$ref")
        return ref.rsplit("/", 1)[1] if isinstance(ref, str) else None

    def resolve(self, obj: dict[str, Any]) -> dict[str, Any]:
        ref = obj.get("$ref")
        if not isinstance(ref, str):
            return obj
        node: Any = self.spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return self.resolve(node)

    def is_enum(self, schema: dict[str, Any]) -> bool:
        return "enum" in self.resolve(schema)

    def model(self, name: str) -> str:
        self.models.add(name)
        return name

    def accept(self, schema: dict[str, Any], *, where: str) -> str:
        """The Python type a method accepts for a value of `schema` (`where`: query/body)."""
        name = self.ref_name(schema)
        target = self.resolve(schema)
        if name is not None and "enum" in target:
            return f"{self.model(name)} | str"
        kind = target.get("type")
        fmt = target.get("format")
        if kind == "string":
            if fmt == "uuid":
                return "Id | HasId" if where == "query" else "uuid.UUID | str"
            if fmt == "date-time":
                return "datetime.datetime | str"
            if "enum" in target:
                return "str"
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            item = self.accept(target.get("items", {}), where="body")
            return f"Sequence[{item}]"
        return "Mapping[str, Any]"

    def query_param(self, p: dict[str, Any], positional: bool) -> Param:
        name = p["name"]
        schema = p.get("schema", {})
        target = self.resolve(schema)
        accept = self.accept(schema, where="query")
        convert = "v"
        needs: list[str] = []
        if target.get("type") == "array":
            items = target.get("items", {})
            item_name = self.ref_name(items)
            item_type = self.accept(items, where="query")
            accept = f"{item_type} | Sequence[{item_type}]"
            if item_name is not None and self.is_enum(items):
                needs.append(item_name)
                convert = f'to_enum_list({item_name}, v, "{name}")'
            elif self.resolve(items).get("type") == "string":
                convert = f'to_str_list(v, "{name}")'
            else:
                convert = "list(v)"
        elif self.ref_name(schema) is not None and "enum" in target:
            needs.append(str(self.ref_name(schema)))
            convert = f'to_enum({self.ref_name(schema)}, v, "{name}")'
        elif target.get("format") == "uuid":
            convert = f'ref(v, "{name}")'
        elif target.get("format") == "date-time":
            convert = f'to_datetime(v, "{name}")'
        default = "None"
        if positional:
            if "default" not in target:
                raise SpecError(f"positional query parameter {name} has no default in the spec")
            default = repr(target["default"])
        return Param(
            name=name,
            annotation=accept,
            convert=convert,
            description=p.get("description", ""),
            default=default,
            positional=positional,
            needs=needs,
        )

    # --- operations ----------------------------------------------------------------------

    def body(self, op: dict[str, Any], op_id: str, http_method: str) -> Body | None:
        content = op.get("requestBody", {}).get("content", {})
        if not content:
            return None
        schema = next(iter(content.values()))["schema"]
        name = self.ref_name(schema)
        target = self.resolve(schema)
        if target.get("type") == "array":
            items = target.get("items", {})
            item_name = self.ref_name(items)
            if item_name is not None:
                return Body("models", self.model(item_name), f"{item_name}Params", "items")
            if self.resolve(items).get("format") == "uuid":
                return Body("ids", "", "", "ids")
            raise SpecError(f"{op_id}: an array body of {items} is not supported")
        if name is None or target.get("type") != "object":
            raise SpecError(f"{op_id}: the request body must be a $ref to an object schema")
        required = set(target.get("required", []))
        fields = []
        for prop, prop_schema in target.get("properties", {}).items():
            accept = self.accept(prop_schema, where="body")
            if self.resolve(prop_schema).get("nullable"):
                accept += " | None"
            fields.append(BodyField(prop, accept, accept, prop in required))
        base = re.sub(r"(Create|Update)$", "", name)
        arg = "changes" if http_method == "patch" else base.lower()
        return Body("model", self.model(name), f"{name}Params", arg, fields)

    def result(self, operation: Operation, op: dict[str, Any]) -> None:
        status, response = next(
            ((s, r) for s, r in op.get("responses", {}).items() if str(s).startswith("2")),
            (None, None),
        )
        if response is None:
            raise SpecError(f"{operation.id}: no 2xx response")
        response = self.resolve(response)
        headers = {h.lower() for h in response.get("headers", {})}
        content = response.get("content", {})
        if not content:
            return
        schema = next(iter(content.values()))["schema"]
        name = self.ref_name(schema)
        if name is None:
            raise SpecError(f"{operation.id}: the {status} body must be a $ref to a schema")
        target = self.resolve(schema)
        props = target.get("properties", {})
        data = props.get("data", {})
        item = self.ref_name(data.get("items", {})) if data.get("type") == "array" else None
        operation.model = self.model(name)
        if item is not None and "has_more" in props and any(m in props for m in PAGE_MARKERS):
            operation.result, operation.item = "page", self.model(item)
        elif item is not None and set(props) == {"data"}:
            operation.result, operation.item = "list", self.model(item)
        else:
            operation.result = "model"
            operation.etag = "etag" in headers

    def method_name(self, op_id: str, tag: str) -> str:
        override = self.names.get("methods", {}).get(op_id)
        if override:
            return str(override)
        noun = snake(tag).lower()
        drop = {noun, noun.removesuffix("s"), noun.removesuffix("es")}
        words = [w for w in op_id.split("_") if w not in drop]
        return "_".join(words) or op_id

    def operations(self) -> list[Operation]:
        hand = self.names.get("hand_written", {})
        no_flat = self.names.get("no_flat", {})
        found: list[Operation] = []
        paths = self.spec.get("paths", {})
        get_models: dict[str, str | None] = {}
        for path, item in paths.items():
            get = item.get("get")
            if isinstance(get, dict):
                probe = Operation(get["operationId"], "", "get", path, "", None, "", "")
                self.result(probe, get)
                get_models[path] = probe.model if probe.result == "model" else None
        for path, item in paths.items():
            shared = [self.resolve(p) for p in item.get("parameters", [])]
            for http_method, op in item.items():
                if http_method == "parameters" or not isinstance(op, dict):
                    continue
                op_id = op["operationId"]
                if op_id in hand:
                    continue
                tags = op.get("tags") or ["Default"]
                tag = tags[0]
                operation = Operation(
                    id=op_id,
                    tag=tag,
                    http_method=http_method,
                    path=path,
                    method=self.method_name(op_id, tag),
                    flat=None if op_id in no_flat else op_id,
                    endpoint_module=f"taskmaster_api.api.{snake(tag)}.{op_id}",
                    doc="",
                    write=http_method in ("post", "patch", "put"),
                )
                own = [self.resolve(p) for p in op.get("parameters", [])]
                params = {(p["in"], p["name"]): p for p in [*shared, *own]}
                positional = self.names.get("positional", {}).get(op_id, [])
                for (where, name), p in params.items():
                    if where == "path":
                        operation.path_params.append(self.path_param(p))
                    elif where == "query":
                        operation.query.append(self.query_param(p, name in positional))
                    elif where == "header":
                        self.header(operation, p, get_models.get(path))
                operation.query.sort(key=lambda q: (not q.positional, 0))
                operation.query.sort(
                    key=lambda q: positional.index(q.name) if q.name in positional else 99
                )
                operation.filters = self.names.get("filters", {}).get(op_id)
                operation.body = self.body(op, op_id, http_method)
                self.result(operation, op)
                if operation.if_none_match and operation.result != "model":
                    operation.if_none_match = False  # a list's ETag: raw-only
                operation.doc = self.docstring(op, operation)
                found.append(operation)
        return found

    def path_param(self, p: dict[str, Any]) -> Param:
        schema = self.resolve(p.get("schema", {}))
        if schema.get("format") == "uuid":
            return Param(
                p["name"], "Id | HasId", f'ref(v, "{p["name"]}")', p.get("description", "")
            )
        return Param(p["name"], self.accept(schema, where="query"), "v", p.get("description", ""))

    def header(self, operation: Operation, p: dict[str, Any], get_model: str | None) -> None:
        name = p["name"].lower()
        if name == "x-account-id":
            operation.account = True
        elif name == "idempotency-key":
            operation.write = True
        elif name == "if-match":
            operation.if_match = get_model or "str"
        elif name == "if-none-match":
            operation.if_none_match = True
        else:
            py = snake(p["name"])
            operation.headers.append(Param(py, "str", "v", p.get("description", "")))

    def docstring(self, op: dict[str, Any], operation: Operation) -> str:
        parts = [op.get("summary", operation.id).strip().rstrip(".") + "."]
        description = op.get("description", "").strip()
        if description:
            parts.append(description)
        described = [
            p
            for p in [*operation.path_params, *operation.query, *operation.headers]
            if p.description
        ]
        if described:
            parts.append(
                "Parameters:\n\n"
                + "\n".join(bullet(p.name, " ".join(p.description.split())) for p in described)
            )
        text = "\n\n".join(parts).replace("\\", "\\\\").replace('"""', "'''")
        return text


def read_spec(spec: dict[str, Any], names: dict[str, Any]) -> tuple[list[Resource], Reader]:
    reader = Reader(spec, names)
    ids = {
        op["operationId"]
        for item in spec.get("paths", {}).values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for section in ("methods", "hand_written", "no_flat", "positional", "filters"):
        unknown = set(names.get(section) or {}) - ids
        if unknown:
            raise SpecError(f"names file, {section}: no such operation {sorted(unknown)}")
    tag_info = {t["name"]: t.get("description", "") for t in spec.get("tags", [])}
    unknown_tags = set(names.get("lib") or {}) - set(tag_info)
    if unknown_tags:
        raise SpecError(f"names file, lib: no such tag {sorted(unknown_tags)}")
    by_tag: dict[str, list[Operation]] = {}
    for operation in reader.operations():
        by_tag.setdefault(operation.tag, []).append(operation)
    resources = []
    for tag in [*tag_info, *sorted(set(by_tag) - set(tag_info))]:
        ops = by_tag.get(tag)
        if not ops:
            continue
        methods = [o.method for o in ops]
        if len(set(methods)) != len(methods):
            raise SpecError(f"tag {tag}: two operations give the same method name {methods}")
        module = snake(tag)
        cls = "".join(w.capitalize() for w in module.split("_"))
        if cls in reader.schemas:  # `Health` the namespace is not `Health` the model
            cls += "Resource"
        resources.append(
            Resource(
                tag=tag,
                attr=module,
                cls=cls,
                module=module,
                description=tag_info.get(tag, ""),
                operations=ops,
                lib=(names.get("lib") or {}).get(tag),
            )
        )
    flat = [o.flat for r in resources for o in r.operations if o.flat]
    if len(set(flat)) != len(flat):
        raise SpecError("two operations give the same client method name")
    return resources, reader
