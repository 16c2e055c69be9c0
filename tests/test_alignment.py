"""Alignment as data (issue 4, points 2 and 4): SSSOM mapping sets map each lab's terms to shared
concepts; candidates are proposed by lexical and embedding matching; accepted mappings are
applied at ingest into per-record alignment graphs, the lab's term beside the concept; a change
shows its impact before it is published, and publishing re-aligns only the affected records.

Real records: the agency catalogs and the ARM / UMM-C records in ../shared/corpus, and the
team's sample corpus in examples/ with the shipped mapping sets in ontologies/mappings (copied
into tmp_path: tests never write the repo's files).
"""

from __future__ import annotations

import logging
import shutil
import warnings
from pathlib import Path

import pytest

from kg.alignment.align import align, alignment_graph, load_mapping_sets
from kg.alignment.decisions import decide, edit, list_versions
from kg.alignment.matching import Matcher, scheme_concepts
from kg.alignment.propose import propose
from kg.alignment.sssom import MANUAL, MappingSetError, parse_sssom, read_sssom, term_iri, to_tsv
from kg.alignment.workspace import Workspace
from kg.config import DataDir
from kg.linking.embedder import Embedder
from kg.pipeline import Ingestor
from kg.store import GraphStore
from tests.conftest import ROOT, corpus_path

MAPPINGS = ROOT / "ontologies" / "mappings"
GCMD = "https://gcmd.earthdata.nasa.gov/kms/concept/"
AIR_QUALITY = GCMD + "77397026-09c9-44e0-b85f-77b2bc9b1630"  # EARTH SCIENCE > ATMOSPHERE > AIR QUALITY


def _ingest(data_dir: Path, *paths: Path) -> None:
    ingestor = Ingestor(data_dir)
    try:
        result = ingestor.ingest(list(paths))
    finally:
        ingestor.close()
    assert result.stored and not result.errors, [str(e) for e in result.errors]


@pytest.fixture(scope="module")
def mappings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mappings")
    for path in MAPPINGS.glob("*.sssom.tsv"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory, mappings: Path) -> Path:
    """The sample corpus ingested with the shipped mapping sets applied."""
    data = tmp_path_factory.mktemp("demo") / "kg"
    mp = pytest.MonkeyPatch()
    mp.setenv("KG_MAPPINGS_DIR", str(mappings))
    try:
        _ingest(data, ROOT / "examples")
    finally:
        mp.undo()
    return data


# --- the file format ---------------------------------------------------------------------------


def test_shipped_sets_read_and_round_trip_byte_for_byte() -> None:
    sets = load_mapping_sets(MAPPINGS)
    assert len(sets) >= 10
    for ms in sets:
        text = ms.path.read_text(encoding="utf-8")  # type: ignore[union-attr]
        assert to_tsv(ms) == text, ms.path
        statuses = {m.status for m in ms.mappings}
        assert "accepted" in statuses and "proposed" in statuses
        for m in ms.accepted():
            assert m.reviewer_label and m.review_date  # who and when, for every decision
    rejected = [m for ms in sets for m in ms.by_status("rejected")]
    assert rejected and all(m.comment for m in rejected)  # why


