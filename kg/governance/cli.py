"""``kg policy`` (access per source and record), ``kg token`` (API tokens) and ``kg user grant``
(lab roles and groups). Attach with ``main.add_command(policy)`` and ``main.add_command(token)``;
importing this module adds ``grant`` to ``kg user``.

Exit codes: 0 success; 1 refused (the reason is printed); 2 usage error; 4 the change needs the
store and another process is writing it (try again).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.cli_options import data_dir_option
from kg.governance.policy import LEVELS, PolicyError
from kg.users import LAB_ROLES, UserError
from kg.users_cli import user

EXIT_REFUSED = 1
EXIT_BUSY = 4


def _fail(message: str, code: int = EXIT_REFUSED) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


# --- kg policy --------------------------------------------------------------------------------


@click.group()
def policy() -> None:
    """Who may see each source's and record's datasets (public, internal, restricted, embargoed)."""


def _change(data_dir: Path, edit) -> None:  # type: ignore[no-untyped-def]
    from kg.audit import cli_actor
    from kg.governance.admin import StoreBusy, change

    try:
        _, how = change(data_dir, edit, cli_actor())
    except StoreBusy as exc:
        _fail(str(exc), EXIT_BUSY)
    except PolicyError as exc:
        _fail(str(exc))
    else:
        click.echo(f"policy {how}: {data_dir / 'governance' / 'policies.ttl'}")


_level = click.option("--level", type=click.Choice(LEVELS), required=True, help="Who may see it.")
_groups = click.option("--group", "groups", multiple=True, help="A group that may see it (restricted; repeatable).")
_until = click.option("--until", help="The day an embargo lifts (YYYY-MM-DD, UTC); embargoed only.")


@policy.command("set")
@click.argument("source")
@_level
@_groups
@_until
@data_dir_option
def set_cmd(source: str, level: str, groups: tuple[str, ...], until: str | None, data_dir: Path) -> None:
    """Set SOURCE's access level (every record of it without a policy of its own)."""
    from kg.audit import cli_actor
    from kg.governance.policy import parse_access, with_source

    try:
        access = parse_access(level, groups, until)
    except PolicyError as exc:
        _fail(str(exc))
    _change(data_dir, lambda p: with_source(p, source, access, cli_actor()))


@policy.command("record")
@click.argument("key")
@click.option("--level", type=click.Choice(LEVELS), help="Who may see it (omit with --clear).")
@_groups
@_until
@click.option("--clear", is_flag=True, help="Remove the record's own policy: it follows its source again.")
@data_dir_option
def record_cmd(
    key: str, level: str | None, groups: tuple[str, ...], until: str | None, clear: bool, data_dir: Path
) -> None:
    """Give record KEY (its landing-page key) a policy of its own, or --clear it."""
    from kg.audit import cli_actor
    from kg.governance.policy import parse_access, with_record

    source = _source_of(data_dir, key)
    if clear == bool(level):
        _fail("give --level (and --group / --until) or --clear")
    try:
        access = None if clear else parse_access(level or "", groups, until)
    except PolicyError as exc:
        _fail(str(exc))
    _change(data_dir, lambda p: with_record(p, source, key, access, cli_actor()))


@policy.command("lab")
@click.argument("source")
@click.argument("lab")
@data_dir_option
def lab_cmd(source: str, lab: str, data_dir: Path) -> None:
    """Say SOURCE belongs to LAB (its members, stewards and admins; default: the source's own name)."""
    from kg.governance.policy import with_lab

    _change(data_dir, lambda p: with_lab(p, source, lab))


@policy.command("show")
@click.option("--json", "as_json", is_flag=True)
@data_dir_option
def show_cmd(as_json: bool, data_dir: Path) -> None:
    """The policies in force, per source and per record."""
    from kg.governance.admin import _summary
    from kg.governance.policy import load

    try:
        p = load(data_dir)
    except PolicyError as exc:
        _fail(str(exc))
    summary = _summary(p)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo("sources not listed are public")
    for src, text in summary["sources"].items():  # type: ignore[union-attr]
        click.echo(f"source {src}\t{text}\tlab {p.lab_of(src)}")
    for key, text in summary["records"].items():  # type: ignore[union-attr]
        click.echo(f"record {key}\t{text}")
    for src, lab in summary["labs"].items():  # type: ignore[union-attr]
        if src not in p.sources:
            click.echo(f"source {src}\tpublic\tlab {lab}")


