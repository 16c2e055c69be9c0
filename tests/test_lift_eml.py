"""EML 2.x lifter, run on the real EML documents in ../shared/corpus/slendernodes-sosorg/eml/.

The hostile XML documents are written inline, because they are the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.lifting import get_lifter, guess_lifter
from kg.lifting.base import LiftedRecord, creators_of
from kg.namespaces import BASE, LOCN, SDO, SRC, VCARD
from tests.conftest import CORPUS, corpus_path
from tests.golden_util import assert_golden

EML = get_lifter("eml")
FOLDER = "slendernodes-sosorg/eml"
EML_FILES = [
    "eml_doi_10_5063_f1w957h4.xml",
    "eml_v211_example.xml",
    "eml_v2p0p0_example.xml",
    "eml_v2p0p1_example.xml",
    "ropensci-EML_example-eml-2.1.0.xml",
    "ropensci-EML_hf001.xml",
    "ropensci-EML_hf205.xml",
]
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")


def lift_bytes(data: bytes, name: str) -> list[LiftedRecord]:
    records = []
    for piece in EML.split(data, source_file=name):
        if isinstance(piece, LiftError):
            raise piece
        records.append(EML.lift(piece, source="slendernodes-eml"))
    return records


def lift_one(name: str) -> LiftedRecord:
    path = corpus_path(f"{FOLDER}/{name}")
    [record] = lift_bytes(path.read_bytes(), path.name)
    return record


def values(rec: LiftedRecord, prop: URIRef, subject: URIRef | None = None) -> set[str]:
    return {str(o) for o in rec.graph.objects(subject or rec.dataset, prop)}


def names(rec: LiftedRecord, prop: URIRef) -> set[str]:
    agents = creators_of(rec.graph, rec.dataset) if prop == DCTERMS.creator else rec.graph.objects(rec.dataset, prop)
    return {str(rec.graph.value(a, FOAF.name)) for a in agents}


# --- 1. golden graphs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "golden"),
    [
        ("eml_doi_10_5063_f1w957h4.xml", "eml-sasap-lithology"),
        ("eml_v2p0p0_example.xml", "eml-worldclim"),
        ("ropensci-EML_hf205.xml", "eml-hf205-sarracenia"),
    ],
)
def test_golden(name: str, golden: str) -> None:
    assert_golden(lift_one(name).graph, golden)


# --- 2. every real file lifts, with a title --------------------------------------------------------


@pytest.mark.parametrize("name", EML_FILES)
def test_every_corpus_file_lifts_with_a_title(name: str) -> None:
    path = corpus_path(f"{FOLDER}/{name}")
    data = path.read_bytes()
    assert guess_lifter(data, name) is EML
    [rec] = lift_bytes(data, name)
    assert rec.graph.value(rec.dataset, DCTERMS.title) is not None
    assert (rec.dataset, RDF.type, DCAT.Dataset) in rec.graph
    assert rec.graph.value(rec.dataset, DCTERMS.creator) is not None
    for s, _, o in rec.graph:  # no blank nodes anywhere
        assert isinstance(s, URIRef) and isinstance(o, URIRef | Literal)


def test_doi_package_id_gives_doi_iri_and_orcid_people() -> None:
    rec = lift_one("eml_doi_10_5063_f1w957h4.xml")
    assert rec.dataset == URIRef("https://doi.org/10.5063/f1w957h4")
    [finding] = rec.findings  # the Aleutians box crosses the antimeridian
    assert finding.field == "/eml/dataset/coverage/geographicCoverage[1]/boundingCoordinates"
    assert "antimeridian" in finding.message
    assert values(rec, DCTERMS.identifier) == {"doi:10.5063/F1W957H4"}
    creators = set(creators_of(rec.graph, rec.dataset))
    assert URIRef("https://orcid.org/0000-0001-8874-7595") in creators
    contact = rec.graph.value(rec.dataset, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in rec.graph
    assert str(rec.graph.value(contact, VCARD.hasEmail)).startswith("mailto:")
    assert len(list(rec.graph.objects(rec.dataset, DCTERMS.spatial))) == 13
    # 2 dataTables + 2 spatialVectors + 1 otherEntity, each a distribution with a download URL
    entities = [d for d in rec.graph.objects(rec.dataset, DCAT.distribution)]
    assert len(entities) == 5
    assert all(rec.graph.value(d, DCAT.downloadURL) is not None for d in entities)
    assert len(list(rec.graph.objects(rec.dataset, SDO.variableMeasured))) == 88


def test_neon_empty_package_id_falls_back_to_dataset_id_and_is_reported() -> None:
    rec = lift_one("eml_v211_example.xml")
    [finding] = rec.findings
    assert finding.field == "/eml/@packageId"
    assert finding.source_file == "eml_v211_example.xml"
    assert rec.raw.local_id == "NEON.D13.NIWO.DP1.00017.001.20170801-20170901"
    assert values(rec, DCTERMS.language) == {"http://id.loc.gov/vocabulary/iso639-1/en"}
    assert values(rec, DCAT.landingPage) == {"http://data.neonscience.org/"}
    # asNeeded has no Dublin Core frequency: kept, not dropped
    assert rec.graph.value(rec.dataset, DCTERMS.accrualPeriodicity) is None
    assert values(rec, SRC["eml/dataset/maintenance/maintenanceUpdateFrequency"]) == {"asNeeded"}
    variables = list(rec.graph.objects(rec.dataset, SDO.variableMeasured))
    assert len(variables) == 628
    assert all(rec.graph.value(v, SDO.name) is not None for v in variables)


def test_hf205_taxa_parties_thesauri_and_entities() -> None:
    rec = lift_one("ropensci-EML_hf205.xml")
    g, ds = rec.graph, rec.dataset
    assert {"Sarracenia", "Sarracenia purpurea"} <= values(rec, DCAT.keyword)
    assert "Sarracenia" in str(g.value(ds, SRC["eml/dataset/coverage/taxonomicCoverage"]))
    roles = {str(g.value(g.value(a, DCAT.hadRole), SKOS.prefLabel)) for a in g.objects(ds, PROV.qualifiedAttribution)}
    assert roles == {"Researcher", "originator"}  # "originator": each of the several creators (add_creator)
    assert len(names(rec, DCTERMS.contributor)) == 2
    publisher = g.value(ds, DCTERMS.publisher)
    assert publisher == URIRef(f"{BASE}agent/harvard-forest")
    assert (publisher, SKOS.prefLabel, Literal("Harvard Forest")) in g
    themes = list(g.objects(ds, DCAT.theme))
    assert themes and all((g.value(t, SKOS.inScheme), DCTERMS.title, None) in g for t in themes)
    period = g.value(ds, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate).datatype == XSD.date
    spatial = g.value(ds, DCTERMS.spatial)
    assert g.value(spatial, DCAT.bbox).datatype == WKT
    assert g.value(spatial, LOCN.geographicName) is not None
    rights = g.value(ds, DCTERMS.rights)
    assert (rights, RDF.type, DCTERMS.RightsStatement) in g and g.value(rights, RDFS.label)
    formats = {str(g.value(g.value(d, DCTERMS.format), RDFS.label)) for d in g.objects(ds, DCAT.distribution)}
    assert len(formats) >= 2


# --- 3. detection -----------------------------------------------------------------------------------


def other_xml_files() -> list[Path]:
    patterns = [
        "slendernodes-sosorg/other_xml/*.xml",
        "slendernodes-sosorg/iso19139/*.xml",
        "datacite-schema/source/meta/kernel-4/example/*.xml",
        "datacite-bolognese-fixtures/*.xml",
        "datajson-agencies/fcc.data.json",
        "slendernodes-sosorg/jsonld/*.jsonld",
    ]
    return [p for pattern in patterns for p in sorted(CORPUS.glob(pattern))]


def test_detection_rejects_every_other_format() -> None:
    files = other_xml_files()
    if not files:
        pytest.skip("shared corpus not available")
    assert len(files) > 20
    for path in files:
        data = path.read_bytes()
        assert EML.detect(data, path.name) == 0.0, path
        assert guess_lifter(data, path.name) is not EML, path


# --- 4. bad input -----------------------------------------------------------------------------------

HEAD = '<eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1" packageId="{pid}" system="test">'


def test_invalid_dates_and_coordinates_are_reported_with_their_xpath() -> None:
    doc = (
        HEAD.format(pid="test.1.1") + "<dataset><title>T</title><creator><organizationName>Lab</organizationName>"
        "</creator><pubDate>31/12/2019</pubDate><coverage><geographicCoverage><geographicDescription>X"
        "</geographicDescription><boundingCoordinates><westBoundingCoordinate>-200</westBoundingCoordinate>"
        "<eastBoundingCoordinate>10</eastBoundingCoordinate><northBoundingCoordinate>5</northBoundingCoordinate>"
        "<southBoundingCoordinate>1</southBoundingCoordinate></boundingCoordinates></geographicCoverage>"
        "<temporalCoverage><rangeOfDates><beginDate><calendarDate>2019-13-01</calendarDate></beginDate>"
        "<endDate><calendarDate>2020</calendarDate></endDate></rangeOfDates></temporalCoverage></coverage>"
        "<contact><positionName>Data manager</positionName></contact></dataset></eml:eml>"
    )
    [rec] = lift_bytes(doc.encode(), "bad-dates.xml")
    fields = {f.field for f in rec.findings}
    assert "/eml/dataset/pubDate" in fields
    assert "/eml/dataset/coverage/temporalCoverage[1]/rangeOfDates/beginDate/calendarDate" in fields
    assert "/eml/dataset/coverage/geographicCoverage[1]/boundingCoordinates" in fields
    assert all(f.source_file == "bad-dates.xml" for f in rec.findings)
    assert rec.graph.value(rec.dataset, DCTERMS.issued) is None
    assert values(rec, SRC["eml/dataset/pubDate"]) == {"31/12/2019"}
    period = rec.graph.value(rec.dataset, DCTERMS.temporal)
    assert rec.graph.value(period, DCAT.endDate) == Literal("2020", datatype=XSD.gYear)


def test_missing_identity_wrong_root_and_malformed_xml() -> None:
    no_id = HEAD.format(pid="") + "<dataset><title>T</title></dataset></eml:eml>"
    [error] = list(EML.split(no_id.encode(), source_file="no-id.xml"))
    assert isinstance(error, LiftError)
    assert (error.source_file, error.field) == ("no-id.xml", "/eml/@packageId")
    no_dataset = HEAD.format(pid="x.1") + "<citation><title>T</title></citation></eml:eml>"
    [error] = list(EML.split(no_dataset.encode(), source_file="cit.xml"))
    assert isinstance(error, LiftError) and error.field == "/eml/dataset"
    iso = corpus_path("slendernodes-sosorg/iso19139/arm_doc1.xml")
    with pytest.raises(LiftError, match=r"arm_doc1.xml, field MD_Metadata: root element is <MD_Metadata>"):
        list(EML.split(iso.read_bytes(), source_file=iso.name))
    with pytest.raises(LiftError, match=r"broken.xml: not well-formed XML at line 1"):
        list(EML.split((HEAD.format(pid="x") + "<dataset><title>T</dataset>").encode(), source_file="broken.xml"))


# --- 5. hostile XML --------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE eml:eml [
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
<eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1" packageId="laughs.1">
  <dataset><title>&lol9;</title></dataset>
</eml:eml>
"""




