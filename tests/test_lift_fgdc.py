"""FGDC CSDGM lifter, run on the real FGDC records in ../shared/corpus/.

Folders: ckanext-geodatagov's samples (USGS Watershed Boundary service, the US Topo and Historical
Topo collections), the data.gov harvester's WAF fixtures (four National Map base-map services and
three retitled copies) and SlenderNodes' two examples (NM EPSCoR 1998, a USGS BDP data release).
The cases no corpus record has, and the hostile documents, are written inline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import LiftError
from kg.formats import FORMATS
from kg.lifting import get_lifter, guess_lifter, lifters
from kg.lifting.base import LiftedRecord, creators_of
from kg.namespaces import BASE, LOCN, SDO, SRC, VCARD
from tests.conftest import CORPUS, SHARED, corpus_path
from tests.golden_util import assert_golden

FGDC = get_lifter("fgdc-csdgm")
GEODATAGOV = "ckanext-geodatagov-samples"
WBD = f"{GEODATAGOV}/ckanext/geodatagov/tests/data-samples/waf-fgdc/fgdc-csdgm_sample.xml"
US_TOPO = f"{GEODATAGOV}/collection_metadata/USGS_US_Topo_Map_Collection.xml"
HISTORICAL = f"{GEODATAGOV}/collection_metadata/USGS_Historical_Topographic_Map_Collection.xml"
WAF = "datagov-harvester-fixtures/example_data/waf"
EPSCOR = "slendernodes-sosorg/other_xml/fgdc_std_001_1998_example.xml"
BDP = "slendernodes-sosorg/other_xml/fgdc_std_001_1_1999_example.xml"
# Every FGDC file of the corpus (each holds one record).
FGDC_FILES = [
    WBD,
    US_TOPO,
    HISTORICAL,
    f"{WAF}/USGSHydroCached.xml",
    f"{WAF}/USGSImageryOnly.xml",
    f"{WAF}/USGSImageryTopo.xml",
    f"{WAF}/USGSShadedReliefOnly.xml",
    f"{WAF}/browse/USGSHydroCached.xml",
    f"{WAF}/browse/more/USGSShadedReliefOnly.xml",
    f"{WAF}/other/USGSImageryOnly.xml",
    EPSCOR,
    BDP,
]
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
TOPICS = "http://inspire.ec.europa.eu/metadata-codelist/TopicCategory/"


def lift_bytes(data: bytes, name: str, source: str = "fgdc-test") -> list[LiftedRecord]:
    records = []
    for piece in FGDC.split(data, source_file=name):
        if isinstance(piece, LiftError):
            raise piece
        records.append(FGDC.lift(piece, source=source))
    return records


def lift_one(relative: str, source: str = "fgdc-test") -> LiftedRecord:
    path = corpus_path(relative)
    [record] = lift_bytes(path.read_bytes(), path.name, source)
    return record


def values(rec: LiftedRecord, prop: URIRef, subject: URIRef | None = None) -> set[str]:
    return {str(o) for o in rec.graph.objects(subject or rec.dataset, prop)}


def one(rec: LiftedRecord, prop: URIRef, subject: URIRef | None = None) -> object:
    [value] = rec.graph.objects(subject or rec.dataset, prop)
    return value


# --- 1. golden graphs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "golden"),
    [
        (BDP, "fgdc-usgs-hydroclimate-bdp"),
        (EPSCOR, "fgdc-nm-epscor-watershed-tapes"),
        (WBD, "fgdc-usgs-wbd-map-service"),
        (US_TOPO, "fgdc-usgs-us-topo-collection"),
    ],
)
def test_golden(relative: str, golden: str) -> None:
    assert_golden(lift_one(relative).graph, golden)


# --- 2. every real file lifts, is detected, and gets an identity -----------------------------------


@pytest.mark.parametrize("relative", FGDC_FILES)
def test_every_corpus_file_lifts_with_a_title_and_identifier(relative: str) -> None:
    path = corpus_path(relative)
    data = path.read_bytes()
    assert guess_lifter(data, path.name) is FGDC
    [rec] = lift_bytes(data, path.name)
    g, ds = rec.graph, rec.dataset
    assert (ds, RDF.type, DCAT.Dataset) in g
    assert g.value(ds, DCTERMS.title) is not None
    assert g.value(ds, DCTERMS.identifier) == Literal(rec.raw.local_id)
    assert g.value(ds, DCTERMS.description) is not None
    assert g.value(ds, DCTERMS.creator) is not None
    assert g.value(ds, DCAT.contactPoint) is not None
    assert g.value(g.value(ds, DCTERMS.spatial), RDF.type) == DCTERMS.Location
    for s, _, o in g:  # no blank nodes anywhere
        assert isinstance(s, URIRef) and isinstance(o, URIRef | Literal)
    # nothing dropped: the metadata standard name is a field we keep, not map
    assert values(rec, SRC["fgdc-csdgm/metainfo/metstdv"])


def test_format_is_registered() -> None:
    assert FORMATS["fgdc-csdgm"] is FGDC.format
    assert FGDC.format.label.startswith("FGDC Content Standard for Digital Geospatial Metadata")


def test_detection_claims_exactly_the_fgdc_files_and_nothing_twice() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not available at {CORPUS}")
    expected = {CORPUS / relative for relative in FGDC_FILES}
    claimed: set[Path] = set()
    files = [p for p in sorted(SHARED.rglob("*")) if p.is_file()]
    assert len(files) > 300
    for path in files:
        data = path.read_bytes()
        score = FGDC.detect(data, path.name)
        claims = [lifter for lifter in lifters() if lifter.detect(data, path.name) >= 0.5]
        if score >= 0.5:
            claimed.add(path)
            assert claims == [FGDC], path  # no other lifter claims an FGDC file
            assert guess_lifter(data, path.name) is FGDC
        else:
            assert guess_lifter(data, path.name) is not FGDC, path
    assert claimed == expected
    # the XML whose root is an un-namespaced <metadata> but is not FGDC: ArcGIS (ISO-style) metadata
    esri = corpus_path("slendernodes-sosorg/other_xml/nkn_A62BEE88-8F92-4649-BC8D-BC56CE96AE2B_metadata.xml")
    assert FGDC.detect(esri.read_bytes(), esri.name) == 0.0
    onedcx = corpus_path("slendernodes-sosorg/other_xml/onedcx_v1p0_example.xml")  # namespaced <metadata>
    assert FGDC.detect(onedcx.read_bytes(), onedcx.name) == 0.0


def test_identity_is_stable_and_distinct_for_services_sharing_a_portal_link() -> None:
    services = [lift_one(f"{WAF}/{name}") for name in ("USGSImageryOnly.xml", "USGSShadedReliefOnly.xml")]
    services.append(lift_one(WBD))
    # all three cite the same viewer as their online linkage ...
    assert {str(r.graph.value(r.dataset, DCAT.landingPage)) for r in services} == {"https://viewer.nationalmap.gov"}
    # ... and are still three datasets
    assert len({r.dataset for r in services}) == 3
    assert services[0].raw.local_id == (
        "USGS Imagery Only Base Map Service from The National Map <https://viewer.nationalmap.gov>"
    )
    # the same bytes under another file name are the same dataset
    path = corpus_path(f"{WAF}/USGSImageryOnly.xml")
    [again] = lift_bytes(path.read_bytes(), "renamed/elsewhere.xml")
    assert again.dataset == services[0].dataset and again.key == services[0].key
    # the harvester's retitled copy ("... (duplicate)") is another record
    assert lift_one(f"{WAF}/other/USGSImageryOnly.xml").dataset != services[0].dataset


# --- 3. facts a user would notice, on real records ------------------------------------------------


def test_usgs_data_release_doi_people_keywords_and_sources() -> None:
    rec = lift_one(BDP)
    g, ds = rec.graph, rec.dataset
    assert rec.findings == []
    assert ds == URIRef("https://doi.org/10.5066/p9o9eb1c")  # from citeinfo/onlink
    assert values(rec, DCTERMS.identifier) == {"10.5066/p9o9eb1c"}
    assert values(rec, DCAT.landingPage) == {"https://doi.org/10.5066/P9O9EB1C"}
    assert g.value(ds, DCTERMS.issued) == Literal("2018-12-01", datatype=XSD.date)
    assert g.value(ds, DCTERMS.modified) == Literal("2018-11-19", datatype=XSD.date)  # metainfo/metd
    creators = set(creators_of(g, ds))
    usgs = URIRef(f"{BASE}agent/u.s.-geological-survey")
    assert usgs in creators and (usgs, RDF.type, FOAF.Organization) in g
    people = {str(g.value(c, FOAF.name)) for c in creators if (c, RDF.type, FOAF.Person) in g}
    assert people == {"Jay Alder", "Steve Hostetler"}
    # bounding box and period
    spatial = next(s for s in g.objects(ds, DCTERMS.spatial) if g.value(s, DCAT.bbox) is not None)
    assert g.value(spatial, DCAT.bbox) == Literal(
        "POLYGON((-125.969 23.4062, -66.0312 23.4062, -66.0312 53.9688, -125.969 53.9688, -125.969 23.4062))",
        datatype=WKT,
    )
    assert g.value(spatial, LOCN.geographicName) == Literal("Contiguous United States")  # spdom/descgeog
    period = one(rec, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("1950-01-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2099-12-31", datatype=XSD.date)
    # keywords: "None" thesaurus gives keywords only; "USGS Thesaurus" also themes in its scheme
    assert {"BCSD", "runoff", "United States"} <= values(rec, DCAT.keyword)
    scheme = URIRef(f"{BASE}concept/fgdc/usgs-thesaurus")
    assert (scheme, DCTERMS.title, Literal("USGS Thesaurus")) in g
    themed = {str(g.value(t, SKOS.prefLabel)) for t in g.objects(ds, DCAT.theme) if g.value(t, SKOS.inScheme) == scheme}
    assert themed == {"runoff", "hydrologic processes", "snow and ice cover", "effects of climate change"}
    assert not any(str(g.value(t, SKOS.prefLabel)) == "BCSD" for t in g.objects(ds, DCAT.theme))
    # contact, lineage and the DOI-cited sources
    contact = one(rec, DCAT.contactPoint)
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:jalder@usgs.gov")
    assert g.value(contact, VCARD.fn) == Literal("Jay Alder")
    assert g.value(contact, VCARD.title) == Literal("Physical Scientist")
    steps = [g.value(p, RDFS.label) for p in g.objects(ds, DCTERMS.provenance)]
    assert len(steps) == 2 and any("scaled integers" in str(s) for s in steps)
    assert values(rec, PROV.wasDerivedFrom) == {
        "https://doi.org/10.1002/2013eo370002",
        "https://doi.org/10.1175/jhm-d-14-0082.1",
        "https://doi.org/10.1002/joc.2312",
    }
    assert "No formal attribute accuracy tests" in str(g.value(ds, SRC["fgdc-csdgm/dataqual"]))


def test_nm_epscor_download_times_and_places() -> None:
    rec = lift_one(EPSCOR)
    g, ds = rec.graph, rec.dataset
    assert rec.findings == []
    [dist] = g.objects(ds, DCAT.distribution)  # the second onlink is the networkr: one distribution
    url = URIRef("https://gstore.unm.edu/dataone/v1/object/5c72ce97-8f60-4d40-88bc-6bdb4c2b3838")
    assert g.value(dist, DCAT.downloadURL) == url and g.value(dist, DCAT.accessURL) == url
    assert g.value(g.value(dist, DCTERMS.format), RDFS.label) == Literal("ZIP")
    period = one(rec, DCTERMS.temporal)
    assert g.value(period, DCAT.startDate) == Literal("2005-04-02", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2005-09-02", datatype=XSD.date)
    assert values(rec, SRC["fgdc-csdgm/begtime"], period) == {"Unknown"}
    places = {
        str(g.value(s, LOCN.geographicName)) for s in g.objects(ds, DCTERMS.spatial) if g.value(s, DCAT.bbox) is None
    }
    assert places == {"Northern New Mexico", "Taos County", "Rio Arriba County", "New Mexico"}
    gnis = URIRef(f"{BASE}concept/fgdc/gnis")
    assert all(
        g.value(s, SKOS.inScheme) == gnis for s in g.objects(ds, DCTERMS.spatial) if g.value(s, DCAT.bbox) is None
    )
    assert URIRef(f"{TOPICS}society") in set(g.objects(ds, DCAT.theme))  # "ISO 19115 Topic Category"
    assert g.value(ds, DCTERMS.accrualPeriodicity) is None  # "As Needed" has no Dublin Core frequency
    assert values(rec, SRC["fgdc-csdgm/idinfo/status/update"]) == {"As Needed"}
    attribution = one(rec, PROV.qualifiedAttribution)
    assert g.value(attribution, PROV.agent) == URIRef(f"{BASE}agent/earth-data-analysis-center")
    assert str(g.value(attribution, DCAT.hadRole)).endswith("/ResponsiblePartyRole/distributor")


def test_wbd_service_with_the_fgdc_dtd_lifts_and_services_are_not_downloads() -> None:
    path = corpus_path(WBD)
    assert b'<!DOCTYPE metadata SYSTEM "https://thor-f5.er.usgs.gov' in path.read_bytes()
    rec = lift_one(WBD)
    g, ds = rec.graph, rec.dataset
    assert values(rec, SRC["fgdc-csdgm/DOCTYPE"]) == {
        "https://thor-f5.er.usgs.gov/ngtoc/metadata/fgdc-std-001-1998.dtd"
    }
    assert g.value(ds, DCTERMS.issued) == Literal("2017", datatype=XSD.gYear)
    assert g.value(ds, DCTERMS.publisher) == URIRef(
        f"{BASE}agent/usgs---national-geospatial-technical-operations-center-ngtoc"
    )
    distributions = list(g.objects(ds, DCAT.distribution))
    services = {str(g.value(d, DCAT.accessURL)) for d in distributions if g.value(d, DCTERMS.format) is not None}
    assert services == {
        "https://hydro.nationalmap.gov/arcgis/rest/services/wbd/MapServer",
        "https://hydro.nationalmap.gov/arcgis/services/wbd/MapServer/WMSServer?request=GetCapabilities&service=WMS",
    }
    assert all(g.value(d, DCAT.downloadURL) is None for d in distributions)
    assert URIRef("http://www.opengeospatial.org/standards/wms") in {
        g.value(d, DCTERMS.conformsTo) for d in distributions
    }
    # the second citation onlink (a poster) is a distribution of its own
    assert "https://nhd.usgs.gov/NHDv2.2_poster_052714.pdf" in {str(g.value(d, DCAT.accessURL)) for d in distributions}
    assert URIRef(f"{TOPICS}inlandWaters") in set(g.objects(ds, DCAT.theme))  # "19115 Topic Category"
    # no ptcontac: the metadata contact is the contact point
    contact = one(rec, DCAT.contactPoint)
    assert g.value(contact, VCARD.fn) == Literal(
        "U.S. Geological Survey, National Geospatial Technical Operations Center"
    )
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:tnm_help@usgs.gov")
    box = next(s for s in g.objects(ds, DCTERMS.spatial) if g.value(s, DCAT.bbox) is not None)
    assert "-179.999 17.625" in str(g.value(box, DCAT.bbox))


def test_us_topo_collection_reports_a_url_given_as_email() -> None:
    rec = lift_one(US_TOPO)  # starts with a UTF-8 byte order mark
    g, ds = rec.graph, rec.dataset
    [finding] = rec.findings
    assert finding.field == "/metadata/metainfo/metc/cntinfo/cntemail"
    assert finding.source_file == "USGS_US_Topo_Map_Collection.xml"
    assert "'http://www.usgs.gov/ask/' is not an e-mail address" in finding.message
    contact = one(rec, DCAT.contactPoint)
    assert g.value(contact, VCARD.hasURL) == URIRef("http://www.usgs.gov/ask/")
    assert g.value(contact, VCARD.hasEmail) is None
    assert values(rec, DCTERMS.accrualPeriodicity) == {"http://purl.org/cld/freq/irregular"}
    period = one(rec, DCTERMS.temporal)
    assert (g.value(period, DCAT.startDate), g.value(period, DCAT.endDate)) == (
        Literal("2009", datatype=XSD.gYear),
        Literal("2013", datatype=XSD.gYear),
    )
    assert g.value(ds, DCAT.distribution) is None  # no digital form: nothing to download


# --- 4. cases no corpus record has ------------------------------------------------------------------

FULL = """<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <idinfo>
    <citation><citeinfo>
      <origin>Unknown</origin>
      <origin>Ada Lovelace</origin>
      <origin>NOAA</origin>
      <pubdate>Unpublished material</pubdate>
      <title>Kelp   forest
        survey</title>
      <edition>2</edition>
      <onlink>not a url</onlink>
      <onlink>https://example.org/data/kelp.csv</onlink>
      <lworkcit><citeinfo><title>Kelp program</title><othercit>doi:10.1234/PARENT</othercit></citeinfo></lworkcit>
    </citeinfo></citation>
    <descript>
      <abstract>First paragraph,
        wrapped.

        Second paragraph.</abstract>
      <purpose>Monitoring.</purpose>
    </descript>
    <timeperd><timeinfo><rngdates>
      <begdate>20200115</begdate><begtime>1230Z</begtime><enddate>Present</enddate>
    </rngdates></timeinfo></timeperd>
    <timeperd><timeinfo><mdattim>
      <sngdate><caldate>2019</caldate></sngdate>
      <sngdate><caldate>20190230</caldate></sngdate>
    </mdattim></timeinfo></timeperd>
    <status><progress>In work</progress><update>Monthly</update></status>
    <spdom>
      <bounding><westbc>-200</westbc><eastbc>10</eastbc><northbc>5</northbc><southbc>1</southbc></bounding>
      <bounding><westbc>-124.5</westbc><eastbc>-123</eastbc><northbc>45</northbc><southbc>44.25</southbc></bounding>
    </spdom>
    <keywords>
      <theme><themekt>ISO 19115 Topic Category</themekt><themekey>oceans</themekey><themekey>kelp</themekey></theme>
      <stratum><stratkt>None</stratkt><stratkey>subtidal</stratkey></stratum>
      <temporal><tempkt>Seasons</tempkt><tempkey>summer</tempkey></temporal>
    </keywords>
    <accconst>None</accconst>
    <useconst>Licensed under https://creativecommons.org/licenses/by/4.0/. Cite the survey.</useconst>
    <ptcontac><cntinfo>
      <cntperp><cntper>Ada Lovelace</cntper><cntorg>Marine Lab</cntorg></cntperp>
      <cntemail>ada at example dot org</cntemail>
    </cntinfo></ptcontac>
    <crossref><citeinfo><title>Paper</title><onlink>https://doi.org/10.1234/PAPER</onlink></citeinfo></crossref>
  </idinfo>
  <eainfo><detailed>
    <enttyp><enttypl>kelp.csv</enttypl></enttyp>
    <attr><attrlabl>stipes</attrlabl><attrdef>Stipe count</attrdef>
      <attrdomv><rdom><rdommin>0</rdommin><rdommax>250.5</rdommax><attrunit>count</attrunit></rdom></attrdomv>
    </attr>
    <attr><attrdef>no label</attrdef></attr>
  </detailed></eainfo>
  <distinfo><stdorder>
    <digform><digtinfo><formname>Shapefile</formname></digtinfo>
      <digtopt><onlinopt><computer><networka><networkr>ftp.example.gov/kelp</networkr></networka></computer>
      </onlinopt></digtopt></digform>
    <digform><digtinfo><formname>text/csv</formname></digtinfo>
      <digtopt><onlinopt><computer><networka><networkr>https://example.org/data/kelp.csv</networkr></networka>
      </computer></onlinopt></digtopt></digform>
  </stdorder></distinfo>
  <metainfo><metd>2021</metd></metainfo>