def _source_of(data_dir: Path, key: str) -> str:
    """The source of a stored record (from the newest checkpoint: works while an ingest runs)."""
    from kg.config import DataDir
    from kg.governance.admin import source_of_record
    from kg.store.oxigraph import GraphStore, latest_checkpoint

    cp = latest_checkpoint(DataDir(data_dir).checkpoints)
    if cp is None:
        _fail(f"no data in {data_dir}: run `kg ingest` first")
    with GraphStore(cp, read_only=True) as store:
        source = source_of_record(store, key)
    if source is None:
        _fail(f"no record {key!r} (the key is the last part of its landing page, /dataset/KEY)")
    return source  # type: ignore[return-value]


# --- kg token ---------------------------------------------------------------------------------


@click.group()
def token() -> None:
    """API tokens for programs (Authorization: Bearer …); a token acts as its user."""


@token.command("create")
@click.argument("name")
@click.option("--label", default="", help="What the token is for (shown in `kg token list`).")
@click.option("--days", type=click.IntRange(1, None), help="Expire after this many days (default: never).")
@data_dir_option
def token_create(name: str, label: str, days: int | None, data_dir: Path) -> None:
    """Make a token for user NAME; it is printed once, only its hash is kept."""
    from kg.audit_cli import record_cli
    from kg.tokens import create_token

    try:
        tok, text = create_token(data_dir, name, label or "token", days)
    except UserError as exc:
        _fail(str(exc))
    record_cli(data_dir, "token.create", name, {"id": tok.id, "label": tok.label, "expires": tok.expires})
    click.echo(text)
    click.echo(f"token {tok.id} for {name}{' until ' + tok.expires if tok.expires else ''}: keep it, it is not shown again",
               err=True)  # fmt: skip


@token.command("list")
@data_dir_option
def token_list(data_dir: Path) -> None:
    """Every token: id, user, label, made, expires (never the secret)."""
    from kg.tokens import load_tokens

    for t in load_tokens(data_dir).values():
        state = "expired" if t.expired() else "valid"
        click.echo(f"{t.id}\t{t.user}\t{t.label}\tmade {t.created}\texpires {t.expires or 'never'}\t{state}")


@token.command("revoke")
@click.argument("token_id")
@data_dir_option
def token_revoke(token_id: str, data_dir: Path) -> None:
    """Revoke token TOKEN_ID at once."""
    from kg.audit_cli import record_cli
    from kg.tokens import revoke_token

    try:
        gone = revoke_token(data_dir, token_id)
    except UserError as exc:
        _fail(str(exc))
    record_cli(data_dir, "token.revoke", gone.user, {"id": gone.id})
    click.echo(f"revoked {gone.id} ({gone.user})")


# --- kg user grant ----------------------------------------------------------------------------


@user.command("grant")
@click.argument("name")
@click.option("--lab", "labs", multiple=True, metavar="LAB:ROLE",
              help=f"A lab role ({', '.join(LAB_ROLES)}; 'none' leaves the lab); repeatable.")  # fmt: skip
@click.option("--group", "groups", multiple=True, help="Join this group (repeatable).")
@click.option("--leave-group", "leave", multiple=True, help="Leave this group (repeatable).")
@data_dir_option
def grant_cmd(
    name: str, labs: tuple[str, ...], groups: tuple[str, ...], leave: tuple[str, ...], data_dir: Path
) -> None:
    """Set NAME's lab roles and groups (effective at their next request)."""
    from kg.audit_cli import record_cli
    from kg.users import set_memberships

    wanted: dict[str, str | None] = {}
    for item in labs:
        lab, _, role = item.partition(":")
        if not lab or not role:
            _fail(f"--lab {item!r}: write LAB:ROLE, e.g. ornl:member")
        wanted[lab] = None if role == "none" else role
    try:
        u = set_memberships(data_dir, name, labs=wanted, groups_add=groups, groups_remove=leave)
    except UserError as exc:
        _fail(str(exc))
    record_cli(data_dir, "user.grant", name, {"labs": dict(u.labs), "groups": list(u.groups)})
    click.echo(f"{u.name}: labs {dict(u.labs) or '-'}, groups {', '.join(u.groups) or '-'}")
