"""A Sphinx extension that documents a module's public surface: exactly the names in `__all__`.

    ```{public-api} taskmaster
    :group: errors
    ```

expands to autodoc directives for the names of one group, so the reference follows `__all__`
when it changes, and cannot document a private helper by accident. A name's group comes from
what it is and the module it comes from, never from a list:

- `clients`: classes from a `_client` module, each sync class before its `Async` twin;
- `resources`: what the clients' namespace properties return (`client.tasks` ...), found
  through their type hints, one rubric per namespace (these classes need not be in `__all__`);
- `models`: classes re-exported from the generated package (`taskmaster_api`);
- `errors`: exceptions, in hierarchy order;
- `classes`: the other classes, grouped by their home module under its docstring's first line;
- `functions`, `data`, `modules`, and `rest` (whatever the other groups on the page did not take).

It also resolves a reference to a re-exported object by its home module
(`taskmaster._client.TaskMasterClient`, `taskmaster_api.models.task.Task`: what signatures name)
to where the reference documents it (`taskmaster.TaskMasterClient`, `taskmaster.Task`).
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import re
import typing
from collections.abc import Iterable
from types import ModuleType
from typing import Any, ClassVar

from docutils import nodes
from docutils.nodes import Node
from docutils.parsers.rst import directives
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docstrings import prepare_docstring
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode
from sphinx.util.parsing import nested_parse_to_nodes

GROUPS = ("clients", "resources", "models", "errors", "classes", "functions", "data", "modules")


def public_names(module: ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        return []
    return [str(name) for name in names]


def group_of(obj: object) -> str:
    if inspect.ismodule(obj):
        return "modules"
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return "errors"
        if obj.__module__.startswith("taskmaster_api"):
            return "models"
        if obj.__module__.rsplit(".", 1)[-1] == "_client":
            return "clients"
        return "classes"
    if inspect.isroutine(obj):
        return "functions"
    return "data"


def twin_order(names: Iterable[str]) -> list[str]:
    """Alphabetical, except that each `AsyncX` follows its `X`."""
    return sorted(names, key=lambda name: (name.removeprefix("Async"), name.startswith("Async")))


def module_order(classes: dict[str, type]) -> list[tuple[str, list[str]]]:
    """The classes by home module (in module order), each module's in twin order."""
    modules: dict[str, list[str]] = {}
    for name, cls in classes.items():
        modules.setdefault(cls.__module__, []).append(name)
    return [(module, twin_order(modules[module])) for module in sorted(modules)]


def namespaces(clients: dict[str, type]) -> list[tuple[str, list[type]]]:
    """The clients' resource namespaces: each public property typed as a class of the client's
    own package with public methods (`client.tasks -> Tasks`), by attribute, the sync client's
    class first. `with_*` views of the whole client (`with_raw_response`) are not resources."""
    found: dict[str, list[type]] = {}
    for name in twin_order(clients):
        client = clients[name]
        package = client.__module__.split(".")[0]
        seen: set[str] = set()
        for owner in client.__mro__:
            for attr, member in vars(owner).items():
                if attr.startswith(("_", "with_")) or attr in seen:
                    continue
                seen.add(attr)
                if not isinstance(member, (property, functools.cached_property)):
                    continue
                getter = member.fget if isinstance(member, property) else member.func
                try:
                    returned = typing.get_type_hints(getter).get("return")
                except Exception:  # a hint naming what only type checkers import
                    continue
                if (
                    inspect.isclass(returned)
                    and returned.__module__.split(".")[0] == package
                    and _has_public_methods(returned)
                ):
                    classes = found.setdefault(attr, [])
                    if returned not in classes:
                        classes.append(returned)
    return list(found.items())


def _has_public_methods(cls: type) -> bool:
    return any(
        not attr.startswith("_") and inspect.isfunction(member)
        for klass in cls.__mro__
        if klass is not object
        for attr, member in vars(klass).items()
    )


def _title(module: str) -> str:
    """A module's docstring's first line, as reST (Markdown backticks become literals)."""
    doc = inspect.getdoc(importlib.import_module(module)) or module
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", doc.strip().splitlines()[0])


