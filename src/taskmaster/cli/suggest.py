"""`Did you mean ...?` for every command group, for synonyms as well as typos.

typer suggests close spellings (`lst` -> `list`) but not other words for the same thing:
`tasks create` has no close match to `add`. The words people try from other CLIs (`gh`,
`kubectl`, `docker`) are mapped to this CLI's verbs here, at every level.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

from .help import HelpMixin

__all__ = ["SYNONYMS", "SuggestingGroup"]

# What people type -> the command that does it; a name missing from a group is ignored there.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "create": ("add",),
    "new": ("add",),
    "ls": ("list",),
    "get": ("show",),
    "view": ("show",),
    "info": ("show",),
    "describe": ("show",),
    "edit": ("update",),
    "set": ("update",),
    "modify": ("update",),
    "delete": ("rm",),
    "remove": ("rm",),
    "del": ("rm",),
    "complete": ("done",),
    "finish": ("done",),
    "close": ("done",),
    "signin": ("login",),
    "auth": ("login",),
    "signout": ("logout",),
    "me": ("whoami",),
    "listen": ("watch",),
    "events": ("watch",),
    "tail": ("watch",),
    "task": ("tasks",),
    "project": ("projects",),
    "webhook": ("webhooks",),
    "hooks": ("webhooks",),
}
# At the top level, a task verb means the `tasks` command (`taskmaster ls`).
TOP_LEVEL = {"ls": "tasks list", "list": "tasks list", "add": "tasks add", "create": "tasks add",
             "show": "tasks show", "done": "tasks done", "rm": "tasks rm"}  # fmt: skip


class SuggestingGroup(HelpMixin, TyperGroup):
    """A typer group whose "No such command" also suggests the synonyms of the word typed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_metavars()

    def get_short_help_str(self, limit: int = 45) -> str:
        return HelpMixin.get_short_help_str(self, limit)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return TyperGroup.collect_usage_pieces(self, ctx)

    # Any: typer vendors its own click, whose Context and Command are the ones passed here.
    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        if args and self.get_command(ctx, args[0]) is None:
            wanted = self.suggestions(ctx, args[0])
            if wanted:
                listed = ", ".join(repr(name) for name in wanted)
                ctx.fail(f"No such command {args[0]!r}. Did you mean {listed}?")
        return super().resolve_command(ctx, args)

    def suggestions(self, ctx: Any, typed: str) -> list[str]:
        word = typed.lower()
        found = [name for name in SYNONYMS.get(word, ()) if name in self.list_commands(ctx)]
        if not found and ctx.parent is None and word in TOP_LEVEL:
            found = [TOP_LEVEL[word]]
        return found
