"""Options shared by every ``kg`` command group (kg/cli.py, kg/harvest/cli.py, kg/alignment/cli.py,
kg/users_cli.py)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.config import default_data_dir

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=default_data_dir,
    show_default="./data or $KG_DATA_DIR",
    help="The data directory: store, raw records, index, harvest state, users.",
)

EXIT_NO_DATA = 3


def open_store(data_dir: Path, *, check_only: bool = False):  # type: ignore[no-untyped-def]
    """The data directory's store, or exit 3 with a hint when there is none yet."""
    import sys

    from kg.config import DataDir
    from kg.store import GraphStore

    dirs = DataDir(data_dir)
    if not dirs.store.exists():
        click.echo(f"no store in {data_dir}: run `kg ingest PATH` first", err=True)
        sys.exit(EXIT_NO_DATA)
    if check_only:
        return None
    return GraphStore(dirs.store)
