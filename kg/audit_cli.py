"""``kg audit``: read the audit log (``{data_dir}/audit/audit.jsonl``, see kg.audit) and check it.

Attach with ``main.add_command(audit)``. ``kg audit`` lists entries, newest first; ``kg audit
verify`` checks the hash chain. Exit codes: 0 success (verify: the chain is intact); 1 the chain
is broken (the first broken line is printed); 2 usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.cli_options import data_dir_option

EXIT_BROKEN = 1


def record_cli(data_dir: Path, action: str, target: str = "", detail: dict | None = None) -> None:
    """Record what a ``kg`` command just wrote, as ``cli:<os user>``. The write is done by then: when
    its entry cannot be written the command says so and fails (exit 1) rather than pass unlogged."""
    from kg.audit import AuditError, cli_actor, record

    try:
        record(data_dir, cli_actor(), action, target, detail)
    except AuditError as exc:
        raise click.ClickException(f"{action} was done, but it is not in the audit log: {exc}") from None


def _short(detail: object, width: int = 100) -> str:
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if detail else ""
    return text if len(text) <= width else text[: width - 1] + "…"


@click.group(invoke_without_command=True)
@click.option("--limit", type=click.IntRange(1, None), default=50, show_default=True, help="Entries shown.")
@click.option("--offset", type=click.IntRange(0, None), default=0, help="Skip this many of the newest matches.")
@click.option("--actor", help="Only this actor: a user name, token:NAME or cli:USER.")
@click.option("--action", help="Only this action (mapping.decide) or family (mapping).")
@click.option("--target", help="Only targets containing this text.")
@click.option("--json", "as_json", is_flag=True, help="The entries as a JSON array, every field.")
@data_dir_option
@click.pass_context
def audit(ctx: click.Context, limit: int, offset: int, actor: str | None, action: str | None, target: str | None,
          as_json: bool, data_dir: Path) -> None:  # fmt: skip
    """Who wrote what and when: every ingest, link, backup, restore, user change and curator
    decision, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    from kg.audit import AuditError, read

    try:
        entries = read(data_dir, limit=limit, offset=offset, actor=actor, action=action, target=target)
    except AuditError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(entries, indent=1, ensure_ascii=False))
        return
    if not entries:
        click.echo("no audit entries" + (" match" if actor or action or target or offset else f" in {data_dir}"))
        return
    for e in entries:
        click.echo(f"{e.get('seq', '?'):>6}  {e.get('ts', '')}  {e.get('actor', '')}  {e.get('action', '')}  "
                   f"{e.get('target', '')}  {_short(e.get('detail'))}".rstrip())  # fmt: skip


@audit.command("verify")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The data directory (default: as given to `kg audit`, else ./data or $KG_DATA_DIR).")  # fmt: skip
@click.pass_context
def verify_cmd(ctx: click.Context, data_dir: Path | None) -> None:
    """Check the hash chain: every line unchanged, none removed, inserted or reordered."""
    from kg.audit import verify

    ok, message = verify(data_dir or ctx.parent.params["data_dir"])  # type: ignore[union-attr]
    if not ok:
        click.echo(f"broken: {message}", err=True)
        sys.exit(EXIT_BROKEN)
    click.echo(f"ok: {message}")
