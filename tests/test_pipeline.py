"""Ingest end to end on real catalogs: storage, idempotence, provenance, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.export import canonical_hash
from kg.namespaces import CW, record_graph
from kg.pipeline import Ingestor
from kg.rawstore import RawStore
from kg.store import GraphStore
from tests.conftest import corpus_path

PROV = "http://www.w3.org/ns/prov#"


@pytest.fixture(scope="module")
def agencies_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The whole agency corpus (1,809 records) ingested once for this module."""
    data = tmp_path_factory.mktemp("agencies")
    ingestor = Ingestor(data)
    try:
        result = ingestor.ingest([corpus_path("datajson-agencies")])
    finally:
        ingestor.close()
    return data, result


def test_whole_agency_corpus_ingests(agencies_dir) -> None:  # type: ignore[no-untyped-def]
    data, result = agencies_dir
    # The folder's link table is a TSV but not a dataset inventory: reported, never silently skipped.
    assert [(e.source_file, e.field) for e in result.errors] == [("datajson-agencies/derived_isPartOf_links.tsv", "#row=1")]
    assert "no crosswalk matches the header columns" in result.errors[0].message
    assert result.records == 1809 and result.stored == 1809
    assert sorted(result.per_source) == ["consumerfinance", "dol", "energy", "fcc", "fda", "gsa", "opm", "treasury"]
    store = GraphStore(data / "store")
    assert len([g for g in store.named_graphs() if "/graph/record/" in g]) == 1809
    rows = store.select(
        "SELECT (COUNT(DISTINCT ?ds) AS ?n) WHERE { GRAPH <https://w3id.org/crosswalk/graph/source/energy> "
        "{ ?c <http://www.w3.org/ns/dcat#dataset> ?ds } }"
    )
    assert rows[0]["n"] == "482"


def test_reingest_changes_nothing(agencies_dir) -> None:  # type: ignore[no-untyped-def]
    data, _ = agencies_dir
    before = canonical_hash(GraphStore(data / "store"))
    again = Ingestor(data).ingest([corpus_path("datajson-agencies")])
    assert again.stored == 0 and again.unchanged == 1809
    assert canonical_hash(GraphStore(data / "store")) == before


