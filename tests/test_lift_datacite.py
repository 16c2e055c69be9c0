"""DataCite XML and JSON lifters, run on DataCite's own example records and bolognese fixtures.

Real records are read from ../shared/corpus (tests skip when it is absent); the hostile XML
documents are written inline, because they are the test.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.lifting import get_lifter, guess_lifter
from kg.lifting.base import LiftedRecord, Lifter, RawRecord, creators_of
from kg.lifting.datacite import DataCiteJsonLifter, DataCiteXmlLifter
from kg.namespaces import ADMS, BASE, LOCN, SDO, SRC, VCARD
from kg.report import Severity
from tests.conftest import CORPUS, corpus_path
from tests.golden_util import assert_golden

XML = get_lifter("datacite-xml")
JSON = get_lifter("datacite-json")
SCHEMA_XML = "datacite-schema/source/meta/kernel-4/example"
SCHEMA_JSON = "datacite-schema/source/json/kernel-4.3/example"
BOLOGNESE = "datacite-bolognese-fixtures"
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
ORG_MEMBER_OF = URIRef("http://www.w3.org/ns/org#memberOf")


def lift_bytes(data: bytes, name: str, lifter: Lifter, source: str = "datacite-schema") -> list[LiftedRecord]:
    records = []
    for piece in lifter.split(data, source_file=name):
        if isinstance(piece, LiftError):
            raise piece
        records.append(lifter.lift(piece, source=source))
    return records


def lift_one(relative: str, source: str = "datacite-schema") -> LiftedRecord:
    path = corpus_path(relative)
    data = path.read_bytes()
    lifter = guess_lifter(data, path.name)
    assert lifter is not None, f"no lifter claims {relative}"
    [record] = lift_bytes(data, path.name, lifter, source)
    return record


def corpus_files(folder: str, pattern: str) -> list[str]:
    base = CORPUS / folder
    return sorted(f"{folder}/{p.name}" for p in base.glob(pattern)) if base.is_dir() else []


def names(rec: LiftedRecord, prop: URIRef) -> set[str]:
    agents = creators_of(rec.graph, rec.dataset) if prop == DCTERMS.creator else rec.graph.objects(rec.dataset, prop)
    return {str(rec.graph.value(agent, FOAF.name)) for agent in agents}


def values(rec: LiftedRecord, prop: URIRef, subject: URIRef | None = None) -> set[str]:
    return {str(o) for o in rec.graph.objects(subject or rec.dataset, prop)}


def as_graph(rec: LiftedRecord) -> Graph:
    """The record's triples as an rdflib Graph, with readable prefixes for the golden files
    (prefixes take no part in the isomorphism check)."""
    graph = rec.graph if isinstance(rec.graph, Graph) else rec.graph.to_graph()
    for prefix, ns in (
        ("adms", ADMS), ("locn", LOCN), ("vcard", VCARD), ("schema", SDO), ("org", "http://www.w3.org/ns/org#"),
        ("src", f"{SRC}{rec.lifter}/"), ("cw", BASE), ("dctype", "http://purl.org/dc/dcmitype/"),
        ("gsp", "http://www.opengis.net/ont/geosparql#"),
    ):  # fmt: skip
        graph.bind(prefix, ns, override=True)
    return graph


# --- 1. golden graphs -----------------------------------------------------------------------

GOLDEN = [
    (f"{SCHEMA_XML}/datacite-example-full-v4.xml", "datacite-schema", "datacite-full-v4-xml"),
    (f"{SCHEMA_XML}/datacite-example-GeoLocation-v4.xml", "datacite-schema", "datacite-geolocation-v4-xml"),
    (f"{BOLOGNESE}/funding_reference.xml", "datacite-bolognese", "datacite-funding-reference-xml"),
    (f"{BOLOGNESE}/datacite-metadata-sample-complicated-v2.2.xml", "datacite-bolognese", "datacite-kernel-2.2-xml"),
    (f"{SCHEMA_JSON}/datacite-example-full-v4.json", "datacite-schema", "datacite-full-v4-json"),
    (f"{BOLOGNESE}/datacite.json", "datacite-bolognese", "datacite-bolognese-json"),
]


@pytest.mark.parametrize(("relative", "source", "golden"), GOLDEN, ids=[g[2] for g in GOLDEN])
def test_golden_graph(relative: str, source: str, golden: str) -> None:
    assert_golden(as_graph(lift_one(relative, source)), golden)


def test_full_example_maps_every_section() -> None:
    """The DataCite 4.x 'all properties' example, checked property by property."""
    rec = lift_one(f"{SCHEMA_XML}/datacite-example-full-v4.xml")
    g, ds = rec.graph, rec.dataset
    assert ds == URIRef("https://doi.org/10.82433/b09z-4k37")
    assert (ds, RDF.type, DCAT.Dataset) in g
    assert (ds, DCTERMS.identifier, Literal("10.82433/b09z-4k37")) in g
    assert (ds, DCTERMS.title, Literal("Example Title", lang="en")) in g
    assert (ds, DCTERMS.alternative, Literal("Example TranslatedTitle", lang="fr")) in g
    # creators: the ORCID iD is the person; the organisation is one node per name, ROR beside it
    person = URIRef("https://orcid.org/0000-0001-5727-2427")
    org = URIRef(BASE + "agent/exampleorganization")
    assert set(creators_of(g, ds)) == {person, org}
    assert (person, RDF.type, FOAF.Person) in g
    assert (person, FOAF.givenName, Literal("ExampleGivenName")) in g
    assert (person, ORG_MEMBER_OF, URIRef(BASE + "agent/exampleaffiliation")) in g
    assert (org, SDO.sameAs, URIRef("https://ror.org/04wxnsj81")) in g
    publisher = g.value(ds, DCTERMS.publisher)
    assert publisher == URIRef(BASE + "agent/example-publisher")
    assert (publisher, SDO.sameAs, URIRef("https://ror.org/04z8jg394")) in g
    # dates: one issued, one modified; Collected and Coverage ranges are periods of time
    assert values(rec, DCTERMS.issued) == {"2024-01-01"}
    assert values(rec, DCTERMS.modified) == {"2024-01-01"}
    periods = list(g.objects(ds, DCTERMS.temporal))
    assert len(periods) == 2
    assert all(g.value(p, DCAT.endDate) == Literal("2024-12-31", datatype=XSD.date) for p in periods)
    assert '"dateType": "Withdrawn"' in " ".join(values(rec, SRC["datacite-xml/dates"]))
    # subjects: keywords, plus themes for subjects in a scheme
    assert values(rec, DCAT.keyword) == {
        "FOS: Computer and information sciences",
        "Digital curation and preservation",
        "Example Subject",
    }
    fos = URIRef("http://www.oecd.org/science/inno/38235147.pdf")
    assert (ds, DCAT.theme, fos) in g
    assert (fos, SKOS.inScheme, URIRef("http://www.oecd.org/science/inno")) in g
    # contributors: contact point, rights holder, and every role kept as a qualified attribution
    contact = g.value(ds, DCAT.contactPoint)
    assert g.value(contact, VCARD.fn) == Literal("ExampleFamilyName, ExampleGivenName")
    assert (ds, DCTERMS.rightsHolder, person) in g
    roles = {str(g.value(a, DCAT.hadRole)).rsplit("/", 1)[-1] for a in g.objects(ds, PROV.qualifiedAttribution)}
    assert {"ContactPerson", "DataCollector", "HostingInstitution", "Sponsor", "WorkPackageLeader"} <= roles
    assert len(roles) == 23  # 22 contributor types + "originator" of the creators (Lifter.add_creator)
    # licence, language, version, alternate identifier
    license_iri = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (ds, DCTERMS.license, license_iri) in g
    assert (license_iri, DCTERMS.identifier, Literal("CC-BY-4.0")) in g
    assert values(rec, DCTERMS.language) == {"http://id.loc.gov/vocabulary/iso639-1/en"}
    assert values(rec, URIRef(str(DCAT) + "version")) == {"1"}
    alternate = g.value(ds, ADMS.identifier)
    assert g.value(alternate, SKOS.notation) == Literal("12345")
    assert g.value(alternate, ADMS.schemaAgency) == Literal("Local accession number")
    # related identifiers: a direct property by relation type, and the exact type kept
    epsl = URIRef("https://doi.org/10.1016/j.epsl.2011.11.037")
    assert (ds, DCTERMS.references, URIRef("https://arxiv.org/abs/0706.0001")) in g  # Cites
    assert (ds, DCTERMS.isPartOf, URIRef("https://raid.org/10.26259/5c43ca8f")) in g
    assert (ds, DCTERMS.source, epsl) in g  # IsDerivedFrom
    relations = list(g.objects(ds, DCAT.qualifiedRelation))
    assert len(relations) == 41
    supplement = [r for r in relations if str(g.value(r, DCAT.hadRole)).endswith("/IsSupplementTo")]
    assert [str(g.value(r, DCTERMS.identifier)) for r in supplement] == ["2018AGUFM.A24K..07S"]
    # descriptions
    assert values(rec, DCTERMS.description) == {"Example Abstract"}
    assert g.value(g.value(ds, DCTERMS.provenance), RDFS.label) == Literal("Example Methods", lang="en")
    assert values(rec, SRC["datacite-xml/description/TechnicalInfo"]) == {"Example TechnicalInfo"}
    # geolocation: place, point, box, polygon
    location = g.value(ds, DCTERMS.spatial)
    assert g.value(location, LOCN.geographicName) == Literal("Vancouver, British Columbia, Canada")
    assert g.value(location, DCAT.centroid) == Literal("POINT(-123.1207 49.2827)", datatype=WKT)
    assert str(g.value(location, DCAT.bbox)).startswith("POLYGON((-123.27 49.195, -123.02 49.195")
    assert str(g.value(location, LOCN.geometry)).startswith("POLYGON((-71.032 41.991, -69.622 42.893")
    # funding
    grant = g.value(ds, SDO.funding)
    assert g.value(grant, SDO.identifier) == Literal("12345")
    funder = g.value(grant, SDO.funder)
    assert (funder, SDO.sameAs, URIRef("https://doi.org/10.13039/501100000780")) in g
    # landing page and distribution
    assert (ds, DCAT.landingPage, ds) in g
    # one distribution per format (DCAT-US 3.0: one format and one media type each), same access URL
    distributions = list(g.objects(ds, DCAT.distribution))
    labels = {str(g.value(g.value(d, DCTERMS.format), RDFS.label)) for d in distributions}
    assert labels == {"application/xml", "text/plain"} and len(distributions) == 2
    assert {str(g.value(d, DCAT.mediaType)).rsplit("/media-types/", 1)[-1] for d in distributions} == labels
    assert {g.value(d, DCAT.accessURL) for d in distributions} == {ds}
    # nothing dropped: unmapped fields are kept under the source namespace
    assert values(rec, SRC["datacite-xml/sizes"]) == {'["1 MB", "90 pages"]'}
    assert "Example RelatedItem Title" in str(g.value(ds, SRC["datacite-xml/relatedItems"]))
    assert rec.findings == []


def test_non_dataset_types_are_resources_with_a_dcmi_type() -> None:
    rec = lift_one(f"{BOLOGNESE}/datacite.json", "datacite-bolognese")
    assert set(rec.graph.objects(rec.dataset, RDF.type)) == {DCAT.Resource}
    assert values(rec, DCTERMS.type) == {"http://purl.org/dc/dcmitype/Text"}
    assert values(rec, SRC["datacite-json/resourceTypeGeneral"]) == {"Text"}
    assert values(rec, SRC["datacite-json/resourceType"]) == {"BlogPosting"}


# --- 2. every official example --------------------------------------------------------------

OFFICIAL = corpus_files(SCHEMA_XML, "*.xml") + corpus_files(SCHEMA_JSON, "*.json")


@pytest.mark.parametrize("relative", OFFICIAL or ["(corpus absent)"])
def test_every_official_example_lifts(relative: str) -> None:
    rec = lift_one(relative)
    assert str(rec.dataset).startswith("https://doi.org/10.")
    assert list(rec.graph.objects(rec.dataset, DCTERMS.title)), "no dcterms:title"
    assert not any(isinstance(term, BNode) for triple in rec.graph for term in triple)
    assert rec.raw.data == corpus_path(relative).read_bytes()
    assert rec.raw.media_type == ("application/xml" if relative.endswith(".xml") else "application/json")
    # the same bytes give the same graph, also when lifted again from the raw bytes alone
    again = lift_one(relative)
    assert isomorphic(as_graph(rec), as_graph(again))
    lifter = XML if relative.endswith(".xml") else JSON
    from_raw = lifter.lift(dataclasses.replace(rec.raw, parsed=None), source="datacite-schema")
    assert isomorphic(as_graph(rec), as_graph(from_raw))


def test_official_datasets_conform_to_the_core_profile() -> None:
    from kg.validation import Validator

    validator = Validator()
    checked = 0
    for relative in OFFICIAL:
        rec = lift_one(relative)
        if (rec.dataset, RDF.type, DCAT.Dataset) not in rec.graph:
            continue
        checked += 1
        report = validator.validate([rec])[rec.key]  # one record at a time: one DOI, one graph
        violations = [str(f) for f in report.findings if f.severity is Severity.VIOLATION]
        assert violations == [], relative
    assert checked >= 7


# --- 3. the bolognese fixtures: claim DataCite, leave the rest ------------------------------

NOT_DATACITE = [
    "aida.json", "cgimp_package.json", "cit_package.json", "citeproc.json", "citeproc-no-author.json",
    "citeproc-no-categories.json", "codemeta.json", "codemeta_v2.json", "crossref.xml",
    "crossref_schema_4.6_values.xml", "edam_package.json", "schema_org.json", "schema_org_4.6_attributes.json",
    "schema_org_geolocation.json", "schema_org_geoshape.json", "schema_org_gtex.json", "schema_org_list.json",
    "schema_org_tdl_iodp_invalid_authors.json", "schema_org_topmed.json", "schema_org_type_as_array.json",
]  # fmt: skip


@pytest.mark.parametrize("name", NOT_DATACITE)
def test_other_formats_are_not_claimed(name: str) -> None:
    data = corpus_path(f"{BOLOGNESE}/{name}").read_bytes()
    assert XML.detect(data, name) == 0.0
    assert JSON.detect(data, name) == 0.0


def test_every_claimed_fixture_lifts_or_gives_a_lift_error() -> None:
    folder = corpus_path(BOLOGNESE)
    claimed, lifted, errors = [], 0, []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".xml", ".json"):
            continue
        data = path.read_bytes()
        lifter = guess_lifter(data, path.name)
        if lifter is None or not isinstance(lifter, (DataCiteXmlLifter, DataCiteJsonLifter)):
            continue
        claimed.append(path.name)
        try:
            for rec in lift_bytes(data, path.name, lifter, "datacite-bolognese"):
                assert not any(isinstance(term, BNode) for triple in rec.graph for term in triple)
                lifted += 1
        except LiftError as exc:  # anything else escaping is a bug and fails the test
            errors.append(path.name)
            assert path.name in str(exc)
    expected = {p.name for p in folder.iterdir() if p.suffix in (".xml", ".json")} - set(NOT_DATACITE)
    assert set(claimed) == expected
    assert sorted(errors) == ["datacite-example-relateditems.xml", "datacite_software_missing_comma.json"]
    assert lifted == len(expected) - 2


def test_legacy_json_spellings_are_read() -> None:
    """bolognese's older JSON: kebab-case keys, a singular creator and a plain title."""
    rec = lift_one(f"{BOLOGNESE}/datacite_software_overlapping_keys.json", "datacite-bolognese")
    assert rec.dataset == URIRef("https://doi.org/10.5063/f1m61h5x")
    assert values(rec, DCTERMS.title) == {"dataone: R interface to the DataONE network of data repositories"}
    assert names(rec, DCTERMS.creator) == {"Matthew B. Jones"}
    assert values(rec, DCTERMS.issued) == {"2016"}
    [duplicate] = rec.findings
    assert duplicate.field == "/id" and "more than once" in duplicate.message