def test_billion_laughs_is_refused() -> None:
    data = BILLION_LAUGHS.encode()
    assert guess_lifter(data, "laughs.xml") is EML  # routed to the lifter that refuses it
    with pytest.raises(LiftError, match=r"laughs.xml, field DOCTYPE: the document declares XML entities"):
        list(EML.split(data, source_file="laughs.xml"))


def test_external_entities_are_refused_and_never_fetched(
    tmp_path: Path, counting_server: tuple[str, list[str]]
) -> None:
    base, requests = counting_server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT", encoding="utf-8")
    body = (
        '<eml:eml xmlns:eml="eml://ecoinformatics.org/eml-2.1.1" packageId="xxe.1">'
        "<dataset><title>&xxe;</title></dataset></eml:eml>"
    )
    documents = {
        "file-entity": f'<!DOCTYPE eml:eml [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>{body}',
        "http-entity": f'<!DOCTYPE eml:eml [<!ENTITY xxe SYSTEM "{base}/entity">]>{body}',
        "external-dtd": f'<!DOCTYPE eml:eml SYSTEM "{base}/external.dtd">{body.replace("&xxe;", "T")}',
    }
    for name, document in documents.items():
        data = f'<?xml version="1.0" encoding="UTF-8"?>\n{document}'.encode()
        with pytest.raises(LiftError, match=r"refused for safety") as caught:
            list(EML.split(data, source_file=f"{name}.xml"))
        assert f"{name}.xml" in str(caught.value)
        assert "TOP-SECRET" not in str(caught.value)
    assert requests == []