def test_rebuild_from_scratch_gives_same_hash(agencies_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data, _ = agencies_dir
    other = tmp_path / "rebuild"
    Ingestor(other).ingest([corpus_path("datajson-agencies")])
    assert canonical_hash(GraphStore(other / "store")) == canonical_hash(GraphStore(data / "store"))


def test_provenance_points_to_the_raw_record(agencies_dir) -> None:  # type: ignore[no-untyped-def]
    data, _ = agencies_dir
    store = GraphStore(data / "store")
    rows = store.select(
        f"""SELECT ?g ?raw ?sha ?file ?ptr ?lifter ?lv ?sv ?run ?src WHERE {{ GRAPH ?g {{
            ?g <{CW.localIdentifier}> "DOE-019-4381227569" ; <{PROV}wasDerivedFrom> ?raw ;
               <{CW.sourceFile}> ?file ; <{CW.sourcePointer}> ?ptr ; <{CW.lifter}> ?lifter ;
               <{CW.lifterVersion}> ?lv ; <{CW.softwareVersion}> ?sv ; <{PROV}wasGeneratedBy> ?run ;
               <{CW.source}> ?src .
            ?raw <{CW.sha256}> ?sha }} }}"""
    )
    assert len(rows) == 1
    row = rows[0]
    assert row["file"] == "datajson-agencies/energy.data.json" and row["ptr"].startswith("/dataset/")
    assert row["lifter"] == "datajson" and row["lv"] and row["sv"]
    assert row["src"].endswith("/source/energy")
    raw = json.loads(RawStore(data / "raw").get(row["sha"]))
    assert raw["identifier"] == "DOE-019-4381227569"
    assert raw["title"] == "DOE Hearings and Appeals Case Decisions"


def test_changed_record_is_replaced(tmp_path: Path) -> None:
    src = corpus_path("datajson-agencies/consumerfinance.data.json")
    work = tmp_path / "in" / "cfpb.data.json"
    work.parent.mkdir()
    shutil.copy(src, work)
    data = tmp_path / "data"
    first = Ingestor(data).ingest([work])
    assert first.stored == 11
    catalog = json.loads(work.read_text())
    catalog["dataset"][0]["title"] = "Consumer Complaint Database (revised title)"
    work.write_text(json.dumps(catalog))
    second = Ingestor(data).ingest([work])
    assert second.stored == 1 and second.unchanged == 10
    store = GraphStore(data / "store")
    titles = store.select(
        "SELECT ?t WHERE { GRAPH ?g { ?g <%s> \"CCDB\" ; <http://xmlns.com/foaf/0.1/primaryTopic> ?ds . "
        "?ds <http://purl.org/dc/terms/title> ?t } }" % CW.localIdentifier
    )
    assert [r["t"] for r in titles] == ["Consumer Complaint Database (revised title)"]


KNOWN_BAD_DATAJSON = [
    # (file under ../shared/corpus, what the steward must be told)
    ("datagov-harvester-fixtures/example_data/dcatus/missing_title.json", "title"),
    ("datagov-harvester-fixtures/example_data/dcatus/dcatus_bad_license_uri.json", "license"),
    ("datagov-harvester-fixtures/example_data/dcatus/dcatus_multiple_invalid.json", "license"),
    ("datagov-harvester-fixtures/example_data/dcatus/dcatus3_0_invalid.json", "contactPoint"),
    ("ckanext-datajson-samples/ckanext/datajson/tests/datajson-samples/missing-identifier-title.data.json", "identifier"),
    ("ckanext-datajson-samples/ckanext/datajson/tests/datajson-samples/missing-catalog.data.json", "/dataset/0"),
    ("ckanext-datajson-samples/ckanext/datajson/tests/datajson-samples/missing-dataset-fields.data.json", "/dataset/0"),
]


@pytest.mark.parametrize(("relative", "field"), KNOWN_BAD_DATAJSON)
def test_known_bad_inputs_give_clear_errors_and_the_batch_goes_on(tmp_path: Path, relative: str, field: str) -> None:
    bad = corpus_path(relative)
    good = corpus_path("datajson-agencies/consumerfinance.data.json")
    result = Ingestor(tmp_path).ingest([bad, good])
    messages = [str(e) for e in result.errors] + [
        str(f) for r in result.reports.values() for f in r.findings if f.severity.value == "Violation"
    ]
    named = [m for m in messages if bad.name in m and field in m]
    assert named, f"no error naming {bad.name} and {field}: {messages}"
    assert result.per_source["consumerfinance"]["stored"] == 11  # the rest of the batch is stored
    # The raw bytes of the bad input are kept.
    assert any(p.is_file() for p in (tmp_path / "raw").rglob("*"))
    assert RawStore(tmp_path / "raw").get(__import__("hashlib").sha256(bad.read_bytes()).hexdigest()) == bad.read_bytes()


def test_unparseable_file_is_kept_and_reported(tmp_path: Path) -> None:
    bad = next(corpus_path("ckanext-geodatagov-samples").rglob("sample6_bad_data.json"))
    result = Ingestor(tmp_path).ingest([bad, corpus_path("datajson-agencies/fcc.data.json")])
    assert len(result.errors) == 1
    assert "sample6_bad_data.json" in str(result.errors[0]) and "not valid JSON" in str(result.errors[0])
    assert result.per_source["fcc"]["stored"] == 59
    log = (tmp_path / "errors.jsonl").read_text().splitlines()
    assert json.loads(log[0])["file"] == "sample6_bad_data.json"


def test_record_with_violations_is_stored_and_marked(tmp_path: Path) -> None:
    Ingestor(tmp_path).ingest([corpus_path("datagov-harvester-fixtures/example_data/dcatus/missing_title.json")])
    store = GraphStore(tmp_path / "store")
    rows = store.select(
        f"""SELECT ?status WHERE {{ GRAPH ?g {{ ?g <{CW.localIdentifier}> "null-spatial" ; <{CW.recordKey}> ?key }}
            BIND(IRI(CONCAT("https://w3id.org/crosswalk/graph/validation/", ?key)) AS ?vg)
            GRAPH ?vg {{ ?r <{CW.status}> ?status }} }}"""
    )
    assert [r["status"] for r in rows] == ["Violation"]


def test_torn_write_is_repaired(tmp_path: Path) -> None:
    """A record graph written without its commit marker (a crash mid-batch) is rewritten."""
    path = corpus_path("datajson-agencies/consumerfinance.data.json")
    result = Ingestor(tmp_path).ingest([path])
    key = next(iter(result.reports))
    store = GraphStore(tmp_path / "store")
    store.store.update(f"DELETE WHERE {{ GRAPH <{record_graph(key)}> {{ ?g <{CW.contentHash}> ?h }} }}")
    del store
    again = Ingestor(tmp_path).ingest([path])
    assert again.stored == 1 and again.unchanged == 10
