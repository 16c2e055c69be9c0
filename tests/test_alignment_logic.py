"""Logical checks of class-level mappings (kg.alignment.logic) with HermiT, on the shipped core
ontology, concept schemes and mapping sets (read, never modified: drafts are built in memory)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.alignment import logic
from kg.alignment.sssom import LEXICAL, Mapping, MappingSet, read_sssom, term_iri
from kg.vocab import CONCEPT_BASE

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = ROOT / "ontologies" / "mappings"
FAC = CONCEPT_BASE + "facilities/"
CW = "https://w3id.org/crosswalk/ns#"


@pytest.fixture(scope="module")
def shipped() -> list[MappingSet]:
    sets = [read_sssom(p) for p in sorted(MAPPINGS.glob("*.sssom.tsv"))]
    assert {s.name for s in sets} >= {"anl", "ornl", "slac"}
    return sets


def row(label: str, concept: str, predicate: str = "skos:exactMatch", agreement: float | None = 1.0,
        concept_label: str = "", source: str = "anl") -> Mapping:  # fmt: skip
    return Mapping(
        term_iri(source, label), predicate, concept, LEXICAL, subject_label=label, object_label=concept_label,
        reviewer_agreement=agreement,
    ).with_id()  # fmt: skip


def draft_of(sets: list[MappingSet], name: str, *rows: Mapping) -> MappingSet:
    draft = copy.deepcopy(next(s for s in sets if s.name == name))
    draft.mappings += rows
    return draft


def test_shipped_sets_pass(shipped: list[MappingSet]) -> None:
    report = logic.check(shipped, next(s for s in shipped if s.name == "anl"))
    assert report.problems == [], [p.explain() for p in report.problems]
    assert report.class_axioms >= 50  # the facility and science-domain mappings, GCMD ones give none
    assert report.reasoner_calls == 1
    assert report.seconds < 30, f"one check took {report.seconds:.1f}s"
    assert logic.check_mappings(shipped, next(s for s in shipped if s.name == "slac")) == []


def test_facility_and_instrument_type_refused(shipped: list[MappingSet]) -> None:
    aps = row("APS", FAC + "aps", concept_label="Advanced Photon Source")
    xrd = row("APS", FAC + "x-ray-diffraction", concept_label="X-ray diffraction")
    problems = logic.check_mappings(shipped, draft_of(shipped, "anl", aps, xrd))
    assert len(problems) == 1
    problem = problems[0]
    assert problem.kind == "unsatisfiable" and problem.term == term_iri("anl", "APS")
    assert problem.record_ids == sorted([aps.record_id, xrd.record_id])
    assert problem.set_names == ["anl"]
    text = problem.explain()
    assert "\n" not in text
    for expected in (
        logic.curie(aps.record_id), logic.curie(xrd.record_id), '"APS"', "Advanced Photon Source",
        "X-ray diffraction", 'set "anl"', "skos:exactMatch", "cwterm:anl/aps rdfs:subClassOf cw:LightSource",
        "cwterm:anl/aps rdfs:subClassOf cw:InstrumentType", "cw:LightSource rdfs:subClassOf cw:Facility (core.ttl)",
        "cw:Facility owl:disjointWith cw:InstrumentType",
        "core.ttl: owl:AllDisjointClasses (cw:ScienceDomain cw:Facility cw:InstrumentType)",
    ):  # fmt: skip
        assert expected in text, (expected, text)


def test_two_disjoint_kinds_of_facility_refused(shipped: list[MappingSet]) -> None:
    aps = row("APS", FAC + "aps", concept_label="Advanced Photon Source")
    sns = row("APS", FAC + "sns", concept_label="Spallation Neutron Source")
    problems = logic.check_mappings(shipped, draft_of(shipped, "anl", aps, sns))
    assert [p.record_ids for p in problems] == [sorted([aps.record_id, sns.record_id])]
    text = problems[0].explain()
    assert "cw:LightSource owl:disjointWith cw:NeutronSource" in text
    assert "owl:AllDisjointClasses (cw:LightSource cw:NeutronSource" in text
    assert "Spallation Neutron Source" in text and "Advanced Photon Source" in text
    assert "cw:Facility owl:disjointWith" not in text  # the kinds clash, not facility and instrument


def test_mappings_that_are_not_class_level_are_not_refused(shipped: list[MappingSet]) -> None:
    draft = draft_of(
        shipped, "anl",
        row("APS", FAC + "aps", "skos:closeMatch"), row("APS", FAC + "x-ray-diffraction", "skos:closeMatch"),
        row("SNS", FAC + "sns"), row("SNS", FAC + "aps", "skos:relatedMatch"),
        row("user facility", FAC + "sns", "skos:narrowMatch"), row("user facility", FAC + "aps", "skos:narrowMatch"),
    )  # fmt: skip
    report = logic.check(shipped, draft)
    assert report.problems == []
    assert report.class_axioms == logic.check(shipped, draft_of(shipped, "anl")).class_axioms + 1  # SNS exact only


def test_rejected_and_proposed_rows_are_ignored(shipped: list[MappingSet]) -> None:
    draft = draft_of(
        shipped, "anl",
        row("APS", FAC + "aps"), row("APS", FAC + "x-ray-diffraction", agreement=-1.0),
        row("APS", FAC + "sns", agreement=None),  # a machine proposal, not reviewed
    )  # fmt: skip
    assert [m.status for m in draft.mappings[-3:]] == ["accepted", "rejected", "proposed"]
    assert logic.check_mappings(shipped, draft) == []


def test_minimal_rows_and_grouping_concepts(shipped: list[MappingSet]) -> None:
    """Of three rows only the two that clash are named; a broadMatch to a grouping concept takes
    its cw:conceptClass; a term mapped under its own kind's grouping is fine."""
    aps, als, xrd = row("APS", FAC + "aps"), row("APS", FAC + "als"), row("APS", FAC + "x-ray-diffraction")
    beam_a, beam_n = row("beamline", FAC + "aps"), row("beamline", FAC + "neutron-sources", "skos:broadMatch")
    ok = [row("ALS", FAC + "als"), row("ALS", FAC + "light-sources", "skos:broadMatch")]
    report = logic.check(shipped, draft_of(shipped, "anl", aps, als, xrd, beam_a, beam_n, *ok))
    assert [p.term for p in report.problems] == [term_iri("anl", "APS"), term_iri("anl", "beamline")]
    first, second = report.problems
    assert len(first.record_ids) == 2 and xrd.record_id in first.record_ids
    assert "cw:Facility owl:disjointWith cw:InstrumentType" in first.explain()
    assert second.record_ids == sorted([beam_a.record_id, beam_n.record_id])
    assert "cw:conceptClass of itself" in second.explain()
    assert "cw:LightSource owl:disjointWith cw:NeutronSource" in second.explain()
    assert report.reasoner_calls <= 4


