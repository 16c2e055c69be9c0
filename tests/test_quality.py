"""Validation traced to the source (issue 3, point 6): the per-source quality roll-up of
``kg validate --source S`` and of the web page ``/source/<name>``, on real catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app import create_app
from kg.cli import main
from kg.config import DataDir
from kg.pipeline import Ingestor
from kg.store import GraphStore
from kg.validation.summary import summarise
from tests.conftest import ROOT, corpus_path


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("quality")
    ingestor = Ingestor(data)
    try:
        ingestor.ingest([corpus_path("datajson-agencies/fda.data.json")], source="fda")
        ingestor.ingest([corpus_path("datajson-agencies/fcc.data.json")], source="fcc")
        ingestor.ingest([ROOT / "tests" / "data" / "inventory-bad-cells.csv"], source="inl-qa")
    finally:
        ingestor.close()
    return data


def test_rollup_counts_by_rule_and_ranks_worst_records_first(data: Path) -> None:
    store = GraphStore(DataDir(data).store)
    try:
        [fcc] = summarise(store, source="fcc").sources
    finally:
        store.close()
    assert fcc.records == 59 and fcc.violation == 6  # 6 FCC records lack 'keyword'
    # one rule, counted over all records (not one line per record's own pointer)
    keyword = next(r for r in fcc.rules if "requires 'keyword'" in r.message)
    assert keyword.count == 6 and keyword.severity == "Violation" and keyword.fix
    assert keyword.example_field.startswith("/dataset/") and keyword.example_field.endswith("/keyword")
    spatial = next(r for r in fcc.rules if r.rule == "dcterms:spatial")
    assert spatial.count == 59 and spatial.severity == "Info"
    # worst first
    counts = [(r.violations, r.warnings) for r in fcc.worst]
    assert counts == sorted(counts, key=lambda c: (-c[0], -c[1]))
    # SHACL results name the JSON pointer of the source field
    shacl = [r for r in fcc.rules if r.rule.startswith(("dcterms:", "dcat:"))]
    assert shacl and all(r.example_field.startswith("/dataset/") for r in shacl), shacl


def test_csv_results_name_the_column(data: Path) -> None:
    store = GraphStore(DataDir(data).store)
    try:
        [qa] = summarise(store, source="inl-qa").sources
    finally:
        store.close()
    title = next(r for r in qa.rules if r.rule == "dcterms:title")
    assert title.severity == "Violation" and title.example_field == "Dataset Name"
    assert qa.worst[0].id == "BAD-0002" and qa.worst[0].first_field == "Dataset Name"


def test_kg_validate_source_prints_the_rollup(data: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--data-dir", str(data), "--source", "fda", "--records"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("fda: 86 records") and "by rule:" in out and "worst records:" in out
    assert "fcc" not in out
    assert CliRunner().invoke(main, ["validate", "--data-dir", str(data), "--source", "nope"]).exit_code == 3


def test_quality_page_per_source(data: Path) -> None:
    client = create_app({"DATA_DIR": str(data)}).test_client()
    page = client.get("/source/inl-qa")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Metadata quality: inl-qa" in html and "Problems by rule" in html
    assert "Dataset Name" in html and "BAD-0002" in html
    assert html.index("BAD-0002") < html.index("BAD-0001")  # a violation outranks warnings
    assert client.get("/source/nope").status_code == 404
    home = client.get("/").get_data(as_text=True)
    assert 'href="/source/fcc"' in home
