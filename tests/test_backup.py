"""`kg backup` and `kg restore` on a store in use (issue 6, point 5), with real records."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.backup import BackupError, backup, restore
from kg.cli import main
from kg.config import DataDir
from kg.export import canonical_hash
from kg.pipeline import Ingestor
from kg.store.oxigraph import GraphStore, latest_checkpoint
from tests.conftest import ROOT, corpus_path


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("backup") / "kg"
    ingestor = Ingestor(data)
    try:
        ingestor.ingest([ROOT / "examples"])
    finally:
        ingestor.close()
    return data


def _hash(path: Path) -> str:
    store = GraphStore(path, read_only=True)
    try:
        return canonical_hash(store)
    finally:
        store.close()


def test_a_backup_of_a_store_another_process_is_writing_is_consistent_and_restores(data: Path, tmp_path: Path) -> None:
    live = tmp_path / "live"
    shutil.copytree(data, live)
    fcc = corpus_path("datajson-agencies/fcc.data.json")
    writer = subprocess.Popen(  # a real writer: ingests, then keeps the store open (and locked)
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from kg.pipeline import Ingestor
            ingestor = Ingestor({str(live)!r})
            result = ingestor.ingest([{str(fcc)!r}])
            print(result.stored, flush=True)
            sys.stdin.read()
        """)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        stored = int(writer.stdout.readline())  # type: ignore[union-attr]
        assert stored > 50
        with pytest.raises(OSError):  # the writer holds the store
            GraphStore(DataDir(live).store)
        result = backup(live, tmp_path / "bk")
    finally:
        writer.stdin.close()  # type: ignore[union-attr]
        writer.wait(timeout=60)
    assert result.store_from.startswith("checkpoint")
    assert result.records == 103 + stored  # the examples and what the writer committed
    manifest = json.loads((tmp_path / "bk" / "MANIFEST.json").read_text())
    assert manifest["canonical_hash"] == result.canonical_hash == _hash(tmp_path / "bk" / "store")
    assert manifest["raw_files"] == result.raw_files > 0
    # restored into an empty directory: the same graph, the raw records, a checkpoint for readers
    fresh = tmp_path / "fresh"
    restored = restore(tmp_path / "bk", fresh)
    assert restored.canonical_hash == result.canonical_hash == _hash(DataDir(fresh).store)
    checkpoint = latest_checkpoint(DataDir(fresh).checkpoints)
    assert checkpoint is not None and _hash(checkpoint) == result.canonical_hash
    assert sorted(p.name for p in DataDir(fresh).raw.rglob("*") if p.is_file()) == sorted(
        p.name for p in (tmp_path / "bk" / "raw").rglob("*") if p.is_file()
    )


def test_restore_keeps_the_store_it_replaces_and_readers_see_the_restored_graph(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "target"
    shutil.copytree(data, target)
    out = tmp_path / "bk"
    runner = CliRunner()
    r = runner.invoke(main, ["backup", "--data-dir", str(target), str(out)])
    assert r.exit_code == 0, r.output
    assert "103 records" in r.output and "primary store" in r.output
    before = _hash(DataDir(target).store)
    # the directory moves on after the backup: another catalog is ingested
    ingestor = Ingestor(target)
    try:
        ingestor.ingest([corpus_path("datajson-agencies/fcc.data.json")])
    finally:
        ingestor.close()
    assert _hash(DataDir(target).store) != before
    r = runner.invoke(main, ["restore", "--data-dir", str(target), str(out)])
    assert r.exit_code == 0, r.output
    assert _hash(DataDir(target).store) == before
    (kept,) = target.glob("store.replaced-*")  # nothing is lost: the replaced store is beside it
    assert _hash(kept) != before
    checkpoint = latest_checkpoint(DataDir(target).checkpoints)
    assert checkpoint is not None and _hash(checkpoint) == before


def test_a_backup_that_does_not_match_its_manifest_is_not_restored(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "bk"
    backup(data, out)
    manifest = json.loads((out / "MANIFEST.json").read_text())
    manifest["quads"] += 1
    (out / "MANIFEST.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="does not match its manifest"):
        restore(out, tmp_path / "target")
    assert not (tmp_path / "target" / "store").exists()
    with pytest.raises(BackupError, match="not empty"):
        backup(data, out)
    with pytest.raises(BackupError, match="not a Crosswalk backup"):
        restore(tmp_path, tmp_path / "target")
