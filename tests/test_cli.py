"""The `kg` command as a steward uses it: exit codes, summaries, export."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import main
from tests.conftest import corpus_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_ingest_validate_stats_export(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    code, out = run("ingest", "--quiet", "--data-dir", data, str(corpus_path("datajson-agencies/fcc.data.json")))
    assert code == 0, out
    assert "59 records: 59 stored" in out and "fcc: 59 records" in out
    code, out = run("validate", "--data-dir", data, "--records")
    assert code == 0 and "fcc: 59 records" in out and "requires 'keyword'" in out
    assert run("validate", "--data-dir", data, "--strict")[0] == 4
    code, out = run("stats", "--data-dir", data)
    assert code == 0 and "59 datasets" in out and "canonical hash" in out
    target = tmp_path / "all.nq"
    code, _ = run("export", "--data-dir", data, "--format", "nquads", "-o", str(target))
    assert code == 0 and target.stat().st_size > 10_000
    code, out = run("ingest", "--quiet", "--data-dir", data, str(corpus_path("datajson-agencies/fcc.data.json")))
    assert "0 stored, 59 unchanged" in out


def test_ingest_with_bad_input_exits_1_and_names_the_file(tmp_path: Path) -> None:
    bad = next(corpus_path("ckanext-geodatagov-samples").rglob("sample6_bad_data.json"))
    code, out = run("ingest", "--quiet", "--data-dir", str(tmp_path), str(bad), str(corpus_path("datajson-agencies/consumerfinance.data.json")))
    assert code == 1
    assert "sample6_bad_data.json" in out and "11 stored" in out


def test_forced_format_and_unknown_format(tmp_path: Path) -> None:
    path = str(corpus_path("datajson-agencies/consumerfinance.data.json"))
    assert run("ingest", "--quiet", "--format", "datajson", "--data-dir", str(tmp_path), path)[0] == 0
    assert run("ingest", "--format", "nope", "--data-dir", str(tmp_path), path)[0] == 2


def test_commands_without_data_exit_3(tmp_path: Path) -> None:
    for command in ("validate", "stats", "link", "export"):
        assert run(command, "--data-dir", str(tmp_path / "empty"))[0] == 3, command