# --- 6. the pipeline ---------------------------------------------------------------------------------


def test_pipeline_ingests_the_eml_folder(tmp_path: Path) -> None:
    from kg.pipeline import Ingestor

    folder = corpus_path(FOLDER)
    result = Ingestor(tmp_path).ingest([folder])
    assert result.records == len(EML_FILES)
    assert result.stored == len(EML_FILES)
    assert [str(e) for e in result.errors] == []


# --- 7. EML 2.2 (no corpus file uses it yet: a small document written here) -------------------------

EML_22 = """<?xml version="1.0" encoding="UTF-8"?>
<eml:eml xmlns:eml="https://eml.ecoinformatics.org/eml-2.2.0" packageId="urn:uuid:1234" system="knb">
  <dataset>
    <alternateIdentifier system="https://doi.org">doi:10.1234/ABC.22</alternateIdentifier>
    <title xml:lang="en">Kelp   forest
      survey</title>
    <creator id="p1">
      <individualName><givenName>Ada</givenName><givenName>M.</givenName><surName>Lovelace</surName></individualName>
      <organizationName>Marine Lab</organizationName>
      <userId directory="https://orcid.org">0000-0002-1825-0097</userId>
    </creator>
    <creator id="p2"><individualName><surName>Byron</surName></individualName></creator>
    <metadataProvider><references>p2</references></metadataProvider>
    <associatedParty><references>p1</references><role>principalInvestigator</role></associatedParty>
    <pubDate>2021-03-04</pubDate>
    <language>eng</language>
    <abstract><markdown>
# Kelp

Counts of *kelp*   stipes.
</markdown></abstract>
    <licensed>
      <licenseName>Creative Commons Attribution 4.0 International</licenseName>
      <url>https://spdx.org/licenses/CC-BY-4.0</url>
      <identifier>CC-BY-4.0</identifier>
    </licensed>
    <coverage>
      <temporalCoverage><singleDateTime><calendarDate>2020-07-01</calendarDate><time>10:30:00</time></singleDateTime>
      </temporalCoverage>
    </coverage>
    <maintenance><maintenanceUpdateFrequency>annually</maintenanceUpdateFrequency></maintenance>
    <contact><references>p1</references></contact>
    <publisher><organizationName>Marine Lab</organizationName></publisher>
    <project>
      <title>Kelp watch</title>
      <personnel><individualName><surName>Lovelace</surName></individualName><role>lead</role></personnel>
      <award>
        <funderName>National Science Foundation</funderName>
        <funderIdentifier>https://ror.org/021nxhr62</funderIdentifier>
        <awardNumber>1546024</awardNumber>
        <title>LTER: kelp</title>
        <awardUrl>https://www.nsf.gov/awardsearch/showAward?AWD_ID=1546024</awardUrl>
      </award>
    </project>
  </dataset>
</eml:eml>
"""


