"""``kg user``: the users of the curator UI (``{data_dir}/users.json``, see kg.users).

Attach with ``main.add_command(user)``. Exit codes: 0 success; 1 the user cannot be added or
changed (the reason is printed); 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.audit_cli import record_cli
from kg.cli_options import data_dir_option
from kg.users import ROLES, UserError

EXIT_REFUSED = 1

_data_dir = data_dir_option
_password_stdin = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input (no prompt)."
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
def user() -> None:
    """Users of the curator UI (/curate) and their roles."""


@user.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=("curator",), show_default=True,
              help="A role (repeatable): curator decides on mappings, admin may do anything.")  # fmt: skip
@_password_stdin
@_data_dir
def add_cmd(name: str, roles: tuple[str, ...], password_stdin: bool, data_dir: Path) -> None:
    """Add user NAME (the password is prompted for twice, or read with --password-stdin)."""
    from kg.users import add_user, check_name, get_user

    try:
        check_name(name)
        if get_user(data_dir, name) is not None:
            raise UserError(f"user {name!r} exists already")
        u = add_user(data_dir, name, _password(password_stdin), list(roles))
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_REFUSED)
    record_cli(data_dir, "user.add", u.name, {"roles": list(u.roles)})
    click.echo(f"added {u.name} ({', '.join(u.roles)}) to {data_dir / 'users.json'}")


@user.command("list")
@_data_dir
def list_cmd(data_dir: Path) -> None:
    """Every user with their roles (never their password hashes)."""
    from kg.users import load_users

    try:
        users = load_users(data_dir)
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_REFUSED)
    if not users:
        click.echo(f"no users in {data_dir}: add one with `kg user add NAME --role curator`")
        return
    for u in users.values():
        click.echo(f"{u.name}\t{','.join(u.roles) or '-'}\tcreated {u.created or '?'}")


@user.command("passwd")
@click.argument("name")
@_password_stdin
@_data_dir
def passwd_cmd(name: str, password_stdin: bool, data_dir: Path) -> None:
    """Set NAME's password (their open sessions end)."""
    from kg.users import get_user, set_password

    try:
        if get_user(data_dir, name) is None:
            raise UserError(f"no user {name!r}")
        set_password(data_dir, name, _password(password_stdin))
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_REFUSED)
    record_cli(data_dir, "user.passwd", name)
    click.echo(f"password of {name} changed")


@user.command("remove")
@click.argument("name")
@_data_dir
def remove_cmd(name: str, data_dir: Path) -> None:
    """Remove user NAME (decisions they recorded keep their name)."""
    from kg.users import remove_user

    try:
        remove_user(data_dir, name)
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_REFUSED)
    record_cli(data_dir, "user.remove", name)
    click.echo(f"removed {name}")
