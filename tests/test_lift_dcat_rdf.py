"""DCAT RDF lifter (DCAT-US 3.0 / DCAT-AP 3 in Turtle, JSON-LD, RDF/XML), run on the official
examples. They are read from ../shared/shapes (tests skip when it is absent); hostile inputs are
written inline, because they are the test."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from kg.errors import LiftError
from kg.lifting import get_lifter, guess_lifter
from kg.lifting.base import LiftedRecord, RawRecord
from kg.namespaces import BASE, SDO, VCARD
from kg.pipeline import Ingestor
from tests.conftest import CORPUS, corpus_path
from tests.golden_util import assert_golden

LIFTER = get_lifter("dcat-rdf")
US = "../shapes/dcat-us-3/docs/examples"  # relative to the corpus folder
AP = "../shapes/dcat-ap-3/releases/3.0.0/html/examples"
ORG_ORGANIZATION = URIRef("http://www.w3.org/ns/org#Organization")


def lift_bytes(data: bytes, name: str, source: str = "dcat-us-examples") -> list[LiftedRecord]:
    records = []
    for piece in LIFTER.split(data, source_file=name):
        if isinstance(piece, LiftError):
            raise piece
        records.append(LIFTER.lift(piece, source=source))
    return records


def lift_file(relative: str, source: str = "dcat-us-examples") -> list[LiftedRecord]:
    path = corpus_path(relative)
    data = path.read_bytes()
    assert guess_lifter(data, path.name) is LIFTER, f"{relative} is not claimed by the DCAT RDF lifter"
    return lift_bytes(data, path.name, source)


def example_files(folder: str, *suffixes: str) -> list[str]:
    root = CORPUS / folder
    if not root.is_dir():
        return []
    return sorted(str(p.relative_to(CORPUS)) for p in root.rglob("*") if p.is_file() and p.name.endswith(suffixes))


def union(records: list[LiftedRecord]) -> Graph:
    graph = Graph()
    graph.bind("dcat-us", "http://data.resources.gov/ontology/dcat-us#")
    graph.bind("adms", "http://www.w3.org/ns/adms#")
    for rec in records:
        for triple in rec.graph:
            graph.add(triple)
    return graph


def by_source_iri(records: list[LiftedRecord]) -> dict[str, LiftedRecord]:
    return {str(rec.graph.value(rec.dataset, SDO.sameAs)): rec for rec in records}


# --- 1. golden graphs -------------------------------------------------------------------------

GOLDEN = [
    (f"{US}/dataset/dataset.ttl", "dcat-rdf-us3-dataset"),  # a full dataset
    (f"{US}/example1-dcat-us-3.0.ttl", "dcat-rdf-us3-example1"),  # a dataset with distributions
    (f"{US}/catalog/catalog.ttl", "dcat-rdf-us3-catalog"),  # a catalog: 2 datasets, 2 services
]


@pytest.mark.parametrize(("relative", "golden"), GOLDEN, ids=[g for _, g in GOLDEN])
def test_golden_graph(relative: str, golden: str) -> None:
    assert_golden(union(lift_file(relative)), golden)


def test_full_dataset_is_renamed_split_and_keeps_every_fact() -> None:
    [rec] = lift_file(f"{US}/dataset/dataset.ttl")
    g, ds = rec.graph, rec.dataset
    assert str(ds).startswith(f"{BASE}dataset/")
    assert rec.raw.local_id == "https://census.gov/dataset1"  # no dcterms:identifier: the source IRI
    assert g.value(ds, SDO.sameAs) == URIRef("https://census.gov/dataset1")
    assert {str(t) for t in g.objects(ds, DCTERMS.title)} == {"Loudoun County", "Condado de Loudoun"}
    assert Literal("Condado de Loudoun", lang="es") in g.objects(ds, DCTERMS.title)
    # two contact points, blank in the source, are record sub-nodes ranked by content
    contacts = sorted(g.objects(ds, DCAT.contactPoint))
    # (sub-nodes hang under the record's key; the dataset IRI comes from its identifier URL)
    assert [str(c) for c in contacts] == [f"{BASE}dataset/{rec.key}/contactPoint/0", f"{BASE}dataset/{rec.key}/contactPoint/1"]
    assert {str(g.value(c, VCARD.fn)) for c in contacts} == {"US Census", "John Smith"}
    assert {g.value(c, VCARD.hasEmail) for c in contacts} == {
        URIRef("mailto:noise@census.gov"),
        URIRef("mailto:johnsmith@census.gov"),
    }
    period = g.value(ds, DCTERMS.temporal)
    assert period == URIRef(f"{BASE}dataset/{rec.key}/temporal/0")
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in g
    # distributions are IRIs of the source reachable from this dataset only: kept, with their facts
    dists = set(g.objects(ds, DCAT.distribution))
    assert dists == {URIRef("https://census.gov/data/dataset1/csv"), URIRef("https://census.gov/data/dataset1/xml")}
    for dist in dists:
        assert (dist, RDF.type, DCAT.Distribution) in g
        assert g.value(dist, DCAT.downloadURL) is not None
    # the source's publisher IRI has no description here (<https://census.gov/> is a different
    # IRI from the one given foaf:name): kept as published, with a warning naming the property
    assert g.value(ds, DCTERMS.publisher) == URIRef("https://census.gov/")
    assert [f.field for f in rec.findings] == ["dcterms:publisher"]
    assert not any(isinstance(t, BNode) for triple in g for t in triple)


def test_publisher_becomes_the_shared_name_based_agent() -> None:
    [rec] = lift_file(f"{US}/dataset/publisher.ttl")
    g, ds = rec.graph, rec.dataset
    agent = g.value(ds, DCTERMS.publisher)
    assert str(agent).startswith(f"{BASE}agent/")
    assert (agent, RDF.type, FOAF.Organization) in g and (agent, RDF.type, ORG_ORGANIZATION) in g
    assert g.value(agent, FOAF.name) is not None  # what the landing page shows
    assert g.value(agent, SKOS.prefLabel) is not None
    assert isinstance(g.value(agent, SDO.sameAs), URIRef)  # the source's own IRI, kept


def test_catalog_splits_into_datasets_and_services_and_leaves_the_catalog_out() -> None:
    records = lift_file(f"{US}/catalog/catalog.ttl")
    types = sorted(str(rec.graph.value(rec.dataset, RDF.type)).split("#")[1] for rec in records)
    assert types == ["DataService", "DataService", "Dataset", "Dataset"]
    for rec in records:
        assert (None, RDF.type, DCAT.Catalog) not in rec.graph
        assert rec.graph.value(rec.dataset, DCTERMS.title) is not None
    assert len({rec.key for rec in records}) == 4


@pytest.mark.parametrize("relative", [f"{US}/example1-dcat-us-3.0.ttl", f"{US}/catalog/catalog.ttl"])
def test_same_input_gives_the_same_bytes_and_graph(relative: str) -> None:
    data = corpus_path(relative).read_bytes()
    first = list(LIFTER.split(data, source_file="a.ttl"))
    second = list(LIFTER.split(data, source_file="a.ttl"))
    assert [p.data for p in first] == [p.data for p in second]  # type: ignore[union-attr]
    for one, two in zip(first, second, strict=True):
        assert isinstance(one, RawRecord) and isinstance(two, RawRecord)
        a, b = LIFTER.lift(one, source="s"), LIFTER.lift(two, source="s")
        assert set(a.graph) == set(b.graph)  # same IRIs, not merely isomorphic
        # the raw record alone (its stored bytes, as the pipeline re-reads them) gives the same graph
        alone = LIFTER.lift(RawRecord(one.data, one.local_id, one.pointer, one.source_file, one.media_type), source="s")
        assert set(alone.graph) == set(a.graph)


# --- 2. every official example ----------------------------------------------------------------

EXAMPLES = example_files(US, ".ttl", ".jsonld", ".json") + example_files(AP, ".ttl", ".jsonld")


@pytest.mark.parametrize("relative", EXAMPLES, ids=[Path(p).name for p in EXAMPLES])
def test_every_example_lifts_or_gives_a_lift_error(relative: str) -> None:
    path = corpus_path(relative)
    data = path.read_bytes()
    try:
        records = lift_bytes(data, path.name)
    except LiftError as exc:
        assert exc.source_file == path.name
        return
    assert records
    source = LIFTER.parse(data, source_file=path.name)
    for rec in records:
        assert not any(isinstance(t, BNode) for triple in rec.graph for t in triple)
        original = rec.graph.value(rec.dataset, SDO.sameAs) or rec.dataset
        if (original, DCTERMS.title, None) in source:
            assert rec.graph.value(rec.dataset, DCTERMS.title) is not None
        else:
            assert any(f.field == "dcterms:title" for f in rec.findings)


def test_examples_lift_counts() -> None:
    """How much of the official material lifts (regression guard on the figures in the report)."""
    if not EXAMPLES:
        pytest.skip("DCAT-US 3.0 examples not available")
    lifted_files, records = 0, 0
    for relative in EXAMPLES:
        try:
            recs = lift_bytes(corpus_path(relative).read_bytes(), relative)
        except LiftError:
            continue
        lifted_files += 1
        records += len(recs)
    assert lifted_files >= 120 and records >= 190


def test_known_bad_example_names_file_and_problem() -> None:
    path = corpus_path(f"{US}/catalog/rights.ttl.bad")
    with pytest.raises(LiftError, match=r'rights\.ttl\.bad: not valid RDF: .*Prefix ":" not bound') as caught:
        LIFTER.split(path.read_bytes(), source_file="catalog/rights.ttl.bad").__next__()
    assert caught.value.source_file == "catalog/rights.ttl.bad"


def test_dcat_ap_turtle_lifts_and_its_remote_jsonld_context_is_refused() -> None:
    records = lift_file(f"{AP}/example-bee-population-dataset-series-gea-nha.ttl", "dcat-ap-examples")
    assert len(records) == 4
    assert any((rec.dataset, RDF.type, URIRef(str(DCAT) + "DatasetSeries")) in rec.graph for rec in records)
    data = corpus_path(f"{AP}/example-bee-population.jsonld").read_bytes()
    with pytest.raises(LiftError, match=r"field @context: remote JSON-LD context https://semiceu\.github\.io/"):
        lift_bytes(data, "example-bee-population.jsonld")


# --- 3. Turtle and JSON-LD twins ----------------------------------------------------------------

# The pairs whose two forms say the same thing. The other pairs differ in the examples themselves
# (another IRI or description text, a typo such as dcterms:mediaType, multi-line literals, a
# language tag on one side only), checked by hand; see the report.
TWINS = [
    "catalog/catalog", "catalog/service", "dataset/attributions", "dataset/conforms-to",
    "dataset/contact-point", "dataset/contributor", "dataset/creator", "dataset/description",
    "dataset/distribution", "dataset/identifier", "dataset/is-referenced-by", "dataset/issued",
    "dataset/keyword", "dataset/landing-page", "dataset/provenance", "dataset/publisher",
    "dataset/qualified-attribution", "dataset/qualified-relation", "dataset/spatial-resolution",
    "dataset/supported-schema", "dataset/temporal-resolution", "dataset/temporal", "dataset/title",
    "distribution/access-service", "multiple-languages/title", "service/access-rights",
    "service/contact-point", "service/endpoint-description", "service/endpoint-url", "service/license",
    "service/serves-dataset", "service/title",
]  # fmt: skip


@pytest.mark.parametrize("stem", TWINS)
def test_turtle_and_jsonld_twins_lift_to_isomorphic_graphs(stem: str) -> None:
    from_ttl = lift_file(f"{US}/{stem}.ttl")
    from_jsonld = lift_file(f"{US}/{stem}.jsonld")
    assert sorted(r.key for r in from_ttl) == sorted(r.key for r in from_jsonld)
    a, b = union(from_ttl), union(from_jsonld)
    if not isomorphic(a, b):
        _, only_ttl, only_jsonld = graph_diff(to_isomorphic(a), to_isomorphic(b))
        lines = [" ".join(t.n3() for t in tr) for tr in sorted(only_ttl)[:10]]
        lines += ["json: " + " ".join(t.n3() for t in tr) for tr in sorted(only_jsonld)[:10]]
        pytest.fail("\n".join(lines))


# --- 4. identity ---------------------------------------------------------------------------------

PREFIXES = "@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dcterms: <http://purl.org/dc/terms/> .\n"


def test_blank_node_dataset_needs_an_identifier() -> None:
    data = (PREFIXES + '[] a dcat:Dataset ; dcterms:title "No id" .').encode()
    [error] = list(LIFTER.split(data, source_file="anon.ttl"))
    assert isinstance(error, LiftError)
    assert (error.source_file, error.field, error.record) == ("anon.ttl", "dcterms:identifier", "'No id'")
    data = (PREFIXES + '[] a dcat:Dataset ; dcterms:title "T" ; dcterms:identifier "b-2", "a-1" .').encode()
    [rec] = lift_bytes(data, "anon.ttl")
    assert rec.raw.local_id == "a-1"  # first identifier, sorted
    assert (rec.dataset, SDO.sameAs, None) not in rec.graph  # nothing to be the same as


def test_doi_identifier_gives_the_doi_iri() -> None:
    data = (
        PREFIXES + '<https://example.org/d/1> a dcat:Dataset ; dcterms:title "T" ; dcterms:identifier "10.1234/ABC" .'
    ).encode()
    [rec] = lift_bytes(data, "doi.ttl")
    assert rec.dataset == URIRef("https://doi.org/10.1234/abc")
    assert rec.graph.value(rec.dataset, SDO.sameAs) == URIRef("https://example.org/d/1")
    assert rec.raw.local_id == "10.1234/abc"


def test_text_values_are_repaired_and_reported() -> None:
    data = (
        PREFIXES + '<https://example.org/d/1> a dcat:Dataset ; dcterms:title "T" ; dcterms:issued "2020-05-01" ;'
        ' dcat:landingPage "https://example.org/page" ; dcterms:language "en" ;'
        ' dcat:distribution [ a dcat:Distribution ; dcat:mediaType "text/csv" ] .'
    ).encode()
    [rec] = lift_bytes(data, "text.ttl")
    g, ds = rec.graph, rec.dataset
    assert g.value(ds, DCTERMS.issued).datatype == URIRef("http://www.w3.org/2001/XMLSchema#date")
    assert g.value(ds, DCAT.landingPage) == URIRef("https://example.org/page")
    assert g.value(ds, DCTERMS.language) == URIRef("http://id.loc.gov/vocabulary/iso639-1/en")
    dist = g.value(ds, DCAT.distribution)
    assert g.value(dist, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")


# --- 5. detection --------------------------------------------------------------------------------

NOT_MINE = [
    "datajson-agencies/fcc.data.json",
    "datacite-schema/source/meta/kernel-4/example/datacite-example-full-v4.xml",
    "datacite-schema/source/json/kernel-4.3/example/datacite-example-full-v4.json",
    "datagov-harvester-fixtures/example_data/dcatus/dcatus3_0.json",
    "datagov-harvester-fixtures/example_data/dcatus/dcatus3_0_with_services.json",
    "datagov-harvester-fixtures/example_data/dcatus/dcatus3_0_series_with_members.json",
    "slendernodes-sosorg/jsonld/ieda__ieda600048_0.jsonld",  # schema.org JSON-LD declaring dcat:
    "geocodes-sosorg/curated/metadata/Dataset/json/minimal.json",
    "science-on-schema-esip/validation/shapegraphs/soso_common_v1.2.3.ttl",  # names dcat:Dataset in OWL
    "slendernodes-sosorg/iso19139/arm_doc3.xml",
]


@pytest.mark.parametrize("relative", NOT_MINE, ids=[Path(p).name for p in NOT_MINE])
def test_other_formats_are_not_claimed(relative: str) -> None:
    path = corpus_path(relative)
    data = path.read_bytes()
    assert LIFTER.detect(data, path.name) < 0.5
    assert guess_lifter(data, path.name) is not LIFTER


def test_every_dcat_us_example_with_a_dataset_is_claimed() -> None:
    for relative in [f"{US}/dataset/dataset.ttl", f"{US}/dataset/dataset.jsonld", f"{US}/catalog/dataset.jsonld",
                     f"{US}/example1-dcat-us-3.0.json", f"{US}/dataset/spatial -framed.jsonld"]:  # fmt: skip
        path = corpus_path(relative)
        assert guess_lifter(path.read_bytes(), path.name) is LIFTER, relative


# --- 6. nothing is fetched -----------------------------------------------------------------------




def test_remote_jsonld_contexts_are_refused_and_never_fetched(counting_server: tuple[str, list[str]]) -> None:
    base, requests = counting_server
    node = {"@id": "https://example.org/d", "@type": "dcat:Dataset", "dcterms:title": "T"}
    dcat = {"dcat": "http://www.w3.org/ns/dcat#", "dcterms": "http://purl.org/dc/terms/"}
    documents = {
        "string": {"@context": f"{base}/ctx.jsonld", **node},
        "list": {"@context": [dcat, f"{base}/ctx.jsonld"], **node},
        "nested": {"@context": dcat, "@graph": [{"@context": f"{base}/inner.jsonld", **node}]},
        "scoped": {"@context": {**dcat, "dcat:Dataset": {"@context": f"{base}/scoped.jsonld"}}, **node},
        "import": {"@context": {"@import": f"{base}/import.jsonld", **dcat}, **node},
    }
    for name, document in documents.items():
        data = json.dumps(document).encode()
        assert LIFTER.detect(data, f"{name}.jsonld") >= 0.5, name
        with pytest.raises(LiftError, match=rf"{name}\.jsonld, field @context: remote JSON-LD context http://127"):
            lift_bytes(data, f"{name}.jsonld")
    assert requests == []


def test_official_jsonld_examples_lift_without_any_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The DCAT-US 3.0 context URL is answered from the lifter's own copy: no socket is opened."""
    files = [p for p in EXAMPLES if p.endswith((".jsonld", ".json")) and p.startswith(US)]
    if not files:
        pytest.skip("DCAT-US 3.0 examples not available")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    lifted = 0
    for relative in files:
        try:
            lifted += len(lift_bytes(corpus_path(relative).read_bytes(), relative))
        except LiftError as exc:
            assert "remote JSON-LD context" not in str(exc)
    assert lifted >= 75