def test_sssom_py_reads_our_files_without_a_warning() -> None:
    sssom_parsers = pytest.importorskip("sssom.parsers")
    validators = pytest.importorskip("sssom.validators")

    class Collect(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    handler = Collect()
    logging.getLogger().addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for path in sorted(MAPPINGS.glob("*.sssom.tsv")):
                msdf = sssom_parsers.parse_sssom_table(str(path))
                ours = read_sssom(path)
                assert len(msdf.df) == len(ours.mappings), path  # sssom-py drops malformed rows silently
                reports = validators.validate(msdf, fail_on_error=False)
                problems = [r.message for rep in reports.values() for r in rep.results]
                assert problems == [], (path, problems)
    finally:
        logging.getLogger().removeHandler(handler)
    assert handler.messages == []


BASE_HEADER = """#curie_map:
#  cwterm: https://w3id.org/crosswalk/term/
#  gcmd: https://gcmd.earthdata.nasa.gov/kms/concept/
#  skos: http://www.w3.org/2004/02/skos/core#
#  semapv: https://w3id.org/semapv/vocab/
#mapping_set_id: https://w3id.org/crosswalk/mappings/t
#license: https://creativecommons.org/publicdomain/zero/1.0/
subject_id\tsubject_label\tpredicate_id\tobject_id\tmapping_justification\tconfidence
"""


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("cwterm:t/air\tair\tskos:sameAs\tgcmd:x\tsemapv:LexicalMatching\t0.9", "line 9, column predicate_id"),
        ("cwterm:t/air\tair\tskos:exactMatch\tnope:x\tsemapv:LexicalMatching\t0.9", "line 9, column object_id"),
        ("cwterm:t/air\tair\tskos:exactMatch\tgcmd:x\tsemapv:LexicalMatching\t1.7", "line 9, column confidence"),
        ("cwterm:t/air\tair\tskos:exactMatch\tgcmd:x\tsemapv:Guessing\t0.9", "line 9, column mapping_justification"),
        ("\tair\tskos:exactMatch\tgcmd:x\tsemapv:LexicalMatching\t0.9", "line 9, column subject_id"),
    ],
)
def test_a_bad_row_is_refused_naming_the_file_line_and_column(row: str, where: str) -> None:
    with pytest.raises(MappingSetError) as caught:
        parse_sssom(BASE_HEADER + row + "\n", name="t.sssom.tsv")
    assert str(caught.value).startswith(f"t.sssom.tsv, {where}: ")


def test_the_same_pair_twice_is_refused() -> None:
    row = "cwterm:t/air\tair\tskos:exactMatch\tgcmd:x\tsemapv:LexicalMatching\t0.9\n"
    with pytest.raises(MappingSetError, match="line 10: the same subject and object are on line 9"):
        parse_sssom(BASE_HEADER + row + row, name="t.sssom.tsv")


# --- matching ------------------------------------------------------------------------------------


def test_lexical_matching_finds_gcmd_and_team_concepts_without_a_model() -> None:
    matcher = Matcher(scheme_concepts())
    found = matcher.candidates(["air quality", "Spallation Neutron Source", "EARTH SCIENCE > ATMOSPHERE > AIR QUALITY",
                                "quantum chromodynamics on the lattice"])  # fmt: skip
    # GCMD has two AIR QUALITY concepts (ATMOSPHERE, and ENVIRONMENTAL ADVISORIES): without a model
    # to choose, both are candidates and neither reaches the 0.95 a sure match gets
    air = {c.concept.iri: c for c in found["air quality"]}
    assert AIR_QUALITY in air and len(air) == 2
    assert all(c.predicate == "skos:exactMatch" and c.confidence <= 0.9 for c in air.values())
    assert found["EARTH SCIENCE > ATMOSPHERE > AIR QUALITY"][0].method == "path"
    assert found["Spallation Neutron Source"][0].concept.path.endswith("Neutron sources > Spallation Neutron Source")
    assert "quantum chromodynamics on the lattice" not in found or all(
        c.confidence < 0.95 for c in found["quantum chromodynamics on the lattice"]
    )