</metadata>
"""


def test_inline_record_with_what_the_corpus_lacks() -> None:
    [rec] = lift_bytes(FULL.encode(), "kelp.xml")
    g, ds = rec.graph, rec.dataset
    # identity: the first onlink string with the title's slug
    assert rec.raw.local_id == "Kelp forest survey <not a url>"
    assert g.value(ds, DCTERMS.title) == Literal("Kelp forest survey")
    assert g.value(ds, DCTERMS.description) == Literal("First paragraph, wrapped.\n\nSecond paragraph.")
    fields = {f.field: f for f in rec.findings}
    assert set(fields) == {
        "/metadata/idinfo/citation/citeinfo/origin[1]",
        "/metadata/idinfo/citation/citeinfo/pubdate",
        "/metadata/idinfo/citation/citeinfo/onlink[1]",
        "/metadata/idinfo/timeperd[2]/timeinfo/mdattim/sngdate[2]/caldate",
        "/metadata/idinfo/spdom/bounding[1]",
        "/metadata/idinfo/ptcontac/cntinfo/cntemail",
        "/metadata/distinfo/stdorder/digform[1]/digtopt/onlinopt/computer/networka/networkr",
    }
    assert all(f.source_file == "kelp.xml" and f.fix for f in rec.findings)
    # originators: "Unknown" reported and kept, a person, an acronym organisation
    creators = set(creators_of(g, ds))
    assert URIRef(f"{BASE}agent/noaa") in creators
    assert {str(g.value(c, FOAF.name)) for c in creators} == {"Ada Lovelace", "NOAA"}
    assert values(rec, SRC["fgdc-csdgm/idinfo/citation/citeinfo/origin"]) == {"Unknown"}
    assert g.value(ds, DCTERMS.issued) is None
    assert values(rec, SRC["fgdc-csdgm/idinfo/citation/citeinfo/pubdate"]) == {"Unpublished material"}
    assert values(rec, SRC["fgdc-csdgm/idinfo/citation/citeinfo/edition"]) == {"2"}
    assert values(rec, DCTERMS.isPartOf) == {"https://doi.org/10.1234/parent"}
    assert values(rec, DCTERMS.relation) == {"https://doi.org/10.1234/paper"}
    # an open-ended range with a time of day; multiple single dates, one of them impossible
    periods = {str(g.value(p, DCAT.startDate)): p for p in g.objects(ds, DCTERMS.temporal)}
    assert set(periods) == {"2020-01-15T12:30:00+00:00", "2019"}
    running = periods["2020-01-15T12:30:00+00:00"]
    assert g.value(running, DCAT.startDate).datatype == XSD.dateTime
    assert g.value(running, DCAT.endDate) is None
    assert values(rec, SRC["fgdc-csdgm/enddate"], running) == {"Present"}
    assert g.value(periods["2019"], DCAT.endDate) == Literal("2019", datatype=XSD.gYear)
    assert values(rec, DCTERMS.accrualPeriodicity) == {"http://purl.org/cld/freq/monthly"}
    # the out-of-range box is reported and kept; the good one lifted
    [box] = [g.value(s, DCAT.bbox) for s in g.objects(ds, DCTERMS.spatial) if g.value(s, DCAT.bbox) is not None]
    assert str(box) == "POLYGON((-124.5 44.25, -123.0 44.25, -123.0 45.0, -124.5 45.0, -124.5 44.25))"
    assert "-200" in str(g.value(ds, SRC["fgdc-csdgm/idinfo/spdom/bounding"]))
    # keywords of every kind; a topic code and a plain word under the topic thesaurus
    assert {"oceans", "kelp", "subtidal", "summer"} <= values(rec, DCAT.keyword)
    themes = set(g.objects(ds, DCAT.theme))
    assert URIRef(f"{TOPICS}oceans") in themes
    assert URIRef(f"{BASE}concept/fgdc/iso-19115-topic-category/kelp") in themes
    assert "Seasons" in str(g.value(ds, SRC["fgdc-csdgm/idinfo/keywords/temporal"]))
    # rights and licence
    assert values(rec, DCTERMS.license) == {"https://creativecommons.org/licenses/by/4.0/"}
    assert "Cite the survey" in str(g.value(g.value(ds, DCTERMS.rights), RDFS.label))
    assert g.value(g.value(ds, DCTERMS.accessRights), RDFS.label) == Literal("None")
    contact = one(rec, DCAT.contactPoint)
    assert g.value(contact, VCARD["organization-name"]) == Literal("Marine Lab")
    assert values(rec, SRC["fgdc-csdgm/cntemail"], contact) == {"ada at example dot org"}
    # attributes; the one without a label is kept
    [variable] = g.objects(ds, SDO.variableMeasured)
    assert g.value(variable, SDO.name) == Literal("stipes")
    assert g.value(variable, SDO.unitText) == Literal("count")
    assert g.value(variable, SDO.minValue) == Literal("0", datatype=XSD.integer)
    assert g.value(variable, SDO.maxValue) == Literal("250.5", datatype=XSD.decimal)
    assert "no label" in str(g.value(ds, SRC["fgdc-csdgm/eainfo/detailed/attr"]))
    assert "kelp.csv" in str(g.value(ds, SRC["fgdc-csdgm/eainfo/detailed/enttyp"]))
    # distributions: the invalid networkr form is kept; the CSV one is a download with an IANA type
    [dist] = [d for d in g.objects(ds, DCAT.distribution) if g.value(d, DCTERMS.format) is not None]
    assert g.value(dist, DCAT.downloadURL) == URIRef("https://example.org/data/kelp.csv")
    assert g.value(dist, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert "ftp.example.gov/kelp" in str(g.value(ds, SRC["fgdc-csdgm/distinfo/stdorder/digform"]))
    # the onlink equal to the networkr is not a second distribution
    assert len(list(g.objects(ds, DCAT.distribution))) == 1
    assert g.value(ds, DCTERMS.modified) == Literal("2021", datatype=XSD.gYear)


def record(idinfo_extra: str = "", citeinfo: str = "<title>T</title>", rest: str = "") -> bytes:
    return (
        f"<metadata><idinfo>{idinfo_extra}<citation><citeinfo>{citeinfo}</citeinfo></citation>"
        f"<descript><abstract>A</abstract></descript></idinfo>{rest}</metadata>"
    ).encode()


def test_identity_order_doi_then_dataset_id_then_onlink() -> None:
    doi_in_othercit = record(citeinfo="<title>T</title><othercit>Cite as doi:10.5555/ABC</othercit>")
    [rec] = lift_bytes(doi_in_othercit, "a.xml")
    assert rec.dataset == URIRef("https://doi.org/10.5555/abc")
    with_id = record("<datsetid>gov.noaa.ngdc:123</datsetid>", "<title>T</title><onlink>https://x.org/</onlink>")
    [rec] = lift_bytes(with_id, "b.xml")
    assert rec.raw.local_id == "gov.noaa.ngdc:123" and values(rec, DCTERMS.identifier) == {"gov.noaa.ngdc:123"}
    networkr_only = record(
        rest="<distinfo><stdorder><digform><digtopt><onlinopt><computer><networka><networkr>https://x.org/d.zip"
        "</networkr></networka></computer></onlinopt></digtopt></digform></stdorder></distinfo>"
    )
    [rec] = lift_bytes(networkr_only, "c.xml")
    assert rec.raw.local_id == "T <https://x.org/d.zip>"
    [error] = list(FGDC.split(record(), source_file="no-id.xml"))
    assert isinstance(error, LiftError)
    assert (error.source_file, error.record, error.field) == (
        "no-id.xml",
        "no-id.xml",
        "/metadata/idinfo/citation/citeinfo/onlink",
    )


def test_missing_title_and_abstract_are_reported() -> None:
    doc = b"<metadata><idinfo><citation><citeinfo><onlink>https://x.org/a</onlink></citeinfo></citation></idinfo></metadata>"
    [rec] = lift_bytes(doc, "bare.xml")
    assert {f.field for f in rec.findings} == {
        "/metadata/idinfo/citation/citeinfo/title",
        "/metadata/idinfo/descript/abstract",
    }
    assert rec.raw.local_id == "https://x.org/a"


def test_wrong_roots_are_lift_errors_naming_the_field() -> None:
    onedcx = corpus_path("slendernodes-sosorg/other_xml/onedcx_v1p0_example.xml")
    with pytest.raises(LiftError, match=r"onedcx_v1p0_example.xml, field /metadata: root element is <metadata> in"):
        list(FGDC.split(onedcx.read_bytes(), source_file=onedcx.name))
    esri = corpus_path("slendernodes-sosorg/other_xml/nkn_A62BEE88-8F92-4649-BC8D-BC56CE96AE2B_metadata.xml")
    with pytest.raises(LiftError, match=r"field /metadata/idinfo: the <metadata> document has no <idinfo>"):
        list(FGDC.split(esri.read_bytes(), source_file=esri.name))
    iso = corpus_path("slendernodes-sosorg/iso19139/arm_doc1.xml")
    with pytest.raises(LiftError, match=r"arm_doc1.xml, field /MD_Metadata: root element is <MD_Metadata>"):
        list(FGDC.split(iso.read_bytes(), source_file=iso.name))


def test_every_leaf_replaced_by_junk_still_lifts() -> None:
    """No value a publisher can write makes the lifter raise anything but a LiftError."""
    from lxml import etree

    path = corpus_path(BDP)
    for junk in ("", "x", "-1e999", "99999999", "Present", "Unknown", "mailto:", "https://"):
        root = etree.fromstring(path.read_bytes())
        for leaf in root.iter():
            if len(leaf) == 0:
                leaf.text = junk
        data = etree.tostring(root)
        pieces = list(FGDC.split(data, source_file="junk.xml"))
        for piece in pieces:
            if not isinstance(piece, LiftError):
                FGDC.lift(piece, source="junk")


# --- 5. hostile XML ----------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE metadata [
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
<metadata><idinfo><citation><citeinfo><title>&lol9;</title><onlink>https://x.org/</onlink></citeinfo>
</citation></idinfo></metadata>
"""
BODY = "<metadata><idinfo><citation><citeinfo><title>{title}</title><onlink>https://x.org/</onlink></citeinfo></citation></idinfo></metadata>"