def hierarchy_order(classes: dict[str, type]) -> list[str]:
    """Exception names depth first from the roots, so the page reads like the class tree."""
    by_class = {cls: name for name, cls in classes.items()}
    ordered: list[str] = []

    def visit(cls: type) -> None:
        ordered.append(by_class[cls])
        children = [c for c in by_class if c is not cls and cls in c.__bases__]
        for child in sorted(children, key=by_class.__getitem__):
            visit(child)

    roots = [c for c in by_class if not any(base in by_class for base in c.__bases__)]
    for root in sorted(roots, key=by_class.__getitem__):
        visit(root)
    return ordered


def directive_lines(module: str, name: str, obj: object, group: str) -> list[str]:
    """The autodoc directive (reST) for one name."""
    target = f"{module}.{name}"
    if group == "modules":
        return [f".. automodule:: {getattr(obj, '__name__', target)}", "   :members:", ""]
    if group == "functions":
        return [f".. autofunction:: {target}", ""]
    if group == "data":
        return [f".. autodata:: {target}", "   :no-value:", ""]
    if group == "models":
        if isinstance(obj, type) and issubclass(obj, enum.Enum):
            return [f".. autoclass:: {target}", "   :members:", "   :undoc-members:", ""]
        # attrs models: their fields are the docstring's Attributes section; the generated
        # (de)serialisation helpers are not part of what users read.
        return [f".. autoclass:: {target}", ""]
    if group == "errors":
        return [f".. autoclass:: {target}", "   :members:", "   :show-inheritance:", ""]
    # Clients are assembled from private mixins (one per resource): document what they
    # inherit (but not what every dict or object has), and do not name the private bases.
    return [
        f".. autoclass:: {target}",
        "   :members:",
        "   :undoc-members:",
        "   :inherited-members: dict, object",
        "",
    ]


EMPTY = {"resources": "(none: the clients' methods are listed with the clients above)"}

# Resource classes documented on this build: their signature (the client they are bound to) is
# not something users call, so it is left out (hide_constructor).
RESOURCE_CLASSES: set[str] = set()


def resource_lines(clients: dict[str, Any]) -> list[str]:
    """One rubric per namespace (`client.tasks`), then its sync and async classes.

    Their `with_*` views (`client.tasks.with_raw_response`) are the methods again, documented
    once in the raw-responses guide rather than per namespace."""
    lines: list[str] = []
    for attr, classes in namespaces(clients):
        lines += [f".. rubric:: ``client.{attr}``", ""]
        for cls in classes:
            target = f"{cls.__module__}.{cls.__qualname__}"
            RESOURCE_CLASSES.add(target)
            views = sorted({a for k in cls.__mro__ for a in vars(k) if a.startswith("with_")})
            lines += [f".. autoclass:: {target}", "   :members:", "   :undoc-members:"]
            if views:
                lines.append(f"   :exclude-members: {', '.join(views)}")
            lines.append("")
    return lines


def hide_constructor(
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: object,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    if what == "class" and name in RESOURCE_CLASSES:
        return "", None
    return None


class PublicApiDirective(SphinxDirective):
    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"group": directives.unchanged_required}

    def run(self) -> list[Node]:
        module_name = self.arguments[0]
        group = self.options.get("group", "rest")
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            raise self.error(f"public-api: cannot import {module_name}: {error}") from None
        # Names already documented by this page's earlier public-api directives (for `rest`).
        taken: set[str] = self.env.temp_data.setdefault(f"public-api:{module_name}", set())  # type: ignore[assignment]
        members = {name: getattr(module, name) for name in public_names(module)}
        if group == "rest":
            chosen = {n: o for n, o in members.items() if n not in taken}
        elif group == "resources":
            chosen = {n: o for n, o in members.items() if group_of(o) == "clients"}
        elif group in GROUPS:
            chosen = {n: o for n, o in members.items() if group_of(o) == group}
        else:
            raise self.error(f"public-api: unknown group {group!r}; one of {GROUPS} or 'rest'")
        lines: list[str] = []
        if group == "resources":
            lines = resource_lines(chosen)
        elif group == "classes":
            for home, names in module_order(chosen):
                lines += [f".. rubric:: {_title(home)}", ""]
                for name in names:
                    lines += directive_lines(module_name, name, chosen[name], group)
                taken.update(names)
        else:
            names = hierarchy_order(chosen) if group == "errors" else twin_order(chosen)
            taken.update(names)
            for name in names:
                lines += directive_lines(module_name, name, chosen[name], group_of(chosen[name]))
        if not lines:
            return [nodes.paragraph(text=EMPTY.get(group, "(none)"))]
        text = "\n".join(lines)
        if self.env.doc2path(self.env.docname).suffix == ".md":
            # Under MyST, nested text is Markdown, and autodoc's own output is reST: hand the
            # whole block to MyST's eval-rst, which parses it (and autodoc's output) as reST.
            text = "````{eval-rst}\n" + text + "\n````"
        return nested_parse_to_nodes(self.state, text, source=f"<public-api {group}>")


