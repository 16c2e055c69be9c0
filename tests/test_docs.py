"""The README stays honest: every command, format and setting the code has is documented."""

from __future__ import annotations

import re
from pathlib import Path

from kg.cli import main
from kg.lifting import lifters

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```", 2)[1]
    commands = [line for line in first_block.splitlines()[1:] if line.strip()]
    assert len(commands) == 2
    assert "kg demo" in commands[0] and "pytest" in commands[1]


def test_every_cli_command_is_documented() -> None:
    for name in main.commands:
        assert f"kg {name}" in README, f"`kg {name}` is missing from the README"


def test_every_lifter_format_is_documented() -> None:
    for lifter in lifters():
        assert f"`{lifter.format.name}`" in README, lifter.format.name


def test_every_setting_is_documented() -> None:
    used: set[str] = set()
    for path in list((ROOT / "kg").rglob("*.py")) + list((ROOT / "app").rglob("*.py")):
        used |= set(re.findall(r"\"(KG_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert used
    for name in sorted(used):
        assert f"`{name}`" in README, f"setting {name} is missing from the README"


def test_code_passes_ruff() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "kg", "app", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]
