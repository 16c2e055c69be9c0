"""One identity per dataset (issue 3, point 4).

The same dataset listed by two catalogs (same DOI, or same identifier URL) is one dataset with
two records, each with its own provenance; datasets that only look alike (same title and
publisher, near-identical description, different identifiers) are proposed as duplicates for
review and never merged. Real records: the ARM datastreams published both as ISO 19139 and as
schema.org JSON-LD with the same DOI. The two small catalogs in ``tests/data/identity`` are
team-written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.config import DataDir
from kg.dataset_view import dataset_view, find_key
from kg.linking.linker import link
from kg.linking.search import Searcher
from kg.namespaces import CW, DUPLICATES_GRAPH, LINKS_GRAPH, dataset_iri
from kg.pipeline import Ingestor
from kg.store import GraphStore
from tests.conftest import ROOT, corpus_path

IDENTITY = ROOT / "tests" / "data" / "identity"


@pytest.fixture(scope="module")
def arm_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ARM doc1 as ISO 19139 (source arm-iso) and as schema.org (source arm-sosorg), plus their
    siblings so the linker has other datasets to choose from."""
    data = tmp_path_factory.mktemp("arm")
    iso = data / "in" / "arm-iso"
    sos = data / "in" / "arm-sosorg"
    iso.mkdir(parents=True)
    sos.mkdir(parents=True)
    for name in ("arm_doc1.xml", "arm_doc2.xml", "arm_wsacrcrcal.xml"):
        shutil.copy(corpus_path(f"slendernodes-sosorg/iso19139/{name}"), iso / name)  # tmp copy, not the repo
    for name in ("arm__doc1_0.jsonld", "arm__doc3_0.jsonld"):
        shutil.copy(corpus_path(f"slendernodes-sosorg/jsonld/{name}"), sos / name)
    ingestor = Ingestor(data / "kg")
    try:
        result = ingestor.ingest([iso, sos])
    finally:
        ingestor.close()
    assert result.stored == 5, [str(e) for e in result.errors]
    link(data / "kg", threshold=0.3)
    return data / "kg"


def _store(data_dir: Path) -> GraphStore:
    return GraphStore(DataDir(data_dir).store)


def test_same_doi_in_two_catalogs_is_one_dataset_with_two_provenance_trails(arm_store: Path) -> None:
    store = _store(arm_store)
    try:
        rows = store.select(
            f"""SELECT ?ds (COUNT(DISTINCT ?g) AS ?records) (COUNT(DISTINCT ?src) AS ?sources)
                WHERE {{ GRAPH ?g {{ ?g <http://xmlns.com/foaf/0.1/primaryTopic> ?ds ; <{CW.source}> ?src }} }}
                GROUP BY ?ds"""
        )
        by_ds = {r["ds"]: int(r["records"]) for r in rows}
        doc1 = [ds for ds, n in by_ds.items() if n == 2]
        assert len(doc1) == 1 and doc1[0].startswith("https://doi.org/10.5439/"), by_ds
        assert len(by_ds) == 4  # five records, four datasets
        key = find_key(store, doc1[0])
        view = dataset_view(store, key)
        assert view is not None
        assert {r["source"] for r in view.records} == {"arm-iso", "arm-sosorg"}
        assert {r["lifter"] for r in view.records} == {"iso19139", "schemaorg-jsonld"}
        assert all(len(r["rawSha256"]) == 64 for r in view.records)
        # never linked to itself, though its two records come from different sources
        assert not bool(
            store.store.query(f"ASK {{ GRAPH <{LINKS_GRAPH}> {{ ?l <{CW.linkSource}> ?a ; <{CW.linkTarget}> ?a }} }}")
        )
        assert store.select(f"SELECT ?l WHERE {{ GRAPH <{LINKS_GRAPH}> {{ ?l <{CW.linkSource}> ?a }} }}")
    finally:
        store.close()


def test_search_returns_a_dataset_listed_twice_once(arm_store: Path) -> None:
    store = _store(arm_store)
    try:
        view = dataset_view(store, find_key(store, next(
            r["ds"] for r in store.select(
                "SELECT ?ds WHERE { GRAPH ?g { ?g <http://xmlns.com/foaf/0.1/primaryTopic> ?ds } } GROUP BY ?ds HAVING (COUNT(?g) = 2)"
            ))))  # fmt: skip
        assert view is not None
        searcher = Searcher(DataDir(arm_store), store)
        hits = searcher.search(view.title, limit=10).hits
        assert hits[0].iri == view.iri
        assert [h.iri for h in hits].count(view.iri) == 1
    finally:
        store.close()


def test_same_identifier_url_is_one_dataset_and_lookalikes_are_proposed_not_merged(tmp_path: Path) -> None:
    ingestor = Ingestor(tmp_path)
    try:
        result = ingestor.ingest([IDENTITY])
    finally:
        ingestor.close()
    assert result.stored == 6 and not result.errors
    outcome = link(tmp_path)
    store = _store(tmp_path)
    try:
        datasets = {
            r["ds"]
            for r in store.select("SELECT ?ds WHERE { GRAPH ?g { ?g <http://xmlns.com/foaf/0.1/primaryTopic> ?ds } }")
        }
        # http://data.example.org/datasets/soil-moisture-sgp/ and https://DATA.example.org/... : one dataset
        soil = dataset_iri("lab-a", "http://data.example.org/datasets/soil-moisture-sgp/", None)
        assert soil == dataset_iri("lab-b", "https://DATA.example.org/datasets/soil-moisture-sgp", None)
        assert soil in datasets
        assert len(datasets) == 5  # 6 records: the soil-moisture pair is one dataset
        # the lidar pair (same title, publisher, description; other identifiers) is proposed ...
        pairs = store.select(
            f"""SELECT ?c ?a ?b ?status WHERE {{ GRAPH <{DUPLICATES_GRAPH}> {{
                  ?c <{CW.candidate}> ?a, ?b ; <{CW.reviewStatus}> ?status FILTER(STR(?a) < STR(?b)) }} }}"""
        )
        assert outcome.duplicates == 1 and len(pairs) == 1
        assert pairs[0]["status"] == "proposed"
        titles = {
            r["t"]
            for r in store.select(
                f"""SELECT ?t WHERE {{ GRAPH <{DUPLICATES_GRAPH}> {{ ?c <{CW.candidate}> ?x }}
                    GRAPH ?g {{ ?x <http://purl.org/dc/terms/title> ?t }} }}"""
            )
        }
        assert titles == {"Lidar canopy height over a boreal forest plot"}  # not the nitrate pair
        # ... and not merged: both remain datasets with their own landing pages
        a_key, b_key = find_key(store, pairs[0]["a"]), find_key(store, pairs[0]["b"])
        assert a_key and b_key and a_key != b_key
        view = dataset_view(store, a_key)
        assert view is not None and [d["other"] for d in view.duplicates] == [pairs[0]["b"]]
    finally:
        store.close()
    listed = CliRunner().invoke(main, ["duplicates", "--data-dir", str(tmp_path)])
    assert listed.exit_code == 0 and "1 likely duplicate pairs proposed for review" in listed.output
