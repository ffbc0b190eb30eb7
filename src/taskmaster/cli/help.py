"""Help text as people read it: `TASK_ID`, `--due-before DATE`, whole summaries.

typer's defaults print a required argument as `{task_id}`, an option's value as `<str>` and cut
a command's summary at 45 characters with "...". Every command and group of this CLI uses the
classes here instead (`cls=Command`; groups through `SuggestingGroup`), which print:

- arguments in capitals, `[OPTIONAL]` in brackets, `TASK_IDS...` when repeatable;
- an option's value by what it is (`TEXT`, `N`, `FILE`, `pending|done|...`) unless the option
  names it itself (`metavar="DATE"`);
- a command's summary as the first sentence of its docstring, never truncated (the formatter
  wraps it instead).
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from typer.core import TyperArgument, TyperCommand

__all__ = ["Command", "HelpMixin", "first_sentence"]

_SENTENCE = re.compile(r"^(.+?[.;])(?:\s|$)", re.S)
# typer/click type names -> what a reader sees.
_BY_TYPE = {"text": "TEXT", "str": "TEXT", "int": "N", "integer": "N", "integer range": "N", "float": "NUMBER",
            "path": "PATH", "filename": "FILE", "directory": "DIR", "uuid": "ID"}  # fmt: skip


def first_sentence(text: str | None) -> str:
    """The summary of a docstring: its first sentence or clause, whole, without the stop."""
    if not text:
        return ""
    paragraph = inspect.cleandoc(text).split("\n\n", 1)[0].replace("\n", " ")
    match = _SENTENCE.match(paragraph)
    return (match.group(1) if match else paragraph).rstrip(".;")


def _option_metavar(param: Any) -> str | None:
    kind = param.type
    choices = getattr(kind, "choices", None)
    if choices:
        return "|".join(str(choice) for choice in choices)
    name = str(getattr(kind, "name", "")).lower()
    if getattr(kind, "dir_okay", None) is True and getattr(kind, "file_okay", None) is False:
        name = "directory"
    elif getattr(kind, "file_okay", None) is True and getattr(kind, "dir_okay", None) is False:
        name = "filename"
    return _BY_TYPE.get(name, name.upper() or None)


class HelpMixin:
    """Metavars, usage line and summary of a command or group (see the module docstring)."""

    params: list[Any]
    help: str | None
    short_help: str | None
    options_metavar: str | None

    def _name_metavars(self) -> None:
        for param in self.params:
            if param.metavar is not None or getattr(param, "is_flag", False):
                continue
            if isinstance(param, TyperArgument):
                param.metavar = str(param.name or "").upper() + ("..." if param.nargs != 1 else "")
            elif param.param_type_name == "option" and not getattr(param, "count", False):
                param.metavar = _option_metavar(param)

    def get_short_help_str(self, limit: int = 45) -> str:
        return first_sentence(self.short_help or self.help)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.params:
            if not isinstance(param, TyperArgument):
                continue
            name = param.metavar or str(param.name or "").upper()
            pieces.append(name if param.required else f"[{name}]")
        return pieces


class Command(HelpMixin, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_metavars()

    def get_short_help_str(self, limit: int = 45) -> str:
        return HelpMixin.get_short_help_str(self, limit)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return HelpMixin.collect_usage_pieces(self, ctx)
