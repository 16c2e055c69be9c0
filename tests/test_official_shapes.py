"""Lifted records against the official DCAT-US 3.0 SHACL shapes (kg/validation/official.py).

The shapes and the official examples are read from ../shared/shapes/dcat-us-3 and never copied
here; every test skips, with the reason, when they are absent. Full figures and the analysis of
each non-conformance: bench/official_shapes.py and bench/official_shapes_findings.md.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import DCTERMS
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.lifting import get_lifter
from kg.lifting.base import LiftedRecord
from kg.validation.official import (
    OfficialReport,
    check_official,
    load_official_shapes,
    official_shapes_path,
    record_from_graph,
)
from tests.conftest import SHARED, corpus_path

EXAMPLES = SHARED / "shapes" / "dcat-us-3" / "docs" / "examples"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    path = official_shapes_path(SHARED)
    if path is None:
        pytest.skip(f"official DCAT-US 3.0 shapes not available under {SHARED}")
    return load_official_shapes(path)


def example(relative: str) -> Path:
    path = EXAMPLES / relative
    if not path.is_file():
        pytest.skip(f"official DCAT-US 3.0 example not available: {path}")
    return path


def lift_file(relative: str, limit: int | None = None) -> tuple[list[LiftedRecord], dict[str, str]]:
    path = corpus_path(relative)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    lifter = get_lifter("datajson")
    source = path.name.removesuffix(".data.json")
    recs = [lifter.lift(raw, source=source) for raw in lifter.split(data, source_file=path.name)]
    recs = recs[:limit] if limit else recs
    return recs, {rec.key: sha for rec in recs}


def describe(report: OfficialReport) -> str:
    lines = [
        f"{len(report.records)} records, {report.records_per_second:.1f} records/s;"
        f" conformance {100 * report.conformance_rate():.1f}% as published,"
        f" {100 * report.conformance_rate(include_provenance=False):.1f}% lifted graph only"
    ]
    for (focus_class, path, component), results, records, key in report.reasons():
        lines.append(f"  {records:>3} records {results:>3} results  {focus_class} {path} {component}  e.g. {key}")
    return "\n".join(lines)


def test_shapes_are_found_by_argument_by_env_and_not_invented(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    found = official_shapes_path(SHARED)
    if found is None:
        pytest.skip(f"official DCAT-US 3.0 shapes not available under {SHARED}")
    monkeypatch.setenv("KG_SHARED_DIR", str(SHARED))
    assert official_shapes_path() == found
    monkeypatch.setenv("KG_SHARED_DIR", str(tmp_path))
    assert official_shapes_path() is None
    assert official_shapes_path(tmp_path) is None
    with pytest.raises(FileNotFoundError):
        load_official_shapes(tmp_path / "missing.ttl")


def test_real_records_run_through_the_official_shapes(shapes: Graph) -> None:
    cfpb, cfpb_shas = lift_file("datajson-agencies/consumerfinance.data.json")
    energy, energy_shas = lift_file("datajson-agencies/energy.data.json", 30)
    records = cfpb + energy
    report = check_official(records, shapes, file_shas={**cfpb_shas, **energy_shas})
    print("\n" + describe(report))

    assert len(cfpb) == 11 and len(energy) == 30
    assert set(report.records) == {rec.key for rec in records} and not report.out_of_scope
    # Every record was a focus node of the Dataset shape and carried a dcat:CatalogRecord.
    assert report.shape_focus_counts["dcat-us-shp:Dataset_Shape"] == len(records)
    assert report.shape_focus_counts["dcat-us-shp:CatalogRecord_Shape"] == len(records)
    # A lifted record has no catalog: the catalog shape cannot say anything about it.
    assert "dcat-us-shp:Catalog_Shape" in report.unfired_shapes
    assert 0.0 <= report.conformance_rate() <= report.conformance_rate(include_provenance=False) <= 1.0
    by_key = {rec.key: rec for rec in records}
    for key, outcome in report.records.items():
        subjects = {str(s) for s, _p, _o in by_key[key].graph}
        for res in outcome.results:
            assert res.focus_class != "?" and res.component.startswith("sh:") and res.message
            # A result belongs to the record whose graph (or provenance) holds its focus node.
            assert res.focus in subjects or res.origin == "provenance"
        assert outcome.conforms() == (not [r for r in outcome.results if r.severity == "Violation"])


def test_batches_give_each_record_the_results_it_gets_alone(shapes: Graph) -> None:
    records, _shas = lift_file("datajson-agencies/energy.data.json", 25)
    batched = check_official(records, shapes, batch_size=250)
    alone = check_official(records, shapes, batch_size=1)
    assert alone.batches == len(records) and batched.batches == 1

    def facts(report: OfficialReport) -> dict[str, set[tuple[object, ...]]]:
        return {k: {(r.focus, r.path, r.component, r.value) for r in v.results} for k, v in report.records.items()}

    assert facts(batched) == facts(alone)


def test_known_bad_official_example_is_rejected() -> None:
    bad = example("catalog/rights.ttl.bad")
    # The file uses the prefix ":" without declaring it: it is not Turtle at all, so it can
    # never reach the shapes. The parser must say so, naming the prefix.
    with pytest.raises(BadSyntax, match='Prefix ":" not bound'):
        Graph().parse(bad, format="turtle")


def test_official_example_dataset_conforms_and_a_broken_copy_does_not(shapes: Graph) -> None:
    graph = Graph().parse(example("dataset/dataset.ttl"), format="turtle")
    good = record_from_graph(graph, name="dataset/dataset.ttl")
    full = record_from_graph(Graph().parse(example("example1-dcat-us-3.0.ttl"), format="turtle"), name="example1")
    report = check_official([good, full], shapes)
    print("\n" + describe(report))
    assert report.records[good.key].conforms(), report.records[good.key].results
    assert report.records[full.key].conforms(), report.records[full.key].results
    assert report.shape_focus_counts["dcat-us-shp:Dataset_Shape"] == 2
    assert report.shape_focus_counts["dcat-us-shp:Kind_Shape"] >= 2  # its contact points were checked

    # Control: the same dataset without its mandatory description is caught, by the right rule.
    graph.remove((good.dataset, DCTERMS.description, None))
    broken = record_from_graph(graph, name="dataset/dataset.ttl without description")
    outcome = check_official([broken], shapes).records[broken.key]
    assert not outcome.conforms()
    assert {r.reason for r in outcome.results} == {
        ("dcat:Dataset", "dcterms:description", "sh:MinCountConstraintComponent")
    }


# Real records that name several creators, several rights statements, several formats for two
# online resources, an organisation spelled two ways, a concept under two thesauri, a network of
# sites, and a DCAT-US 3.0 example with integer box sides. What they still miss is a fact the
# source does not give (minCount: a publisher, a contact e-mail, a description, a record date).
MAPPING_CASES = [
    ("datacite-schema/source/meta/kernel-4/example/all-fields-v4.4.xml", "datacite-xml"),
    ("datacite-schema/source/meta/kernel-4/example/datacite-example-full-v4.xml", "datacite-xml"),
    ("ckanext-geodatagov-samples/ckanext/geodatagov/tests/data-samples/waf-gmi/cb_2014_us_necta_500k.shp.iso.xml", "iso19139"),
    ("slendernodes-sosorg/iso19139/arm_doc1.xml", "iso19139"),
    ("geocodes-sosorg/curated/metadata/Dataset/allgood/stac_example.json", "schemaorg-jsonld"),
    ("essdive-jsonld-examples/example-1.jsonld", "schemaorg-jsonld"),
    ("slendernodes-sosorg/other_xml/fgdc_std_001_1_1999_example.xml", "fgdc-csdgm"),
]  # fmt: skip


def test_several_values_are_mapped_to_the_one_dcat_us_allows(shapes: Graph) -> None:
    records = []
    for relative, fmt in MAPPING_CASES:
        path = corpus_path(relative)
        lifter = get_lifter(fmt)
        records += [lifter.lift(raw, source="t") for raw in lifter.split(path.read_bytes(), source_file=path.name)]
    records.append(lift_example("antimeridian-bbox.jsonld"))
    records.append(lift_example("dataset/other-identifier.jsonld"))  # an adms:Identifier as dcterms:identifier
    report = check_official(records, shapes)
    problems = [
        (outcome.source_file, r.reason, r.message)
        for outcome in report.records.values()
        for r in outcome.results
        if r.severity == "Violation" and r.origin == "lifted" and r.component != "sh:MinCountConstraintComponent"
        and not (r.path == "vcard:hasEmail")  # "Invalid email format": the shape's message when no e-mail is given
    ]  # fmt: skip
    assert problems == []
    # the multi-creator records were checked, each with one creator entity
    assert all(len(list(rec.graph.objects(rec.dataset, DCTERMS.creator))) <= 1 for rec in records)


def lift_example(relative: str) -> LiftedRecord:
    path = example(relative)
    lifter = get_lifter("dcat-rdf")
    [rec] = [lifter.lift(raw, source="dcat-us-3-examples") for raw in lifter.split(path.read_bytes(), source_file=path.name)]
    return rec