def test_eml_22_document() -> None:
    data = EML_22.encode()
    assert guess_lifter(data, "kelp.xml") is EML
    [rec] = lift_bytes(data, "kelp.xml")
    g, ds = rec.graph, rec.dataset
    assert ds == URIRef("https://doi.org/10.1234/abc.22")  # the DOI in alternateIdentifier
    assert values(rec, DCTERMS.identifier) == {"urn:uuid:1234"}
    assert g.value(ds, DCTERMS.title) == Literal("Kelp forest survey", lang="en")
    assert str(g.value(ds, DCTERMS.description)) == "# Kelp Counts of *kelp* stipes."
    ada = URIRef("https://orcid.org/0000-0002-1825-0097")
    byron = URIRef(f"{BASE}dataset/{rec.key}/party/p2")
    assert set(creators_of(g, ds)) == {ada, byron}
    assert set(g.objects(ds, DCTERMS.contributor)) == {ada}  # <references> resolved
    assert {g.value(a, PROV.agent) for a in g.objects(ds, PROV.qualifiedAttribution)} == {ada, byron}
    assert g.value(ada, FOAF.name) == Literal("Ada M. Lovelace")
    roles = {str(g.value(g.value(a, DCAT.hadRole), SKOS.prefLabel)) for a in g.objects(ds, PROV.qualifiedAttribution)}
    assert roles == {"principalInvestigator", "metadataProvider", "originator"}  # originator: the two creators
    contact = g.value(ds, DCAT.contactPoint)
    assert g.value(contact, VCARD.hasUID) == ada and g.value(contact, VCARD.fn) == Literal("Ada M. Lovelace")
    assert g.value(ds, DCTERMS.publisher) == URIRef(f"{BASE}agent/marine-lab")
    assert g.value(ds, DCTERMS.issued) == Literal("2021-03-04", datatype=XSD.date)
    assert values(rec, DCTERMS.language) == {"http://id.loc.gov/vocabulary/iso639-2/eng"}
    licence = URIRef("https://spdx.org/licenses/CC-BY-4.0")
    assert g.value(ds, DCTERMS.license) == licence
    assert g.value(licence, RDFS.label) == Literal("Creative Commons Attribution 4.0 International")
    period = g.value(ds, DCTERMS.temporal)
    moment = Literal("2020-07-01T10:30:00", datatype=XSD.dateTime)
    assert g.value(period, DCAT.startDate) == moment and g.value(period, DCAT.endDate) == moment
    assert values(rec, DCTERMS.accrualPeriodicity) == {"http://purl.org/cld/freq/annual"}
    grant = g.value(ds, SDO.funding)
    assert (grant, RDF.type, SDO.MonetaryGrant) in g
    assert g.value(grant, SDO.identifier) == Literal("1546024")
    assert g.value(grant, SDO.name) == Literal("LTER: kelp")
    funder = g.value(grant, SDO.funder)
    assert g.value(funder, FOAF.name) == Literal("National Science Foundation")
    assert g.value(funder, SDO.sameAs) == URIRef("https://ror.org/021nxhr62")
    assert "Kelp watch" in str(g.value(ds, SRC["eml/dataset/project"]))  # project title and personnel kept
    assert rec.findings == []
