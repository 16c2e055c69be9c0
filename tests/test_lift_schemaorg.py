"""schema.org Dataset JSON-LD lifter (science-on-schema.org), run on real SOSO records.

Real records are read from ../shared/corpus (tests skip when it is absent): DOE ARM, BCO-DMO,
CUAHSI and IEDA landing pages (SlenderNodes), ESS-DIVE examples, EarthCube GeoCODES records,
the ESIP SOSO examples and test graphs, and DataCite's bolognese schema.org fixtures. The small
variants and the hostile inputs are written inline, because they are the test.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.lifting import get_lifter, guess_lifter
from kg.lifting.base import LiftedRecord, creators_of
from kg.namespaces import BASE, LOCN, SDO
from kg.pipeline import Ingestor
from tests.conftest import CORPUS, corpus_path
from tests.golden_util import assert_golden

LIFTER = get_lifter("schemaorg-jsonld")
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
ORG = "http://www.w3.org/ns/org#"
CENTROID = URIRef(str(DCAT) + "centroid")
SOSO_FOLDERS = (
    "slendernodes-sosorg/jsonld",
    "essdive-jsonld-examples",
    "geocodes-sosorg/curated",
    "science-on-schema-esip/examples",
    "science-on-schema-esip/validation/testingDataGraphs",
    "science-on-schema-esip/validation/test/resources",
)
ARM_PUBLISHER = URIRef(f"{BASE}agent/atmospheric-radiation-measurement-data-center")


def lift_bytes(data: bytes, name: str = "inline.jsonld", source: str = "test") -> list[LiftedRecord]:
    records = []
    for piece in LIFTER.split(data, source_file=name):
        if isinstance(piece, LiftError):
            raise piece
        records.append(LIFTER.lift(piece, source=source))
    return records


def lift_doc(doc: object) -> list[LiftedRecord]:
    return lift_bytes(json.dumps(doc).encode())


def lift_one(relative: str, source: str = "test") -> LiftedRecord:
    path = corpus_path(relative)
    [record] = lift_bytes(path.read_bytes(), relative, source)
    return record


def values(rec: LiftedRecord, prop: URIRef, subject: URIRef | None = None) -> set[str]:
    return {str(o) for o in rec.graph.objects(subject or rec.dataset, prop)}


def soso_files() -> list[str]:
    found = []
    for folder in SOSO_FOLDERS:
        base = CORPUS / folder
        if base.is_dir():
            found += [
                str(p.relative_to(CORPUS))
                for p in sorted(base.rglob("*"))
                if p.is_file() and p.suffix in (".json", ".jsonld", ".json-ld")
            ]
    return found + [
        f"datacite-bolognese-fixtures/{n}"
        for n in (
            "schema_org_list.json",
            "schema_org_topmed.json",
            "schema_org_gtex.json",
            "schema_org_geoshape.json",
            "schema_org_geolocation.json",
        )
    ]


# --- golden graphs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "golden"),
    [
        ("slendernodes-sosorg/jsonld/arm__doc1_0.jsonld", "schemaorg-arm-nimfraod1mich"),
        ("essdive-jsonld-examples/example-1.jsonld", "schemaorg-essdive-example1"),
        ("science-on-schema-esip/examples/dataset/full.jsonld", "schemaorg-soso-full"),
        ("geocodes-sosorg/curated/metadata/Dataset/allgood/bcodmo1.json", "schemaorg-geocodes-bcodmo1"),
    ],
)
def test_golden_graphs(relative: str, golden: str) -> None:
    assert_golden(lift_one(relative).graph, golden)


# --- what a user sees of real records -------------------------------------------------------------


def test_arm_datastream_is_identified_by_its_doi_with_the_shared_publisher() -> None:
    rec = lift_one("slendernodes-sosorg/jsonld/arm__doc1_0.jsonld")
    g, ds = rec.graph, rec.dataset
    assert ds == URIRef("https://doi.org/10.5439/1027370")
    assert values(rec, DCTERMS.identifier) == {"10.5439/1027370"}
    assert str(g.value(ds, DCTERMS.title)).startswith("NIMFR: derived total & aerosol optical depth")
    # one lab, one node: the same IRI the data.json and DataCite lifters mint from the name
    assert g.value(ds, DCTERMS.publisher) == ARM_PUBLISHER
    assert (ARM_PUBLISHER, RDF.type, FOAF.Organization) in g
    assert (ARM_PUBLISHER, RDF.type, URIRef(ORG + "Organization")) in g
    assert (ARM_PUBLISHER, SKOS.prefLabel, Literal("Atmospheric Radiation Measurement Data Center")) in g
    assert g.value(ds, DCTERMS.issued) == Literal("2000-04-28", datatype=XSD.date)
    assert g.value(ds, DCTERMS.modified) == Literal("2013-06-28", datatype=XSD.date)
    period = g.value(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2000-04-28", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2010-11-12", datatype=XSD.date)
    location = g.value(ds, DCTERMS.spatial)
    assert g.value(location, CENTROID) == Literal("POINT(-157.407 70.4718)", datatype=WKT)
    creators = {str(g.value(a, FOAF.name)) for a in creators_of(g, ds)}
    assert creators == {"Connor Flynn", "Brian Ermold"}
    # a keyword list is not split at its commas
    assert "Aerosol Optical Depth, derived from atmospheric extinction of solar irradiance" in values(rec, DCAT.keyword)
    # the DOI landing page in its canonical form
    assert values(rec, DCAT.landingPage) == {"https://doi.org/10.5439/1027370"}
    variables = list(g.objects(ds, SDO.variableMeasured))
    assert len(variables) == 35
    assert {str(g.value(v, SDO.name)) for v in variables} >= {"angstrom_exponent", "Ozone_column_amount"}


def test_all_four_arm_records_share_one_publisher_node() -> None:
    names = ["arm__doc1_0", "arm__doc2_0", "arm__doc3_0", "arm__wsacrcrcal_0"]
    records = [lift_one(f"slendernodes-sosorg/jsonld/{n}.jsonld") for n in names]
    assert {str(r.dataset) for r in records} == {
        "https://doi.org/10.5439/1027370",
        "https://doi.org/10.5439/1027372",
        "https://doi.org/10.5439/1021460",
        "https://doi.org/10.5439/1150280",
    }
    assert all(r.graph.value(r.dataset, DCTERMS.publisher) == ARM_PUBLISHER for r in records)


def test_essdive_orcid_creator_funder_box_corners_and_period() -> None:
    rec = lift_one("essdive-jsonld-examples/example-1.jsonld")
    g, ds = rec.graph, rec.dataset
    assert ds == URIRef("https://doi.org/10.3334/cdiac/spruce.001")
    orcid = URIRef("https://orcid.org/0000-0001-7293-3561")
    assert orcid in creators_of(g, ds) and (orcid, RDF.type, FOAF.Person) in g
    grant = g.value(ds, SDO.funding)
    funder = g.value(grant, SDO.funder)
    assert (funder, SDO.sameAs, URIRef("https://doi.org/10.13039/100006206")) in g
    period = g.value(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2010-07-16", datatype=XSD.date)


def test_bolognese_list_gives_214_topmed_records_with_dois() -> None:
    records = lift_bytes(corpus_path("datacite-bolognese-fixtures/schema_org_list.json").read_bytes(), "list.json")
    assert len(records) == 214
    assert all(str(r.dataset).startswith("https://doi.org/10.23725/") for r in records)
    first = records[0]
    assert first.raw.pointer == "/0"
    assert values(first, DCAT.keyword) == {"topmed", "whole genome sequencing"}  # comma-separated text
    assert first.graph.value(first.dataset, DCTERMS.creator) == URIRef(f"{BASE}agent/topmed")


def test_dataset_nested_in_a_data_catalog_is_found() -> None:
    records = lift_bytes(
        corpus_path("geocodes-sosorg/curated/metadata/Dataset/json/MB_cchdo_49SU9402_2.json").read_bytes()
    )
    assert [r.raw.pointer for r in records] == ["/dataset/0", "/dataset/1"]
    assert all(r.graph.value(r.dataset, DCTERMS.title) for r in records)


def test_graph_with_references_by_id() -> None:
    [rec] = lift_bytes(
        corpus_path("geocodes-sosorg/curated/metadata/Dataset/json/wifiredata_graph.jsonld").read_bytes()
    )
    assert rec.graph.value(rec.dataset, DCTERMS.title) is not None
    assert rec.graph.value(rec.dataset, DCTERMS.publisher) is not None  # a schema:-prefixed @id reference


@pytest.mark.parametrize("relative", soso_files())
def test_every_corpus_file_lifts_or_gives_a_lift_error(relative: str) -> None:
    path = corpus_path(relative)
    try:
        pieces = list(LIFTER.split(path.read_bytes(), source_file=relative))
    except LiftError as exc:
        assert exc.source_file == relative
        return
    for piece in pieces:
        if isinstance(piece, LiftError):
            assert piece.field and piece.source_file == relative
            continue
        rec = LIFTER.lift(piece, source="test")
        has_title = rec.graph.value(rec.dataset, DCTERMS.title) is not None
        assert has_title or any(f.field.endswith("/name") for f in rec.findings), f"{relative}: no title and no warning"
        assert (rec.dataset, RDF.type, DCAT.Dataset) in rec.graph


# --- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relative",
    [
        "slendernodes-sosorg/jsonld/arm__doc1_0.jsonld",
        "slendernodes-sosorg/jsonld/bcodmo_471609_so.jsonld",
        "slendernodes-sosorg/jsonld/ieda__ieda600048_0.jsonld",
        "essdive-jsonld-examples/example-2.jsonld",
        "geocodes-sosorg/curated/metadata/Dataset/json/wifiredata_graph.jsonld",
        "geocodes-sosorg/curated/metadata/Dataset/json/MB_cchdo_49SU9402_2.json",
        "geocodes-sosorg/curated/metadata/Dataset/json/magic1-20220707.json",
        "science-on-schema-esip/examples/dataset/full.jsonld",
        "datacite-bolognese-fixtures/schema_org_list.json",
        "datacite-bolognese-fixtures/schema_org_topmed.json",
    ],
)
def test_detection_claims_schema_org_datasets(relative: str) -> None:
    path = corpus_path(relative)
    assert guess_lifter(path.read_bytes(), path.name) is LIFTER


@pytest.mark.parametrize(
    "relative",
    [
        "datajson-agencies/fcc.data.json",
        "datacite-schema/source/meta/kernel-4/example",
        "datacite-schema/source/json/kernel-4.3/example",
        "datacite-bolognese-fixtures/datacite.json",
        "datacite-bolognese-fixtures/schema_org.json",  # a BlogPosting, not a Dataset
        "slendernodes-sosorg/iso19139",
        "slendernodes-sosorg/eml",
        "science-on-schema-esip/examples/data-repository/R2R.json",  # a repository, no Dataset
        "science-on-schema-esip/validation/testingDataGraphs/selfiegeojson.jsonld",  # GeoJSON
    ],
)
def test_detection_leaves_other_formats_alone(relative: str) -> None:
    path = corpus_path(relative)
    paths = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for item in paths:
        assert LIFTER.detect(item.read_bytes(), item.name) < 0.5, item


@pytest.mark.parametrize("folder", ["../shapes/dcat-us-3/docs/examples", "../shapes/dcat-ap-3"])
def test_detection_leaves_dcat_jsonld_alone(folder: str) -> None:
    checked = 0
    for path in sorted(corpus_path(folder).rglob("*.jsonld")):
        assert LIFTER.detect(path.read_bytes(), path.name) < 0.5, path
        checked += 1
    assert checked


# --- known-bad inputs -------------------------------------------------------------------------------


def ptr(field: str) -> str:
    """A dotted field name (``funder[0].name``) as the JSON pointer findings give (``/funder/0/name``)."""
    return "/" + re.sub(r"\[(\d+)\]", r".\1", field).replace(".", "/")


@pytest.mark.parametrize(
    ("relative", "field"),
    [
        ("geocodes-sosorg/curated/metadata/Dataset/json/BadContext.json", "@context"),
        ("geocodes-sosorg/curated/metadata/Dataset/json/NoDistributionOrAccess.json", "distribution"),
        ("geocodes-sosorg/curated/metadata/Dataset/json/earthchem1-errFunderGeo.json", "funder[0]"),
        ("geocodes-sosorg/curated/metadata/Dataset/json/earthchem1-errFunderGeo.json", "spatialCoverage[0].geo"),
        ("science-on-schema-esip/validation/testingDataGraphs/dataset-full-BAD.json-ld", "address"),
        ("science-on-schema-esip/validation/testingDataGraphs/dataset-minimal-BAD.json-ld", "variableMeasured[0].name"),
    ],
)
def test_known_bad_files_give_warnings_naming_file_and_field(relative: str, field: str) -> None:
    rec = lift_one(relative)
    hits = [f for f in rec.findings if f.field.endswith(ptr(field))]  # the record's pointer + the field
    assert hits, [(f.field, f.message) for f in rec.findings]
    assert all(f.source_file == relative for f in hits)


def test_the_good_twins_of_the_bad_files_do_not_get_those_warnings() -> None:
    good = lift_one("science-on-schema-esip/validation/testingDataGraphs/dataset-full.json-ld")
    assert not [f for f in good.findings if f.field.endswith("/address")]
    fixed = lift_one("geocodes-sosorg/curated/metadata/Dataset/actualdata/earthchem1.json")
    assert not [f for f in fixed.findings if "/funder" in f.field]


def test_dataset_without_any_identifier_is_a_lift_error_naming_the_field() -> None:
    doc = {"@context": "https://schema.org/", "@type": "Dataset", "name": "nameless"}
    [piece] = LIFTER.split(json.dumps(doc).encode(), source_file="anon.jsonld")
    assert isinstance(piece, LiftError)
    assert piece.field == "/identifier" and piece.source_file == "anon.jsonld"


# --- hostile input: nothing is ever fetched ---------------------------------------------------------




@pytest.mark.parametrize("shape", ["string", "list", "import"])
def test_remote_context_is_refused_and_never_fetched(
    tmp_path: Path, counting_server: tuple[str, list[str]], shape: str
) -> None:
    base, requests = counting_server
    url = f"{base}/context.jsonld"
    context = {"string": url, "list": ["https://schema.org/", url], "import": {"@import": url}}[shape]
    doc = {"@context": context, "@type": "Dataset", "@id": "https://doi.org/10.1234/x", "name": "x"}
    data = json.dumps(doc).encode()
    assert guess_lifter(data, "hostile.jsonld") is LIFTER  # claimed, so the refusal is reported
    with pytest.raises(LiftError) as info:
        lift_bytes(data, "hostile.jsonld")
    assert info.value.field == "@context" and info.value.source_file == "hostile.jsonld"
    assert f"remote JSON-LD context {url} is not fetched" in str(info.value)
    path = tmp_path / "hostile.jsonld"
    path.write_bytes(data)
    result = Ingestor(tmp_path / "data").ingest([path])
    assert result.stored == 0 and any("@context" in str(e) for e in result.errors)
    assert requests == []


def test_references_that_multiply_are_not_expanded_without_bound() -> None:
    """The JSON-LD form of "billion laughs": each node refers to the next one ten times."""
    graph: list[dict[str, object]] = [
        {"@id": f"_:n{i}", "name": "lol", "about": [{"@id": f"_:n{i + 1}"}] * 10} for i in range(30)
    ]
    graph.append({"@id": "https://example.org/ds/lol", "@type": "Dataset", "name": "lol", "about": {"@id": "_:n0"}})
    started = time.perf_counter()
    [rec] = lift_doc({"@context": "https://schema.org/", "@graph": graph})
    assert time.perf_counter() - started < 10
    assert any("references by @id" in f.message for f in rec.findings)


@pytest.mark.parametrize("depth", [400, 900, 5000])
def test_deep_nesting_gives_a_lift_error_or_a_record_never_a_crash(depth: int) -> None:
    text = '{"@context": "https://schema.org/", "@type": "Dataset", "@id": "https://example.org/deep", "name": "d", '
    text += '"about": ' + "[" * depth + "]" * depth + "}"
    try:
        [rec] = lift_bytes(text.encode())
    except LiftError as exc:
        assert "nested too deeply" in str(exc)
    else:
        assert rec.graph.value(rec.dataset, DCTERMS.title) == Literal("d")


# --- the JSON-LD shapes SOSO allows -------------------------------------------------------------------


def test_prefixed_and_full_iri_keys_and_typed_lists() -> None:
    doc = {
        "@context": {"schema": "http://schema.org/"},
        "@type": ["schema:Dataset", "schema:DataCatalog"],
        "@id": "https://example.org/ds/1",
        "schema:name": "Prefixed",
        "https://schema.org/description": "Full IRI key",
        "schema:identifier": {
            "@type": "schema:PropertyValue",
            "schema:propertyID": "https://registry.identifiers.org/registry/doi",
            "schema:value": "doi:10.5555/ABC",
        },
        "schema:creator": {
            "@list": [
                {
                    "@type": "schema:Person",
                    "schema:name": "A. Person",
                    "schema:identifier": {
                        "@type": "PropertyValue",
                        "propertyID": "https://registry.identifiers.org/registry/orcid",
                        "value": "orcid:0000-0002-1825-0097",
                        "url": "https://orcid.org/0000-0002-1825-0097",
                    },
                }
            ]
        },
    }
    [rec] = lift_doc(doc)
    assert rec.dataset == URIRef("https://doi.org/10.5555/abc")
    assert values(rec, DCTERMS.title) == {"Prefixed"} and values(rec, DCTERMS.description) == {"Full IRI key"}
    assert URIRef("https://orcid.org/0000-0002-1825-0097") in creators_of(rec.graph, rec.dataset)
    assert (rec.dataset, SDO.sameAs, URIRef("https://example.org/ds/1")) in rec.graph


def test_box_is_south_west_north_east_and_intervals_may_be_open() -> None:
    doc = {
        "@context": {"@vocab": "https://schema.org/"},
        "@type": "Dataset",
        "@id": "https://example.org/ds/2",
        "name": "Box",
        "spatialCoverage": {"@type": "Place", "name": "Somewhere", "geo": {"@type": "GeoShape", "box": "10 20 30 40"}},
        "temporalCoverage": "2001-05/..",
        "keywords": [
            {
                "@type": "DefinedTerm",
                "name": "sea ice",
                "termCode": "SI",
                "inDefinedTermSet": {"@type": "DefinedTermSet", "name": "GCMD"},
            }
        ],
        "license": "CC-BY-4.0",
        "distribution": {
            "@type": "DataDownload",
            "contentUrl": "https://example.org/d.csv",
            "encodingFormat": "text/csv",
        },
    }
    [rec] = lift_doc(doc)
    g, ds = rec.graph, rec.dataset
    location = g.value(ds, DCTERMS.spatial)
    assert g.value(location, DCAT.bbox) == Literal(
        "POLYGON((20.0 10.0, 40.0 10.0, 40.0 30.0, 20.0 30.0, 20.0 10.0))", datatype=WKT
    )
    assert g.value(location, LOCN.geographicName) == Literal("Somewhere")
    period = g.value(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2001-05", datatype=XSD.gYearMonth)
    assert g.value(period, DCAT.endDate) is None
    concept = g.value(ds, DCAT.theme)
    assert g.value(concept, SKOS.prefLabel) == Literal("sea ice")
    assert g.value(g.value(concept, SKOS.inScheme), DCTERMS.title) == Literal("GCMD")
    assert g.value(ds, DCTERMS.license) == URIRef("https://spdx.org/licenses/CC-BY-4.0")
    dist = g.value(ds, DCAT.distribution)
    assert g.value(dist, DCAT.downloadURL) == URIRef("https://example.org/d.csv")
    assert g.value(dist, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert g.value(g.value(dist, DCTERMS.format), RDFS.label) == Literal("text/csv")


def test_box_with_latitudes_out_of_order_is_reported() -> None:
    doc = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": "https://example.org/ds/3",
        "name": "x",
        "spatialCoverage": {"@type": "Place", "geo": {"@type": "GeoShape", "box": "-120 30 -110 40"}},
    }
    [rec] = lift_doc(doc)
    assert any(f.field.endswith(ptr("spatialCoverage[0].geo[0].box")) for f in rec.findings)
    assert rec.graph.value(rec.graph.value(rec.dataset, DCTERMS.spatial), DCAT.bbox) is None


# --- the pipeline ----------------------------------------------------------------------------------


def test_pipeline_stores_the_slendernodes_and_geocodes_records(tmp_path: Path) -> None:
    result = Ingestor(tmp_path).ingest(
        [corpus_path("slendernodes-sosorg/jsonld"), corpus_path("geocodes-sosorg/curated")]
    )
    assert not [e for e in result.errors if "internal lifting error" in str(e)]
    # 11 distinct SlenderNodes datasets, ~30 GeoCODES ones; the rest are copies of the same dataset
    assert result.per_source["jsonld"]["stored"] == 11
    assert result.per_source["curated"]["stored"] >= 25
    allowed = ("duplicate identifier", "no lifter recognises", "no @id, identifier or url")
    for error in result.errors:
        assert any(reason in str(error) for reason in allowed), error


def test_doi_with_brackets_becomes_a_valid_iri() -> None:
    rec = lift_one("geocodes-sosorg/curated/metadata/Dataset/actualdata/earthchem1.json")
    cited = values(rec, DCTERMS.references)
    assert "https://doi.org/10.1130/0016-7606(1965)76%5B803:masord%5D2.0.co" in cited
    assert not [c for c in cited if "[" in c]