# --- 4. known-bad inputs --------------------------------------------------------------------


def test_invalid_json_names_file_line_and_column() -> None:
    path = corpus_path(f"{BOLOGNESE}/datacite_software_missing_comma.json")
    data = path.read_bytes()
    assert guess_lifter(data, path.name) is JSON  # still routed here, so the error is DataCite's
    with pytest.raises(LiftError) as caught:
        list(JSON.split(data, source_file=path.name))
    message = str(caught.value)
    assert message.startswith("datacite_software_missing_comma.json: not valid JSON")
    assert "Expecting ',' delimiter at line 4 column 3" in message


def test_mismatched_xml_tag_names_file_and_line() -> None:
    path = corpus_path(f"{BOLOGNESE}/datacite-example-relateditems.xml")
    with pytest.raises(LiftError) as caught:
        list(XML.split(path.read_bytes(), source_file=path.name))
    message = str(caught.value)
    assert message.startswith("datacite-example-relateditems.xml: not well-formed XML at line 46")
    assert "tag mismatch: issue" in message


def test_creator_holding_three_names_is_split_and_reported() -> None:
    rec = lift_one(f"{BOLOGNESE}/datacite_malformed_creator.xml", "datacite-bolognese")
    [finding] = rec.findings
    assert finding.severity is Severity.WARNING
    assert finding.source_file == "datacite_malformed_creator.xml"
    assert finding.record == "10.25670/oi2018-001on"
    assert finding.field == "creators[0]"
    assert "holds 3 <creatorName> elements" in finding.message
    assert names(rec, DCTERMS.creator) == {"Grošelj, Blaž", "Oražem, Miha", "Kovač, Viljem"}
    for creator in creators_of(rec.graph, rec.dataset):  # each keeps its own affiliation
        affiliation = rec.graph.value(creator, ORG_MEMBER_OF)
        assert rec.graph.value(affiliation, FOAF.name) == Literal("Onkološki inštitut Ljubljana")