def test_clash_across_sets_names_both(shipped: list[MappingSet]) -> None:
    """A new set (no published one of its name) clashing with a row of a published set."""
    published = next(m for m in next(s for s in shipped if s.name == "anl").accepted() if m.object_id == FAC + "aps")
    shared = MappingSet(
        {"mapping_set_id": "https://w3id.org/crosswalk/mappings/shared", "license": "cc0", "curie_map": {}},
        [row(published.subject_label, FAC + "x-ray-diffraction")],
    )
    problems = logic.check_mappings(shipped, shared)
    assert [p.set_names for p in problems] == [["anl", "shared"]]
    assert published.record_id in problems[0].record_ids
    assert 'set "anl"' in problems[0].explain() and 'set "shared"' in problems[0].explain()


def test_no_class_level_mapping_skips_the_reasoner(shipped: list[MappingSet], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_reasoner(self: object, classes: object) -> None:
        raise AssertionError("the reasoner was started")

    monkeypatch.setattr(logic._Reasoner, "run", no_reasoner)
    anl = next(s for s in shipped if s.name == "anl")
    gcmd_only = MappingSet(dict(anl.metadata), [m for m in anl.mappings if "gcmd" in m.object_id])
    assert any(m.status == "accepted" and m.predicate_id == "skos:exactMatch" for m in gcmd_only.mappings)
    report = logic.check([], gcmd_only)
    assert report.problems == [] and report.class_axioms == 0 and report.reasoner_calls == 0
    close = MappingSet(dict(anl.metadata), [row("APS", FAC + "aps", "skos:closeMatch")])
    assert logic.check([], close).reasoner_calls == 0


def test_inconsistent_ontology_is_reported(shipped: list[MappingSet], monkeypatch: pytest.MonkeyPatch) -> None:
    """An ontology HermiT finds inconsistent (here: an individual of two disjoint classes added
    to the core) is a Problem naming the individual's types and the disjointness."""
    real = logic._base_graph

    def broken() -> Graph:
        graph = real()
        thing = URIRef("https://example.org/thing")
        graph.add((thing, RDF.type, URIRef(CW + "LightSource")))
        graph.add((thing, RDF.type, URIRef(CW + "InstrumentType")))
        return graph

    monkeypatch.setattr(logic, "_base_graph", broken)
    monkeypatch.setattr(logic, "_ontology_signature", lambda: (("broken for a test", 0, 0),))
    try:
        problems = logic.check_mappings(shipped, next(s for s in shipped if s.name == "anl"))
    finally:
        logic._load_base.cache_clear()
    assert [p.kind for p in problems] == ["inconsistent"]
    text = problems[0].explain()
    assert "before any mapping" in text
    assert "<https://example.org/thing>" not in text and "https://example.org/thing rdf:type cw:LightSource" in text
    assert "cw:Facility owl:disjointWith cw:InstrumentType" in text
