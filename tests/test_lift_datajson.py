"""DCAT-US 1.1 data.json lifting on real catalogs from ../shared/corpus."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS

from kg.errors import LiftError
from kg.lifting import get_lifter, guess_lifter
from kg.namespaces import SRC
from kg.report import Severity
from tests.conftest import corpus_path
from tests.golden_util import assert_golden

AGENCIES = "datajson-agencies"
DATAJSON_DIRS = [
    "datajson-agencies",
    "ckanext-datajson-samples/ckanext/datajson/tests/datajson-samples",
    "datagov-harvester-fixtures/example_data/dcatus",
]


def lift_one(relative: str, identifier: str, source: str) -> Graph:
    path = corpus_path(relative)
    lifter = get_lifter("datajson")
    for raw in lifter.split(path.read_bytes(), source_file=path.name):
        if not isinstance(raw, LiftError) and raw.local_id == identifier:
            rec = lifter.lift(raw, source=source)
            graph = Graph()
            for triple in rec.graph:
                graph.add(triple)
            return graph
    raise AssertionError(f"{identifier} not in {relative}")


@pytest.mark.parametrize(
    ("relative", "identifier", "golden"),
    [
        (f"{AGENCIES}/energy.data.json", "DOE-019-4381227569", "datajson-energy-hearings"),
        (f"{AGENCIES}/energy.data.json", "DOE-019-6358888819", "datajson-energy-collection-child"),
        (f"{AGENCIES}/consumerfinance.data.json", "CCDB", "datajson-cfpb-complaints"),
        (f"{AGENCIES}/gsa.data.json", "GSA-2015-02-26-1", "datajson-gsa-collection-child"),
    ],
)
def test_golden_records(relative: str, identifier: str, golden: str) -> None:
    assert_golden(lift_one(relative, identifier, relative.split("/")[-1].split(".")[0]), golden)


def test_fields_are_mapped_and_unmapped_fields_kept() -> None:
    g = lift_one(f"{AGENCIES}/energy.data.json", "DOE-019-4381227569", "energy")
    ds = next(g.subjects(DCTERMS.identifier, Literal("DOE-019-4381227569")))
    assert str(g.value(ds, DCTERMS.title)) == "DOE Hearings and Appeals Case Decisions"
    assert g.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0")
    assert Literal("Whistleblower") in set(g.objects(ds, DCAT.keyword))
    # bureauCode has no DCAT mapping yet: kept under the source namespace, not dropped.
    assert g.value(ds, SRC["datajson/bureauCode"]) == Literal('["019:60"]')


def test_same_input_same_graph() -> None:
    a = lift_one(f"{AGENCIES}/fcc.data.json", json.loads(corpus_path(f"{AGENCIES}/fcc.data.json").read_text())["dataset"][0]["identifier"], "fcc")
    b = lift_one(f"{AGENCIES}/fcc.data.json", json.loads(corpus_path(f"{AGENCIES}/fcc.data.json").read_text())["dataset"][0]["identifier"], "fcc")
    assert set(a) == set(b)
    assert not any(isinstance(t, type(None)) for triple in a for t in triple)


def test_every_real_datajson_file_lifts_or_fails_cleanly(corpus) -> None:  # type: ignore[no-untyped-def]
    lifter = get_lifter("datajson")
    lifted = 0
    for rel in DATAJSON_DIRS:
        for path in sorted((corpus / rel).glob("*.json")):
            data = path.read_bytes()
            assert guess_lifter(data, path.name) is lifter, f"{path.name} not detected as data.json"
            try:
                pieces = list(lifter.split(data, source_file=path.name))
            except LiftError as exc:
                assert path.name in str(exc)
                continue
            for piece in pieces:
                if isinstance(piece, LiftError):
                    assert piece.source_file == path.name and piece.field
                    continue
                rec = lifter.lift(piece, source=path.stem)
                assert (rec.dataset, None, None) in rec.graph
                lifted += 1
    assert lifted > 2000


def test_missing_required_fields_are_violations_naming_the_field() -> None:
    path = corpus_path("datagov-harvester-fixtures/example_data/dcatus/dcatus3_0_invalid.json")
    lifter = get_lifter("datajson")
    recs = [lifter.lift(r, source="t") for r in lifter.split(path.read_bytes(), source_file=path.name)]
    by_id = {r.raw.local_id: r for r in recs}
    bad = by_id["https://example.gov/datasets/invalid"]
    assert any(f.field == f"{bad.raw.pointer}/contactPoint" and f.severity is Severity.VIOLATION for f in bad.findings)
    assert not [f for f in by_id["https://example.gov/datasets/valid"].findings if f.severity is Severity.VIOLATION]


def test_invalid_json_names_file_and_position() -> None:
    path = next(corpus_path("ckanext-geodatagov-samples").rglob("sample6_bad_data.json"))
    with pytest.raises(LiftError) as info:
        list(get_lifter("datajson").split(path.read_bytes(), source_file=path.name))
    assert "sample6_bad_data.json" in str(info.value) and "line 82" in str(info.value)