@pytest.mark.slow
def test_propose_on_real_records_with_the_real_model(tmp_path: Path) -> None:
    src = tmp_path / "in" / "energy"
    src.mkdir(parents=True)
    shutil.copy(corpus_path("datajson-agencies/energy.data.json"), src / "energy.data.json")
    data = tmp_path / "kg"
    mp = pytest.MonkeyPatch()
    mp.setenv("KG_MAPPINGS_DIR", str(tmp_path / "none"))
    try:
        _ingest(data, src)
    finally:
        mp.undo()
    store = GraphStore(DataDir(data).store)
    embedder = Embedder(tmp_path / "emb.sqlite")
    out = tmp_path / "mappings"
    try:
        first = propose(store, "energy", embedder=embedder, directory=out, today="2026-12-01")
        ms = read_sssom(first.path)
        assert first.added > 100 and ms.version == "1"
        assert all(m.status == "proposed" and m.confidence is not None for m in ms.mappings)
        air = [m for m in ms.mappings if m.subject_label.lower() == "air quality" and m.object_id == AIR_QUALITY]
        assert air and air[0].mapping_justification == "semapv:LexicalMatching" and air[0].confidence >= 0.95
        assert {m.mapping_justification for m in ms.mappings} >= {"semapv:LexicalMatching",
                                                                  "semapv:SemanticSimilarityThresholdMatching"}  # fmt: skip
        # a curator rejects one; proposing again keeps the decision and adds nothing
        decide(ms, air[0].record_id, "reject", reviewer="Ada Curator", comment="test: rejected on purpose")
        ms.path.write_text(to_tsv(ms), encoding="utf-8")  # type: ignore[union-attr]
        again = propose(store, "energy", embedder=embedder, directory=out, today="2026-12-02")
        assert again.added == 0
        kept = read_sssom(again.path)
        [row] = [m for m in kept.mappings if m.record_id == air[0].record_id]
        assert row.status == "rejected" and row.reviewer_label == "Ada Curator"
    finally:
        store.close()
        embedder.close()


# --- applying ---------------------------------------------------------------------------------


def test_accepted_mappings_are_applied_at_ingest_with_the_labs_term_beside_the_concept(demo_store: Path) -> None:
    store = GraphStore(DataDir(demo_store).store)
    try:
        rows = store.select(
            """PREFIX cw: <https://w3id.org/crosswalk/ns#>
               SELECT ?key ?term ?concept ?set ?version WHERE { GRAPH ?a {
                 ?n a cw:Alignment ; cw:dataset ?ds ; cw:sourceTerm ?term ; cw:concept ?concept ;
                    cw:mappingSet ?set ; cw:mappingSetVersion ?version .
                 ?ds <http://www.w3.org/ns/dcat#theme> ?concept . ?a cw:recordKey ?key } }"""
        )
        assert len({r["key"] for r in rows}) >= 50
        accepted = {(m.subject_id, m.object_id) for ms in load_mapping_sets(MAPPINGS) for m in ms.accepted()}
        rejected = {(m.subject_id, m.object_id) for ms in load_mapping_sets(MAPPINGS) for m in ms.by_status("rejected")}
        for r in rows:
            source = store.select(
                f'SELECT ?s WHERE {{ GRAPH ?g {{ ?g <https://w3id.org/crosswalk/ns#recordKey> "{r["key"]}" ; '
                "<https://w3id.org/crosswalk/ns#source> ?s } }"
            )[0]["s"].rsplit("/", 1)[-1]
            pair = (term_iri(source, r["term"]), r["concept"])
            assert pair in accepted and pair not in rejected
            # the lab's own term is still in the record graph, untouched
            kept = store.ask(
                f'ASK {{ GRAPH <https://w3id.org/crosswalk/graph/record/{r["key"]}> {{ ?ds ?p "{r["term"]}" }} }}'
            )
            assert kept, r
    finally:
        store.close()


def test_re_aligning_unchanged_sets_writes_nothing(demo_store: Path, mappings: Path) -> None:
    store = GraphStore(DataDir(demo_store).store)
    try:
        result = align(store, load_mapping_sets(mappings))
        assert result.written == 0 and result.dropped == 0 and result.unchanged == result.records > 0
    finally:
        store.close()