RDF_XML = """<?xml version="1.0"?>
{doctype}
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dcterms="http://purl.org/dc/terms/"
         xmlns:foaf="http://xmlns.com/foaf/0.1/">
  <dcat:Dataset rdf:about="https://example.org/d/xml">
    <dcterms:title>{title}</dcterms:title>
    <dcterms:identifier>xml-1</dcterms:identifier>
    <dcterms:publisher><foaf:Organization><foaf:name>Example Agency</foaf:name></foaf:Organization></dcterms:publisher>
    <dcat:distribution><dcat:Distribution><dcat:downloadURL rdf:resource="https://example.org/d.csv"/></dcat:Distribution></dcat:distribution>
  </dcat:Dataset>
</rdf:RDF>
"""


def test_rdf_xml_lifts() -> None:
    data = RDF_XML.format(doctype="", title="From RDF/XML").encode()
    assert guess_lifter(data, "d.rdf") is LIFTER
    [rec] = lift_bytes(data, "d.rdf")
    g, ds = rec.graph, rec.dataset
    assert rec.raw.local_id == "xml-1"
    assert str(g.value(ds, DCTERMS.title)) == "From RDF/XML"
    assert g.value(ds, DCTERMS.publisher) == URIRef(f"{BASE}agent/example-agency")
    dist = g.value(ds, DCAT.distribution)
    assert dist == URIRef(f"{ds}/distribution/0")
    assert g.value(dist, DCAT.downloadURL) == URIRef("https://example.org/d.csv")