def hostile_documents(base: str, secret: Path) -> dict[str, bytes]:
    latin1 = f'<?xml version="1.0" encoding="UTF-8"?>{BODY.format(title="Año")}'.encode("latin-1")
    deep = "<metadata><idinfo>" + "<x>" * 5000 + "</x>" * 5000 + "</idinfo></metadata>"
    truncated = corpus_path(BDP).read_bytes()[:5000]
    return {
        "billion-laughs": BILLION_LAUGHS.encode(),
        "file-entity": f'<!DOCTYPE metadata [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>{BODY.format(title="&xxe;")}'.encode(),
        "http-entity": f'<!DOCTYPE metadata [<!ENTITY xxe SYSTEM "{base}/entity">]>{BODY.format(title="&xxe;")}'.encode(),
        "parameter-entity": f'<!DOCTYPE metadata [<!ENTITY % p SYSTEM "{base}/p.dtd"> %p;]>{BODY.format(title="T")}'.encode(),
        "external-dtd": f'<!DOCTYPE metadata SYSTEM "{base}/evil.dtd">{BODY.format(title="T")}'.encode(),
        # named like the FGDC DTD (so not fetched, not loaded): the entity it would define stays undefined
        "fgdc-named-dtd-entity": f'<!DOCTYPE metadata SYSTEM "{base}/fgdc-std-001-1998.dtd">{BODY.format(title="&leak;")}'.encode(),
        "internal-dtd": f"<!DOCTYPE metadata [<!ATTLIST title lang CDATA 'xx'>]>{BODY.format(title='T')}".encode(),
        "truncated": truncated,
        "latin1-declared-utf8": latin1,
        "deep-nesting": deep.encode(),
        "empty": b"",
        "whitespace": b"  \n",
    }


