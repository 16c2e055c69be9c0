"""``kg harvest``: run the sources of a harvest config, with a progress bar and a per-source summary.

Exit codes as for ``kg ingest``: 0 success; 1 finished, but some pages, documents or records
could not be fetched or lifted (each error is printed, the rest was stored); 2 usage error or
an invalid config file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli_options import data_dir_option

EXIT_ERRORS = 1
EXIT_USAGE = 2


class _Bar:
    """A tqdm bar per source: first the fetch, then the lifting of what was fetched."""

    def __init__(self, name: str, quiet: bool) -> None:
        from tqdm import tqdm

        self.name = name
        self.bar = tqdm(desc=name, unit="doc", disable=quiet, file=sys.stderr, leave=False)

    def stage(self, name: str, total: int | None) -> None:
        self.bar.set_description(f"{self.name} {name}")
        self.bar.reset(total=total)

    def advance(self, n: int = 1, total: int | None = None) -> None:
        if total is not None and total != self.bar.total:
            self.bar.total = total
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()


@click.command("harvest")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("harvest.yaml"),
    show_default=True,
    help="The sources and their schedules (see harvest.example.yaml).",
)
@click.option("--source", "names", multiple=True, help="Only this source (repeatable); runs it even if disabled.")
@click.option("--all", "run_all", is_flag=True, help="Every enabled source (the default).")
@click.option("--due", is_flag=True, help="Only the sources whose schedule says they are due.")
@data_dir_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def harvest(config_path: Path, names: tuple[str, ...], run_all: bool, due: bool, data_dir: Path, quiet: bool) -> None:
    """Harvest the sources declared in a config file: fetch, lift, validate, store; mark vanished records withdrawn."""
    from kg.harvest.config import load_config
    from kg.harvest.errors import HarvestConfigError
    from kg.harvest.runner import harvest as run_harvest

    if run_all and due:
        raise click.UsageError("give --all or --due, not both")
    if run_all and names:
        raise click.UsageError("give --all or --source, not both")
    try:
        config = load_config(config_path)
        for name in names:
            config.source(name)
    except HarvestConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)

    bars: list[_Bar] = []

    def progress(source):  # type: ignore[no-untyped-def]
        for old in bars:
            old.close()
        bars.append(_Bar(source.name, quiet))
        return bars[-1]

    try:
        reports = run_harvest(config, data_dir, names=names, due_only=due, progress=progress)
    finally:
        for bar in bars:
            bar.close()
    failed = False
    for report in reports:
        for err in report.errors:
            failed = True
            click.echo(f"error: {err}", err=True)
    for report in reports:
        click.echo(report.summary())
    harvested = [r for r in reports if r.status == "harvested"]
    if harvested:
        click.echo(
            f"{len(harvested)} sources harvested: {sum(r.new for r in harvested)} new, "
            f"{sum(r.changed for r in harvested)} changed, {sum(r.unchanged for r in harvested)} unchanged, "
            f"{sum(r.withdrawn for r in harvested)} withdrawn, {sum(len(r.errors) for r in harvested)} errors"
        )
    if any(r.new or r.changed for r in harvested):
        click.echo("next: `kg link` to update related datasets and the search index")
    sys.exit(EXIT_ERRORS if failed else 0)
