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