def test_rdf_xml_entities_are_refused_and_never_fetched(tmp_path: Path, counting_server: tuple[str, list[str]]) -> None:
    base, requests = counting_server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT", encoding="utf-8")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctypes = {
        "billion-laughs": (f'<!DOCTYPE rdf:RDF [<!ENTITY l0 "lol">{laughs}]>', "&l9;"),
        "file-entity": (f'<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{secret.as_uri()}">]>', "&x;"),
        "http-entity": (f'<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{base}/entity">]>', "&x;"),
        "external-dtd": (f'<!DOCTYPE rdf:RDF SYSTEM "{base}/external.dtd">', "T"),
    }
    for name, (doctype, title) in doctypes.items():
        data = RDF_XML.format(doctype=doctype, title=title).encode()
        assert guess_lifter(data, f"{name}.rdf") is LIFTER
        with pytest.raises(LiftError, match=rf"{name}\.rdf, field DOCTYPE: .*refused for safety") as caught:
            lift_bytes(data, f"{name}.rdf")
        assert "TOP-SECRET" not in str(caught.value)
    assert requests == []


# --- 7. the pipeline -----------------------------------------------------------------------------


def test_pipeline_ingests_the_official_examples(tmp_path: Path) -> None:
    folder = corpus_path(US)
    result = Ingestor(tmp_path).ingest([folder])
    internal = [e for e in result.errors if "internal lifting error" in str(e)]
    assert internal == []
    # Many examples reuse one IRI (https://example.com/dataset1) for different datasets in one
    # folder (= one source), and each pair of twins is the same record twice: the first is stored,
    # the others are reported as duplicates. Everything refused is refused for a stated reason.
    assert result.records >= 150 and result.stored >= 50
    for error in result.errors:
        text = str(error)
        assert any(
            reason in text
            for reason in ("describes no dcat:Dataset", "not valid RDF", "duplicate identifier", "no lifter recognises")
        ), text