def test_missing_creators_are_reported() -> None:
    rec = lift_one(f"{BOLOGNESE}/datacite_missing_creator.xml", "datacite-bolognese")
    [finding] = rec.findings
    assert (finding.severity, finding.field, finding.source_file) == (
        Severity.WARNING,
        "creators",
        "datacite_missing_creator.xml",
    )
    assert "no creator" in finding.message
    assert list(creators_of(rec.graph, rec.dataset)) == []
    assert values(rec, DCTERMS.title) == {"Eating your own Dog Food"}  # the rest is still lifted


def test_blank_publisher_is_reported_and_its_identifier_kept() -> None:
    rec = lift_one(f"{BOLOGNESE}/datacite_blank_publisher.xml", "datacite-bolognese")
    [finding] = rec.findings
    assert (finding.severity, finding.field, finding.record) == (Severity.WARNING, "publisher", "10.81360/4dvp-kr57")
    assert "publisher is blank" in finding.message and "https://ror.org/04wxnsj81" in finding.message
    assert rec.graph.value(rec.dataset, DCTERMS.publisher) is None
    assert "https://ror.org/04wxnsj81" in str(rec.graph.value(rec.dataset, SRC["datacite-xml/publisher"]))


def test_wrong_root_or_shape_is_refused_when_forced() -> None:
    crossref = corpus_path(f"{BOLOGNESE}/crossref.xml")
    with pytest.raises(LiftError, match=r"crossref.xml, field crossref_result: root element is <crossref_result>"):
        list(XML.split(crossref.read_bytes(), source_file=crossref.name))
    citeproc = corpus_path(f"{BOLOGNESE}/citeproc.json")
    with pytest.raises(LiftError, match=r"citeproc.json: not a DataCite JSON record"):
        list(JSON.split(citeproc.read_bytes(), source_file=citeproc.name))


