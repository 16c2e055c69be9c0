"""Our SHACL profiles on real records, and the two engines agreeing on them."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS

from kg.lifting import get_lifter
from kg.report import Severity
from kg.validation import Validator, report_graph
from tests.conftest import corpus_path

ROOT = Path(__file__).resolve().parents[1]


def lifted(relative: str, limit: int | None = None):  # type: ignore[no-untyped-def]
    path = corpus_path(relative)
    lifter = get_lifter("datajson")
    recs = [lifter.lift(r, source=path.stem) for r in lifter.split(path.read_bytes(), source_file=path.name)]
    return recs[:limit] if limit else recs


def plant_faults(recs):  # type: ignore[no-untyped-def]
    """Break some real records the way real catalogs break."""
    recs[0].graph.remove((recs[0].dataset, DCTERMS.title, None))
    recs[1].graph.add((recs[1].dataset, DCTERMS.license, Literal("see the agency's terms page")))
    recs[2].graph.remove((recs[2].dataset, DCTERMS.publisher, None))
    recs[3].graph.add((recs[3].dataset, DCTERMS.issued, Literal("last spring")))
    recs[4].graph.add((recs[4].dataset, DCAT.landingPage, Literal("www.example.gov/page")))
    recs[5].graph.remove((recs[5].dataset, DCTERMS.description, None))
    recs[6].graph.remove((recs[6].dataset, DCAT.distribution, None))
    return recs


def outcome(reports):  # type: ignore[no-untyped-def]
    return {
        (key, f.severity.value, f.field, f.rule, f.focus)
        for key, r in reports.items()
        for f in r.findings
        if not (f.rule or "").startswith("lift:")
    }


def test_pyshacl_and_pyrudof_agree_on_real_records_with_planted_faults() -> None:
    recs = plant_faults(lifted("datajson-agencies/energy.data.json", 120) + lifted("datajson-agencies/dol.data.json", 80))
    reference = Validator(engine="pyshacl").validate(recs)
    fast = Validator(engine="pyrudof").validate(recs)
    assert outcome(reference) == outcome(fast)
    assert len(outcome(reference)) > 100


def test_planted_faults_are_violations_that_name_the_source_field() -> None:
    recs = plant_faults(lifted("datajson-agencies/energy.data.json", 10))
    reports = Validator().validate(recs)

    def violations(i: int) -> set[tuple[str, str]]:
        return {
            (f.path or "", f.field or "")
            for f in reports[recs[i].key].findings
            if f.severity is Severity.VIOLATION and f.path
        }

    # Each result names the RDF property and the JSON pointer of the source field to fix.
    def pointer(i: int, name: str) -> str:
        return f"{recs[i].raw.pointer}/{name}"

    assert (str(DCTERMS.title), pointer(0, "title")) in violations(0)
    assert (str(DCTERMS.license), pointer(1, "license")) in violations(1)
    assert (str(DCTERMS.publisher), pointer(2, "publisher")) in violations(2)
    assert (str(DCTERMS.issued), pointer(3, "issued")) in violations(3)
    assert (str(DCAT.landingPage), pointer(4, "landingPage")) in violations(4)
    assert recs[0].raw.pointer.startswith("/dataset/")
    assert not reports[recs[0].key].conforms
    warning_fields = {f.field for f in reports[recs[5].key].findings if f.severity is Severity.WARNING}
    assert pointer(5, "description") in warning_fields
    title_finding = next(f for f in reports[recs[0].key].findings if f.path == str(DCTERMS.title))
    assert title_finding.fix and title_finding.record == recs[0].raw.local_id


def test_stored_report_carries_result_path_and_source_field() -> None:
    recs = plant_faults(lifted("datajson-agencies/energy.data.json", 10))
    reports = Validator().validate(recs)
    graph = report_graph(recs[0].key, reports[recs[0].key], str(recs[0].dataset))
    sh, cw = "http://www.w3.org/ns/shacl#", "https://w3id.org/crosswalk/ns#"
    [result] = [r for r in graph.subjects(URIRef(sh + "resultPath"), DCTERMS.title)]
    assert str(graph.value(result, URIRef(cw + "sourceField"))) == f"{recs[0].raw.pointer}/title"
    assert graph.value(result, URIRef(cw + "fixHint")) is not None


def test_report_is_rdf_with_deterministic_iris() -> None:
    recs = plant_faults(lifted("datajson-agencies/energy.data.json", 10))
    reports = Validator().validate(recs)
    a = report_graph(recs[0].key, reports[recs[0].key], str(recs[0].dataset))
    b = report_graph(recs[0].key, Validator().validate(recs)[recs[0].key], str(recs[0].dataset))
    assert set(a) == set(b)
    sh = "http://www.w3.org/ns/shacl#"
    assert (None, URIRef(sh + "conforms"), Literal(False)) in a


def test_every_turtle_file_in_shapes_and_ontologies_parses() -> None:
    files = list((ROOT / "shapes").rglob("*.ttl")) + list((ROOT / "ontologies").rglob("*.ttl"))
    assert files
    for path in files:
        assert len(Graph().parse(path, format="turtle")) > 0, path
