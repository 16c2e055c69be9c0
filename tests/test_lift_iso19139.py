"""ISO 19115(-2) / ISO 19139 lifter, run on the real records in ../shared/corpus/.

Folders: slendernodes-sosorg/iso19139/ (ARM, IEDA, BCO-DMO, NOAA), the data.gov harvester's
iso_2_waf/ and ckanext-geodatagov's samples (WAF files and CSW responses). The cases no corpus
record has are in tests/data/iso19139-edge-cases.xml; the hostile documents are written inline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.lifting import get_lifter, guess_lifter
from kg.lifting.base import LiftedRecord, RawRecord, creators_of
from kg.namespaces import BASE, LOCN, SRC, VCARD, dataset_iri
from tests.conftest import corpus_path
from tests.golden_util import assert_golden

ISO = get_lifter("iso19139")
ARM = "slendernodes-sosorg/iso19139"
WAF = "datagov-harvester-fixtures/example_data/iso_2_waf"
GEODATAGOV = "ckanext-geodatagov-samples/ckanext/geodatagov/tests/data-samples"
EDGE = Path(__file__).parent / "data" / "iso19139-edge-cases.xml"
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
ORG_MEMBER_OF = URIRef("http://www.w3.org/ns/org#memberOf")

# Every ISO 19139 file of the corpus, with the number of records it holds.
ISO_FILES = {
    f"{ARM}/arm_doc1.xml": 1,
    f"{ARM}/arm_doc2.xml": 1,
    f"{ARM}/arm_doc3.xml": 1,
    f"{ARM}/arm_nsacsphotaotfiltqaC1.a1.fixed.xml": 1,
    f"{ARM}/arm_nsasondewnpnS01.b1.xml": 1,
    f"{ARM}/arm_wsacrcrcal.xml": 1,
    f"{ARM}/bcodmo_67937_isometadata.xml": 1,
    f"{ARM}/gmd_noaa_example.xml": 1,
    f"{ARM}/ieda_600048iso.xml": 1,
    f"{ARM}/ieda_600121iso.xml": 1,
    f"{ARM}/ieda_609246iso.xml": 1,
    f"{WAF}/invalid_iso2.xml": 1,
    f"{WAF}/valid_iso1.xml": 1,
    f"{WAF}/valid_iso2.xml": 1,
    f"{WAF}/valid_iso_too_many_keywords.xml": 1,
    "datagov-harvester-fixtures/example_data/valid_iso2_parent.xml": 1,
    f"{GEODATAGOV}/sample3_getrecords2.xml": 2,
    f"{GEODATAGOV}/sample3_id_11ea3390-1143-11e5-8c2b-22000b8e85d8.xml": 1,
    f"{GEODATAGOV}/sample3_id_c540e08e-015c-11e5-853f-22000b8e85d8.xml": 1,
    f"{GEODATAGOV}/sample4_getrecords2.xml": 2,
    f"{GEODATAGOV}/sample4_id_OT.102019.6339.1.xml": 1,
    f"{GEODATAGOV}/sample4_id_OT.102019.6341.1.xml": 1,
    f"{GEODATAGOV}/waf-collection1/tl_2013_us_county.shp.iso.xml": 1,
    f"{GEODATAGOV}/waf-collection1/cfg/SeriesCollection_tl_2013_county.shp.iso.xml": 1,
    f"{GEODATAGOV}/waf-collection2/cfg/SeriesCollection_tl_2013_county.shp.iso.xml": 1,
    f"{GEODATAGOV}/waf-gmi/cb_2014_us_necta_500k.shp.iso.xml": 1,
    f"{GEODATAGOV}/waf-trim-tags/bad-tags.xml": 1,
    f"{GEODATAGOV}/waf1/cb_2016_us_division_500k.shp.iso.xml": 1,
    f"{GEODATAGOV}/waf1/nodc_0099041_cw_region_meta_v2013.xml": 1,
}
# Files in the same folders that are not ISO 19139 records: FGDC CSDGM, an ISO 19110 feature
# catalogue, CSW GetCapabilities documents, and the harvester's broken stubs.
NOT_ISO_FILES = [
    f"{GEODATAGOV}/waf-fgdc/fgdc-csdgm_sample.xml",
    "ckanext-geodatagov-samples/collection_metadata/USGS_US_Topo_Map_Collection.xml",
    "ckanext-geodatagov-samples/collection_metadata/USGS_Historical_Topographic_Map_Collection.xml",
    f"{GEODATAGOV}/waf-collection2/2013_county.ea.iso.xml",
    f"{GEODATAGOV}/sample3.xml",
    f"{GEODATAGOV}/sample4.xml",
    f"{WAF}/to_be_filtered_by_datetime.xml",
    f"{WAF}/decode_error.xml",
    # other formats' files
    "datajson-agencies/fcc.data.json",
    "datacite-schema/source/meta/kernel-4/example/datacite-example-full-v4.xml",
    "slendernodes-sosorg/eml/eml_doi_10_5063_f1w957h4.xml",
    "slendernodes-sosorg/jsonld/arm__doc3_0.jsonld",
    "datagov-harvester-fixtures/example_data/waf/USGSHydroCached.xml",
]


def lift_bytes(data: bytes, name: str, source: str = "iso-test") -> list[LiftedRecord]:
    records = []
    for piece in ISO.split(data, source_file=name):
        if isinstance(piece, LiftError):
            raise piece
        records.append(ISO.lift(piece, source=source))
    return records


def lift_one(relative: str, source: str = "iso-test") -> LiftedRecord:
    path = corpus_path(relative)
    [record] = lift_bytes(path.read_bytes(), path.name, source)
    return record


def values(rec: LiftedRecord, prop: URIRef, subject: URIRef | None = None) -> set[str]:
    return {str(o) for o in rec.graph.objects(subject or rec.dataset, prop)}


def names(rec: LiftedRecord, prop: URIRef) -> set[str]:
    agents = creators_of(rec.graph, rec.dataset) if prop == DCTERMS.creator else rec.graph.objects(rec.dataset, prop)
    return {str(rec.graph.value(a, FOAF.name)) for a in agents}


# --- 1. golden graphs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "golden"),
    [
        (f"{ARM}/arm_nsasondewnpnS01.b1.xml", "iso19139-arm-sondewnpn"),
        (f"{ARM}/gmd_noaa_example.xml", "iso19139-noaa-salmon-river"),
        (f"{ARM}/ieda_600048iso.xml", "iso19139-ieda-600048"),
        (f"{GEODATAGOV}/sample4_id_OT.102019.6339.1.xml", "iso19139-csw-opentopography"),
    ],
)
def test_golden(relative: str, golden: str) -> None:
    assert_golden(lift_one(relative).graph, golden)


def test_edge_cases_golden() -> None:
    [rec] = lift_bytes(EDGE.read_bytes(), EDGE.name)
    assert_golden(rec.graph, "iso19139-edge-cases")


# --- 2. every real file lifts -------------------------------------------------------------------


@pytest.mark.parametrize("relative", sorted(ISO_FILES))
def test_every_corpus_file_is_detected_and_lifts_with_a_title(relative: str) -> None:
    path = corpus_path(relative)
    data = path.read_bytes()
    assert guess_lifter(data, path.name) is ISO
    records = lift_bytes(data, path.name)
    assert len(records) == ISO_FILES[relative]
    for rec in records:
        assert rec.graph.value(rec.dataset, DCTERMS.title) is not None
        assert (rec.dataset, RDF.type, DCAT.Dataset) in rec.graph
        assert rec.graph.value(rec.dataset, DCTERMS.identifier) is not None
        for s, _, o in rec.graph:  # no blank nodes anywhere
            assert isinstance(s, URIRef) and isinstance(o, URIRef | Literal)


@pytest.mark.parametrize("relative", NOT_ISO_FILES)
def test_other_files_are_not_claimed(relative: str) -> None:
    path = corpus_path(relative)
    assert ISO.detect(path.read_bytes(), path.name) == 0.0
    assert guess_lifter(path.read_bytes(), path.name) is not ISO


def test_every_iso_file_in_the_corpus_is_listed(corpus: Path) -> None:
    """A new ISO file in the corpus must be added to ISO_FILES (or NOT_ISO_FILES) on purpose."""
    found = set()
    for folder in (ARM, WAF, "datagov-harvester-fixtures/example_data", "ckanext-geodatagov-samples"):
        for path in (corpus / folder).rglob("*.xml"):
            if ISO.detect(path.read_bytes(), path.name) >= 0.5:
                found.add(str(path.relative_to(corpus)))
    known_bad = {f"{ARM}/arm_nsanimfraod1michC2.c1.RAW_MALFORMED_dup_of_doc1.xml"}
    assert found == set(ISO_FILES) | known_bad


# --- 3. the mapping on real records -------------------------------------------------------------


def test_arm_doi_people_publisher_and_point_location() -> None:
    rec = lift_one(f"{ARM}/arm_nsasondewnpnS01.b1.xml")
    g, ds = rec.graph, rec.dataset
    assert ds == URIRef("https://doi.org/10.5439/1021460")  # from the citation identifier
    assert rec.raw.local_id == "10.5439/1021460"
    assert values(rec, DCTERMS.identifier) == {"10.5439/1021460"}
    assert values(rec, SRC["iso19139/fileIdentifier"]) == {"nsasondewnpnS01.b1"}
    # authors in the citation and principal investigators in pointOfContact are one person each
    assert names(rec, DCTERMS.creator) == {"Richard Coulter", "Donna Holdridge", "Jenni Kyrouac"}
    [publisher] = g.objects(ds, DCTERMS.publisher)
    assert publisher == URIRef(f"{BASE}agent/atmospheric-radiation-measurement-data-center")
    assert (publisher, SKOS.prefLabel, Literal("Atmospheric Radiation Measurement Data Center")) in g
    assert g.value(ds, DCTERMS.issued) == Literal("2015-02-04T17:42:00", datatype=XSD.dateTime)
    [location] = g.objects(ds, DCTERMS.spatial)
    assert str(g.value(location, DCAT.bbox)).startswith("POLYGON((-156.609 71.323, -156.609 71.323")
    assert g.value(location, DCAT.centroid) == Literal("POINT(-156.609 71.323)", datatype=WKT)
    assert values(rec, DCTERMS.language) == {"http://id.loc.gov/vocabulary/iso639-2/eng"}
    [rights] = g.objects(ds, DCTERMS.rights)
    assert g.value(rights, RDFS.label) == Literal("CC-BY: Creative Commons Attribution 3.0 Unported")
    [dist] = g.objects(ds, DCAT.distribution)
    assert g.value(dist, DCAT.downloadURL) == URIRef("http://dx.doi.org/10.5439/1021460")
    assert g.value(dist, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/tab-separated-values"
    )
    assert values(rec, SRC["iso19139/dateStamp"]) == {"2019-06-24T09:06:13.802605"}  # metadata date, kept
    assert g.value(ds, DCTERMS.modified) is None


def test_two_versions_of_one_arm_record_are_one_dataset() -> None:
    old, new = lift_one(f"{ARM}/arm_doc3.xml"), lift_one(f"{ARM}/arm_nsasondewnpnS01.b1.xml")
    assert old.dataset == new.dataset and old.key == new.key
    for prop in (DCTERMS.title, DCTERMS.issued, DCTERMS.identifier):
        assert values(old, prop) == values(new, prop)
    assert names(old, DCTERMS.creator) == names(new, DCTERMS.creator)
    assert names(old, DCTERMS.publisher) == names(new, DCTERMS.publisher)
    assert old.raw.sha256 != new.raw.sha256  # the newer one adds e-mail addresses of the PIs
    kept = {
        v
        for o in creators_of(new.graph, new.dataset)
        for v in values(new, SRC["iso19139/responsibleParty"], o)
    }
    assert any("rlcoulter@anl.gov" in v for v in kept)
    assert not any(
        "rlcoulter@anl.gov" in v
        for o in creators_of(old.graph, old.dataset)
        for v in values(old, SRC["iso19139/responsibleParty"], o)
    )


@pytest.mark.parametrize(
    ("xml", "jsonld"),
    [
        (f"{ARM}/arm_doc1.xml", "slendernodes-sosorg/jsonld/arm__doc1_0.jsonld"),
        (f"{ARM}/arm_doc2.xml", "slendernodes-sosorg/jsonld/arm__doc2_0.jsonld"),
        (f"{ARM}/arm_doc3.xml", "slendernodes-sosorg/jsonld/arm__doc3_0.jsonld"),
        (f"{ARM}/arm_wsacrcrcal.xml", "slendernodes-sosorg/jsonld/arm__wsacrcrcal_0.jsonld"),
    ],
)
def test_arm_iso_and_schema_org_forms_agree(xml: str, jsonld: str) -> None:
    """The same ARM datastream as ISO 19139 and as schema.org JSON-LD gives the same core facts.

    Not compared, because the two documents differ: keywords (the ISO files have none), temporal
    coverage (none in ISO), the publisher of wsacrcrcal (none in ISO).
    """
    schemaorg = get_lifter("schemaorg-jsonld")
    path = corpus_path(jsonld)
    [piece] = [p for p in schemaorg.split(path.read_bytes(), source_file=path.name) if isinstance(p, RawRecord)]
    other = schemaorg.lift(piece, source="iso-test")
    rec = lift_one(xml)
    assert rec.dataset == other.dataset
    for prop in (DCTERMS.title, DCTERMS.identifier, DCTERMS.license):
        assert values(rec, prop) == values(other, prop)
    assert names(rec, DCTERMS.creator) == names(other, DCTERMS.creator)
    assert {v[:10] for v in values(rec, DCTERMS.issued)} == {v[:10] for v in values(other, DCTERMS.issued)}
    if "wsacrcrcal" not in xml:
        assert set(rec.graph.objects(rec.dataset, DCTERMS.publisher)) == set(
            other.graph.objects(other.dataset, DCTERMS.publisher)
        )

    def centroids(r: LiftedRecord) -> set[str]:
        return {str(r.graph.value(loc, DCAT.centroid)) for loc in r.graph.objects(r.dataset, DCTERMS.spatial)}

    assert centroids(rec) == centroids(other)


def test_gmi_record_with_temporal_extent_acquisition_and_keywords() -> None:
    rec = lift_one(f"{ARM}/bcodmo_67937_isometadata.xml")
    g, ds = rec.graph, rec.dataset
    [period] = g.objects(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2016-08-02", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2016-08-02", datatype=XSD.date)
    assert values(rec, SRC["iso19139/acquisitionInformation"])
    assert values(rec, SRC["iso19139/platform/identifier"]) or values(rec, SRC["iso19139/instrument/title"])
    themes = list(g.objects(ds, DCAT.theme))
    assert themes and all(g.value(t, SKOS.inScheme) is not None for t in themes)
    for theme in themes:
        assert (g.value(theme, SKOS.inScheme), DCTERMS.title, None) in g


def test_csw_get_records_response_gives_each_record_its_pointer_and_bytes() -> None:
    path = corpus_path(f"{GEODATAGOV}/sample4_getrecords2.xml")
    data = path.read_bytes()
    pieces = [p for p in ISO.split(data, source_file=path.name) if isinstance(p, RawRecord)]
    assert [p.local_id for p in pieces] == ["OT.102019.6339.1", "OT.102019.6341.1"]
    assert [p.pointer for p in pieces] == [
        "/csw:GetRecordsResponse/csw:SearchResults/gmd:MD_Metadata[1]",
        "/csw:GetRecordsResponse/csw:SearchResults/gmd:MD_Metadata[2]",
    ]
    single = lift_one(f"{GEODATAGOV}/sample4_id_OT.102019.6339.1.xml")
    wrapped = ISO.lift(pieces[0], source="iso-test")
    assert wrapped.dataset == single.dataset
    assert set(wrapped.graph) == set(single.graph)
    # the bytes cut out of the response are a standalone record (lifted again without the parse tree)
    again = RawRecord(pieces[1].data, pieces[1].local_id, pieces[1].pointer, path.name, "application/xml")
    assert set(ISO.lift(again, source="iso-test").graph) == set(ISO.lift(pieces[1], source="iso-test").graph)


def test_series_without_file_identifier_is_identified_by_its_dataset_uri() -> None:
    rec = lift_one(f"{GEODATAGOV}/waf-collection1/cfg/SeriesCollection_tl_2013_county.shp.iso.xml")
    assert rec.raw.local_id == "http://www2.census.gov/geo/tiger/TIGER2013/COUNTY"
    assert values(rec, DCAT.landingPage) == {"http://www2.census.gov/geo/tiger/TIGER2013/COUNTY"}


def test_edge_cases() -> None:
    [rec] = lift_bytes(EDGE.read_bytes(), EDGE.name)
    g, ds = rec.graph, rec.dataset
    assert ds == URIRef("https://doi.org/10.1234/kelp.5")  # DOI from a gmx:Anchor code
    assert values(rec, DCTERMS.title) == {"Kelp canopy survey"}
    assert values(rec, DCTERMS.alternative) == {"KCS"}
    assert g.value(ds, DCTERMS.created) == Literal("2020-01-15", datatype=XSD.date)  # basic form 20200115
    assert g.value(ds, DCTERMS.modified) is not None  # revision date (codeListValue only)
    assert set(creators_of(g, ds)) == {URIRef("https://orcid.org/0000-0002-1825-0097")}
    assert (
        URIRef("https://orcid.org/0000-0002-1825-0097"),
        ORG_MEMBER_OF,
        URIRef(f"{BASE}agent/brown-university"),
    ) in g
    [contributor] = g.objects(ds, DCTERMS.contributor)
    [attribution] = g.objects(ds, PROV.qualifiedAttribution)
    assert g.value(attribution, PROV.agent) == contributor
    assert str(g.value(attribution, DCAT.hadRole)).endswith("/ResponsiblePartyRole/custodian")
    [contact] = g.objects(ds, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in g
    assert g.value(contact, VCARD.fn) == Literal("Kelp Lab")
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:kelp@example.org")
    kelp = URIRef("https://gcmd.earthdata.nasa.gov/kms/concept/1ad5ad62-0ec4-4470-8a24-de7b9fd1f0b8")
    assert kelp in set(g.objects(ds, DCAT.theme))
    scheme = g.value(kelp, SKOS.inScheme)
    assert g.value(scheme, DCTERMS.title) == Literal("GCMD Science Keywords")
    assert values(rec, DCAT.keyword) == {"EARTH SCIENCE > BIOSPHERE > KELP", "canopy"}
    assert values(rec, DCTERMS.license) == {"https://creativecommons.org/licenses/by/4.0/"}
    [period] = g.objects(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2019-06", datatype=XSD.gYearMonth)
    assert g.value(period, DCAT.endDate) is None  # indeterminatePosition="now": open end
    assert values(rec, SRC["iso19139/endPosition/indeterminatePosition"], period) == {"now"}
    [location] = g.objects(ds, DCTERMS.spatial)  # the swapped box is refused, the name kept
    assert g.value(location, LOCN.geographicName) == Literal("Santa Barbara Channel")
    assert g.value(location, DCAT.bbox) is None
    assert values(rec, DCTERMS.isPartOf) == {dataset_iri("iso-test", "edge-cases-parent", None)}
    assert values(rec, SRC["iso19139/instrument/title"]) == {"CTD SBE 911plus"}
    assert values(rec, SRC["iso19139/instrument/identifier"]) == {"SBE911"}
    assert values(rec, SRC["iso19139/platform/identifier"]) == {"R/V Sproul"}
    assert values(rec, SRC["iso19139/purpose"]) == {"Monitoring."}
    assert values(rec, SRC["iso19139/hierarchyLevel"]) == {"dataset"}
    fields = {f.field: f.message for f in rec.findings}
    box = "gmd:identificationInfo/*/gmd:extent[1]/gmd:EX_Extent/gmd:geographicElement[1]/gmd:EX_GeographicBoundingBox"
    assert "look swapped" in fields[box]
    assert any(f.endswith("gmd:CI_OnlineResource[2]/gmd:linkage") for f in fields)
    assert all(f.source_file == EDGE.name for f in rec.findings)


# --- 4. known-bad inputs ------------------------------------------------------------------------


def test_malformed_arm_record_names_file_field_and_line() -> None:
    path = corpus_path(f"{ARM}/arm_nsanimfraod1michC2.c1.RAW_MALFORMED_dup_of_doc1.xml")
    data = path.read_bytes()
    assert guess_lifter(data, path.name) is ISO  # routed here, so the error is ISO's
    with pytest.raises(LiftError) as caught:
        list(ISO.split(data, source_file=path.name))
    err = caught.value
    assert (err.source_file, err.field) == (path.name, "/")
    assert "not well-formed XML at line 41" in str(err)


def test_invalid_iso2_reports_the_empty_role() -> None:
    rec = lift_one(f"{WAF}/invalid_iso2.xml")
    [finding] = rec.findings
    assert finding.source_file == "invalid_iso2.xml"
    assert finding.record == "gov.noaa.nmfs.inport:47662"
    assert (
        finding.field
        == "gmd:identificationInfo/*/gmd:citation/gmd:CI_Citation/gmd:citedResponsibleParty[1]/gmd:CI_ResponsibleParty/gmd:role"
    )
    assert "gmd:role is empty" in finding.message
    assert lift_one(f"{WAF}/valid_iso2.xml").findings == []  # the same record, valid: nothing to say


def test_undecodable_bytes_give_a_lift_error_naming_the_file() -> None:
    path = corpus_path(f"{WAF}/decode_error.xml")
    with pytest.raises(LiftError) as caught:
        list(ISO.split(path.read_bytes(), source_file=path.name))
    assert (caught.value.source_file, caught.value.field) == ("decode_error.xml", "/")


def test_wrong_root_and_missing_parts_are_refused() -> None:
    fgdc = corpus_path(f"{GEODATAGOV}/waf-collection2/2013_county.ea.iso.xml")
    with pytest.raises(LiftError, match=r"root element is <FC_FeatureCatalogue>") as caught:
        list(ISO.split(fgdc.read_bytes(), source_file=fgdc.name))
    assert caught.value.field == "/ns:FC_FeatureCatalogue"
    no_id = b'<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd"/>'
    [error] = list(ISO.split(no_id, source_file="no-id.xml"))
    assert isinstance(error, LiftError)
    assert error.field == "/gmd:MD_Metadata/gmd:fileIdentifier"
    no_ident = (
        b'<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco">'
        b"<gmd:fileIdentifier><gco:CharacterString>x1</gco:CharacterString></gmd:fileIdentifier></gmd:MD_Metadata>"
    )
    with pytest.raises(LiftError, match="no gmd:identificationInfo") as caught:
        lift_bytes(no_ident, "no-ident.xml")
    assert (caught.value.field, caught.value.record) == ("gmd:identificationInfo", "x1")


# --- 5. hostile XML -----------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE gmd:MD_Metadata [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco">
  <gmd:fileIdentifier><gco:CharacterString>laughs</gco:CharacterString></gmd:fileIdentifier>
  <gmd:identificationInfo><gmd:MD_DataIdentification><gmd:citation><gmd:CI_Citation>
    <gmd:title><gco:CharacterString>&lol9;</gco:CharacterString></gmd:title>
  </gmd:CI_Citation></gmd:citation></gmd:MD_DataIdentification></gmd:identificationInfo>
</gmd:MD_Metadata>
"""




