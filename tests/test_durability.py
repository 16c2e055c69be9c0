"""kill -9 during an ingest, then ingest again (issue 6, point 5): the store opens cleanly and
holds exactly the records a clean ingest gives, none lost and none doubled. Real `kg ingest`
processes over real agency catalogs; the kill is a real SIGKILL."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.config import DataDir
from kg.store.oxigraph import GraphStore
from tests.conftest import ROOT, corpus_path

CATALOGS = ("energy.data.json", "dol.data.json", "gsa.data.json", "treasury.data.json")


def _kg(*args: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def _state(data: Path) -> tuple[dict[str, str], int, set[str]]:
    """Committed records (key → input fingerprint), record graphs, and every quad except those
    naming an ingest run (a record stored before the kill says so: it was made by the first run)."""
    store = GraphStore(DataDir(data).store)  # opens cleanly (read-write: what the next ingest does)
    try:
        _, fingerprints = store.record_state()
        graphs = sum(1 for g in store.named_graphs() if "/graph/record/" in g)
        buf = io.BytesIO()
        store.dump_nquads(buf)
        quads = {q for q in buf.getvalue().decode("utf-8").splitlines() if q and "/run/" not in q}
        return fingerprints, graphs, quads
    finally:
        store.close()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("durability-input") / "agencies"
    folder.mkdir()
    for name in CATALOGS:
        shutil.copy(corpus_path(f"datajson-agencies/{name}"), folder / name)
    return folder


def test_kill_9_during_an_ingest_loses_and_doubles_nothing(inputs: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    t0 = time.monotonic()
    assert _kg("ingest", "--data-dir", str(clean), str(inputs)).wait(timeout=600) in (0, 1)
    took = time.monotonic() - t0
    expected, expected_graphs, expected_quads = _state(clean)
    assert len(expected) > 1000 and expected_graphs == len(expected)

    # SIGKILL part way through the store writes (batches of 250 records): the moment is found
    # from the clean run's duration, tried again later if the kill came before the first commit
    # (the end of a run, after the last batch, is spent on alignment, the access views and the
    # compaction of the first checkpoint: the window of batch commits is a fraction of the run,
    # so the steps are fine)
    for attempt, fraction in enumerate(f / 20 for f in range(3, 19)):
        crashed = tmp_path / f"crashed-{attempt}"
        proc = _kg("ingest", "--data-dir", str(crashed), str(inputs))
        time.sleep(took * fraction)
        if proc.poll() is not None:
            continue
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        partial, _, _ = _state(crashed)
        if 0 < len(partial) < len(expected):
            break
    else:
        pytest.fail("no kill landed between two committed batches")

    assert _kg("ingest", "--data-dir", str(crashed), str(inputs)).wait(timeout=600) in (0, 1)
    after, graphs, quads = _state(crashed)
    assert after == expected  # every record, each once, with the same content
    assert graphs == expected_graphs
    assert len(quads ^ expected_quads) < 50, sorted(quads ^ expected_quads)[:10]
    assert quads == expected_quads
