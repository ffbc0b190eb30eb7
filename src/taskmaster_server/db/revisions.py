"""Which migrations a database has, and which ones an upgrade applied (for `migrate` to say).

Read before and after ``upgrade()``, not inside it, so the report does not depend on how the
upgrade itself is run (its locking, its transaction per migration).
"""

from __future__ import annotations

from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from taskmaster_server.db.migrate import alembic_config
from taskmaster_server.db.session import normalize_url

__all__ = ["Revision", "applied_between", "current_revisions", "describe_upgrade"]


@dataclass(frozen=True)
class Revision:
    id: str
    name: str  # the first line of the migration's docstring

    def __str__(self) -> str:
        return f"{self.id} ({self.name})" if self.name else self.id


def current_revisions(database_url: str) -> tuple[str, ...]:
    """The revision ids the database is at; ``()`` for a database never migrated."""
    engine = create_engine(normalize_url(database_url))
    try:
        with engine.connect() as connection:
            return tuple(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()


def _revision(scripts: ScriptDirectory, revision_id: str) -> Revision:
    script = scripts.get_revision(revision_id)
    doc = (script.doc or "").strip().splitlines() if script is not None else []
    return Revision(revision_id, doc[0].rstrip(".") if doc else "")


def applied_between(
    database_url: str, before: tuple[str, ...], after: tuple[str, ...]
) -> list[Revision]:
    """The revisions that lead from ``before`` to ``after``, oldest first."""
    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    if set(before) == set(after):
        return []
    walked = scripts.iterate_revisions(after, before or "base")
    ids = [script.revision for script in walked if script.revision not in before]
    return [_revision(scripts, revision_id) for revision_id in reversed(ids)]


def describe_upgrade(database_url: str, before: tuple[str, ...], after: tuple[str, ...]) -> str:
    """What ``migrate`` prints: what was applied, or that there was nothing to apply."""
    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    now = ", ".join(str(_revision(scripts, r)) for r in after) or "no revision"
    applied = applied_between(database_url, before, after)
    if not applied:
        return f"nothing to apply: the database is at the latest revision, {now}"
    lines = [f"applied {len(applied)} migration{'s' if len(applied) != 1 else ''}:"]
    lines += [f"  {revision.id}  {revision.name}".rstrip() for revision in applied]
    lines.append(f"the database is at the latest revision, {', '.join(after)}")
    return "\n".join(lines)