def test_impact_then_publish_realigns_only_the_affected_records(tmp_path: Path, demo_store: Path, mappings: Path) -> None:
    folder = tmp_path / "mappings"
    shutil.copytree(mappings, folder)
    data = tmp_path / "kg"
    shutil.copytree(demo_store, data)
    store = GraphStore(DataDir(data).store)
    ws = Workspace(folder)
    try:
        draft = ws.draft("ornl")
        proposed = sorted((m for m in draft.by_status("proposed")), key=lambda m: -(m.confidence or 0))
        target = proposed[0]
        decide(draft, target.record_id, "accept", reviewer="Ada Curator", comment="checked against the records")
        ws.save_draft(draft)
        before = read_sssom(folder / "ornl.sssom.tsv")
        impact = ws.impact(store, "ornl")
        assert impact.changed_mappings == [target.record_id]
        assert impact.gained and {g.concept for g in impact.gained} == {target.object_id}
        assert not impact.lost
        assert read_sssom(folder / "ornl.sssom.tsv").digest() == before.digest()  # nothing published yet
        published = ws.publish(store, "ornl", check=False)
        assert published.version == str(int(before.version) + 1)
        assert [n for n, _ in list_versions(folder, "ornl")][-1] == int(published.version)
        assert published.records_realigned == len(impact.records)
        for key in impact.records:
            assert store.ask(
                f"ASK {{ GRAPH <{alignment_graph(key)}> {{ ?ds <http://www.w3.org/ns/dcat#theme> <{target.object_id}> }} }}"
            )
        # an edit: the machine's row is rejected, the curator's row is manual and accepted
        draft = ws.draft("ornl")
        other = next(m for m in draft.by_status("proposed"))
        new = edit(draft, other.record_id, object_id=AIR_QUALITY, object_label="EARTH SCIENCE > ATMOSPHERE > AIR QUALITY",
                   reviewer="Ada Curator", comment="the lab means air quality")  # fmt: skip
        assert new.mapping_justification == MANUAL and new.status == "accepted" and new.author_label == "Ada Curator"
        assert next(m for m in draft.mappings if m.record_id == other.record_id).status == "rejected"
    finally:
        store.close()


# --- concepts in search and on landing pages (point 6) ---------------------------------------


@pytest.fixture(scope="module")
def linked_demo(tmp_path_factory: pytest.TempPathFactory, demo_store: Path) -> Path:
    from kg.linking.linker import link

    data = tmp_path_factory.mktemp("linked") / "kg"
    shutil.copytree(demo_store, data)
    link(data)
    return data


NEUTRON_SCATTERING = "https://w3id.org/crosswalk/concept/facilities/neutron-instruments"  # "Neutron scattering instruments"
NEUTRON_DIFFRACTION = "https://w3id.org/crosswalk/concept/facilities/neutron-diffraction"


def test_a_broader_concept_finds_datasets_tagged_with_a_narrower_one(linked_demo: Path) -> None:
    from kg.linking.search import Searcher

    store = GraphStore(DataDir(linked_demo).store)
    try:
        searcher = Searcher(DataDir(linked_demo), store)
        # the ORNL record's subject "neutron diffraction" is aligned to Neutron diffraction, a
        # narrower concept of Neutron scattering instruments
        tagged = [k for k, s in searcher.summaries.items() if NEUTRON_DIFFRACTION in s.concepts]
        assert tagged
        result = searcher.search("neutron scattering instruments", limit=100)
        hits = {h.key: h for h in result.hits}
        for key in tagged:
            assert NEUTRON_SCATTERING in hits[key].matched_concepts
        # faceted by concept: the broader concept is a facet value, and filtering by it keeps
        # exactly the datasets whose concepts are it or narrower
        facet = dict(result.facets["concept"])
        assert facet.get(NEUTRON_SCATTERING, 0) >= len(tagged)
        narrowed = searcher.search("neutron scattering instruments", limit=100, concept=NEUTRON_SCATTERING)
        assert narrowed.total == facet[NEUTRON_SCATTERING]
        assert set(tagged) <= {h.key for h in narrowed.hits}
        for h in narrowed.hits:
            assert NEUTRON_SCATTERING in searcher.concepts.expand(set(h.concepts))
    finally:
        store.close()


