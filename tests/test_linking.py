"""Embedding links across sources: provenance, cross-source only, cache, README pattern."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.config import DataDir
from kg.governance.identity import Identity
from kg.governance.views import ScopeCache, ScopedStore
from kg.linking.linker import link
from kg.namespaces import CW, LINKS_GRAPH
from kg.pipeline import Ingestor
from kg.store import GraphStore
from kg.store.oxigraph import latest_checkpoint

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    work = tmp_path_factory.mktemp("linking")
    examples = work / "examples"
    shutil.copytree(ROOT / "examples", examples)
    data = work / "data"
    Ingestor(data).ingest([examples])
    return data, link(data)


def test_links_carry_score_method_model_and_run(linked) -> None:  # type: ignore[no-untyped-def]
    data, result = linked
    assert result.links > 50 and result.embedded == result.datasets
    with GraphStore(data / "store") as store:
        rows = store.select(
            f"""SELECT ?a ?b ?score ?method ?model ?run ?sa ?sb WHERE {{
              GRAPH <{LINKS_GRAPH}> {{ ?l a <{CW.DatasetLink}> ; <{CW.linkSource}> ?a ; <{CW.linkTarget}> ?b ;
                 <{CW.score}> ?score ; <{CW.method}> ?method ; <{CW.model}> ?model ;
                 <http://www.w3.org/ns/prov#wasGeneratedBy> ?run . ?a <{CW.relatedDataset}> ?b }}
              GRAPH ?ga {{ ?ga <http://xmlns.com/foaf/0.1/primaryTopic> ?a ; <{CW.source}> ?sa }}
              GRAPH ?gb {{ ?gb <http://xmlns.com/foaf/0.1/primaryTopic> ?b ; <{CW.source}> ?sb }} }}"""
        )
    assert len(rows) == result.links
    assert all(r["sa"] != r["sb"] for r in rows), "links must join datasets of different sources"
    assert all(float(r["score"]) >= 0.5 for r in rows)
    assert {r["model"] for r in rows} == {"sentence-transformers/all-MiniLM-L6-v2"}
    assert {r["run"] for r in rows} == {result.run}


def test_every_sample_dataset_links_to_another_lab(linked) -> None:  # type: ignore[no-untyped-def]
    data, result = linked
    with GraphStore(data / "store") as store:
        rows = store.select(
            f"""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH <{LINKS_GRAPH}> {{
                {{ ?x <{CW.relatedDataset}> ?y }} UNION {{ ?y <{CW.relatedDataset}> ?x }} }} }}"""
        )
    # 89 of 103 measured: the two spreadsheet labs (INL nuclear fuels and grid tests, SLAC X-ray
    # free-electron laser experiments) include topics no other sample lab covers.
    assert int(rows[0]["n"]) >= 0.85 * result.datasets


def test_readme_link_pattern_answers(linked) -> None:  # type: ignore[no-untyped-def]
    data, result = linked
    readme = (ROOT / "README.md").read_text()
    query = readme.split("One pattern finds the links", 1)[1].split("```sparql", 1)[1].split("```", 1)[0]
    # as an anonymous caller of /sparql runs it: over their scope of the newest checkpoint
    path = latest_checkpoint(DataDir(data).checkpoints)
    with GraphStore(path, read_only=True) as store:
        scope, _ = ScopeCache().scope(store.store, path, data, Identity())
        assert len(ScopedStore(store, scope).select(query)) == result.links


def test_relink_embeds_only_what_changed(linked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, first = linked
    again = link(data)
    assert again.embedded == 0 and again.cached == first.datasets
    assert again.run == first.run and again.links == first.links
    # Change one description in the ARM catalog copy: one record re-stored, one text re-embedded.
    catalog_path = data.parent / "examples" / "pnnl" / "data.json"
    catalog = json.loads(catalog_path.read_text())
    catalog["dataset"][0]["description"] += " Revised calibration applied in 2024."
    catalog_path.write_text(json.dumps(catalog))
    result = Ingestor(data).ingest([data.parent / "examples"])
    assert result.stored == 1
    changed = link(data)
    assert changed.embedded == 1
