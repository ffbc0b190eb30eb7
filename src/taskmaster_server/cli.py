"""``taskmaster-server``: run, migrate and seed the reference server.

Commands parse options and print; the work is done by the service layer. Every option can
also come from its ``TASKMASTER_*`` environment variable (see settings.py).
"""

from __future__ import annotations

import os
import uuid
from typing import Annotated

import typer

from taskmaster_server.auth.passwords import Passwords
from taskmaster_server.db.migrate import upgrade
from taskmaster_server.db.session import Database
from taskmaster_server.log import configure_logging
from taskmaster_server.problems import Problem
from taskmaster_server.read_deadlines import PROTOCOL
from taskmaster_server.settings import Settings

__all__ = ["app", "main"]

app = typer.Typer(help="The Task Master reference server.", no_args_is_help=True)

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", envvar="TASKMASTER_DATABASE_URL", help="Database URL."),
]


def _settings(database_url: str | None) -> Settings:
    settings = Settings.from_env()
    return settings.with_changes(database_url=database_url) if database_url else settings


def _passwords(settings: Settings) -> Passwords:
    return Passwords(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(envvar="TASKMASTER_HOST", help="Address to bind.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="TASKMASTER_PORT", help="Port to bind.")] = 8000,
    workers: Annotated[
        int, typer.Option(envvar="TASKMASTER_WORKERS", help="Worker processes.")
    ] = 1,
    migrate: Annotated[bool, typer.Option(help="Run the migrations first.")] = True,
    require_all_handlers: Annotated[
        bool,
        typer.Option(
            "--require-all-handlers/--allow-missing-handlers",
            "--strict",
            envvar="TASKMASTER_REQUIRE_ALL_HANDLERS",
            help="Refuse to start when an operation of the spec has no handler "
            "(default: log them and answer 501 for those).",
        ),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the API with uvicorn (migrating the database first)."""
    import uvicorn

    from taskmaster_server.openapi import ApiSpec, spec_path
    from taskmaster_server.resolver import MissingHandlersError, missing_handlers

    settings = _settings(database_url)
    configure_logging(settings.log_level)
    if require_all_handlers:
        # Checked here, once, before any worker starts (each would fail on its own); the
        # workers build their app from the environment, so the choice is passed on there.
        missing = missing_handlers(ApiSpec(spec_path(settings.spec_path)))
        if missing:
            typer.echo(f"taskmaster-server: {MissingHandlersError(missing)}", err=True)
            raise typer.Exit(1)
    os.environ["TASKMASTER_REQUIRE_ALL_HANDLERS"] = "true" if require_all_handlers else "false"
    if migrate:
        upgrade(settings.database_url)
    if database_url:
        # Workers build their app from the environment (app_from_env), so pass it on there.
        os.environ["TASKMASTER_DATABASE_URL"] = database_url
    uvicorn.run(
        "taskmaster_server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # The app trusts forwarded headers itself, from TASKMASTER_TRUSTED_PROXIES only
        # (uvicorn's own default would trust any client on 127.0.0.1).
        proxy_headers=False,
        http=PROTOCOL,
        log_config=None,
    )


@app.command("migrate")
def migrate_command(database_url: DatabaseUrl = None) -> None:
    """Create or upgrade the schema (Alembic migrations to head)."""
    from taskmaster_server.db.revisions import current_revisions, describe_upgrade

    settings = _settings(database_url)
    before = current_revisions(settings.database_url)
    upgrade(settings.database_url)
    after = current_revisions(settings.database_url)
    typer.echo(describe_upgrade(settings.database_url, before, after))


@app.command("create-account")
def create_account(
    name: Annotated[str, typer.Option(help="The account's name.")],
    owner: Annotated[str | None, typer.Option(help="Id of a user to make its owner.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create an account (with its default project); prints its id."""
    from taskmaster_server.services import accounts

    db = Database(_settings(database_url).database_url)
    try:
        account_id = accounts.create_account(db, name, uuid.UUID(owner) if owner else None)
    except Problem as problem:
        raise typer.BadParameter(str(problem.detail)) from None
    finally:
        db.dispose()
    typer.echo(str(account_id))


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="The user's email (login).")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, help="The user's password.")
    ],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    account: Annotated[
        str | None, typer.Option(help="Add to this account id instead of a new account.")
    ] = None,
    role: Annotated[
        str, typer.Option(help="Role in --account: owner, member or viewer.")
    ] = "owner",
    database_url: DatabaseUrl = None,
) -> None:
    """Create a user, owner of a new account unless --account names one."""
    from taskmaster_server.services import accounts

    settings = _settings(database_url)
    db = Database(settings.database_url)
    try:
        created = accounts.create_user(
            db,
            _passwords(settings),
            email=email,
            password=password,
            name=name,
            account_id=uuid.UUID(account) if account else None,
            role=role,
        )
    except (Problem, ValueError) as error:
        detail = error.detail if isinstance(error, Problem) else str(error)
        raise typer.BadParameter(str(detail)) from None
    finally:
        db.dispose()
    typer.echo(f"user {created.user_id} in account {created.account_id}")


@app.command("seed-demo")
def seed_demo(
    email: Annotated[str, typer.Option(help="The demo user's email.")] = "demo@example.com",
    password: Annotated[str, typer.Option(help="The demo user's password.")] = "demo-password",
    database_url: DatabaseUrl = None,
) -> None:
    """Create a demo user with a project, tasks and subtasks (idempotent per email)."""
    from taskmaster_server.seed import seed_demo_data

    settings = _settings(database_url)
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        summary = seed_demo_data(db, _passwords(settings), email=email, password=password)
    finally:
        db.dispose()
    typer.echo(summary)


def main() -> None:
    app()