def test_invalid_iris_never_reach_the_store() -> None:
    document = {
        "@context": "https://raw.githubusercontent.com/DOI-DO/dcat-us/main/context/dcat-us-3.0.jsonld",
        "@id": "https://example.org/d/bad-iris",
        "@type": "dcat:Dataset",
        "title": "T",
        "distribution": {"@id": "https://example.com/x.gpkg>", "downloadURL": "https://example.com/x>.csv"},
    }
    [rec] = lift_bytes(json.dumps(document).encode(), "bad-iris.jsonld")
    g, ds = rec.graph, rec.dataset
    dist = g.value(ds, DCAT.distribution)
    assert dist == URIRef(f"{BASE}dataset/{rec.key}/node/0")
    assert g.value(dist, DCAT.downloadURL) == Literal("https://example.com/x>.csv")
    assert {f.field for f in rec.findings} == {"@id", "<http://www.w3.org/ns/dcat#downloadURL>"}
    for triple in g:
        for term in triple:
            if isinstance(term, URIRef):
                assert not any(c in term for c in '<> "'), term


def test_relative_iris_are_not_kept_as_identities() -> None:
    data = (
        PREFIXES + '<#d1> a dcat:Dataset ; dcterms:title "T" ; dcat:distribution <#csv> .\n'
        "<#csv> a dcat:Distribution ; dcat:downloadURL <https://example.org/d.csv> ."
    ).encode()
    [rec] = lift_bytes(data, "relative.ttl")
    g, ds = rec.graph, rec.dataset
    assert rec.raw.local_id == "#d1"
    assert (ds, SDO.sameAs, None) not in g
    dist = g.value(ds, DCAT.distribution)
    assert dist == URIRef(f"{BASE}dataset/{rec.key}/node/0")
    assert g.value(dist, DCAT.downloadURL) == URIRef("https://example.org/d.csv")
    assert not any("relative.invalid" in str(t) for triple in g for t in triple)
