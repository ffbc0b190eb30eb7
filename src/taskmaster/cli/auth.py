"""`login`, `logout`, `whoami`: the session kept in the config directory's token store."""

from __future__ import annotations

from typing import Annotated

import typer

from .._exceptions import APIError, AuthenticationError
from .context import connect, make_client, session
from .errors import CliError, ExitCode
from .output import print_detail, print_json

__all__ = ["login", "logout", "whoami"]

ApiUrl = Annotated[
    str | None,
    typer.Option(
        "--api-url",
        # No envvar here: the root option reads TASKMASTER_API_URL, and an explicit
        # `taskmaster --api-url X login` must not lose to the environment.
        help="The server, e.g. http://127.0.0.1:8000 (/api/v1 is added); same as the root option.",
    ),
]


def login(
    ctx: typer.Context,
    email: Annotated[
        str | None,
        typer.Option(help="Your email (asked for when not given).", envvar="TASKMASTER_EMAIL"),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="Your password (asked for, unechoed, when not given).",
            envvar="TASKMASTER_PASSWORD",
        ),
    ] = None,
    api_url: ApiUrl = None,
    account_id: Annotated[
        str | None,
        typer.Option(
            help="Act in this account (default: your first one).", envvar="TASKMASTER_ACCOUNT_ID"
        ),
    ] = None,
) -> None:
    """Log in and keep the tokens (mode 0600) for this server; later commands use them."""
    # Prompts go to stderr, as gh's do: stdout stays the command's output, for pipes.
    if email is None:
        email = str(typer.prompt("Email", err=True))
    if password is None:
        password = str(typer.prompt("Password", hide_input=True, err=True))
    with session(ctx) as state:
        url = state.resolve_api_url(api_url)
        with make_client(state, url) as client:
            try:
                client.authenticate(email=email, password=password, account_id=account_id)
            except AuthenticationError as exc:
                request = f" (request_id: {exc.request_id})" if exc.request_id else ""
                raise CliError(
                    f"wrong email or password for {url}{request}", ExitCode.NOT_AUTHENTICATED
                ) from exc
            me = client.get_me()
        state.save_api_url(url)
    typer.echo(f"Logged in to {url} as {me.user.email} (account {me.account_id}, {me.role}).")
    typer.echo(f"Tokens saved in {state.token_store.path}.")


def logout(
    ctx: typer.Context,
    all_sessions: Annotated[
        bool, typer.Option("--all-sessions", help="Revoke every session of your user.")
    ] = False,
) -> None:
    """Revoke this session's refresh token on the server and forget the stored tokens."""
    with session(ctx) as state:
        url = state.resolve_api_url()
        store = state.token_store
        if store.load(url) is None:
            typer.echo(f"Not logged in to {url}.")
            return
        with make_client(state, url) as client:
            try:
                client.logout(all_sessions=all_sessions)
            except APIError as exc:
                # The local tokens go anyway: logging out must work with the server down.
                store.clear(url)
                typer.echo(f"warning: the server did not confirm the logout: {exc}", err=True)
    typer.echo(f"Logged out of {url}.")


def whoami(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Who you are logged in as, the acting account, and your accounts."""
    with connect(ctx) as client:
        me = client.get_me()
    if as_json:
        print_json(me)
        return
    accounts = [f"{m.account.name} ({m.account.id}, {m.role})" for m in me.accounts]
    print_detail(
        me.user.email,
        [
            ("user", me.user.id),
            ("account", me.account_id),
            ("role", me.role),
            ("accounts", "\n".join(accounts)),
            ("server", client.api_url),
        ],
    )