def test_landing_page_and_api_show_concepts_with_labels_and_hierarchy(linked_demo: Path) -> None:
    from app import create_app

    app = create_app({"DATA_DIR": str(linked_demo), "TESTING": True})
    client = app.test_client()
    api = client.get("/api/search?q=neutron+scattering+instruments&limit=50").get_json()
    assert any(f["value"] == NEUTRON_SCATTERING and f["label"] == "Neutron scattering instruments"
               for f in api["facets"]["concept"])  # fmt: skip
    hit = next(h for h in api["hits"] if any(c["iri"] == NEUTRON_DIFFRACTION for c in h["concepts"]))
    page = client.get(f"/dataset/{hit['key']}").get_data(as_text=True)
    # the path from the top concept, each step a link, and the lab's own term beside it
    assert "Instrument types</a> › <a" in page and "Neutron scattering instruments</a> › <a" in page
    assert "Neutron diffraction</a>" in page and "the lab's term: neutron diffraction" in page
    html = client.get(f"/search?q=neutron+scattering+instruments&concept={NEUTRON_SCATTERING}").get_data(as_text=True)
    # the chosen concept is a checked filter, by its label; each hit says which concept found it
    assert f'name="concept" value="{NEUTRON_SCATTERING}" checked> Neutron scattering instruments' in html
    assert "found by the concept Neutron scattering instruments" in html


def test_the_curator_commands_refuse_a_clash_and_publish_a_good_change(tmp_path: Path, demo_store: Path,
                                                                        mappings: Path) -> None:  # fmt: skip
    from click.testing import CliRunner

    from kg.alignment.decisions import edit
    from kg.cli import main

    folder = tmp_path / "mappings"
    shutil.copytree(mappings, folder)
    data = tmp_path / "kg"
    shutil.copytree(demo_store, data)
    runner = CliRunner()
    common = ["--data-dir", str(data), "--mappings", str(folder)]
    ws = Workspace(folder)
    # a clash: ORNL's "Spallation Neutron Source" (accepted: a facility) also made an instrument type
    draft = ws.draft("ornl")
    sns = next(m for m in draft.accepted() if m.subject_label == "Spallation Neutron Source")
    other = next(m for m in draft.by_status("proposed"))
    edit(draft, other.record_id, object_id="https://w3id.org/crosswalk/concept/facilities/neutron-diffraction",
         object_label="Neutron diffraction", reviewer="Ada Curator", comment="clash on purpose")  # fmt: skip
    new = draft.mappings[-1]
    draft.mappings[-1] = type(new)(**{**new.__dict__, "subject_id": sns.subject_id, "subject_label": sns.subject_label,
                                      "record_id": ""}).with_id()  # fmt: skip
    ws.save_draft(draft)
    versions_before = list_versions(folder, "ornl")
    version_before = ws.published("ornl").version
    refused = runner.invoke(main, ["align", "publish", "--set", "ornl", *common])
    assert refused.exit_code == 1, refused.output
    assert "refused" in refused.output and "Spallation Neutron Source" in refused.output
    assert "disjointWith" in refused.output
    assert list_versions(folder, "ornl") == versions_before  # nothing published
    ws.discard_draft("ornl")

    # a good change: review in the draft, see the impact, publish
    proposed = sorted(ws.published("ornl").by_status("proposed"), key=lambda m: -(m.confidence or 0))[0]
    curie = "cwmap:" + proposed.record_id.rsplit("/", 1)[-1]
    reviewed = runner.invoke(main, ["align", "review", "--set", "ornl", "--reviewer", "Ada Curator",
                                    "--accept", curie, "--comment", "right for ORNL", "--mappings", str(folder)])  # fmt: skip
    assert reviewed.exit_code == 0, reviewed.output
    impact = runner.invoke(main, ["align", "impact", "--set", "ornl", *common])
    assert impact.exit_code == 0 and "1 mappings changed" in impact.output and "  + ornl " in impact.output
    published = runner.invoke(main, ["align", "publish", "--set", "ornl", *common])
    assert published.exit_code == 0, published.output
    assert f"version {int(version_before) + 1} published" in published.output
    assert list_versions(folder, "ornl")[-1][0] == int(version_before) + 1
    row = next(m for m in read_sssom(folder / "ornl.sssom.tsv").mappings if m.record_id == proposed.record_id)
    assert row.status == "accepted" and row.reviewer_label == "Ada Curator" and row.comment == "right for ORNL"