def import_target(path: str) -> object | None:
    """The object a dotted path names (`pkg.mod.Name`, `pkg.mod.Class.attr`), or None."""
    parts = path.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attr in parts[split:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def resolve_reexport(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.TextElement
) -> nodes.reference | None:
    """Link `pkg._private.Name` to `taskmaster.Name` when both name the same, documented object."""
    if node.get("refdomain") != "py":
        return None
    target = str(node.get("reftarget", ""))
    if "." not in target:
        return None
    objects = env.get_domain("py").objects  # type: ignore[attr-defined]
    for module in app.config.public_api_modules:
        public = f"{module}.{target.rsplit('.', 1)[-1]}"
        if public == target or public not in objects:
            continue
        obj = import_target(target)
        if obj is not None and obj is import_target(public):
            entry = objects[public]
            return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode)
    return None


ATTRIBUTE = re.compile(r"^(?P<name>\w+) \((?P<type>[^)]*)\):\s*(?P<text>.*)$")


def tidy_generated_docstring(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Turn a generated model's Google-style docstring into reST (generated/ is never edited).

    openapi-python-client writes `Attributes:` entries (`name (type): text`, with ragged
    continuation lines from multi-line spec descriptions) and an `Example:` JSON dump. The
    entries become `:ivar:`/`:vartype:` fields, whose types link to the documented models; the
    example is dropped (the REST reference shows it better).
    """
    if not str(getattr(obj, "__module__", "")).startswith("taskmaster_api"):
        return
    text: list[str] = []
    entries: list[list[str]] = []
    section = ""
    for line in lines:
        stripped = line.strip()
        if line and not line[0].isspace() and stripped.endswith(":"):
            section = stripped[:-1]
        elif section == "Attributes" and stripped:
            if line.startswith("    ") and not line.startswith("     "):
                entries.append([stripped])
            elif entries:
                entries[-1].append(stripped)  # a continuation line of the entry above
        elif section not in ("Attributes", "Example"):
            text.append(line)
    while text and not text[-1].strip():
        text.pop()
    fields: list[str] = []
    for entry in entries:
        match = ATTRIBUTE.match(" ".join(entry))
        if match:
            fields.append(f":ivar {match['name']}: {match['text']}".rstrip())
            fields.append(f":vartype {match['name']}: {match['type']}")
    lines[:] = [*text, "", *fields] if fields else text


def borrow_twin_docstring(
    app: Sphinx, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """An undocumented method of an async class takes its sync twin's docstring.

    `AsyncX` borrows from `X` in its own module or the module without the `async_` prefix
    (`public_api_twins` can name another): the async methods do the same as the sync ones,
    awaited, and are written without repeating the text.
    """
    if lines or what not in ("method", "function", "property"):
        return
    owner, _, attr = name.rpartition(".")
    module, _, cls = owner.rpartition(".")
    # Configured, else derived: `pkg.mod.AsyncTasks` borrows from `pkg.mod.Tasks` when it exists.
    twin = app.config.public_api_twins.get(owner)
    if twin is None and cls.startswith("Async"):
        package, _, leaf = module.rpartition(".")
        candidates = [f"{module}.{cls[5:]}"]
        if package and leaf.startswith("async_"):
            candidates.append(f"{package}.{leaf.removeprefix('async_')}.{cls[5:]}")
        twin = next((c for c in candidates if import_target(c) is not None), None)
    if twin is None:
        return
    twin_obj = import_target(f"{twin}.{attr}")
    doc = getattr(twin_obj, "__doc__", None)
    if doc:
        lines[:] = prepare_docstring(doc)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.autodoc")
    app.add_config_value("public_api_modules", ["taskmaster"], "env")
    app.add_config_value("public_api_twins", {}, "env")
    app.add_directive("public-api", PublicApiDirective)
    app.connect("missing-reference", resolve_reexport)
    app.connect("autodoc-process-docstring", tidy_generated_docstring)
    app.connect("autodoc-process-docstring", borrow_twin_docstring)
    app.connect("autodoc-process-signature", hide_constructor)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