def test_hostile_documents_are_lift_errors_and_nothing_is_fetched(
    tmp_path: Path, counting_server: tuple[str, list[str]]
) -> None:
    base, requests = counting_server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT", encoding="utf-8")
    for name, data in hostile_documents(base, secret).items():
        with pytest.raises(LiftError) as caught:
            for piece in FGDC.split(data, source_file=f"{name}.xml"):
                if not isinstance(piece, LiftError):
                    FGDC.lift(piece, source="hostile")
        error = caught.value
        assert error.source_file == f"{name}.xml", name
        assert error.field, name
        assert "TOP-SECRET" not in str(error) and "LEAKED" not in str(error), name
    assert requests == []


def test_hostile_fgdc_documents_are_routed_to_this_lifter(tmp_path: Path) -> None:
    # so that the error the user sees is this lifter's, naming the file and the field
    data = BILLION_LAUGHS.encode()
    assert guess_lifter(data, "laughs.xml") is FGDC
    with pytest.raises(LiftError, match=r"laughs.xml, field DOCTYPE: the document declares XML entities"):
        list(FGDC.split(data, source_file="laughs.xml"))
    with pytest.raises(LiftError, match=r"broken.xml, field /metadata: not well-formed XML at line 1"):
        list(FGDC.split(b"<metadata><idinfo></metadata>", source_file="broken.xml"))


def test_fgdc_dtd_is_never_fetched_and_the_record_lifts(counting_server: tuple[str, list[str]]) -> None:
    base, requests = counting_server
    data = f'<?xml version="1.0"?>\n<!DOCTYPE metadata SYSTEM "{base}/fgdc-std-001-1998.dtd">\n{BODY.format(title="T")}'
    [rec] = lift_bytes(data.encode(), "dtd.xml")
    assert rec.graph.value(rec.dataset, DCTERMS.title) == Literal("T")
    assert requests == []


# --- 6. the pipeline ---------------------------------------------------------------------------------


def test_pipeline_ingests_the_waf_folder(tmp_path: Path) -> None:
    from kg.pipeline import Ingestor

    folder = corpus_path(WAF)
    result = Ingestor(tmp_path).ingest([folder])
    assert [str(e) for e in result.errors] == []
    assert result.records == result.stored == 7  # 4 services and 3 retitled copies
