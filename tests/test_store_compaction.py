"""A checkpoint compacts the store once replaced graphs have made its files grow (issue 6).

``kg link`` rewrites the links graph and the views each time; RocksDB keeps the old versions
on disk until it compacts. Real records: the FCC's data.json catalog. On a store this small,
RocksDB's own compaction often gets there first, so the test calls the step a checkpoint runs
before its copy (``compact_if_grown``) right after the rewrites, on any growth; its effect on
the sample corpus after ``kg link`` is measured in bench/RESULTS.md.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.config import DataDir
from kg.export import canonical_hash
from kg.namespaces import LINKS_GRAPH
from kg.pipeline import Ingestor
from kg.store.oxigraph import COMPACT_GROWTH, GraphStore, compaction_marker, disk_bytes, latest_checkpoint
from tests.conftest import corpus_path


def _links(store: GraphStore, round_: int, datasets: list[ox.NamedNode]) -> None:
    """A new links graph in place of the old one, as ``kg link`` writes it."""
    rel = ox.NamedNode("http://purl.org/dc/terms/relation")
    score = ox.NamedNode(f"https://example.org/score/{round_}")
    graph = ox.NamedNode(LINKS_GRAPH)
    store.store.update(f"DROP SILENT GRAPH <{LINKS_GRAPH}>")
    store.store.bulk_extend(
        ox.Quad(a, rel if i % 2 else score, b, graph)
        for i, a in enumerate(datasets)
        for b in datasets[i + 1 : i + 40]
    )
    store.store.flush()


def test_checkpoint_compacts_once_rewritten_graphs_have_grown_the_store(tmp_path: Path) -> None:
    data = tmp_path / "kg"
    ingestor = Ingestor(data)
    try:
        assert ingestor.ingest([corpus_path("datajson-agencies/fcc.data.json")]).stored > 50
    finally:
        ingestor.close()
    dirs = DataDir(data)
    marker = compaction_marker(dirs.store)
    assert marker.is_file()  # the ingest's checkpoint set the baseline
    store = GraphStore(dirs.store)
    try:
        query = "SELECT DISTINCT ?d WHERE { GRAPH ?g { ?d a <http://www.w3.org/ns/dcat#Dataset> } }"
        datasets = sorted((row["d"] for row in store.store.query(query)), key=str)
        assert len(datasets) > 50
        baseline = int(marker.read_text())
        rounds = 0
        while disk_bytes(dirs.store) <= COMPACT_GROWTH * baseline:
            rounds += 1
            _links(store, rounds, datasets)
            assert rounds < 200, "rewriting the links graph never grew the store"
        grown = disk_bytes(dirs.store)
        before = canonical_hash(store)
        # RocksDB's own compaction may have shrunk it meanwhile: compact on any growth here
        assert store.compact_if_grown(growth=1.0) is True
        after = disk_bytes(dirs.store)
        print(f"\nstore {baseline} B after ingest, {grown} B after {rounds} rewrites, {after} B compacted")
        assert after < grown  # the old versions are gone
        assert baseline != int(marker.read_text()) == after  # the new baseline: the compacted size
        assert canonical_hash(store) == before  # nothing else changed
        assert store.compact_if_grown() is False  # not again until it grows again
        cp = store.checkpoint(dirs.checkpoints)
        reader = GraphStore(cp, read_only=True)
        try:
            assert canonical_hash(reader) == before
        finally:
            reader.close()
    finally:
        store.close()
    assert latest_checkpoint(dirs.checkpoints) == cp