# --- vocabularies change (point 7) ---------------------------------------------------------------


def test_a_new_scheme_version_flags_mappings_and_datasets_and_proposes_the_replacement(
    tmp_path: Path, demo_store: Path, mappings: Path
) -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

    from kg.alignment.vocab_change import CHANGES_GRAPH, update_scheme

    schemes = tmp_path / "schemes"
    shutil.copytree(ROOT / "ontologies" / "schemes", schemes)
    folder = tmp_path / "mappings"
    shutil.copytree(mappings, folder)
    data = tmp_path / "kg"
    shutil.copytree(demo_store, data)
    # version 1.1.0 of the facilities scheme: "Neutron diffraction" split, deprecated in favour
    # of a new "Neutron powder diffraction" concept (a team-written change)
    g = Graph().parse(schemes / "facilities-instruments.ttl")
    scheme = next(g.subjects(RDF.type, SKOS.ConceptScheme))
    old, new = URIRef(NEUTRON_DIFFRACTION), URIRef(NEUTRON_DIFFRACTION.replace("neutron-diffraction", "neutron-powder-diffraction"))
    g.set((scheme, OWL.versionInfo, Literal("1.1.0")))
    g.add((old, OWL.deprecated, Literal(True)))
    g.add((old, DCTERMS.isReplacedBy, new))
    for t in [(new, RDF.type, SKOS.Concept), (new, SKOS.prefLabel, Literal("Neutron powder diffraction", lang="en")),
              (new, SKOS.inScheme, scheme), (new, SKOS.broader, URIRef(NEUTRON_SCATTERING))]:  # fmt: skip
        g.add(t)
    path = tmp_path / "facilities-1.1.0.ttl"
    g.serialize(path, format="turtle")

    store = GraphStore(DataDir(data).store)
    try:
        result = update_scheme(path, schemes_dir=schemes, mappings_dir=folder, store=store, today="2026-12-01")
        assert result.old_version != result.new_version == "1.1.0"
        assert [(c.concept, c.kind, c.replacement) for c in result.changes] == [(str(old), "deprecated", str(new))]
        # every mapping that used it is flagged, and the replacement is proposed in the draft
        ws = Workspace(folder)
        flagged_sets = {name for name, _ in result.flagged_mappings}
        assert "ornl" in flagged_sets
        draft = ws.draft("ornl")
        [proposal] = [m for m in draft.mappings if m.object_id == str(new)]
        assert proposal.status == "proposed" and proposal.mapping_justification == "semapv:MappingChaining"
        assert proposal.subject_label == "neutron diffraction"
        flagged = next(m for m in draft.mappings if m.object_id == str(old) and m.status == "accepted")
        assert "deprecated in facilities-instruments 1.1.0" in flagged.comment
        assert ws.published("ornl").digest() == read_sssom(mappings / "ornl.sssom.tsv").digest()  # drafts only
        # every dataset that uses it is flagged in the store
        users = {k for k, c in result.flagged_datasets if c == str(old)}
        assert users
        rows = store.select(f"SELECT ?key WHERE {{ GRAPH <{CHANGES_GRAPH}> {{ ?n <https://w3id.org/crosswalk/ns#recordRef> ?key ; "
                            f"<https://w3id.org/crosswalk/ns#replacedBy> <{new}> }} }}")  # fmt: skip
        assert {r["key"] for r in rows} == users
        # the old version is kept, the new one installed
        assert (schemes / "versions" / "facilities-instruments").glob("*.ttl")
        assert "1.1.0" in (schemes / "facilities-instruments.ttl").read_text(encoding="utf-8")
        # the same version again is refused: the scheme's owl:versionInfo must change
        with pytest.raises(ValueError, match="owl:versionInfo must change"):
            update_scheme(path, schemes_dir=schemes, mappings_dir=folder, store=store)
    finally:
        store.close()