def test_unreadable_bytes_and_missing_identifier() -> None:
    with pytest.raises(LiftError, match=r"bad.json: not UTF-8 text"):
        list(JSON.split(b'{"doi": "10.1234/\xff", "titles": []}', source_file="bad.json"))
    no_id = (
        b'<resource xmlns="http://datacite.org/schema/kernel-4"><titles><title>T</title></titles>'
        b"<publisher>P</publisher></resource>"
    )
    [error] = list(XML.split(no_id, source_file="no-id.xml"))
    assert isinstance(error, LiftError)
    assert (error.source_file, error.record, error.field) == ("no-id.xml", "no-id.xml", "identifier")


# --- 5. hostile XML ---------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE resource [
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
<resource xmlns="http://datacite.org/schema/kernel-4">
  <identifier identifierType="DOI">10.1234/laughs</identifier>
  <titles><title>&lol9;</title></titles>
</resource>
"""




def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    data = path.read_bytes()
    assert guess_lifter(data, path.name) is XML  # routed to the lifter that refuses it
    with pytest.raises(LiftError, match=r"laughs.xml, field DOCTYPE: the document declares XML entities"):
        list(XML.split(data, source_file=path.name))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_external_entities_and_dtds_are_refused_and_never_fetched(
    tmp_path: Path, counting_server: tuple[str, list[str]], encoding: str
) -> None:
    base, requests = counting_server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT", encoding="utf-8")
    body = (
        '<resource xmlns="http://datacite.org/schema/kernel-4">'
        '<identifier identifierType="DOI">10.1234/xxe</identifier>'
        "<titles><title>&xxe;</title></titles></resource>"
    )
    documents = {
        "file-entity": f'<!DOCTYPE resource [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>{body}',
        "http-entity": f'<!DOCTYPE resource [<!ENTITY xxe SYSTEM "{base}/entity">]>{body}',
        "parameter-entity": f'<!DOCTYPE resource [<!ENTITY % ext SYSTEM "{base}/dtd"> %ext;]>{body}',
        "external-dtd": f'<!DOCTYPE resource SYSTEM "{base}/external.dtd">{body.replace("&xxe;", "T")}',
    }
    for name, document in documents.items():
        text = f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n{document}'
        data = text.encode(encoding)  # utf-16 adds a BOM: the byte scan cannot read it, the parser can
        path = tmp_path / f"{name}.xml"
        path.write_bytes(data)
        with pytest.raises(LiftError, match=r"refused for safety") as caught:
            list(XML.split(data, source_file=path.name))
        assert path.name in str(caught.value)
        assert "TOP-SECRET" not in str(caught.value)
    assert requests == []


# --- 6. the same record as XML and as JSON ----------------------------------------------------

# (XML, JSON, compare keywords). DataCite's JSON examples put the DDC/Dewey classification code in
# front of the subject text ("551 Geology, ..."), the XML in classificationCode; that prefix is
# removed before comparing. The XML full-v4 example was rewritten for schema 4.5+ with another
# DOI, so the JSON full-v4 example is paired with bolognese's kernel-4.4 copy of the same record;
# dataset-v4 is a different record in the two forms and is not paired.
PAIRS = [
    (f"{BOLOGNESE}/datacite-example-full-v4.4.xml", f"{SCHEMA_JSON}/datacite-example-full-v4.json", True),
    (f"{SCHEMA_XML}/datacite-example-GeoLocation-v4.xml", f"{SCHEMA_JSON}/datacite-example-GeoLocation-v4.json", True),
    *[
        (f"{SCHEMA_XML}/datacite-example-{stem}-v4.xml", f"{SCHEMA_JSON}/datacite-example-{stem}-v4.json", keywords)
        for stem, keywords in (
            ("Box_dateCollected_DataCollector", True), ("HasMetadata", True), ("ResearchGroup_Methods", True),
            ("ResourceTypeGeneral_Collection", True), ("affiliation", True), ("ancientdates", True),
            ("fundingReference", True), ("relationTypeIsIdenticalTo", True), ("video", True), ("workflow", True),
            # the JSON subject reads "830 German &amp; related literatures" (escaped twice, words missing)
            ("complicated", False),
        )
    ],
]  # fmt: skip


def summary(rec: LiftedRecord) -> dict[str, object]:
    g, ds = rec.graph, rec.dataset
    return {
        "doi": str(ds),
        "identifier": values(rec, DCTERMS.identifier),
        "titles": values(rec, DCTERMS.title),
        "creators": names(rec, DCTERMS.creator),
        "publisher": names(rec, DCTERMS.publisher),
        "issued year": {str(o)[:4] for o in g.objects(ds, DCTERMS.issued)},
        "type": set(g.objects(ds, RDF.type)),
    }


def keywords(rec: LiftedRecord) -> set[str]:
    return {re.sub(r"^\d+ ", "", html.unescape(k)) for k in values(rec, DCAT.keyword)}


@pytest.mark.parametrize(("xml", "json_", "compare_keywords"), PAIRS, ids=[Path(p[1]).stem for p in PAIRS])
def test_xml_and_json_forms_agree(xml: str, json_: str, compare_keywords: bool) -> None:
    from_xml, from_json = lift_one(xml), lift_one(json_)
    assert summary(from_xml) == summary(from_json)
    assert from_xml.key == from_json.key  # same source, same DOI: the same record
    if compare_keywords:
        assert keywords(from_xml) == keywords(from_json)


# --- the REST API wrapper ---------------------------------------------------------------------


def test_rest_api_wrappers_split_into_records_with_their_exact_bytes() -> None:
    attributes = json.loads(corpus_path(f"{BOLOGNESE}/datacite.json").read_bytes())
    plain = lift_one(f"{BOLOGNESE}/datacite.json", "datacite-bolognese")
    other = dict(attributes, doi="10.5438/other", titles=[{"title": "Another post"}])
    single = json.dumps({"data": {"id": "10.5438/4k3m-nyvg", "type": "dois", "attributes": attributes}})
    [wrapped] = lift_bytes(single.encode(), "one.json", JSON, "datacite-bolognese")
    assert wrapped.dataset == plain.dataset
    assert summary(wrapped) == summary(plain)
    assert values(wrapped, SRC["datacite-json/rest/type"]) == {"dois"}

    items = [{"id": a["doi"], "type": "dois", "attributes": a} for a in (attributes, other)]
    listing = json.dumps({"data": items, "meta": {"total": 2}}, indent=2).encode()
    assert JSON.detect(listing, "page.json") >= 0.5
    pieces = list(JSON.split(listing, source_file="page.json"))
    assert [p.local_id for p in pieces if isinstance(p, RawRecord)] == ["10.5438/4k3m-nyvg", "10.5438/other"]
    assert [p.pointer for p in pieces if isinstance(p, RawRecord)] == ["/data/0", "/data/1"]
    for piece, item in zip(pieces, items, strict=True):
        assert isinstance(piece, RawRecord)
        assert piece.data in listing  # the record's own bytes, cut out of the page unchanged
        assert json.loads(piece.data) == item
    records = [JSON.lift(p, source="datacite-bolognese") for p in pieces if isinstance(p, RawRecord)]
    assert [values(r, DCTERMS.title) for r in records] == [{"Eating your own Dog Food"}, {"Another post"}]