def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    data = path.read_bytes()
    assert guess_lifter(data, path.name) is ISO  # routed to the lifter that refuses it
    with pytest.raises(LiftError, match=r"laughs.xml, field DOCTYPE: the document declares XML entities"):
        list(ISO.split(data, source_file=path.name))


def test_external_entities_and_dtds_are_refused_and_never_fetched(
    tmp_path: Path, counting_server: tuple[str, list[str]]
) -> None:
    base, requests = counting_server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT", encoding="utf-8")
    body = (
        '<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco">'
        "<gmd:fileIdentifier><gco:CharacterString>&xxe;</gco:CharacterString></gmd:fileIdentifier>"
        "</gmd:MD_Metadata>"
    )
    documents = {
        "file-entity": f'<!DOCTYPE gmd:MD_Metadata [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>{body}',
        "http-entity": f'<!DOCTYPE gmd:MD_Metadata [<!ENTITY xxe SYSTEM "{base}/entity">]>{body}',
        "parameter-entity": f'<!DOCTYPE gmd:MD_Metadata [<!ENTITY % ext SYSTEM "{base}/dtd"> %ext;]>{body}',
        "external-dtd": f'<!DOCTYPE gmd:MD_Metadata SYSTEM "{base}/x.dtd">{body.replace("&xxe;", "x")}',
    }
    for name, document in documents.items():
        for encoding in ("utf-8", "utf-16"):
            data = f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n{document}'.encode(encoding)
            with pytest.raises(LiftError, match=r"refused for safety") as caught:
                list(ISO.split(data, source_file=f"{name}.xml"))
            assert f"{name}.xml" in str(caught.value)
            assert "TOP-SECRET" not in str(caught.value)
    assert requests == []


# --- 6. the pipeline ----------------------------------------------------------------------------


def test_pipeline_ingests_the_arm_folder(tmp_path: Path) -> None:
    from kg.pipeline import Ingestor

    folder = corpus_path(ARM)
    result = Ingestor(tmp_path).ingest([folder])
    errors = sorted(str(e) for e in result.errors)
    assert not any("internal lifting error" in e for e in errors)
    # the malformed file, and the older of the two versions of nsasondewnpnS01.b1 (same DOI, one source)
    assert len(errors) == 2
    assert "RAW_MALFORMED" in errors[0] and "not well-formed XML" in errors[0]
    assert "10.5439/1021460" in errors[1] or "same identifier" in errors[1]
    assert result.records == 11  # 12 files, one malformed
    assert result.stored == 10
